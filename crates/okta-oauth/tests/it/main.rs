//! The built `okta-oauth` binary, end to end, against the local emulator.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "tests fail loudly by design"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod advice;
mod bridge;
mod browser;
mod errors;
mod fleet;
mod hostile;
mod profiles;
mod scopes;
mod user_access;

use okta_emulator::{Config, Emulator};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_okta-oauth");

thread_local! {
    /// Everything this test's runs printed (each test runs on its own thread).
    static PRINTED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("okta-oauth-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(p)
}

/// The binary with these arguments, a clean environment plus `env`.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Runs the binary with a clean environment plus `env`.
fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = command(args, env);
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        use std::io::Write as _;
        // A command may stop reading early (a capped read): a closed pipe is not a failure.
        let written = child.stdin.take().unwrap().write_all(text.as_bytes());
        if let Err(e) = written {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    let out = child.wait_with_output().unwrap();
    PRINTED.with(|p| {
        let mut printed = p.borrow_mut();
        printed.push(String::from_utf8_lossy(&out.stdout).into_owned());
        printed.push(String::from_utf8_lossy(&out.stderr).into_owned());
    });
    for said in [&out.stdout, &out.stderr] {
        advice::no_placeholders(&String::from_utf8_lossy(said));
    }
    out
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn fails(out: &Output, code: i32, text: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(stderr.contains(text), "expected {text:?} in: {stderr}");
}

/// The one file `login` kept a sign-in in, under the state folder `state`.
fn sign_in_file(state: &Path) -> PathBuf {
    let slots: Vec<PathBuf> = std::fs::read_dir(state.join("okta-oauth/sign-ins"))
        .unwrap()
        .flat_map(|slot| std::fs::read_dir(slot.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(slots.len(), 1, "{slots:?}");
    slots.into_iter().next().unwrap()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn quickstart_runs_twice_and_reuses_what_exists() {
    let dir = tmp("quickstart");
    let state = dir.to_str().unwrap();
    let first: Value = serde_json::from_str(&ok(&run(
        &["quickstart", "--json"],
        &[("XDG_STATE_HOME", state)],
        None,
    )))
    .unwrap();
    let again_out = run(
        &["quickstart", "--json"],
        &[("XDG_STATE_HOME", state)],
        None,
    );
    let again: Value = serde_json::from_str(&ok(&again_out)).unwrap();
    assert_eq!(first["client_id"], again["client_id"], "the app is reused");
    assert_eq!(again["token_type"], "DPoP");
    assert_eq!(again["users"][0], "admin@example.com");
    let stderr = String::from_utf8_lossy(&again_out.stderr);
    assert!(
        stderr.contains("reusing the key pair")
            && stderr.contains("reusing the service app")
            && stderr.contains("already granted"),
        "{stderr}"
    );
    let qs = dir.join("okta-oauth/quickstart/local");
    for secret in ["service-key.pem", "tokens.json", "emulator-state.json"] {
        assert_eq!(mode(&qs.join(secret)), 0o600, "{secret}");
    }
    assert_eq!(mode(&qs), 0o700);
}

#[test]
fn key_commands_agree_with_jwcrypto() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("keys/manifest.json")).unwrap())
            .unwrap();
    for name in ["rsa2048", "p256", "p521"] {
        let want = manifest["jwcrypto_thumbprints"][name].as_str().unwrap();
        for form in [
            "test-only.pem",
            "traditional.test-only.pem",
            "jwk.test-only.json",
            "spki.test-only.pem",
        ] {
            let file = fixture(&format!("keys/{name}.{form}"));
            assert_eq!(
                ok(&run(&["thumbprint", file.to_str().unwrap()], &[], None)).trim(),
                want,
                "{name}.{form}"
            );
        }
        let jwks: Value = serde_json::from_str(&ok(&run(
            &[
                "jwks",
                fixture(&format!("keys/{name}.test-only.pem"))
                    .to_str()
                    .unwrap(),
                "--json",
            ],
            &[],
            None,
        )))
        .unwrap();
        assert_eq!(jwks["keys"][0]["kid"], want);
        assert!(jwks["keys"][0].get("d").is_none());
        // PEM -> JWK -> PEM through stdin.
        let pem = std::fs::read_to_string(fixture(&format!("keys/{name}.test-only.pem"))).unwrap();
        let jwk = ok(&run(&["convert", "-", "--to", "jwk"], &[], Some(&pem)));
        let back = ok(&run(&["convert", "-", "--to", "pkcs8"], &[], Some(&jwk)));
        assert_eq!(back, pem, "{name}: round trip to the same PKCS#8");
    }
    let dir = tmp("keygen");
    let key = dir.join("k.pem");
    let jwks: Value = serde_json::from_str(&ok(&run(
        &[
            "keygen",
            "--kty",
            "EC",
            "--crv",
            "P-384",
            "--out",
            key.to_str().unwrap(),
            "--json",
        ],
        &[],
        None,
    )))
    .unwrap();
    assert_eq!(jwks["keys"][0]["crv"], "P-384");
    assert_eq!(mode(&key), 0o600);
    fails(
        &run(&["keygen", "--out", key.to_str().unwrap()], &[], None),
        1,
        "refusing to overwrite",
    );
    fails(
        &run(
            &[
                "keygen",
                "--bits",
                "1024",
                "--out",
                dir.join("small.pem").to_str().unwrap(),
            ],
            &[],
            None,
        ),
        1,
        "--bits must be 2048, 3072 or 4096",
    );
    fails(
        &run(
            &[
                "thumbprint",
                fixture("keys/rsa1024.test-only.pem").to_str().unwrap(),
            ],
            &[],
            None,
        ),
        1,
        "1024 bits is not allowed",
    );
    fails(
        &run(
            &[
                "convert",
                fixture("keys/p256.cert.test-only.pem").to_str().unwrap(),
                "--to",
                "jwk",
            ],
            &[],
            None,
        ),
        1,
        "unsupported PEM block",
    );
    fails(&run(&["nonsense"], &[], None), 2, "unrecognized subcommand");
}

/// An org with an app made through the CLI's own admin commands.
struct Org {
    emulator: Emulator,
    env: Vec<(String, String)>,
    dir: PathBuf,
}

/// An EC key made by `keygen` at `path` (returned).
fn ec_key(path: &Path) -> PathBuf {
    ok(&run(
        &["keygen", "--kty", "EC", "--out", path.to_str().unwrap()],
        &[],
        None,
    ));
    path.to_owned()
}

/// `app create --name NAME --key KEY --json` with `extra` options: the new service app's id.
fn service_app(name: &str, key: &Path, extra: &[&str], env: &[(&str, &str)]) -> String {
    let mut args = vec![
        "app",
        "create",
        "--name",
        name,
        "--key",
        key.to_str().unwrap(),
    ];
    args.extend(extra);
    args.push("--json");
    let made: Value = serde_json::from_str(&ok(&run(&args, env, None))).unwrap();
    made["id"].as_str().unwrap().to_owned()
}

impl Org {
    fn new(name: &str) -> Org {
        Org::with_users(name, 450)
    }

    /// An org of `users` users.
    fn with_users(name: &str, users: usize) -> Org {
        let emulator = Emulator::start({
            let mut config = Config::default();
            config.users = okta_emulator::SeedUsers { count: users };
            config
        })
        .unwrap();
        let dir = tmp(name);
        let key = ec_key(&dir.join("svc.pem"));
        let mut env = vec![
            ("OKTA_CLIENT_ORGURL".to_owned(), emulator.url().to_owned()),
            (
                "OKTA_CLIENT_TOKEN".to_owned(),
                emulator.admin_token().to_owned(),
            ),
            ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK".to_owned(), "1".to_owned()),
            (
                "XDG_STATE_HOME".to_owned(),
                dir.to_str().unwrap().to_owned(),
            ),
        ];
        let e: Vec<(&str, &str)> = env.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let id = service_app("svc", &key, &["--dpop"], &e);
        ok(&run(&["grant", "add", &id, "okta.users.read"], &e, None));
        ok(&run(&["role", "assign", &id, "READ_ONLY_ADMIN"], &e, None));
        env.push(("OKTA_CLIENT_CLIENTID".into(), id));
        env.push((
            "OKTA_CLIENT_PRIVATEKEY".into(),
            key.to_str().unwrap().to_owned(),
        ));
        env.push(("OKTA_CLIENT_SCOPES".into(), "okta.users.read".into()));
        Org { emulator, env, dir }
    }

    /// The service app's client id.
    fn client_id(&self) -> String {
        self.env
            .iter()
            .find(|(k, _)| k == "OKTA_CLIENT_CLIENTID")
            .map(|(_, v)| v.clone())
            .unwrap()
    }

    fn env(&self) -> Vec<(&str, &str)> {
        self.env
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect()
    }
}

#[test]
fn granting_or_assigning_again_succeeds_and_says_already() {
    // On main `grant add` and `role assign APP ROLE` failed a second time (exit 1: Okta's 400
    // E0000001 for the grant, 409 E0000090 for the role), while `role assign --user` succeeded.
    let org = Org::new("again");
    let env = org.env();
    let id = org.client_id();
    let said = ok(&run(&["grant", "add", &id, "okta.users.read"], &env, None));
    assert!(
        said.starts_with("already granted: okta.users.read"),
        "{said}"
    );
    let said = ok(&run(
        &["role", "assign", &id, "READ_ONLY_ADMIN"],
        &env,
        None,
    ));
    assert!(
        said.starts_with("already assigned: READ_ONLY_ADMIN"),
        "{said}"
    );
    let json: Value = serde_json::from_str(&ok(&run(
        &["grant", "add", &id, "okta.users.read", "--json"],
        &env,
        None,
    )))
    .unwrap();
    assert_eq!(json["already"], true);
    // A new one is still made, and said so.
    let said = ok(&run(&["grant", "add", &id, "okta.groups.read"], &env, None));
    assert!(said.starts_with("granted okta.groups.read"), "{said}");
    for _ in 0..2 {
        ok(&run(
            &[
                "role",
                "assign",
                "--user",
                "user3@example.com",
                "READ_ONLY_ADMIN",
            ],
            &env,
            None,
        ));
    }
    let grants = ok(&run(&["grant", "list", &id], &env, None));
    // A table: its header, then one row per grant.
    let rows: Vec<Vec<&str>> = grants
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0], ["GRANT", "ID", "SCOPE"], "{grants}");
    assert_eq!(rows.len(), 3, "{grants}");
}

