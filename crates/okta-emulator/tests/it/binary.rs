//! The `okta-emulator` binary itself.

use std::io::BufRead as _;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_okta-emulator");

/// Kills the emulator when the test ends, passing or failing.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn it_starts_prints_its_url_and_writes_the_token_0600() {
    let dir = std::env::temp_dir().join(format!("okta-emulator-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    let mut child = Running(
        Command::new(BIN)
            .args([
                "--users",
                "7",
                "--write-token-file",
                token_file.to_str().unwrap(),
                "--faults",
                "users:503:next=1",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = std::io::BufReader::new(child.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("okta-emulator listening on ")
        .unwrap()
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    let token = std::fs::read_to_string(&token_file)
        .unwrap()
        .trim()
        .to_owned();
    assert!(!token.is_empty());
    assert!(
        second.contains("mode 0600") && !second.contains(&token),
        "the token is not printed: {second}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&token_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let auth = format!("SSWS {token}");
    assert_eq!(
        crate::get(&format!("{url}/api/v1/users"), &[("Authorization", &auth)]).status,
        503,
        "the fault from the command line"
    );
    assert_eq!(
        crate::get(&format!("{url}/api/v1/users"), &[("Authorization", &auth)])
            .json()
            .as_array()
            .unwrap()
            .len(),
        7
    );
    drop(child);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [
        &["--fault", "users:teapot"][..],
        &["--rate-limit", "1,2"],
        &["--dpop", "sometimes"],
        &["--nope"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for flag in [
        "--port",
        "--users",
        "--dpop",
        "--rate-limit",
        "--fault",
        "--write-token-file",
        "--state",
        "--seed",
        "--leeway",
    ] {
        assert!(text.contains(flag), "--help lists {flag}");
    }
}
