//! Least privilege by default: `api` asks for what the operation needs (Okta's contract), says
//! which scope is missing and how to grant it, and unknown scope names are refused before
//! anything is sent. The expected scopes are those Okta's Management API contract declares
//! (`GET /api/v1/apps`: okta.apps.read; `GET /api/v1/groups/{groupId}/users`: okta.groups.read).

use okta_emulator::{Config, Emulator};
use serde_json::Value;

use crate::{fails, ok, run, tmp};

#[test]
fn api_asks_for_what_the_call_needs_and_names_the_grant_that_is_missing() {
    let org = Emulator::start(Config::default()).unwrap();
    let dir = tmp("least-privilege");
    let state = dir.to_str().unwrap();
    let env = [
        ("OKTA_CLIENT_ORGURL", org.url()),
        ("OKTA_CLIENT_TOKEN", org.admin_token()),
        ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
        ("XDG_STATE_HOME", state),
        ("HOME", state),
    ];
    let qs: Value = serde_json::from_str(&ok(&run(&["quickstart", "--json"], &env, None))).unwrap();
    let id = qs["client_id"].as_str().unwrap().to_owned();
    let key = qs["private_key"].as_str().unwrap().to_owned();
    let mut with_app = env.to_vec();
    with_app.extend([
        ("OKTA_CLIENT_CLIENTID", id.as_str()),
        ("OKTA_CLIENT_PRIVATEKEY", key.as_str()),
    ]);

    // quickstart granted okta.users.read only.
    let out = run(&["api", "GET", "/api/v1/apps"], &with_app, None);
    fails(&out, 1, "GET /api/v1/apps needs okta.apps.read");
    fails(&out, 1, "holds no grant for okta.apps.read");
    fails(
        &out,
        1,
        &format!("okta-oauth grant add {id} okta.apps.read"),
    );
    // One token request, refused: the scope asked for was not granted.
    let refused = org
        .events()
        .iter()
        .filter(|e| e.endpoint == "token" && e.outcome == "invalid_scope")
        .count();
    assert_eq!(refused, 1, "one refused token request");

    ok(&run(&["grant", "add", &id, "okta.apps.read"], &env, None));
    let apps = ok(&run(
        &["api", "GET", "/api/v1/apps", "--json"],
        &with_app,
        None,
    ));
    assert!(apps.contains(&id), "{apps}");
    // Users still work, with their own token (a token per scope set).
    ok(&run(
        &["api", "GET", "/api/v1/users?limit=1"],
        &with_app,
        None,
    ));

    // Configured scopes that do not cover the call: a warning, then Okta's refusal explained.
    let out = run(
        &[
            "api",
            "GET",
            "/api/v1/groups",
            "--scopes",
            "okta.users.read",
        ],
        &with_app,
        None,
    );
    fails(
        &out,
        1,
        "warning: GET /api/v1/groups needs okta.groups.read",
    );

    // Unknown names are refused before sending, with the one meant.
    let before = org.events().len();
    fails(
        &run(&["grant", "add", &id, "okta.user.read"], &env, None),
        1,
        "did you mean okta.users.read?",
    );
    fails(
        &run(&["token", "--scopes", "okta.Users.read"], &with_app, None),
        1,
        "did you mean okta.users.read?",
    );
    fails(
        &run(&["quickstart", "--scopes", "okta.apps.reed"], &env, None),
        1,
        "did you mean okta.apps.read?",
    );
    assert_eq!(org.events().len(), before, "nothing was sent");
}

#[test]
fn scopes_prints_what_an_operation_needs() {
    let out = ok(&run(
        &["scopes", "GET /api/v1/groups/00g1abc/users?limit=5"],
        &[],
        None,
    ));
    assert_eq!(
        out.trim(),
        "GET /api/v1/groups/{groupId}/users  okta.groups.read"
    );
    let json: Value = serde_json::from_str(&ok(&run(
        &["scopes", "POST", "/api/v1/apps/0oa1/grants", "--json"],
        &[],
        None,
    )))
    .unwrap();
    assert_eq!(json["scopes"][0], "okta.appGrants.manage");
    let found = ok(&run(
        &["scopes", "--search", "group-push", "--json"],
        &[],
        None,
    ));
    let lines: Vec<Value> = found
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 2, "{found}");
    assert!(
        lines
            .iter()
            .all(|l| l["scopes"].as_array().unwrap().len() == 2)
    );
    fails(
        &run(&["scopes", "GET /api/v1/nope"], &[], None),
        1,
        "not an operation",
    );
}

