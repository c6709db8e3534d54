//! The user half of Okta's guide through the command line, against the emulator: `app create
//! --type`, `app assign`, `role assign --user`, `login` with a client secret and with the device
//! grant, `api --user`, and `quickstart --user`.

use std::io::BufRead as _;
use std::process::Stdio;

use okta_emulator::{Config, Emulator};
use serde_json::Value;

use crate::{command, fails, mode, ok, run, tmp};

struct UserOrg {
    emulator: Emulator,
    env: Vec<(String, String)>,
    dir: std::path::PathBuf,
}

impl UserOrg {
    /// An org whose scripted sign-in is `login`, with these extra settings.
    fn new(name: &str, login: &str, mut config: Config) -> UserOrg {
        config.default_login = Some(login.to_owned());
        let emulator = Emulator::start(config).unwrap();
        let dir = tmp(name);
        let env = vec![
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
            ("HOME".to_owned(), dir.to_str().unwrap().to_owned()),
        ];
        UserOrg { emulator, env, dir }
    }

    fn env(&self) -> Vec<(&str, &str)> {
        self.env
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect()
    }

    /// Runs `login ARGS` and plays the browser through the org's scripted sign-in; returns what
    /// login printed (stdout, stderr) and its exit code.
    fn login(&self, args: &[&str], env: &[(&str, &str)]) -> (String, String, Option<i32>) {
        let mut all = vec!["login", "--no-browser", "--timeout", "20", "--json"];
        all.extend(args);
        let mut child = command(&all, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = std::io::BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        let url = lines
            .by_ref()
            .map(Result::unwrap)
            .inspect(|l| seen.push(l.clone()))
            .find_map(|l| l.trim().starts_with("http").then(|| l.trim().to_owned()));
        let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
        if let Some(url) = url {
            match self.emulator.sign_in_redirect(&url) {
                Ok(location) => {
                    self.emulator.follow_redirect(&location).unwrap();
                }
                Err(e) => panic!("the org refused the sign-in: {e}"),
            }
        }
        let out = child.wait_with_output().unwrap();
        seen.extend(rest.join().unwrap());
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            seen.join("\n"),
            out.status.code(),
        )
    }
}

