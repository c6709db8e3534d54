//! Okta's decisions, made in the library: setup steps that can run twice (`ensure_*`), and the
//! diagnosis of a refused call or sign-in that the command line only renders.

use okta_flows::{
    Caller, ClientId, Ensured, Error, ErrorCode, Fix, Method, Scope, StandardRole, TokenRequest,
    TokenSource,
};

use crate::{Setup, scopes};

#[test]
fn each_setup_step_can_run_twice() {
    let s = Setup::simple();
    let admin = &s.admin;
    let groups = Scope::new("okta.groups.read").unwrap();
    let made = s.okta.ensure_grant(admin, &s.app_id, &groups).unwrap();
    assert!(made.was_made());
    let again = s.okta.ensure_grant(admin, &s.app_id, &groups).unwrap();
    assert_eq!(again, Ensured::Already(made.get().clone()));
    let held = s.okta.list_grants(admin, &s.app_id).unwrap();
    assert_eq!(held.iter().filter(|g| g.scope == groups).count(), 1);

    // The setup assigned READ_ONLY_ADMIN already: found, not made again (Okta would say 409).
    let read_only = StandardRole::ReadOnlyAdmin.into();
    let found = s.okta.ensure_role(admin, &s.client_id, &read_only).unwrap();
    assert!(!found.was_made());
    let app_admin = StandardRole::AppAdmin.into();
    assert!(
        s.okta
            .ensure_role(admin, &s.client_id, &app_admin)
            .unwrap()
            .was_made()
    );
    assert!(
        !s.okta
            .ensure_role(admin, &s.client_id, &app_admin)
            .unwrap()
            .was_made()
    );

    let user = s.okta.find_user(admin, "user2@example.com").unwrap();
    let first = s
        .okta
        .ensure_user_role(admin, &user.id, &read_only)
        .unwrap();
    let second = s
        .okta
        .ensure_user_role(admin, &user.id, &read_only)
        .unwrap();
    assert!(first.was_made() && !second.was_made());
    assert_eq!(first.get().id, second.get().id);
}

#[test]
fn a_refused_call_is_diagnosed_for_a_library_caller() {
    let s = Setup::simple();
    let token_for = |wanted: &[&str]| {
        TokenSource::new(
            s.okta.clone(),
            s.creds(okta_flows::DpopMode::Auto),
            TokenRequest::new(scopes(wanted)),
        )
    };
    // The token holds okta.users.read only; GET /api/v1/groups needs okta.groups.read, which
    // the app is not granted: grant it (the grants were read with the API token).
    let users_only = token_for(&["okta.users.read"]);
    let err = s
        .okta
        .call(&users_only, Method::GET, "/api/v1/groups", None)
        .unwrap_err();
    let caller = Caller::App {
        client: &s.client_id,
        admin: Some(&s.admin),
    };
    let found = s
        .okta
        .diagnose_call(&err, Method::GET, "/api/v1/groups", caller)
        .expect("a diagnosis");
    assert_eq!(found.operation.as_deref(), Some("GET /api/v1/groups"));
    assert_eq!(found.needed, ["okta.groups.read"]);
    assert!(found.grants_read);
    assert_eq!(
        found.fixes,
        [Fix::GrantScope {
            client: s.client_id.clone(),
            scope: "okta.groups.read".into()
        }]
    );
    // Without an API token the grants are not read: the same fix, said as "if it lacks it".
    let blind = s
        .okta
        .diagnose_call(
            &err,
            Method::GET,
            "/api/v1/groups",
            Caller::App {
                client: &s.client_id,
                admin: None,
            },
        )
        .unwrap();
    assert!(!blind.grants_read);
    assert_eq!(blind.fixes, found.fixes);
    // Granted, but not asked for: ask for it.
    s.okta
        .add_grant(
            &s.admin,
            &s.app_id,
            &Scope::new("okta.groups.read").unwrap(),
        )
        .unwrap();
    let err = s
        .okta
        .call(&users_only, Method::GET, "/api/v1/groups", None)
        .unwrap_err();
    let found = s
        .okta
        .diagnose_call(&err, Method::GET, "/api/v1/groups", caller)
        .unwrap();
    assert_eq!(
        found.fixes,
        [Fix::RequestScopes {
            scopes: vec!["okta.groups.read".into()]
        }]
    );
    // Another kind of error is not this diagnosis's.
    assert!(
        s.okta
            .diagnose_call(&Error::PageLoop, Method::GET, "/api/v1/groups", caller)
            .is_none()
    );
}