#[test]
fn a_token_refused_for_an_unregistered_key_says_which_keys_the_app_has() {
    let org = Org::new("unregistered-key");
    let other = org.dir.join("other-key.pem");
    ok(&run(
        &["keygen", "--kty", "EC", "--out", other.to_str().unwrap()],
        &[],
        None,
    ));
    let mut env = org.env();
    env.retain(|(k, _)| *k != "OKTA_CLIENT_PRIVATEKEY");
    env.push(("OKTA_CLIENT_PRIVATEKEY", other.to_str().unwrap()));
    let out = run(&["token"], &env, None);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("The app has no active key with kid"),
        "{said}"
    );
    // With the API token, `api` also names the app's own keys.
    let out = run(&["api", "GET", "/api/v1/users"], &env, None);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(said.contains("its active keys: "), "{said}");
    // The command it prints runs as printed, and then the key signs.
    let advice = said
        .lines()
        .find_map(|l| l.trim().strip_prefix("okta-oauth "))
        .unwrap_or_else(|| panic!("no command in {said}"));
    let words: Vec<&str> = advice.split_whitespace().collect();
    ok(&run(&words, &env, None));
    ok(&run(&["token"], &env, None));
}

#[test]
fn token_is_fetched_once_for_many_runs_and_api_lists_everything() {
    let org = Org::new("token");
    let env = org.env();
    for _ in 0..20 {
        let t: Value = serde_json::from_str(&ok(&run(&["token", "--json"], &env, None))).unwrap();
        assert_eq!(t["token_type"], "DPoP");
    }
    let token_requests = org
        .emulator
        .events()
        .iter()
        .filter(|e| e.endpoint == "token" && e.outcome == "ok")
        .count();
    assert_eq!(token_requests, 1, "twenty runs, one token");
    assert_eq!(mode(&org.dir.join("okta-oauth/tokens.json")), 0o600);
    let lines = ok(&run(
        &["api", "GET", "/api/v1/users?limit=200", "--all"],
        &env,
        None,
    ));
    assert_eq!(lines.lines().count(), 450);
    assert!(
        lines
            .lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok()),
        "NDJSON"
    );
    let one: Value = serde_json::from_str(&ok(&run(
        &["api", "GET", "/api/v1/users/admin@example.com", "--json"],
        &env,
        None,
    )))
    .unwrap();
    assert_eq!(one["profile"]["login"], "admin@example.com");
    let apps = ok(&run(&["app", "list", "--json"], &env, None));
    assert_eq!(apps.lines().count(), 1);
    let grants = ok(&run(
        &["grant", "list", &org.env[4].1, "--json"],
        &env,
        None,
    ));
    assert!(grants.contains("okta.users.read"));
    // Okta's error, with its code, request id and hint.
    fails(
        &run(&["api", "GET", "/api/v1/groups"], &env, None),
        1,
        "request id",
    );
}

