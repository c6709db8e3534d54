//! Issue 13: every command right, and safe in the hands of a hurried or hostile user. Each test
//! failed on the main of before.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::{BIN, Org, command, fails, fixture, ok, run, tmp};

/// Runs with stdout a pipe whose reading end is already closed: every write fails with EPIPE.
fn run_into_closed_pipe(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    command(args, env)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    // Item 18: exit 101 and "failed printing to stdout: Broken pipe" on main.
    let key = fixture("keys/p256.test-only.pem");
    let key = key.to_str().unwrap();
    for args in [
        vec!["thumbprint", key],
        vec!["jwks", key],
        vec!["convert", key, "--to", "jwk", "--public"],
    ] {
        let out = run_into_closed_pipe(&args, &[]);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A listing larger than the pipe's buffer, read a little and then closed.
    let org = Org::new("pipe");
    let env = org.env();
    let mut child = command(&["api", "GET", "/api/v1/users?limit=200", "--all"], &env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 200];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn keygen_alg_and_kid_are_what_later_commands_sign_with() {
    // Item 1: on main the PEM lost both; jwks printed RS256 and the token was refused.
    let org = Org::new("keygen-alg");
    let env = org.env();
    let dir = &org.dir;
    let out = run_in_dir(
        dir,
        &[
            "keygen", "--bits", "3072", "--alg", "RS384", "--kid", "my-key-1",
        ],
    );
    let printed: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(printed["keys"][0]["alg"], "RS384");
    assert_eq!(printed["keys"][0]["kid"], "my-key-1");
    let key = dir.join("okta-private-key.json");
    assert!(key.exists(), "a JWK keeps alg and kid");
    let key = key.to_str().unwrap();
    let jwks: Value = serde_json::from_str(&ok(&run(&["jwks", key, "--json"], &[], None))).unwrap();
    assert_eq!(jwks["keys"][0]["alg"], "RS384");
    assert_eq!(jwks["keys"][0]["kid"], "my-key-1");
    // Registered as printed, the key gets a token: the assertion is RS384 with kid my-key-1.
    let app: Value = serde_json::from_str(&ok(&run(
        &["app", "create", "--name", "rs384", "--key", key, "--json"],
        &env,
        None,
    )))
    .unwrap();
    let id = app["id"].as_str().unwrap();
    ok(&run(&["grant", "add", id, "okta.users.read"], &env, None));
    ok(&run(&["role", "assign", id, "READ_ONLY_ADMIN"], &env, None));
    let assertion = ok(&run(
        &["assertion", "--client-id", id, "--private-key", key],
        &env,
        None,
    ));
    let header: Value =
        serde_json::from_slice(&base64_url(assertion.trim().split('.').next().unwrap())).unwrap();
    assert_eq!(
        (header["alg"].as_str(), header["kid"].as_str()),
        (Some("RS384"), Some("my-key-1"))
    );
    ok(&run(
        &[
            "token",
            "--client-id",
            id,
            "--private-key",
            key,
            "--token-cache",
            "none",
        ],
        &env,
        None,
    ));
    // A PEM cannot hold them: refused, saying what to do, and nothing is written.
    let pem = dir.join("k.pem");
    fails(
        &run(
            &["keygen", "--alg", "RS512", "--out", pem.to_str().unwrap()],
            &[],
            None,
        ),
        1,
        "Write a JWK instead",
    );
    assert!(!pem.exists());
    // A PEM registered under another kid: --kid (or OKTA_CLIENT_KID) says so when signing.
    let plain = dir.join("plain.pem");
    let printed: Value = serde_json::from_str(&ok(&run(
        &[
            "keygen",
            "--kty",
            "EC",
            "--out",
            plain.to_str().unwrap(),
            "--json",
        ],
        &[],
        None,
    )))
    .unwrap();
    let mut registered = printed["keys"][0].clone();
    registered["kid"] = "ops-2026".into();
    let jwk_file = dir.join("registered.json");
    std::fs::write(&jwk_file, registered.to_string()).unwrap();
    let app: Value = serde_json::from_str(&ok(&run(
        &[
            "app",
            "create",
            "--name",
            "pem",
            "--key",
            jwk_file.to_str().unwrap(),
            "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    let id = app["id"].as_str().unwrap();
    ok(&run(&["grant", "add", id, "okta.users.read"], &env, None));
    let plain = plain.to_str().unwrap();
    let base = [
        "token",
        "--client-id",
        id,
        "--private-key",
        plain,
        "--token-cache",
        "none",
    ];
    fails(&run(&base, &env, None), 1, "kid \"");
    let mut with_kid = base.to_vec();
    with_kid.extend(["--kid", "ops-2026"]);
    ok(&run(&with_kid, &env, None));
    let mut env_kid = env.clone();
    env_kid.push(("OKTA_CLIENT_KID", "ops-2026"));
    ok(&run(&base, &env_kid, None));
}

fn run_in_dir(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.push("--json");
    crate::run_in(dir, &all, &[])
}

fn base64_url(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

#[test]
fn keygen_out_dash_writes_the_key_to_stdout() {
    // Item 6: on main a file named `-` was written.
    let dir = tmp("keygen-dash");
    let out = crate::run_in(&dir, &["keygen", "--kty", "EC", "--out", "-"], &[]);
    let stdout = ok(&out);
    assert!(
        stdout.starts_with("-----BEGIN PRIVATE KEY-----"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("\"kty\": \"EC\""),
        "the JWKS goes to stderr: {stderr}"
    );
    assert!(!dir.join("-").exists());
}

#[test]
fn a_jwks_file_is_a_key_file_too() {
    // Item 4: on main `member "kty" is missing`.
    let dir = tmp("jwks-file");
    let one = fixture("keys/p256.pub.jwk.test-only.json");
    let two = fixture("keys/p384.pub.jwk.test-only.json");
    let single = dir.join("one.json");
    ok(&run(&["jwks", one.to_str().unwrap()], &[], None));
    std::fs::write(
        &single,
        ok(&run(&["jwks", one.to_str().unwrap()], &[], None)),
    )
    .unwrap();
    let direct = ok(&run(&["thumbprint", one.to_str().unwrap()], &[], None));
    assert_eq!(
        ok(&run(&["thumbprint", single.to_str().unwrap()], &[], None)),
        direct
    );
    let both = dir.join("both.json");
    std::fs::write(
        &both,
        ok(&run(
            &["jwks", one.to_str().unwrap(), two.to_str().unwrap()],
            &[],
            None,
        )),
    )
    .unwrap();
    let both = both.to_str().unwrap();
    fails(
        &run(&["thumbprint", both], &[], None),
        1,
        "choose one with --kid",
    );
    let listed: Value =
        serde_json::from_str(&ok(&run(&["jwks", both, "--json"], &[], None))).unwrap();
    assert_eq!(
        listed["keys"].as_array().unwrap().len(),
        2,
        "jwks takes every key"
    );
    let kid = listed["keys"][0]["kid"].as_str().unwrap();
    assert_eq!(
        ok(&run(&["thumbprint", both, "--kid", kid], &[], None)),
        direct
    );
}

#[test]
fn verify_fetches_a_jwks_url_on_its_own_origin() {
    // Item 3: on main `--jwks URL` demanded --org, and another origin was refused with a
    // message about a next-page link.
    let org = Org::new("verify-url");
    let jwt = crate::access_token_jwt(&org);
    let jwt = jwt.as_str();
    let keys = format!("{}/oauth2/v1/keys", org.emulator.url());
    let loopback = [("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1")];
    let verified = ok(&run(
        &["verify", "--jwks", &keys, "--json"],
        &loopback,
        Some(jwt),
    ));
    assert!(verified.contains("\"verified\":true"), "{verified}");
    // Another org configured: the JWKS URL still decides where the keys come from.
    let other = [
        ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
        ("OKTA_CLIENT_ORGURL", "https://example.okta.com"),
    ];
    ok(&run(&["verify", "--jwks", &keys], &other, Some(jwt)));
    // Plain http elsewhere than loopback stays refused.
    fails(
        &run(
            &["verify", "--jwks", "http://example.com/keys"],
            &[],
            Some(jwt),
        ),
        1,
        "https",
    );
}

#[test]
fn secrets_pasted_where_a_path_belongs_are_never_echoed() {
    // Items 9 and 10: on main clap, the file reader and the path fallback printed them whole.
    let pem = std::fs::read_to_string(fixture("keys/p256.test-only.pem")).unwrap();
    let jwk = std::fs::read_to_string(fixture("keys/p256.jwk.test-only.json")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIwb2ExYjJjM2Q0IiwiZXhwIjoxNzk1NDQ3MDYzfQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMTIzNDU2Nzg5MA";
    let d = serde_json::from_str::<Value>(&jwk).unwrap()["d"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret_bits = [body[20..60].to_owned(), d, jwt[40..].to_owned()];
    let check = |out: &std::process::Output| {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for bit in &secret_bits {
            assert!(!all.contains(bit.as_str()), "echoed: {all}");
        }
        assert_ne!(out.status.code(), Some(0), "{all}");
    };
    let flag = format!("--private-key={pem}");
    let jwk_flag = format!("--private-key={jwk}");
    for args in [
        vec!["token", "--private-key", pem.as_str()],
        vec!["token", flag.as_str()],
        vec!["token", "--private-key", jwk.as_str()],
        vec!["token", jwk_flag.as_str()],
        vec!["decode", jwt],
        vec!["verify", "--jwks", "keys.json", jwt],
        vec!["thumbprint", body.as_str()],
    ] {
        let out = run(&args, &[], None);
        check(&out);
        assert_eq!(out.status.code(), Some(2), "a usage error");
    }
    // The environment holding key text that is neither a PEM nor a JWK.
    let env = [
        ("OKTA_CLIENT_ORGURL", "https://example.okta.com"),
        ("OKTA_CLIENT_CLIENTID", "0oa1b2c3d4e5f6g7h8i9"),
        ("OKTA_CLIENT_PRIVATEKEY", body.as_str()),
    ];
    let out = run(&["token", "--token-cache", "none"], &env, None);
    check(&out);
    let missing_brace = jwk.trim().trim_start_matches('{').to_owned();
    let env = [
        ("OKTA_CLIENT_ORGURL", "https://example.okta.com"),
        ("OKTA_CLIENT_CLIENTID", "0oa1b2c3d4e5f6g7h8i9"),
        ("OKTA_CLIENT_PRIVATEKEY", missing_brace.as_str()),
    ];
    check(&run(&["token", "--token-cache", "none"], &env, None));
}

#[test]
fn key_files_are_read_with_a_cap_and_devices_are_refused() {
    // Item 11: on main `--private-key /dev/zero` grew without bound.
    let started = std::time::Instant::now();
    fails(
        &run(&["thumbprint", "/dev/zero"], &[], None),
        1,
        "not a regular file",
    );
    fails(&run(&["jwks", "/tmp"], &[], None), 1, "not a regular file");
    let dir = tmp("cap");
    let big = dir.join("big.pem");
    std::fs::write(&big, vec![b'A'; 2 * 1024 * 1024]).unwrap();
    fails(
        &run(&["thumbprint", big.to_str().unwrap()], &[], None),
        1,
        "more than 1024 KiB",
    );
    let stdin = "A".repeat(2 * 1024 * 1024);
    fails(
        &run(&["thumbprint", "-"], &[], Some(&stdin)),
        1,
        "standard input holds more",
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn a_custom_authorization_server_can_be_chosen() {
    // Item 2: on main `--org …/oauth2/default` was refused and there was no flag.
    let org = Org::new("custom-server");
    let env: Vec<(&str, &str)> = org
        .env()
        .into_iter()
        .filter(|(k, _)| *k != "OKTA_CLIENT_ORGURL")
        .collect();
    let issuer = format!("{}/oauth2/default", org.emulator.url());
    for args in [
        vec!["token", "--org", issuer.as_str(), "--token-cache", "none"],
        vec![
            "token",
            "--org",
            org.emulator.url(),
            "--authorization-server",
            "default",
            "--token-cache",
            "none",
        ],
    ] {
        org.emulator.clear_events();
        let out = run(&args, &env, None);
        // The custom server was asked (and, as at Okta, it mints no okta.* scope).
        fails(&out, 1, "invalid_scope");
        fails(
            &out,
            1,
            "only the org authorization server mints Okta API scopes",
        );
        let asked: Vec<String> = org
            .emulator
            .events()
            .iter()
            .map(|e| e.path.clone())
            .collect();
        assert!(
            asked.iter().any(|p| p == "/oauth2/default/v1/token"),
            "{asked:?}"
        );
    }
    let both = [
        "token",
        "--org",
        issuer.as_str(),
        "--authorization-server",
        "aus1",
    ];
    fails(&run(&both, &env, None), 1, "names the authorization server");
    // `org` is the org server, as without the flag.
    let mut org_server = env.clone();
    org_server.push(("OKTA_CLIENT_ORGURL", org.emulator.url()));
    ok(&run(
        &[
            "token",
            "--authorization-server",
            "org",
            "--token-cache",
            "none",
        ],
        &org_server,
        None,
    ));
}

#[test]
fn an_encrypted_key_takes_its_passphrase_from_a_file_the_environment_or_the_terminal() {
    // Item 5: on main "give its passphrase", with no way to give one.
    let dir = tmp("passphrase");
    let plain = fixture("keys/rsa2048.test-only.pem");
    let expected = ok(&run(&["thumbprint", plain.to_str().unwrap()], &[], None));
    for name in [
        "rsa2048.encrypted.test-only.pem",
        "p256.legacy-encrypted.test-only.pem",
    ] {
        let encrypted = fixture(&format!("keys/{name}"));
        let encrypted = encrypted.to_str().unwrap();
        fails(
            &run(&["thumbprint", encrypted], &[], None),
            1,
            "--passphrase-file FILE or OKTA_OAUTH_KEY_PASSPHRASE",
        );
        let env = [("OKTA_OAUTH_KEY_PASSPHRASE", "fixture-passphrase")];
        let from_env = ok(&run(&["thumbprint", encrypted], &env, None));
        let file = dir.join("passphrase");
        std::fs::write(&file, "fixture-passphrase\n").unwrap();
        let from_file = ok(&run(
            &[
                "thumbprint",
                encrypted,
                "--passphrase-file",
                file.to_str().unwrap(),
            ],
            &[],
            None,
        ));
        assert_eq!(from_env, from_file);
        if name.starts_with("rsa2048") {
            assert_eq!(from_env, expected, "the same key as the plain fixture");
        }
        let wrong = [("OKTA_OAUTH_KEY_PASSPHRASE", "not-it")];
        fails(
            &run(&["thumbprint", encrypted], &wrong, None),
            1,
            "wrong passphrase",
        );
    }
    // On a terminal it is asked for (util-linux `script` gives the run a pseudo-terminal).
    let encrypted = fixture("keys/rsa2048.encrypted.test-only.pem");
    let mut child = Command::new("script")
        .args([
            "-qec",
            &format!("{BIN} thumbprint {}", encrypted.display()),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` (bsdutils); .ci/run installs it");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"fixture-passphrase\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(screen.contains("Passphrase for"), "{screen}");
    assert!(screen.contains(expected.trim()), "{screen}");
}

#[test]
fn quickstart_keeps_each_orgs_app_and_key_apart() {
    // Item 8: on main a dry run for a real org planned to reuse the local org's app and key.
    let dir = tmp("qs-per-org");
    let state = [("XDG_STATE_HOME", dir.to_str().unwrap())];
    let local: Value =
        serde_json::from_str(&ok(&run(&["quickstart", "--json"], &state, None))).unwrap();
    let local_id = local["client_id"].as_str().unwrap();
    let mut real = state.to_vec();
    real.push(("OKTA_CLIENT_ORGURL", "https://example.okta.com"));
    real.push((
        "OKTA_CLIENT_TOKEN",
        "00dry-run-token-not-used-0000000000000000",
    ));
    let plan = ok(&run(&["quickstart", "--dry-run"], &real, None));
    assert!(
        !plan.contains(local_id),
        "the local app is not planned at another org: {plan}"
    );
    assert!(
        plan.contains("make an EC P-256 key pair"),
        "a new key for a new org: {plan}"
    );
    // The local org's run is reused as before.
    let again: Value =
        serde_json::from_str(&ok(&run(&["quickstart", "--json"], &state, None))).unwrap();
    assert_eq!(again["client_id"], local["client_id"]);
    let qs = dir.join("okta-oauth/quickstart");
    assert!(qs.join("local/quickstart.json").exists());
    assert!(
        !qs.join("example.okta.com").exists(),
        "a dry run writes nothing"
    );
}

#[test]
fn quickstart_moves_a_flat_layout_into_the_orgs_folder() {
    let dir = tmp("qs-migrate");
    let state = [("XDG_STATE_HOME", dir.to_str().unwrap())];
    let first: Value =
        serde_json::from_str(&ok(&run(&["quickstart", "--json"], &state, None))).unwrap();
    // The layout of before: the same files, one level up.
    let qs = dir.join("okta-oauth/quickstart");
    for entry in std::fs::read_dir(qs.join("local")).unwrap() {
        let entry = entry.unwrap();
        std::fs::rename(entry.path(), qs.join(entry.file_name())).unwrap();
    }
    std::fs::remove_dir(qs.join("local")).unwrap();
    let again_out = run(&["quickstart", "--json"], &state, None);
    let again: Value = serde_json::from_str(&ok(&again_out)).unwrap();
    assert_eq!(again["client_id"], first["client_id"], "nothing lost");
    assert!(
        String::from_utf8_lossy(&again_out.stderr).contains("moved the files of the earlier run")
    );
    assert!(!qs.join("service-key.pem").exists());
}

#[test]
fn a_token_cache_readable_by_others_is_warned_about_and_made_private() {
    // Item 17.
    use std::os::unix::fs::PermissionsExt as _;
    let org = Org::new("loose-cache");
    let env = org.env();
    ok(&run(&["token"], &env, None));
    let cache = org.dir.join("okta-oauth/tokens.json");
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&["token", "--json"], &env, None);
    let printed: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(
        printed["from_cache"], false,
        "the exposed token is not used"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("could be read by others (mode 644)"));
    assert_eq!(crate::mode(&cache), 0o600);
}

#[test]
fn rate_limits_far_away_fail_at_once_and_the_trace_shows_every_exchange() {
    // Item 15: on main a far reset cost 3 × 60 s, and -v showed fewer exchanges than were sent.
    use okta_emulator::{Fault, FaultRoute, FaultRule, Reset};
    let org = Org::new("rate-far");
    let env = org.env();
    org.emulator.inject(FaultRule::always(
        FaultRoute::Token,
        Fault::RateLimited(Reset::Far),
    ));
    org.emulator.clear_events();
    let started = std::time::Instant::now();
    let out = run(&["token", "-v", "--token-cache", "none"], &env, None);
    fails(&out, 1, "rate limited by Okta (HTTP 429)");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "no long wait"
    );
    assert_eq!(
        traced_and_sent(&org, &out, "> POST", "/oauth2/v1/token", "token"),
        (1, 1)
    );
    org.emulator.clear_faults();
    // A near reset is waited out; each try is traced and was sent.
    org.emulator.inject(FaultRule::next(
        FaultRoute::Users,
        1,
        Fault::RateLimited(Reset::In(1)),
    ));
    org.emulator.clear_events();
    let out = run(&["api", "GET", "/api/v1/users?limit=2", "-v"], &env, None);
    ok(&out);
    assert_eq!(
        traced_and_sent(&org, &out, "> GET", "/api/v1/users", "users"),
        (2, 2)
    );
}

/// How many `-v` lines of a run name `path`, and how many requests the emulator got at `route`.
fn traced_and_sent(
    org: &Org,
    out: &std::process::Output,
    method: &str,
    path: &str,
    route: &str,
) -> (usize, usize) {
    let traced = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with(method) && l.contains(path))
        .count();
    let sent = org
        .emulator
        .events()
        .iter()
        .filter(|e| e.endpoint == route)
        .count();
    (traced, sent)
}

#[test]
fn completions_and_a_man_page_come_from_the_command_definitions() {
    // Item 19.
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef okta-oauth"),
        ("fish", "complete -c okta-oauth"),
    ] {
        let script = ok(&run(&["completions", shell], &[], None));
        assert!(
            script.contains(marker),
            "{shell}: {}",
            &script[..script.len().min(200)]
        );
        for cmd in ["quickstart", "keygen", "token", "api", "verify"] {
            assert!(script.contains(cmd), "{shell} completes {cmd}");
        }
    }
    let page = ok(&run(&["man"], &[], None));
    assert!(
        page.contains(".TH okta-oauth 1"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains("quickstart") && page.contains("completions"));
    fails(
        &run(&["completions", "tcsh"], &[], None),
        2,
        "invalid value",
    );
}