/// The port a test's redirect URI uses: free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn a_web_app_is_created_assigned_and_signed_in_to_with_its_secret() {
    let org = UserOrg::new("web-login", "user1@example.com", Config::default());
    let env = org.env();
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let secret_file = org.dir.join("web.secret");
    let out = run(
        &[
            "app",
            "create",
            "--type",
            "web",
            "--name",
            "guide web app",
            "--redirect-uri",
            &redirect,
            "--secret-file",
            secret_file.to_str().unwrap(),
            "--json",
        ],
        &env,
        None,
    );
    let created: Value = serde_json::from_str(&ok(&out)).unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    // The secret is in the 0600 file and nowhere in what was printed.
    let secret = std::fs::read_to_string(&secret_file)
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(secret.len(), 40);
    assert_eq!(mode(&secret_file), 0o600);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!printed.contains(&secret), "the secret was printed");
    assert_eq!(
        created["settings"]["oauthClient"]["application_type"],
        "web"
    );
    // `app list` shows the type, in a table under its header.
    let list = ok(&run(&["app", "list"], &env, None));
    let rows: Vec<Vec<&str>> = list
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0], ["CLIENT", "ID", "TYPE", "NAME", "DPOP"], "{list}");
    assert!(
        rows.contains(&vec![id.as_str(), "web", "guide", "web", "app", "-"]),
        "{list}"
    );
    // The same file again is refused rather than overwritten (the first secret would be lost).
    fails(
        &run(
            &[
                "app",
                "create",
                "--type",
                "web",
                "--name",
                "again",
                "--redirect-uri",
                &redirect,
                "--secret-file",
                secret_file.to_str().unwrap(),
            ],
            &env,
            None,
        ),
        1,
        "exists",
    );
    ok(&run(&["grant", "add", &id, "okta.users.read"], &env, None));

    let port_text = port.to_string();
    let secret_arg = secret_file.to_str().unwrap();
    let login = [
        "--client-id",
        id.as_str(),
        "--client-secret-file",
        secret_arg,
        "--port",
        &port_text,
    ];
    // Not assigned: Okta's words and the command that fixes it.
    let (_, said, code) = org.login(&login, &env);
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("User is not assigned to the client application"),
        "{said}"
    );
    assert!(
        said.contains(&format!("only people assigned to the app {id} may sign in")),
        "{said}"
    );
    assert!(!said.contains(&secret));

    ok(&run(
        &["app", "assign", &id, "--user", "user1@example.com"],
        &env,
        None,
    ));
    let listed = ok(&run(&["app", "assignments", &id, "--json"], &env, None));
    let first: Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    assert_eq!(first["type"], "user");
    let (out, said, code) = org.login(&login, &env);
    assert_eq!(code, Some(0), "{said}");
    let done: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(done["user"], "user1@example.com");
    assert_eq!(done["client_id"], id.as_str());
    assert!(
        said.contains("client authentication: client_secret_post"),
        "{said}"
    );
    // The token request carried the secret in the body, as the guide says.
    let token_posts: Vec<_> = org
        .emulator
        .events()
        .into_iter()
        .filter(|e| e.endpoint == "token" && e.outcome == "ok")
        .collect();
    assert_eq!(token_posts.len(), 1);
    let tokens = crate::sign_in_file(&org.dir);
    assert_eq!(mode(&tokens), 0o600);
    // Sealed under a key derived from the app's secret (before: the tokens in clear JSON).
    let kept = std::fs::read(&tokens).unwrap();
    assert!(
        serde_json::from_slice::<Value>(&kept).is_err(),
        "the sign-in is in clear"
    );
    assert!(!String::from_utf8_lossy(&kept).contains("refresh_token"));

    // The user's token has the scope but the user no role: E0000006 and what to run.
    let user_env: Vec<(&str, &str)> = env
        .iter()
        .copied()
        .chain([("OKTA_OAUTH2_CLIENT_ID", id.as_str())])
        .collect();
    let denied = run(
        &["api", "GET", "/api/v1/users?limit=2", "--user"],
        &user_env,
        None,
    );
    fails(&denied, 1, "E0000006");
    fails(
        &denied,
        1,
        "okta-oauth role assign --user user1@example.com READ_ONLY_ADMIN",
    );
    ok(&run(
        &[
            "role",
            "assign",
            "--user",
            "user1@example.com",
            "READ_ONLY_ADMIN",
        ],
        &env,
        None,
    ));
    // Again: the role is held already, which is what was asked.
    ok(&run(
        &[
            "role",
            "assign",
            "--user",
            "user1@example.com",
            "READ_ONLY_ADMIN",
        ],
        &env,
        None,
    ));
    let roles = ok(&run(
        &["role", "list", "--user", "user1@example.com"],
        &env,
        None,
    ));
    assert_eq!(roles.lines().count(), 2, "a header and one role: {roles}");
    let users = ok(&run(
        &["api", "GET", "/api/v1/users?limit=2", "--user", "--json"],
        &user_env,
        None,
    ));
    assert!(users.contains("user1@example.com"), "{users}");
    // With no client id anywhere, `api --user` finds the app the saved sign-in was for.
    let users = ok(&run(
        &["api", "GET", "/api/v1/users?limit=2", "--user", "--json"],
        &env,
        None,
    ));
    assert!(users.contains("admin@example.com"), "{users}");
}