/// An access token of the org's service app: a JWT signed by the org (opaque to clients, but
/// checkable here).
fn access_token_jwt(org: &Org) -> String {
    let t: Value = serde_json::from_str(&ok(&run(
        &["token", "--json", "--token-cache", "none"],
        &org.env(),
        None,
    )))
    .unwrap();
    t["access_token"].as_str().unwrap().to_owned()
}

#[test]
fn decode_and_verify_read_the_jwt_from_stdin() {
    let org = Org::new("verify");
    let env = org.env();
    let jwt = access_token_jwt(&org);
    let jwt = jwt.as_str();
    let decoded = ok(&run(&["decode"], &env, Some(jwt)));
    assert!(decoded.starts_with("UNVERIFIED"));
    let keys = format!("{}/oauth2/v1/keys", org.emulator.url());
    let verified: Value = serde_json::from_str(&ok(&run(
        &[
            "verify",
            "--jwks",
            &keys,
            "--alg",
            "RS256",
            "--issuer",
            org.emulator.url(),
            "--json",
        ],
        &env,
        Some(jwt),
    )))
    .unwrap();
    assert_eq!(verified["verified"], true);
    let mut tampered = jwt.to_owned();
    tampered.insert(jwt.find('.').unwrap() + 3, 'x');
    fails(
        &run(&["verify", "--jwks", &keys], &env, Some(&tampered)),
        1,
        "",
    );
}