#[test]
fn a_least_privilege_role_binds_an_app_to_one_groups_users() {
    let org = Emulator::start(Config::default()).unwrap();
    let dir = tmp("custom-role");
    let state = dir.to_str().unwrap();
    let env = [
        ("OKTA_CLIENT_ORGURL", org.url()),
        ("OKTA_CLIENT_TOKEN", org.admin_token()),
        ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
        ("XDG_STATE_HOME", state),
        ("HOME", state),
    ];
    // A group with one member, made with the API token.
    let body = dir.join("group.json");
    std::fs::write(&body, r#"{"profile": {"name": "Reporting"}}"#).unwrap();
    let group: Value = serde_json::from_str(&ok(&run(
        &[
            "api",
            "POST",
            "/api/v1/groups",
            "--ssws",
            "--data",
            body.to_str().unwrap(),
            "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    let gid = group["id"].as_str().unwrap().to_owned();
    let user: Value = serde_json::from_str(&ok(&run(
        &[
            "api",
            "GET",
            "/api/v1/users/user3@example.com",
            "--ssws",
            "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    let uid = user["id"].as_str().unwrap().to_owned();
    let empty = dir.join("empty.json");
    std::fs::write(&empty, "{}").unwrap();
    ok(&run(
        &[
            "api",
            "PUT",
            &format!("/api/v1/groups/{gid}/users/{uid}"),
            "--ssws",
            "--data",
            empty.to_str().unwrap(),
        ],
        &env,
        None,
    ));

    // The custom role: twice, the second finds the first by its label.
    let made: Value = serde_json::from_str(&ok(&run(
        &[
            "role",
            "custom",
            "Reporting reader",
            "--scopes",
            "okta.users.read okta.groups.read",
            "--group",
            &gid,
            "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    let again: Value = serde_json::from_str(&ok(&run(
        &[
            "role",
            "custom",
            "Reporting reader",
            "--scopes",
            "okta.users.read okta.groups.read",
            "--group",
            &gid,
            "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    assert_eq!(made["role"], again["role"]);
    assert_eq!(made["resource_set"], again["resource_set"]);
    fails(
        &run(
            &["role", "custom", "x", "--scopes", "okta.grups.read"],
            &env,
            None,
        ),
        1,
        "did you mean okta.groups.read?",
    );

    // A service app with that role only.
    let key = crate::ec_key(&dir.join("svc.pem"));
    let id = crate::service_app("reporting", &key, &[], &env);
    for scope in ["okta.users.read", "okta.groups.read"] {
        ok(&run(&["grant", "add", &id, scope], &env, None));
    }
    // By the role's label and the set's id: either names them.
    let set = made["resource_set"].as_str().unwrap();
    ok(&run(
        &[
            "role",
            "assign",
            &id,
            "--custom",
            "Reporting reader",
            "--resource-set",
            set,
        ],
        &env,
        None,
    ));
    let listed = ok(&run(&["role", "list", &id, "--json"], &env, None));
    assert!(listed.contains("CUSTOM"), "{listed}");
    let mut with_app = env.to_vec();
    with_app.extend([
        ("OKTA_CLIENT_CLIENTID", id.as_str()),
        ("OKTA_CLIENT_PRIVATEKEY", key.to_str().unwrap()),
    ]);
    let members = ok(&run(
        &[
            "api",
            "GET",
            &format!("/api/v1/groups/{gid}/users"),
            "--json",
        ],
        &with_app,
        None,
    ));
    assert!(members.contains("user3@example.com"), "{members}");
    ok(&run(
        &["api", "GET", &format!("/api/v1/users/{uid}")],
        &with_app,
        None,
    ));
    // Every user is not in the resource set.
    let refused = run(&["api", "GET", "/api/v1/users"], &with_app, None);
    fails(&refused, 1, "E0000006");
    // The commands it prints run as printed, and then the call works.
    let said = String::from_utf8_lossy(&refused.stderr).into_owned();
    let advice: Vec<&str> = said
        .lines()
        .filter_map(|l| l.trim().strip_prefix("okta-oauth "))
        .collect();
    assert_eq!(advice.len(), 2, "{said}");
    for line in advice {
        let words = shell_words(line);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        ok(&run(&words, &with_app, None));
    }
    ok(&run(&["api", "GET", "/api/v1/users"], &with_app, None));
}

/// A printed command line split as a shell would: words, and single-quoted words.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            _ => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[test]
fn quickstart_least_privilege_uses_a_custom_role_and_plans_it() {
    let dir = tmp("quickstart-least");
    let state = dir.to_str().unwrap();
    let out = run(
        &["quickstart", "--least-privilege", "--json"],
        &[("XDG_STATE_HOME", state)],
        None,
    );
    let done: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(done["users"][0], "admin@example.com");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(
            "custom role \"okta-oauth quickstart (least privilege)\" grants okta.users.read"
        ),
        "{said}"
    );
    assert!(!said.contains("READ_ONLY_ADMIN"), "{said}");
    let again = run(
        &["quickstart", "--least-privilege", "--json"],
        &[("XDG_STATE_HOME", state)],
        None,
    );
    ok(&again);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has the CUSTOM"));

    let org = Emulator::start(Config::default()).unwrap();
    let plan = ok(&run(
        &[
            "quickstart",
            "--least-privilege",
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
    assert!(plan.contains("/api/v1/iam/roles"), "{plan}");
    assert!(plan.contains("\"type\":\"CUSTOM\""), "{plan}");
    assert!(org.events().is_empty());
}

#[test]
fn quickstart_least_privilege_with_two_scopes_calls_an_endpoint_of_each() {
    // On main the custom role applied to every user only: `GET /api/v1/groups` with the app's
    // token answered 403 E0000006, and the hint then recommended READ_ONLY_ADMIN.
    let dir = tmp("quickstart-least-two");
    let state = dir.to_str().unwrap();
    let org = Emulator::start(Config::default()).unwrap();
    let admin = [
        ("OKTA_CLIENT_TOKEN", org.admin_token()),
        ("XDG_STATE_HOME", state),
    ];
    let done: Value = serde_json::from_str(&ok(&run(
        &[
            "quickstart",
            "--least-privilege",
            "--scopes",
            "okta.users.read okta.groups.read",
            "--org",
            org.url(),
            "--allow-http-loopback",
            "--json",
        ],
        &admin,
        None,
    )))
    .unwrap();
    let client = done["client_id"].as_str().unwrap();
    let key = done["private_key"].as_str().unwrap();
    let app = [
        ("XDG_STATE_HOME", state),
        ("OKTA_CLIENT_ORGURL", org.url()),
        ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
        ("OKTA_CLIENT_CLIENTID", client),
        ("OKTA_CLIENT_PRIVATEKEY", key),
        ("OKTA_CLIENT_SCOPES", "okta.users.read okta.groups.read"),
    ];
    for path in ["/api/v1/users", "/api/v1/groups"] {
        let listed: Value =
            serde_json::from_str(&ok(&run(&["api", "GET", path, "--json"], &app, None))).unwrap();
        assert!(listed.as_array().is_some_and(|a| !a.is_empty()), "{path}");
    }
    // A call neither scope allows is refused, and the help names no standard role.
    let out = run(&["api", "GET", "/api/v1/apps"], &app, None);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(!said.contains("READ_ONLY_ADMIN"), "{said}");
}

/// Issue 29 §3: from the calls a program makes to a least-privilege app, in two commands.
/// `scopes --from FILE` reads one call a line (`GET /api/v1/users`, or a JSON object with
/// `method` and `path`, as `--learn` will write them), names the scopes to grant (Okta's
/// contract: listing users needs `okta.users.read`, listing groups `okta.groups.read`, creating
/// one `okta.groups.manage`) and a custom role's permissions, and prints the quickstart that
/// makes that app; run as printed, it grants exactly those scopes, and the app's token makes
/// each call.
#[test]
fn scopes_from_a_file_of_calls_then_an_app_for_exactly_them() {
    let dir = tmp("scopes-from");
    let calls = dir.join("calls.txt");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        &calls,
        "# what sync.py calls\nGET /api/v1/users?limit=200\n\n\
         {\"method\": \"GET\", \"path\": \"/api/v1/groups\"}\npost /api/v1/groups\n",
    )
    .unwrap();
    let calls_arg = calls.to_str().unwrap();
    let state = dir.to_str().unwrap();
    let out = run(&["scopes", "--from", calls_arg], &[], None);
    let text = ok(&out);
    assert!(
        text.contains("\nscopes: okta.groups.manage okta.groups.read okta.users.read\n"),
        "{text}"
    );
    assert!(text.contains("custom role permissions: okta."), "{text}");
    let json: Value = serde_json::from_str(&ok(&run(
        &["scopes", "--from", calls_arg, "--json"],
        &[],
        None,
    )))
    .unwrap();
    assert_eq!(json["operations"].as_array().unwrap().len(), 3);
    assert_eq!(
        json["scopes"],
        serde_json::json!(["okta.groups.manage", "okta.groups.read", "okta.users.read"])
    );
    let printed = crate::advice::suggestions(&text);
    let make = printed
        .iter()
        .find(|l| l.starts_with("okta-oauth quickstart"))
        .unwrap_or_else(|| panic!("no quickstart printed: {text}"));
    let words = crate::advice::shell_words(make);
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    // Run as printed, against an org given by the environment, as a person's shell gives it.
    let org = Emulator::start(Config::default()).unwrap();
    let admin = [
        ("OKTA_CLIENT_ORGURL", org.url()),
        ("OKTA_CLIENT_TOKEN", org.admin_token()),
        ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
        ("XDG_STATE_HOME", state),
        ("XDG_CONFIG_HOME", state),
    ];
    let mut with_json = args.clone();
    with_json.push("--json");
    let done: Value = serde_json::from_str(&ok(&run(&with_json, &admin, None))).unwrap();
    let client = done["client_id"].as_str().unwrap();
    let granted: Vec<String> = ok(&run(&["grant", "list", client, "--json"], &admin, None))
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["scope"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let mut granted = granted;
    granted.sort();
    assert_eq!(
        granted,
        ["okta.groups.manage", "okta.groups.read", "okta.users.read"]
    );
    let app = [
        ("XDG_STATE_HOME", state),
        ("OKTA_CLIENT_ORGURL", org.url()),
        ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
        ("OKTA_CLIENT_CLIENTID", client),
        (
            "OKTA_CLIENT_PRIVATEKEY",
            done["private_key"].as_str().unwrap(),
        ),
    ];
    ok(&run(&["api", "GET", "/api/v1/users?limit=200"], &app, None));
    ok(&run(&["api", "GET", "/api/v1/groups"], &app, None));
    let body = dir.join("group.json");
    std::fs::write(
        &body,
        r#"{"profile": {"name": "made by the least-privilege app"}}"#,
    )
    .unwrap();
    ok(&run(
        &[
            "api",
            "POST",
            "/api/v1/groups",
            "--data",
            body.to_str().unwrap(),
        ],
        &app,
        None,
    ));
}

/// A file with calls the contract does not have, or lines that are no call: every one named
/// with its line, at once; nothing of a secret pasted there is echoed.
#[test]
fn scopes_from_names_every_line_it_cannot_read() {
    let dir = tmp("scopes-from-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let calls = dir.join("calls.txt");
    std::fs::write(
        &calls,
        "GET /api/v1/users\nGET /api/v1/nothing-here\njust words\n{\"method\": 1}\n\
         GET /api/v1/users/00ab0cDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab\n",
    )
    .unwrap();
    let out = run(&["scopes", "--from", calls.to_str().unwrap()], &[], None);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{said}");
    for line in [
        ":2: GET /api/v1/nothing-here is not",
        ":3: not a call",
        ":4: not a call",
    ] {
        assert!(said.contains(line), "{line}: {said}");
    }
    assert!(!said.contains(":1:") && !said.contains(":5:"), "{said}");
}