#[test]
fn login_refuses_what_cannot_work_before_anything_is_sent() {
    let org = UserOrg::new("login-bad", "user1@example.com", Config::default());
    let env = org.env();
    // A secret method with no secret.
    fails(
        &run(
            &["login", "--client-id", "0oaweb", "--client-auth", "post"],
            &env,
            None,
        ),
        1,
        "needs the app's client secret",
    );
    fails(
        &run(
            &[
                "login",
                "--client-id",
                "0oaweb",
                "--client-auth",
                "private-key",
            ],
            &env,
            None,
        ),
        1,
        "--client-key FILE",
    );
    // A secret pasted where the file belongs is neither used nor shown.
    let pasted = "AbCdEf0123456789AbCdEf0123456789AbCdEf01xyz";
    let out = run(
        &[
            "login",
            "--client-id",
            "0oaweb",
            "--client-secret-file",
            pasted,
        ],
        &env,
        None,
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(pasted));
    // A secret file others can read: used, with a warning.
    let open_file = org.dir.join("open.secret");
    std::fs::write(&open_file, "abc\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&open_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let out = run(
        &[
            "login",
            "--client-id",
            "0oaweb",
            "--client-secret-file",
            open_file.to_str().unwrap(),
            "--port",
            "1",
            "--timeout",
            "1",
            "--no-browser",
        ],
        &env,
        None,
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("could be read by others (mode 644)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The device grant takes no redirect port.
    fails(
        &run(&["login", "--device", "--port", "9"], &env, None),
        2,
        "cannot be used with",
    );
    // `app create` options that belong to another type.
    let key = org.dir.join("k.pem");
    ok(&run(
        &["keygen", "--kty", "EC", "--out", key.to_str().unwrap()],
        &[],
        None,
    ));
    fails(
        &run(
            &[
                "app",
                "create",
                "--type",
                "web",
                "--name",
                "w",
                "--key",
                key.to_str().unwrap(),
            ],
            &env,
            None,
        ),
        1,
        "for service apps",
    );
    fails(
        &run(&["app", "create", "--name", "svc"], &env, None),
        1,
        "--key",
    );
    fails(
        &run(
            &[
                "app",
                "create",
                "--type",
                "web",
                "--name",
                "w",
                "--redirect-uri",
                "http://evil.example/cb",
            ],
            &env,
            None,
        ),
        1,
        "loopback",
    );
    fails(
        &run(
            &[
                "role",
                "assign",
                "--user",
                "u@example.com",
                "0oa1",
                "READ_ONLY_ADMIN",
            ],
            &env,
            None,
        ),
        1,
        "the role alone",
    );
    // Nothing was made (login read the app it was given, to check it first).
    assert_eq!(
        org.emulator
            .events()
            .iter()
            .filter(|e| e.endpoint == "apps" && e.method != "GET")
            .count(),
        0
    );
}

#[test]
fn login_with_the_device_grant_prints_the_code_and_polls_until_approved() {
    let org = UserOrg::new("device", "user1@example.com", {
        let mut config = Config::default();
        config.device_interval = 1;
        config
    });
    let env = org.env();
    let created: Value = serde_json::from_str(&ok(&run(
        &[
            "app", "create", "--type", "native", "--name", "cli", "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    ok(&run(&["grant", "add", &id, "okta.users.read"], &env, None));
    ok(&run(
        &["app", "assign", &id, "--group", "00g0000000000everyone"],
        &env,
        None,
    ));
    let mut child = command(&["login", "--device", "--client-id", &id, "--json"], &env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut said = Vec::new();
    let code_line = lines
        .by_ref()
        .map(Result::unwrap)
        .inspect(|l| said.push(l.clone()))
        .find(|l| l.contains("enter the code"))
        .unwrap_or_else(|| panic!("no code printed: {said:?}"));
    let all = said.join("\n");
    assert!(
        all.contains(&format!("{}/activate", org.emulator.url())),
        "{all}"
    );
    let code = code_line
        .split("enter the code ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 8, "{code_line}");
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
    // Approve as user2, the way a person on another device would, after a poll or two.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let page = agent
        .post(&format!("{}/activate", org.emulator.url()))
        .send_form([
            ("user_code", code.as_str()),
            ("username", "user2@example.com"),
            ("password", okta_emulator::DEFAULT_PASSWORD),
            ("decision", "allow"),
        ])
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let out = child.wait_with_output().unwrap();
    let rest = rest.join().unwrap().join("\n");
    assert!(out.status.success(), "{rest}");
    let done: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["user"], "user2@example.com");
    let polls = org
        .emulator
        .events()
        .iter()
        .filter(|e| e.endpoint == "token")
        .count();
    assert!(polls >= 2, "it polled until approved ({polls} polls)");
}

#[test]
fn quickstart_user_runs_twice_reusing_everything_and_plans_a_dry_run() {
    let dir = tmp("quickstart-user");
    let state = dir.to_str().unwrap();
    let env = [("XDG_STATE_HOME", state), ("HOME", state)];
    let port = free_port().to_string();
    let first_out = run(
        &["quickstart", "--user", "--port", &port, "--json"],
        &env,
        None,
    );
    let first: Value = serde_json::from_str(&ok(&first_out)).unwrap();
    assert_eq!(first["user"], "user1@example.com");
    assert_eq!(first["users"][0], "admin@example.com");
    let said = String::from_utf8_lossy(&first_out.stderr);
    for step in [
        "created the web app",
        "assigned user1@example.com",
        "granted okta.users.read",
        "gave user1@example.com the READ_ONLY_ADMIN admin role",
    ] {
        assert!(said.contains(step), "{step}: {said}");
    }
    let secret_file = dir.join("okta-oauth/quickstart/local/web-client-secret");
    assert_eq!(mode(&secret_file), 0o600);
    let secret = std::fs::read_to_string(&secret_file)
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        !said.contains(&secret) && !String::from_utf8_lossy(&first_out.stdout).contains(&secret)
    );
    let again_out = run(
        &["quickstart", "--user", "--port", &port, "--json"],
        &env,
        None,
    );
    let again: Value = serde_json::from_str(&ok(&again_out)).unwrap();
    assert_eq!(first["client_id"], again["client_id"]);
    let said = String::from_utf8_lossy(&again_out.stderr);
    for step in [
        "reusing the web app",
        "already assigned",
        "already granted",
        "already holds READ_ONLY_ADMIN",
    ] {
        assert!(said.contains(step), "{step}: {said}");
    }
    assert_eq!(
        std::fs::read_to_string(&secret_file).unwrap().trim(),
        secret,
        "the secret is kept"
    );

    // A dry run against an org: the requests, in order, with no credential in them.
    let org = Emulator::start(Config::default()).unwrap();
    let plan = ok(&run(
        &[
            "quickstart",
            "--user",
            "someone@example.com",
            "--dry-run",
            "--org",
            org.url(),
            "--allow-http-loopback",
            "--json",
        ],
        &[
            ("OKTA_CLIENT_TOKEN", org.admin_token()),
            ("XDG_STATE_HOME", state),
        ],
        None,
    ));
    let steps: Vec<Value> = plan
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let calls: Vec<String> = steps
        .iter()
        .filter_map(|s| {
            Some(format!(
                "{} {}",
                s["method"].as_str()?,
                s["url"].as_str()?.trim_start_matches(org.url())
            ))
        })
        .collect();
    assert_eq!(calls[0], "GET /api/v1/users/someone%40example.com");
    assert!(calls.contains(&"POST /api/v1/apps".to_owned()), "{calls:?}");
    assert!(
        calls.contains(&"POST /api/v1/apps/{new app id}/users".to_owned()),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"POST /api/v1/users/{user id}/roles".to_owned()),
        "{calls:?}"
    );
    assert!(!plan.contains(org.admin_token()));
    assert!(org.events().is_empty(), "a dry run sends nothing");
    // Without a login, on a real org, it says what to give.
    fails(
        &run(
            &[
                "quickstart",
                "--user",
                "--dry-run",
                "--org",
                org.url(),
                "--allow-http-loopback",
            ],
            &[("XDG_STATE_HOME", state)],
            None,
        ),
        1,
        "--user you@example.com",
    );
}

#[test]
fn a_sign_in_that_cannot_work_fails_at_once_naming_why() {
    // Before: login waited its whole timeout while the browser showed the org's raw error.
    let org = UserOrg::new("dead-ends", "user1@example.com", Config::default());
    let env = org.env();
    let port = free_port();
    let made: Value = serde_json::from_str(&ok(&run(
        &[
            "app",
            "create",
            "--type",
            "native",
            "--name",
            "cli",
            "--redirect-uri",
            &format!("http://127.0.0.1:{port}/callback"),
            "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    let id = made["id"].as_str().unwrap().to_owned();
    let other = free_port().to_string();
    // With an API token: the app's redirect URIs are read first; the fix runs as printed.
    let (_, said, code) = org.login(&["--client-id", &id, "--port", &other], &env);
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("this sign-in cannot work, so it was not started"),
        "{said}"
    );
    assert!(
        said.contains(&format!("  okta-oauth login --port {port}")),
        "{said}"
    );
    // Without one: the authorize request is tried first, and its refusal is the error.
    let no_token: Vec<(&str, &str)> = env
        .iter()
        .copied()
        .filter(|(k, _)| *k != "OKTA_CLIENT_TOKEN")
        .collect();
    let (_, said, code) = org.login(&["--client-id", &id, "--port", &other], &no_token);
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("refused the sign-in request before showing its page"),
        "{said}"
    );
    // A service app's id, in the browser and with the device grant.
    let key = crate::ec_key(&org.dir.join("svc.pem"));
    let svc = &crate::service_app("svc", &key, &[], &env);
    let (_, said, code) = org.login(&["--client-id", svc], &env);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("is a service app"), "{said}");
    let out = run(&["login", "--device", "--client-id", svc], &env, None);
    fails(&out, 1, "is a service app (client credentials)");
    // A scope the app holds no grant for: the grant that fixes it, ready to run.
    let (_, said, code) = org.login(
        &[
            "--client-id",
            &id,
            "--port",
            &port.to_string(),
            "--scopes",
            "openid okta.groups.read",
        ],
        &env,
    );
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains(&format!("  okta-oauth grant add {id} okta.groups.read")),
        "{said}"
    );
}
