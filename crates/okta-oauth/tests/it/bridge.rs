//! `proxy` and `exec`: programs that know only SSWS (curl, a shell script) reach an org whose
//! app requires DPoP; `--learn`, then `scopes --from` and `quickstart --least-privilege --from`
//! make an app for exactly what they used; exit statuses and signals pass through.

use std::io::BufRead as _;
use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{Org, command, ok, run};

/// A script that lists every user through the bridge by following `Link: rel="next"` with
/// curl, reads one user by login, counts them, and keeps what it was given.
const LIST_USERS: &str = r#"set -eu
env > "$1/child.env"
url="$OKTA_CLIENT_ORGURL/api/v1/users?limit=200"
n=0
while [ -n "$url" ]; do
  curl -sf -D "$1/head" -o "$1/page.json" -H "Authorization: SSWS $OKTA_CLIENT_TOKEN" "$url"
  n=$((n + $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$1/page.json")))
  url=$(tr -d '\r' < "$1/head" | sed -n 's/^[Ll]ink: <\([^>]*\)>; rel="next".*/\1/p')
done
curl -sf -H "Authorization: SSWS $OKTA_CLIENT_TOKEN" "$OKTA_CLIENT_ORGURL/api/v1/users/user7@example.com" > /dev/null
echo "$n users"
"#;

fn script(dir: &Path) -> String {
    let path = dir.join("list_users.sh");
    std::fs::write(&path, LIST_USERS).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn exec_gives_a_curl_script_the_dpop_apps_access_and_learns_what_it_used() {
    let org = Org::with_users("exec", 450);
    let env = org.env();
    let dir = org.dir.to_str().unwrap();
    let learned = org.dir.join("calls.ndjson");
    let learn = learned.to_str().unwrap();
    let script = script(&org.dir);
    let out = run(
        &["exec", "--learn", learn, "--", "sh", &script, dir],
        &env,
        None,
    );
    assert_eq!(ok(&out), "450 users\n");
    // The program got the bridge, never the app's key or the admin's API token.
    let child = std::fs::read_to_string(org.dir.join("child.env")).unwrap();
    assert!(
        child.contains("OKTA_CLIENT_ORGURL=http://127.0.0.1:"),
        "{child}"
    );
    assert!(
        child.contains("OKTA_CLIENT_AUTHORIZATIONMODE=SSWS"),
        "{child}"
    );
    assert!(
        !child.contains(org.emulator.admin_token()),
        "the admin token reached the program"
    );
    assert!(!child.contains("OKTA_CLIENT_PRIVATEKEY"), "{child}");
    assert!(!child.contains("OKTA_CLIENT_CLIENTID"), "{child}");
    // Each operation once, as Okta's contract names it: no login or cursor of the run.
    let lines: Vec<Value> = std::fs::read_to_string(&learned)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            serde_json::json!({"method": "GET", "path": "/api/v1/users"}),
            serde_json::json!({"method": "GET", "path": "/api/v1/users/{id}"}),
        ]
    );
    assert_eq!(crate::mode(&learned), 0o600);
    // What it used, then an app with exactly that, which runs the same script.
    let said = ok(&run(&["scopes", "--from", learn], &[], None));
    assert!(said.contains("\nscopes: okta.users.read\n"), "{said}");
    let mut admin: Vec<(&str, &str)> = env
        .iter()
        .copied()
        .filter(|(k, _)| {
            !k.starts_with("OKTA_CLIENT_")
                || *k == "OKTA_CLIENT_ORGURL"
                || *k == "OKTA_CLIENT_TOKEN"
        })
        .collect();
    admin.push(("XDG_CONFIG_HOME", dir));
    let made: Value = serde_json::from_str(&ok(&run(
        &["quickstart", "--least-privilege", "--from", learn, "--json"],
        &admin,
        None,
    )))
    .unwrap();
    let client = made["client_id"].as_str().unwrap();
    let key = made["private_key"].as_str().unwrap();
    let mut app: Vec<(&str, &str)> = admin
        .iter()
        .copied()
        .filter(|(k, _)| *k != "OKTA_CLIENT_TOKEN")
        .collect();
    app.extend([
        ("OKTA_CLIENT_CLIENTID", client),
        ("OKTA_CLIENT_PRIVATEKEY", key),
    ]);
    let out = run(&["exec", "--log", "--", "sh", &script, dir], &app, None);
    assert_eq!(ok(&out), "450 users\n");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("GET /api/v1/users?limit=… 200 ") && log.contains(" okta.users.read"),
        "{log}"
    );
}

#[test]
fn exec_passes_the_programs_exit_status_and_signals_through() {
    let org = Org::with_users("exec-status", 5);
    let env = org.env();
    let out = run(&["exec", "--", "sh", "-c", "exit 7"], &env, None);
    assert_eq!(out.status.code(), Some(7));
    let out = run(&["exec", "--", "sh", "-c", "kill -TERM $$"], &env, None);
    assert_eq!(out.status.signal(), Some(15), "{out:?}");
    // SIGTERM sent to okta-oauth reaches the program, and ends both.
    let mut child = command(&["exec", "--", "sleep", "30"], &env)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(status.signal(), Some(15), "{status:?}");
    let out = run(&["exec", "--", "no-such-program-here"], &env, None);
    crate::fails(&out, 1, "no such program");
}

#[test]
fn proxy_prints_settings_that_work_as_printed_and_logs_no_secret() {
    let org = Org::with_users("proxy", 5);
    let env = org.env();
    let secret_file = org.dir.join("bridge.secret");
    let mut proxy = command(
        &["proxy", "--secret-file", secret_file.to_str().unwrap()],
        &env,
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stdout = std::io::BufReader::new(proxy.stdout.take().unwrap());
    let mut printed = String::new();
    for _ in 0..4 {
        stdout.read_line(&mut printed).unwrap();
    }
    let mut stderr = std::io::BufReader::new(proxy.stderr.take().unwrap());
    let mut said = String::new();
    while !said.contains("Ctrl-C") {
        assert!(stderr.read_line(&mut said).unwrap() > 0, "{said}");
    }
    assert_eq!(crate::mode(&secret_file), 0o600);
    let secret = std::fs::read_to_string(&secret_file).unwrap();
    // The curl it advises, run as printed.
    let curl = said
        .lines()
        .find(|l| l.trim_start().starts_with("curl "))
        .unwrap_or_else(|| panic!("no curl advised: {said}"));
    let out = std::process::Command::new("sh")
        .args(["-c", curl.trim()])
        .output()
        .unwrap();
    let users: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(users.as_array().map(Vec::len), Some(2), "{users}");
    // The exports, run as printed, then a call with them.
    let call = format!(
        "{printed}\ncurl -s -o /dev/null -w '%{{http_code}}' -H \"Authorization: SSWS $OKTA_CLIENT_TOKEN\" \"$OKTA_CLIENT_ORGURL/api/v1/groups\""
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &call])
        .output()
        .unwrap();
    // The app holds no groups grant: the bridge says so, with Okta's refusal.
    assert_eq!(String::from_utf8_lossy(&out.stdout), "403");
    let _ = proxy.kill();
    let _ = proxy.wait();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
    let log = format!("{said}{rest}");
    assert!(log.contains("GET /api/v1/users?limit=… 200 "), "{log}");
    assert!(log.contains("GET /api/v1/groups 403 "), "{log}");
    assert!(log.contains("refused: no_token"), "{log}");
    assert!(!log.contains(secret.trim()), "the secret is in the log");
    assert!(
        !printed.contains(secret.trim()),
        "the secret was printed: {printed}"
    );
}