#[test]
fn bad_orgs_keys_and_settings_are_clear_errors() {
    let org = Org::new("bad");
    let mut env = org.env();
    fails(
        &run(&["token", "--org", "http://example.com"], &env, None),
        1,
        "http:// is allowed for loopback addresses only",
    );
    fails(
        &run(
            &["token", "--org", "https://example.okta.com/api/v1"],
            &env,
            None,
        ),
        1,
        "without a path",
    );
    env.retain(|(k, _)| *k != "OKTA_OAUTH_ALLOW_HTTP_LOOPBACK");
    fails(&run(&["token"], &env, None), 1, "https://");
    let env = org.env();
    fails(
        &run(
            &[
                "token",
                "--private-key",
                fixture("keys/p256.spki.test-only.pem").to_str().unwrap(),
            ],
            &env,
            None,
        ),
        1,
        "expected a private key",
    );
    fails(
        &run(&["token", "--org", "http://127.0.0.1:9"], &env, None),
        1,
        "127.0.0.1 refused the connection; nothing was sent",
    );
    let no_client: Vec<(&str, &str)> = env
        .iter()
        .copied()
        .filter(|(k, _)| *k != "OKTA_CLIENT_CLIENTID")
        .collect();
    fails(
        &run(&["token"], &no_client, None),
        1,
        "missing the service app's client id",
    );
    let no_token: Vec<(&str, &str)> = env
        .iter()
        .copied()
        .filter(|(k, _)| *k != "OKTA_CLIENT_TOKEN")
        .collect();
    fails(
        &run(&["app", "list"], &no_token, None),
        1,
        "missing an API token",
    );
    fails(
        &run(&["token", "--dpop", "sometimes"], &env, None),
        2,
        "invalid value",
    );
}

#[test]
fn no_secret_is_ever_printed() {
    // Runs the other scenarios' kinds of commands and scans everything they printed.
    let org = Org::new("scan");
    let env = org.env();
    let traced = run(&["api", "GET", "/api/v1/users?limit=2", "-v"], &env, None);
    ok(&traced);
    let trace: String = String::from_utf8_lossy(&traced.stderr)
        .lines()
        .filter(|l| l.starts_with("> "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        trace.contains("> POST")
            && trace.contains("/oauth2/v1/token")
            && trace.contains("request id"),
        "{trace}"
    );
    assert!(
        trace.contains("/api/v1/users?limit=…") && !trace.contains("limit=2"),
        "query values hidden: {trace}"
    );
    let _ = run(&["token", "-v", "--token-cache", "none"], &env, None);
    let _ = run(&["api", "GET", "/api/v1/groups"], &env, None);
    let _ = run(&["token", "--org", "http://127.0.0.1:9"], &env, None);
    let key = std::fs::read_to_string(org.dir.join("svc.pem")).unwrap();
    let body: String = key.lines().filter(|l| !l.starts_with("-----")).collect();
    let printed = PRINTED.with(|p| p.borrow().join("\n"));
    assert!(
        !printed.contains(org.emulator.admin_token()),
        "the API token was printed"
    );
    assert!(
        !printed.contains(&body[..40]),
        "private key material was printed"
    );
    assert!(
        !printed.contains("PRIVATE KEY"),
        "a private PEM was printed"
    );
}

#[test]
fn help_lists_every_command() {
    let help = ok(&run(&["--help"], &[], None));
    insta::assert_snapshot!("help", help);
    insta::assert_snapshot!("token_help", ok(&run(&["token", "--help"], &[], None)));
    for cmd in [
        "quickstart",
        "keygen",
        "jwks",
        "convert",
        "thumbprint",
        "app",
        "grant",
        "role",
        "token",
        "api",
        "decode",
        "verify",
        "emulator",
    ] {
        assert!(help.contains(cmd), "--help lists {cmd}");
    }
}

/// Every command path (`[]`, `["app"]`, `["app", "create"]`, …), walked from the top through each
/// `--help`'s "Commands:" list, with that help text.
fn command_tree() -> Vec<(Vec<String>, String)> {
    let mut tree = Vec::new();
    let mut paths: Vec<Vec<String>> = vec![Vec::new()];
    while let Some(path) = paths.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = ok(&run(&args, &[], None));
        let subcommands: Vec<Vec<String>> = help
            .lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| l.split_whitespace().next())
            .filter(|c| *c != "help")
            .map(|c| path.iter().cloned().chain([c.to_owned()]).collect())
            .collect();
        paths.extend(subcommands.into_iter().rev());
        tree.push((path, help));
    }
    tree
}

