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
