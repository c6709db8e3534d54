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
    let key = dir.join("svc.pem");
    ok(&run(
        &["keygen", "--kty", "EC", "--out", key.to_str().unwrap()],
        &[],
        None,
    ));
    let app: Value = serde_json::from_str(&ok(&run(
        &[
            "app",
            "create",
            "--name",
            "reporting",
            "--key",
            key.to_str().unwrap(),
            "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    let id = app["id"].as_str().unwrap().to_owned();
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