/// Every command's `--help` and the man page: pinned, so a change in how the command line is
/// defined (its subcommands are defined only when they run) cannot change a word of what users
/// read.
#[test]
fn every_help_text_and_the_man_page_are_pinned() {
    let mut text = String::new();
    for (path, help) in command_tree() {
        let args: Vec<&str> = path.iter().map(String::as_str).chain(["--help"]).collect();
        text.push_str(&format!("==== okta-oauth {}\n{help}\n", args.join(" ")));
    }
    assert!(text.matches("==== ").count() >= 38, "{text}");
    insta::assert_snapshot!("help_tree", text);
    insta::assert_snapshot!("man_page", ok(&run(&["man"], &[], None)));
}

/// The completion scripts know every command, and clap's `help` command mirrors the whole tree
/// (`okta-oauth help app create`), each with its options.
#[test]
fn completion_scripts_cover_every_command() {
    let tree = command_tree();
    assert!(tree.len() >= 38);
    let bash = ok(&run(&["completions", "bash"], &[], None));
    for (path, _) in tree.iter().filter(|(p, _)| !p.is_empty()) {
        let name = |prefix: &[&str]| {
            prefix
                .iter()
                .copied()
                .chain(path.iter().map(String::as_str))
                // clap_complete writes a `-` in a command's name as its separator
                // (`api-tokens` → `api__subcmd__tokens`).
                .map(|p| p.replace('-', "__subcmd__"))
                .collect::<Vec<_>>()
                .join("__subcmd__")
        };
        for case in [name(&["okta__oauth"]), name(&["okta__oauth", "help"])] {
            assert!(
                bash.contains(&format!("cmd=\"{case}\"")),
                "bash completion has no {case}"
            );
        }
    }
    // Each command's own options, in every shell's script: `app create --name`, `token --dpop`.
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = ok(&run(&["completions", shell], &[], None));
        for flag in ["name", "dpop", "shared-cache", "user-password-file"] {
            // fish writes `-l name`, the others `--name`.
            let written = if shell == "fish" {
                format!("-l {flag} ")
            } else {
                format!("--{flag}")
            };
            assert!(
                script.contains(&written),
                "{shell} completion lacks {written}"
            );
        }
    }
}

