//! Remembered context (issue 27): profiles, the order settings are taken in (flag >
//! environment > profile > okta.yaml), every missing setting named at once, `token` for other
//! programs, and configuration that cannot stall or silently lose a setting.

use std::process::Stdio;

use okta_emulator::{Config, Emulator};
use serde_json::Value;

use crate::{command, fails, ok, run, tmp};

/// A machine with its own folders (profiles in `config`), plus `extra`.
fn machine(name: &str) -> (std::path::PathBuf, Vec<(String, String)>) {
    let dir = tmp(name);
    let at = |p: &str| dir.join(p).to_str().unwrap().to_owned();
    let env = vec![
        ("HOME".to_owned(), at("home")),
        ("XDG_CONFIG_HOME".to_owned(), at("config")),
        ("XDG_STATE_HOME".to_owned(), at("state")),
    ];
    (dir, env)
}

fn with<'a>(env: &'a [(String, String)], extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    env.iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .chain(extra.iter().copied())
        .collect()
}

/// Writes the profiles file.
fn profiles(dir: &std::path::Path, text: &str) {
    let folder = dir.join("config/okta-oauth");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("config.yaml"), text).unwrap();
}

/// Where `auth status` says the org comes from.
fn org_from(env: &[(&str, &str)], args: &[&str]) -> (String, String) {
    let mut all = vec!["auth", "status", "--json"];
    all.extend(args);
    let status: Value = serde_json::from_str(&ok(&run(&all, env, None))).unwrap();
    (
        status["org"]["url"].as_str().unwrap().to_owned(),
        status["org"]["from"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn a_setting_comes_from_the_flag_then_the_environment_then_the_profile_then_okta_yaml() {
    let (dir, env) = machine("precedence");
    std::fs::create_dir_all(dir.join("home/.okta")).unwrap();
    std::fs::write(
        dir.join("home/.okta/okta.yaml"),
        "okta:\n  client:\n    orgUrl: https://yaml.okta.com\n",
    )
    .unwrap();
    let base = with(&env, &[]);
    assert_eq!(
        org_from(&base, &[]),
        ("https://yaml.okta.com".into(), "okta.yaml".into())
    );
    profiles(
        &dir,
        "current: work\nprofiles:\n  work:\n    org: https://profile.okta.com\n  other:\n    org: https://other.okta.com\n",
    );
    assert_eq!(
        org_from(&base, &[]),
        ("https://profile.okta.com".into(), "profile work".into())
    );
    let env_org = with(&env, &[("OKTA_CLIENT_ORGURL", "https://env.okta.com")]);
    assert_eq!(
        org_from(&env_org, &[]),
        ("https://env.okta.com".into(), "OKTA_CLIENT_ORGURL".into())
    );
    assert_eq!(
        org_from(&env_org, &["--org", "https://flag.okta.com"]),
        ("https://flag.okta.com".into(), "--org".into())
    );
    // Another profile, by flag or by variable; the flag wins.
    assert_eq!(org_from(&base, &["--profile", "other"]).1, "profile other");
    let by_var = with(&env, &[("OKTA_OAUTH_PROFILE", "other")]);
    assert_eq!(org_from(&by_var, &[]).1, "profile other");
    assert_eq!(org_from(&by_var, &["--profile", "work"]).1, "profile work");
    // A profile that does not exist is an error, not a silent fallback.
    fails(
        &run(&["auth", "status", "--profile", "wrok"], &base, None),
        1,
        "there is no profile \"wrok\" (there are: other, work)",
    );
}

#[test]
fn profiles_are_listed_shown_switched_and_deleted() {
    let (dir, env) = machine("profile-cmds");
    let env = with(&env, &[]);
    ok(&run(&["profile", "list"], &env, None));
    profiles(
        &dir,
        "current: a\nprofiles:\n  a:\n    org: https://a.okta.com\n    client-id: 0oaA\n  b:\n    org: https://b.okta.com\n",
    );
    let listed = ok(&run(&["profile", "list"], &env, None));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "ORG", "CLIENT", "ID", "SIGN-IN", "APP"]
    );
    assert!(lines[1].starts_with("*  a "), "{listed}");
    assert!(lines[2].starts_with("   b "), "{listed}");
    let json = ok(&run(&["profile", "list", "--json"], &env, None));
    assert_eq!(json.lines().count(), 2, "NDJSON: {json}");
    let shown: Value =
        serde_json::from_str(&ok(&run(&["profile", "show", "--json"], &env, None))).unwrap();
    assert_eq!(shown["name"], "a");
    assert_eq!(shown["client-id"], "0oaA");
    ok(&run(&["profile", "use", "b"], &env, None));
    let shown = ok(&run(&["profile", "show"], &env, None));
    assert!(shown.starts_with("profile b (current)"), "{shown}");
    ok(&run(&["profile", "delete", "b"], &env, None));
    fails(
        &run(&["profile", "use", "b"], &env, None),
        1,
        "there is no profile \"b\" (there are: a)",
    );
    let path = dir.join("config/okta-oauth/config.yaml");
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // A misspelt setting is refused, naming the file.
    profiles(&dir, "profiles:\n  a:\n    orgurl: https://a.okta.com\n");
    fails(
        &run(&["profile", "list"], &env, None),
        1,
        "unknown field `orgurl`",
    );
}

#[test]
fn every_missing_setting_is_named_in_one_run() {
    // Before: "no org", then "no private key", then "no client id", one run each.
    let (_, env) = machine("missing");
    let env = with(&env, &[]);
    let out = run(&["token"], &env, None);
    fails(&out, 1, "missing 3 settings:");
    for what in [
        "the org",
        "the service app's client id",
        "the service app's private key",
    ] {
        fails(&out, 1, &format!("  - {what}:"));
    }
    let out = run(&["app", "list"], &env, None);
    fails(&out, 1, "missing 2 settings:");
    fails(&out, 1, "  - an API token:");
}

#[test]
fn http_is_refused_for_an_org_naming_how_to_allow_it_for_a_loopback_one() {
    let (_, env) = machine("loopback");
    let env = with(
        &env,
        &[
            ("OKTA_CLIENT_ORGURL", "http://127.0.0.1:9"),
            ("OKTA_CLIENT_TOKEN", "x"),
        ],
    );
    let out = run(&["app", "list"], &env, None);
    // Before: "with the loopback opt-in", naming neither the flag nor the variable.
    fails(&out, 1, "--allow-http-loopback");
    fails(&out, 1, "OKTA_OAUTH_ALLOW_HTTP_LOOPBACK=1");
    fails(&out, 1, "allow-http-loopback: true in the profile");
}

#[test]
fn a_deeply_nested_okta_yaml_is_refused_before_it_is_parsed() {
    // Before: a 40 KB file took 7.2 s, and the CLI reads ./.okta.yaml on its own.
    let (dir, env) = machine("deep-yaml");
    let work = dir.join("cloned-repo");
    std::fs::create_dir_all(&work).unwrap();
    let mut deep = String::new();
    for depth in 0..2_000 {
        deep.push_str(&" ".repeat(depth % 40));
        deep.push_str("a:\n");
    }
    std::fs::write(work.join(".okta.yaml"), deep).unwrap();
    let out = command(&["scopes", "--search", "users"], &with(&env, &[]))
        .current_dir(&work)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    fails(&out, 1, ".okta.yaml is nested 17 levels deep");
    let flow = "a: ".to_owned() + &"[".repeat(5000);
    std::fs::write(work.join(".okta.yaml"), flow).unwrap();
    let out = command(&["scopes", "--search", "users"], &with(&env, &[]))
        .current_dir(&work)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    fails(&out, 1, "opens 5000 [ or {");
}

#[test]
fn a_variable_that_is_not_text_is_named_not_ignored() {
    // Before: an OKTA_CLIENT_CACHE that is not UTF-8 was ignored with no word (no shared
    // cache).
    use std::os::unix::ffi::OsStrExt as _;
    let (dir, env) = machine("not-utf8");
    let key = dir.join("k.pem");
    ok(&run(&["keygen", "--out", key.to_str().unwrap()], &[], None));
    let mut cmd = command(
        &[
            "token",
            "--client-id",
            "0oa1",
            "--private-key",
            key.to_str().unwrap(),
            "--org",
            "https://example.okta.com",
        ],
        &with(&env, &[]),
    );
    cmd.env(
        "OKTA_CLIENT_CACHE",
        std::ffi::OsStr::from_bytes(b"redis://\xff/0"),
    );
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    fails(&out, 1, "OKTA_CLIENT_CACHE is set but is not UTF-8 text");
}

/// A local org and a service app made through `app create` with a fresh EC key (`extra`: more
/// of its flags), on a machine of its own.
struct App {
    _org: Emulator,
    dir: std::path::PathBuf,
    env: Vec<(String, String)>,
    id: String,
}

impl App {
    fn new(name: &str, extra: &[&str]) -> App {
        let org = Emulator::start(Config::default()).unwrap();
        let (dir, mut env) = machine(name);
        let key = crate::ec_key(&dir.join("registered.pem"));
        env.extend(
            [
                ("OKTA_CLIENT_ORGURL", org.url()),
                ("OKTA_CLIENT_TOKEN", org.admin_token()),
                ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        let id = crate::service_app("svc", &key, extra, &with(&env, &[]));
        App {
            _org: org,
            dir,
            env,
            id,
        }
    }

    fn env(&self) -> Vec<(&str, &str)> {
        with(&self.env, &[])
    }
}

#[test]
fn token_prints_for_other_programs_and_never_hands_out_a_token_of_another_dpop_mode() {
    // A service app that does not require DPoP: `app create` remembers it (with its key).
    let app = App::new("token-formats", &[]);
    let env = app.env();
    let id = &app.id;
    ok(&run(&["grant", "add", id, "okta.users.read"], &env, None));
    let header = ok(&run(
        &["token", "--format", "header", "--dpop", "never"],
        &env,
        None,
    ));
    assert!(header.starts_with("Authorization: Bearer "), "{header}");
    let exported = ok(&run(
        &["token", "--format", "env", "--dpop", "never"],
        &env,
        None,
    ));
    assert!(
        exported.starts_with("export OKTA_ACCESS_TOKEN="),
        "{exported}"
    );
    assert!(
        exported.contains("export OKTA_TOKEN_TYPE=Bearer"),
        "{exported}"
    );
    // The same token, from the cache.
    let raw = ok(&run(&["token", "--dpop", "never"], &env, None));
    assert_eq!(format!("Authorization: Bearer {raw}"), header);
    // A DPoP-bound token is never printed as a header that would not work.
    let json: Value = serde_json::from_str(&ok(&run(
        &["token", "--dpop", "always", "--json"],
        &env,
        None,
    )))
    .unwrap();
    assert_eq!(json["token_type"], "DPoP");
    fails(
        &run(
            &["token", "--dpop", "always", "--format", "header"],
            &env,
            None,
        ),
        1,
        "this token is DPoP-bound",
    );
    // Before: `--dpop never` handed back the cached DPoP token.
    let json: Value = serde_json::from_str(&ok(&run(
        &["token", "--dpop", "never", "--json"],
        &env,
        None,
    )))
    .unwrap();
    assert_eq!(json["token_type"], "Bearer");
}

#[test]
fn an_org_that_cannot_be_reached_is_named_and_nothing_is_made_or_written() {
    // Before: "outcome unknown — list the apps before creating again" for a refused
    // connection, and quickstart had already made a key folder for the org.
    let (dir, env) = machine("unreachable");
    let key = dir.join("k.pem");
    ok(&run(&["keygen", "--out", key.to_str().unwrap()], &[], None));
    let env = with(
        &env,
        &[
            ("OKTA_CLIENT_ORGURL", "http://127.0.0.1:9"),
            ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
            ("OKTA_CLIENT_TOKEN", "00-token"),
        ],
    );
    let out = run(
        &[
            "app",
            "create",
            "--name",
            "x",
            "--key",
            key.to_str().unwrap(),
        ],
        &env,
        None,
    );
    fails(
        &out,
        1,
        "127.0.0.1 refused the connection; nothing was sent",
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("outcome unknown"));
    let out = run(&["quickstart"], &env, None);
    fails(&out, 1, "reaching the org http://127.0.0.1:9");
    fails(&out, 1, "refused the connection");
    assert!(
        !dir.join("state/okta-oauth/quickstart/127.0.0.1_9").exists(),
        "a folder was made for an org that never answered"
    );
    assert!(!dir.join("config/okta-oauth/config.yaml").exists());
}

#[test]
fn doctor_names_every_problem_at_once_and_its_fixes_work_as_printed() {
    let app = App::new("doctor", &["--dpop"]);
    let env = app.env();
    // `app create` remembered the app, its key, and that it requires DPoP.
    let shown: Value =
        serde_json::from_str(&ok(&run(&["profile", "show", "--json"], &env, None))).unwrap();
    assert_eq!(shown["client-id"], app.id.as_str());
    assert_eq!(shown["dpop"], "always");
    assert!(
        shown["private-key"]
            .as_str()
            .unwrap()
            .ends_with("registered.pem")
    );
    let other = app.dir.join("other.pem");
    ok(&run(
        &["keygen", "--kty", "EC", "--out", other.to_str().unwrap()],
        &[],
        None,
    ));
    // Signing with another key, no grant, no role: three failures in one run.
    let other_key = other.to_str().unwrap();
    let out = run(&["doctor", "--private-key", other_key], &env, None);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{said}");
    for line in [
        "✗ service app: key registered: the app has no active key with kid",
        "✗ service app: grants: no grant for okta.users.read",
        "✗ service app: admin role: none",
    ] {
        assert!(said.contains(line), "{line} in: {said}");
    }
    let mut fixes = crate::advice::suggestions(&said);
    fixes.sort();
    fixes.dedup();
    for start in [
        "okta-oauth grant add ",
        "okta-oauth keys add ",
        "okta-oauth role assign ",
    ] {
        assert_eq!(
            fixes.iter().filter(|f| f.starts_with(start)).count(),
            1,
            "{start} in: {said}"
        );
    }
    for fix in &fixes {
        let words = crate::advice::shell_words(fix);
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        ok(&run(&args, &env, None));
    }
    let healthy = ok(&run(&["doctor", "--private-key", other_key], &env, None));
    assert!(
        healthy.contains("✓ service app: token: a DPoP-bound token"),
        "{healthy}"
    );
    assert!(!healthy.contains('✗'), "{healthy}");
}