#[test]
fn an_app_without_a_role_is_told_which_role_to_assign() {
    // Okta answers 403 E0000006 when the token holds the scope but the app has no admin role;
    // the Read-Only Administrator may view users (Okta's "Standard administrator roles").
    let s = Setup::simple();
    let users = scopes(&["okta.users.read"]);
    let (app, key) = s.another_app("no-role", &users);
    let client: ClientId = app.client_id().clone();
    let tokens = s.tokens_of(&app, key, &users);
    let err = s
        .okta
        .call(&tokens, Method::GET, "/api/v1/users", None)
        .unwrap_err();
    assert_eq!(err.okta_code(), Some(ErrorCode::NoPermission));
    let found = s
        .okta
        .diagnose_call(
            &err,
            Method::GET,
            "/api/v1/users",
            Caller::App {
                client: &client,
                admin: None,
            },
        )
        .unwrap();
    assert_eq!(
        found.fixes,
        [Fix::AssignAppRole {
            client: client.clone(),
            role: StandardRole::ReadOnlyAdmin
        }]
    );
    let user = s
        .okta
        .diagnose_call(&err, Method::GET, "/api/v1/users", Caller::User)
        .unwrap();
    assert_eq!(
        user.fixes,
        [Fix::AssignUserRole {
            role: StandardRole::ReadOnlyAdmin
        }]
    );
}

#[test]
fn a_refused_sign_in_is_diagnosed() {
    let client = ClientId::new("0oa1web").unwrap();
    // Okta's redirect for a user the app is not assigned to: access_denied, "User is not
    // assigned to the client application."
    let unassigned = Error::SignIn(
        "the authorization server answered access_denied: User is not assigned to the client application."
            .into(),
    );
    assert_eq!(
        okta_flows::diagnose_sign_in(&unassigned, &client, true),
        Some(Fix::AssignUserToApp {
            client: client.clone()
        })
    );
    assert_eq!(
        okta_flows::diagnose_sign_in(&Error::PageLoop, &client, false),
        None
    );
}

/// A clock two hours ahead of the org's.
struct Ahead;

impl okta_flows::Clock for Ahead {
    fn now(&self) -> okta_flows::UnixTime {
        let real = okta_flows::SystemClock.now();
        okta_flows::UnixTime(real.secs() + 7200)
    }
}

#[test]
fn a_refused_token_request_is_diagnosed() {
    use okta_flows::{DpopMode, Okta, OrgUrl, ServiceCredentials};
    use std::sync::Arc;
    let s = Setup::simple();
    let request = || TokenRequest::new(scopes(&["okta.users.read"]));
    // Signed with a key the app does not have: which kid, and the app's.
    let stranger = Arc::new(
        okta_jwk::KeyPair::generate(okta_jwk::KeySpec::Ec(okta_jwk::Curve::P256)).unwrap(),
    );
    let wrong = ServiceCredentials::new(s.client_id.clone(), stranger.clone());
    let err = s.okta.client_credentials(&wrong, &request()).unwrap_err();
    let registered = s.key.public_jwk().kid().unwrap().to_string();
    assert_eq!(
        s.okta.diagnose_token(&err, &wrong, Some(&s.admin)),
        Some(Fix::SignWithRegisteredKey {
            kid: stranger.public_jwk().kid().unwrap().to_string(),
            registered: vec![registered],
        })
    );
    // This machine two hours ahead: the org's clock, read from its Date, says by how much.
    let ahead = Okta::builder(OrgUrl::dangerous_allow_loopback_http(s.org.url()).unwrap())
        .clock(Arc::new(Ahead))
        .build()
        .unwrap();
    let creds = s.creds(DpopMode::Auto);
    let err = ahead.client_credentials(&creds, &request()).unwrap_err();
    match ahead.diagnose_token(&err, &creds, None) {
        Some(Fix::CheckClock { skew: Some(skew) }) => {
            assert!((-7210..=-7190).contains(&skew), "{skew}");
        }
        other => panic!("{other:?}: {err}"),
    }
    // An app that requires DPoP, asked without a proof.
    let dpop = Setup::new(okta_jwk::KeySpec::Ec(okta_jwk::Curve::P256), true, 3);
    let never = dpop.creds(DpopMode::Never);
    let err = dpop
        .okta
        .client_credentials(&never, &request())
        .unwrap_err();
    assert_eq!(
        dpop.okta.diagnose_token(&err, &never, None),
        Some(Fix::SendDpopProof)
    );
}