#[test]
fn keys_rotate_and_assertion_commands() {
    let org = Org::new("keys");
    let env = org.env();
    let id = org.env[4].1.clone();
    let listed = ok(&run(&["keys", "list", &id, "--json"], &env, None));
    assert_eq!(listed.lines().count(), 1);
    let new_key = org.dir.join("new.pem");
    ok(&run(
        &["keygen", "--kty", "EC", "--out", new_key.to_str().unwrap()],
        &[],
        None,
    ));
    let refused = run(
        &[
            "keys",
            "rotate",
            &id,
            "--key",
            new_key.to_str().unwrap(),
            "--json",
        ],
        &env,
        None,
    );
    // Without a terminal to ask on, a rotation needs --yes; nothing changed.
    fails(&refused, 1, "confirm with --yes. Nothing was changed");
    let listed = ok(&run(&["keys", "list", &id, "--json"], &env, None));
    assert_eq!(listed.lines().count(), 1);
    let rotated: Value = serde_json::from_str(&ok(&run(
        &[
            "keys",
            "rotate",
            &id,
            "--key",
            new_key.to_str().unwrap(),
            "--yes",
            "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    assert_eq!(rotated["added"], true);
    assert_eq!(rotated["deactivated"].as_array().unwrap().len(), 1);
    // The old key is kept, inactive, unless asked (before: deleted at once).
    assert_eq!(rotated["deleted"].as_array().unwrap().len(), 0);
    let listed = ok(&run(&["keys", "list", &id], &env, None));
    assert_eq!(
        listed.lines().filter(|l| l.ends_with("INACTIVE")).count(),
        1,
        "{listed}"
    );
    // The old key no longer gets tokens; the new one does.
    fails(
        &run(&["token", "--token-cache", "none"], &env, None),
        1,
        "invalid_client",
    );
    ok(&run(
        &[
            "token",
            "--token-cache",
            "none",
            "--private-key",
            new_key.to_str().unwrap(),
        ],
        &env,
        None,
    ));
    // A signed assertion for the token endpoint, checked by decode.
    let jwt = ok(&run(
        &["assertion", "--private-key", new_key.to_str().unwrap()],
        &env,
        None,
    ));
    let decoded: Value =
        serde_json::from_str(&ok(&run(&["decode", "--json"], &[], Some(&jwt)))).unwrap();
    assert_eq!(decoded["claims"]["iss"], id.as_str());
    assert_eq!(
        decoded["claims"]["aud"],
        format!("{}/oauth2/v1/token", org.emulator.url())
    );
    assert_eq!(decoded["verified"], false);
}

#[test]
fn login_signs_a_user_in_and_api_uses_their_token() {
    let org = Org::new("login");
    let mut env = org.env();
    // A public native app whose redirect URI is a free loopback port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let body = serde_json::json!({"client_name": "cli", "application_type": "native", "redirect_uris": [redirect],
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"], "token_endpoint_auth_method": "none"});
    let data = org.dir.join("native.json");
    std::fs::write(&data, body.to_string()).unwrap();
    let app: Value = serde_json::from_str(&ok(&run(
        &[
            "api",
            "POST",
            "/oauth2/v1/clients",
            "--ssws",
            "--data",
            data.to_str().unwrap(),
            "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    let native = app["client_id"].as_str().unwrap().to_owned();
    ok(&run(
        &["grant", "add", &native, "okta.users.read"],
        &env,
        None,
    ));
    ok(&run(
        &["app", "assign", &native, "--user", "admin@example.com"],
        &env,
        None,
    ));
    env.retain(|(k, _)| *k != "OKTA_CLIENT_CLIENTID");
    // The "browser": waits for the URL login prints, then follows the redirect.
    let port = port.to_string();
    let login = [
        "login",
        "--client-id",
        &native,
        "--port",
        &port,
        "--no-browser",
        "--json",
    ];
    let mut child = command(&login, &env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let url = lines
        .by_ref()
        .map(Result::unwrap)
        .find_map(|l| l.trim().starts_with("http").then(|| l.trim().to_owned()))
        .unwrap();
    // Keep reading what login prints, so it never writes to a closed pipe.
    let rest =
        std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>().join("\n"));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let first = agent.get(&url).call().unwrap();
    let location = first
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let callback = agent.get(&location).call();
    let out = child.wait_with_output().unwrap();
    let rest = rest.join().unwrap();
    assert!(
        callback.is_ok(),
        "callback {location}: {callback:?}; login said: {rest}"
    );
    let done: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: login said: {rest}"));
    assert_eq!(done["signed_in"], true);
    assert_eq!(mode(&sign_in_file(&org.dir)), 0o600);
    let users = ok(&run(
        &[
            "api",
            "GET",
            "/api/v1/users?limit=3",
            "--user",
            "--client-id",
            &native,
            "--json",
        ],
        &env,
        None,
    ));
    assert_eq!(
        serde_json::from_str::<Value>(&users)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    command(args, env)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn okta_yaml_then_environment_then_flags() {
    let org = Org::new("config");
    let home = org.dir.join("home");
    std::fs::create_dir_all(home.join(".okta")).unwrap();
    let key = org.dir.join("svc.pem");
    let client_id = org.env[4].1.clone();
    std::fs::write(
        home.join(".okta/okta.yaml"),
        format!(
            "okta:\n  client:\n    orgUrl: {}\n    authorizationMode: PrivateKey\n    clientId: {client_id}\n    scopes:\n      - okta.users.read\n    privateKey: {}\n    token: {}\n",
            org.emulator.url(),
            key.display(),
            org.emulator.admin_token()
        ),
    )
    .unwrap();
    let work = org.dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    let base = [
        ("HOME", home.to_str().unwrap()),
        ("XDG_STATE_HOME", org.dir.to_str().unwrap()),
        ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
    ];
    // Everything from ~/.okta/okta.yaml.
    ok(&run_in(&work, &["token", "--token-cache", "none"], &base));
    assert_eq!(
        ok(&run_in(&work, &["app", "list", "--json"], &base))
            .lines()
            .count(),
        1,
        "the API token from the file"
    );
    // ./.okta.yaml wins over ~/.okta/okta.yaml.
    std::fs::write(
        work.join(".okta.yaml"),
        "okta:\n  client:\n    clientId: 0oanotthisone00000000\n",
    )
    .unwrap();
    fails(
        &run_in(&work, &["token", "--token-cache", "none"], &base),
        1,
        "Invalid value for 'client_id' parameter",
    );
    // The environment wins over both files.
    let mut env = base.to_vec();
    env.push(("OKTA_CLIENT_CLIENTID", client_id.as_str()));
    ok(&run_in(&work, &["token", "--token-cache", "none"], &env));
    env.push(("OKTA_CLIENT_ORGURL", "http://127.0.0.1:9"));
    fails(
        &run_in(&work, &["token", "--token-cache", "none"], &env),
        1,
        "127.0.0.1 refused the connection",
    );
    // A flag wins over the environment.
    ok(&run_in(
        &work,
        &[
            "token",
            "--token-cache",
            "none",
            "--org",
            org.emulator.url(),
        ],
        &env,
    ));
    // A broken file is an error that names it.
    std::fs::write(work.join(".okta.yaml"), "okta: [unclosed\n").unwrap();
    fails(
        &run_in(&work, &["token"], &base),
        1,
        ".okta.yaml is not valid YAML",
    );
    std::fs::write(
        work.join(".okta.yaml"),
        "okta:\n  client:\n    authorizationMode: ClientSecret\n",
    )
    .unwrap();
    fails(&run_in(&work, &["token"], &base), 1, "authorizationMode");
}

/// Every command and every long flag in `--help` is described in docs/cli.md, so the reference
/// cannot fall behind clap.
#[test]
fn the_cli_reference_covers_every_command_and_flag() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli.md"))
            .unwrap();
    let top = ok(&run(&["--help"], &[], None));
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 16, "{commands:?}");
    let mut missing = Vec::new();
    for cmd in &commands {
        if !doc.contains(&format!("`{cmd}")) {
            missing.push(format!("command {cmd}"));
        }
        let help = ok(&run(&[cmd, "--help"], &[], None));
        for word in help.split(|c: char| {
            c.is_whitespace() || c == ',' || c == '[' || c == ']' || c == '<' || c == '='
        }) {
            if let Some(flag) = word
                .strip_prefix("--")
                .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
                && !["help", "version"].contains(&flag)
                && !doc.contains(&format!("--{flag}"))
            {
                missing.push(format!("{cmd} --{flag}"));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "docs/cli.md does not mention: {missing:?}"
    );
}

#[test]
fn quickstart_dry_run_sends_and_writes_nothing() {
    let emulator = Emulator::start(Config::default()).unwrap();
    let base = tmp("dry-run");
    let dir = base.join("qs");
    let env = [
        ("OKTA_CLIENT_ORGURL", emulator.url()),
        ("OKTA_CLIENT_TOKEN", emulator.admin_token()),
        ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
        ("XDG_STATE_HOME", base.to_str().unwrap()),
    ];
    let qs = ["quickstart", "--dir", dir.to_str().unwrap()];
    let plan = |extra: &[&str]| -> Vec<Value> {
        let args: Vec<&str> = qs.iter().chain(extra).copied().collect();
        ok(&run(&args, &env, None))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let first = plan(&[
        "--dry-run",
        "--json",
        "--scopes",
        "okta.users.read okta.apps.read",
    ]);
    assert!(!dir.exists(), "a dry run wrote {}", dir.display());
    assert!(emulator.events().is_empty(), "a dry run sent requests");
    let posts: Vec<&str> = first
        .iter()
        .filter(|s| s["method"] == "POST")
        .filter_map(|s| s["url"].as_str())
        .collect();
    let org = emulator.url();
    assert_eq!(
        posts,
        [
            format!("{org}/api/v1/apps"),
            format!("{org}/api/v1/apps/{{new app id}}/grants"),
            format!("{org}/api/v1/apps/{{new app id}}/grants"),
            format!("{org}/oauth2/v1/clients/{{new app id}}/roles"),
            format!("{org}/oauth2/v1/token"),
        ]
    );
    let create = &first[1]["body"];
    assert_eq!(
        create["settings"]["oauthClient"]["dpop_bound_access_tokens"],
        true
    );
    assert_eq!(
        create["credentials"]["oauthClient"]["token_endpoint_auth_method"],
        "private_key_jwt"
    );
    assert_eq!(first[3]["body"]["scopeId"], "okta.users.read");
    assert_eq!(first[3]["body"]["issuer"], org);

    // After a real run the plan reuses the recorded app and the key on disk, and still sends
    // nothing.
    ok(&run(&qs, &env, None));
    // The org's own folder (issue 13: one per org).
    let dir = dir.join(
        emulator
            .url()
            .trim_start_matches("http://")
            .replace(':', "_"),
    );
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("quickstart.json")).unwrap())
            .unwrap();
    let id = record["client_id"].as_str().unwrap();
    let kid = ok(&run(
        &["thumbprint", dir.join("service-key.pem").to_str().unwrap()],
        &[],
        None,
    ));
    emulator.clear_events();
    let human = ok(&run(&[&qs[..], &["--dry-run"]].concat(), &env, None));
    assert!(emulator.events().is_empty(), "a dry run sent requests");
    assert!(
        human.contains(&format!("- GET {org}/api/v1/apps/{id} ")),
        "{human}"
    );
    assert!(
        human.contains(&format!("signed by kid {}", kid.trim())),
        "{human}"
    );
    assert!(human.contains("SSWS <the API token, redacted>"), "{human}");
    let printed = PRINTED.with(|p| p.borrow().join("\n"));
    assert!(
        !printed.contains(emulator.admin_token()),
        "the API token was printed"
    );
    assert!(
        !printed.contains("PRIVATE KEY"),
        "a private PEM was printed"
    );
}

/// A proxy that records the head of each request it gets and refuses it.
fn refusing_proxy() -> (u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            while reader.read_line(&mut head).unwrap_or(0) > 2 && !head.ends_with("\r\n\r\n") {}
            let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
            if tx.send(head).is_err() {
                return;
            }
        }
    });
    (port, rx)
}

#[test]
fn the_okta_yaml_proxy_carries_every_request_to_a_real_org() {
    let (port, heads) = refusing_proxy();
    let home = tmp("proxy");
    std::fs::create_dir_all(home.join(".okta")).unwrap();
    std::fs::write(
        home.join(".okta/okta.yaml"),
        format!(
            "okta:\n  client:\n    orgUrl: https://example.okta.com\n    proxy:\n      host: 127.0.0.1\n      port: {port}\n      username: me\n      password: s3cret@pw\n"
        ),
    )
    .unwrap();
    let home_env = ("HOME", home.to_str().unwrap());
    let token = ("OKTA_CLIENT_TOKEN", "00not-a-real-token");
    let out = run(
        &["api", "GET", "/api/v1/users", "--ssws"],
        &[home_env, token],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let head = heads
        .recv_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    assert!(
        head.starts_with("CONNECT example.okta.com:443 HTTP/1.1\r\n"),
        "{head}"
    );
    // base64("me:s3cret@pw"), from Python's base64 module.
    assert!(
        head.to_ascii_lowercase()
            .contains("proxy-authorization: basic bwu6cznjcmv0qhb3\r\n"),
        "{head}"
    );
    // OKTA_CLIENT_PROXY_* win over the file, part by part.
    let out = run(
        &["api", "GET", "/api/v1/users", "--ssws"],
        &[home_env, token, ("OKTA_CLIENT_PROXY_USERNAME", "other")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let head = heads
        .recv_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    // base64("other:s3cret@pw").
    assert!(head.contains("b3RoZXI6czNjcmV0QHB3"), "{head}");
    fails(
        &run(
            &["api", "GET", "/api/v1/users", "--ssws"],
            &[home_env, token, ("OKTA_CLIENT_PROXY_PORT", "proxy")],
            None,
        ),
        1,
        "the proxy port \"proxy\" is not a port number",
    );
    let printed = PRINTED.with(|p| p.borrow().join("\n"));
    assert!(
        !printed.contains("s3cret"),
        "the proxy password was printed: {printed}"
    );
}

/// A JSON value's shape: member names (sorted) with the types of their values; a list shows its
/// first item's shape.
fn shape(v: &Value) -> Value {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::Object(map) => {
            let mut names: Vec<&String> = map.keys().collect();
            names.sort();
            let mut out = serde_json::Map::new();
            for name in names {
                out.insert(name.clone(), shape(&map[name]));
            }
            Value::Object(out)
        }
    }
}

#[test]
fn json_output_shapes_are_stable() {
    let org = Org::new("shapes");
    let env = org.env();
    let id = org.client_id();
    let key = org.dir.join("svc.pem");
    let key = key.to_str().unwrap();
    // Each command's --json output: one value, or NDJSON (the first line's shape stands for all).
    let json = |args: &[&str]| -> Value {
        let args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
        let text = ok(&run(&args, &env, None));
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(!lines.is_empty(), "{args:?} printed nothing");
        shape(&lines[0])
    };
    let assertion = ok(&run(&["assertion"], &env, None));
    let mut shapes = serde_json::Map::new();
    for (name, args) in [
        ("token", vec!["token"]),
        ("assertion", vec!["assertion"]),
        ("app list (NDJSON)", vec!["app", "list"]),
        ("app get", vec!["app", "get", &id]),
        ("grant list (NDJSON)", vec!["grant", "list", &id]),
        ("role list (NDJSON)", vec!["role", "list", &id]),
        ("keys list (NDJSON)", vec!["keys", "list", &id]),
        ("thumbprint", vec!["thumbprint", key]),
        ("jwks", vec!["jwks", key]),
        (
            "api --all (NDJSON)",
            vec!["api", "GET", "/api/v1/users?limit=2", "--all"],
        ),
    ] {
        shapes.insert(name.to_owned(), json(&args));
    }
    let decoded = ok(&run(&["decode", "-", "--json"], &env, Some(&assertion)));
    shapes.insert(
        "decode".into(),
        shape(&serde_json::from_str(&decoded).unwrap()),
    );
    insta::assert_snapshot!(
        "json_shapes",
        serde_json::to_string_pretty(&Value::Object(shapes)).unwrap()
    );
}

#[test]
fn api_all_shows_progress_on_a_terminal_only() {
    let org = Org::new("progress");
    let env = org.env();
    let args = ["api", "GET", "/api/v1/users?limit=200", "--all"];
    // Not a terminal: stderr holds no progress line.
    let piped = run(&args, &env, None);
    assert_eq!(ok(&piped).lines().count(), 450);
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("pages"));
    // A terminal (util-linux `script` gives stderr a pseudo-terminal; stdout goes to a file).
    let listing = org.dir.join("listing.ndjson");
    let line = format!(
        "{BIN} {} > {}",
        args.map(|a| format!("'{a}'")).join(" "),
        listing.display()
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    let out = cmd
        .output()
        .expect("util-linux `script` (bsdutils) runs the terminal test; .ci/run installs it");
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{terminal}");
    for progress in [
        "200 items, 1 page…",
        "400 items, 2 pages…",
        "450 items, 3 pages…",
    ] {
        assert!(
            terminal.contains(progress),
            "{progress:?} not in {terminal:?}"
        );
    }
    let lines = std::fs::read_to_string(&listing).unwrap();
    assert_eq!(lines.lines().count(), 450, "stdout holds only the items");
    assert!(
        lines
            .lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok())
    );
}
