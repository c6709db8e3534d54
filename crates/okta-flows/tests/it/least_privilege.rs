//! Least privilege that works: a custom role made for a set of scopes (its permissions and its
//! resource set derived from them) lets the app's token call one operation of each scope, and
//! a role that lacks one is told which.

use okta_flows::{Method, Role, Scope};
use serde_json::json;

use crate::Setup;

/// One call a scope allows, with what the call sends.
fn call_for(scope: &str, n: usize) -> (Method, String, Option<serde_json::Value>) {
    match scope {
        "okta.users.read" => (Method::GET, "/api/v1/users?limit=2".into(), None),
        "okta.users.manage" => (
            Method::POST,
            "/api/v1/users?activate=false".into(),
            Some(
                json!({"profile": {"firstName": "Least", "lastName": "Privilege",
                "email": format!("least{n}@example.org"), "login": format!("least{n}@example.org")}}),
            ),
        ),
        "okta.groups.read" => (Method::GET, "/api/v1/groups".into(), None),
        "okta.groups.manage" => (
            Method::POST,
            "/api/v1/groups".into(),
            Some(json!({"profile": {"name": format!("least-{n}")}})),
        ),
        "okta.apps.read" => (Method::GET, "/api/v1/apps".into(), None),
        other => panic!("no call for {other}"),
    }
}

#[test]
fn a_custom_role_for_some_scopes_lets_each_of_them_work() {
    let s = Setup::simple();
    let sets: [&[&str]; 5] = [
        &["okta.users.read"],
        &["okta.users.read", "okta.groups.read"],
        &["okta.groups.manage"],
        &["okta.apps.read", "okta.users.read"],
        &["okta.users.manage", "okta.groups.manage"],
    ];
    for (n, set) in sets.iter().enumerate() {
        let scopes = Scope::list(set).unwrap();
        let (app, key) = s.another_app(&format!("least-{n}"), &scopes);
        let resources = okta_flows::resources_for(s.okta.org(), &scopes).unwrap();
        let role = s
            .okta
            .least_privilege_role(&s.admin, &format!("least {n}"), &scopes, &resources)
            .unwrap();
        assert!(matches!(role, Role::Custom { .. }));
        s.okta
            .ensure_role(&s.admin, app.client_id(), &role)
            .unwrap();
        let tokens = s.tokens_of(&app, key, &scopes);
        for scope in *set {
            let (method, path, body) = call_for(scope, n);
            let got = s.okta.call(&tokens, method, &path, body.as_ref());
            assert!(
                got.is_ok(),
                "{set:?}: {method} {path}: {}",
                got.unwrap_err()
            );
        }
        // A `.manage` scope serves reads too, through the role's `manage` permission.
        if set.contains(&"okta.groups.manage") {
            s.okta
                .call(&tokens, Method::GET, "/api/v1/groups", None)
                .unwrap();
        }
    }
}

#[test]
fn a_scope_no_custom_role_serves_is_refused_before_anything_is_made() {
    let s = Setup::simple();
    let scopes = Scope::list(&["okta.users.read", "okta.logs.read"]).unwrap();
    let err = s
        .okta
        .least_privilege_role(&s.admin, "logs", &scopes, &[])
        .unwrap_err();
    assert!(
        matches!(&err, okta_flows::Error::NoCustomPermission { scope } if scope == "okta.logs.read"),
        "{err}"
    );
    assert!(s.okta.find_custom_role(&s.admin, "logs").unwrap().is_none());
}

#[test]
fn a_custom_role_that_lacks_a_permission_is_told_which() {
    // On main a 403 for an app with a custom role recommended a standard role, undoing the
    // point of the custom one.
    use okta_flows::{Caller, ErrorCode, Fix};
    let s = Setup::simple();
    let both = Scope::list(&["okta.users.read", "okta.groups.read"]).unwrap();
    let (app, key) = s.another_app("narrow", &both);
    let users = Scope::list(&["okta.users.read"]).unwrap();
    let role = s
        .okta
        .least_privilege_role(
            &s.admin,
            "users only",
            &users,
            &okta_flows::resources_for(s.okta.org(), &users).unwrap(),
        )
        .unwrap();
    s.okta
        .ensure_role(&s.admin, app.client_id(), &role)
        .unwrap();
    let tokens = s.tokens_of(&app, key, &both);
    s.okta
        .call(&tokens, Method::GET, "/api/v1/users", None)
        .unwrap();
    let err = s
        .okta
        .call(&tokens, Method::GET, "/api/v1/groups", None)
        .unwrap_err();
    assert_eq!(err.okta_code(), Some(ErrorCode::NoPermission));
    let found = s
        .okta
        .diagnose_call(
            &err,
            Method::GET,
            "/api/v1/groups",
            Caller::App {
                client: app.client_id(),
                admin: Some(&s.admin),
            },
        )
        .unwrap();
    assert_eq!(
        found.fixes,
        [Fix::ExtendCustomRole {
            client: app.client_id().clone(),
            permissions: vec!["okta.groups.read".into()],
            resources: vec![format!("{}/api/v1/groups", s.okta.org().as_str())],
        }]
    );
}
