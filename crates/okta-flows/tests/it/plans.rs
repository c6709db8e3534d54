//! A plan's dry run lists what its run sends: each plan is run against the emulator, and the
//! requests the emulator received (method and path) are the planned ones, in order: every one
//! on a first run, the reads alone on a second.

use std::sync::Arc;

use okta_flows::{
    DpopBinding, OidcApp, OidcAppKind, PlannedRequest, ServiceAppPlan, ServiceCredentials,
    StandardRole, TokenSource, UserAccessPlan,
};

use crate::{Setup, scopes};

/// Method and path of each request the emulator received since it was last cleared.
fn received(s: &Setup) -> Vec<(String, String)> {
    s.org
        .events()
        .into_iter()
        .map(|e| (e.method, e.path))
        .collect()
}

/// Method and path of each planned request whose condition `taken` accepts, with the
/// placeholders filled in.
fn planned(
    plan: &[PlannedRequest],
    org: &str,
    fill: &[(&str, &str)],
    taken: impl Fn(&str) -> bool,
) -> Vec<(String, String)> {
    plan.iter()
        .filter(|r| taken(&r.when))
        .map(|r| {
            let mut url = r.url.strip_prefix(org).unwrap().to_owned();
            for (placeholder, value) in fill {
                url = url.replace(placeholder, value);
            }
            let path = url.split('?').next().unwrap().to_owned();
            (r.method.as_str().to_owned(), path)
        })
        .collect()
}

/// Reads happen on every run; the rest only when what they make is missing.
fn is_read(when: &str) -> bool {
    when.starts_with("always")
}

#[test]
fn the_service_app_plan_lists_what_its_run_sends() {
    let s = Setup::simple();
    let org = s.org.url().to_owned();
    let key = Arc::new(
        okta_jwk::KeyPair::generate(okta_jwk::KeySpec::Ec(okta_jwk::Curve::P256)).unwrap(),
    );
    let jwks = okta_jwk::Jwks::new(vec![key.public_jwk().clone()]);
    // Without DPoP: with it, the token request is sent again with the server's nonce, which
    // the plan says in words ("once it asks").
    let plan = ServiceAppPlan::new(
        "planned",
        jwks,
        scopes(&["okta.users.read", "okta.groups.read"]),
        StandardRole::ReadOnlyAdmin.into(),
    )
    .dpop(DpopBinding::NotRequired);
    // The guide to its end: the admin steps, then a token and the first call with it.
    let whole = |plan: &ServiceAppPlan| {
        let done = plan.run(&s.okta, &s.admin, |_| {}).unwrap();
        let creds = ServiceCredentials::for_app(&done.app, key.clone());
        let tokens = TokenSource::new(s.okta.clone(), creds, plan.token_request());
        let first = plan.call_first(&s.okta, &tokens).unwrap();
        assert_eq!(first.items.len(), 10);
        done
    };
    let dry = plan.requests(&s.okta);
    assert!(
        dry.iter().any(|r| r.form.is_some()),
        "the token request is planned"
    );
    s.org.clear_events();
    let done = whole(&plan);
    let id = done.app.id().to_string();
    let fill = [("{new app id}", id.as_str())];
    assert_eq!(received(&s), planned(&dry, &org, &fill, |_| true));

    // A second run with the app recorded: the reads of its plan, and nothing else.
    let again = plan.reuse(Some(done.app.id().clone()));
    let dry = again.requests(&s.okta);
    s.org.clear_events();
    whole(&again);
    assert_eq!(received(&s), planned(&dry, &org, &[], is_read));
}

#[test]
fn the_user_access_plan_lists_what_its_run_sends() {
    let s = Setup::simple();
    let org = s.org.url().to_owned();
    let spec = OidcApp::new(
        "planned web app",
        OidcAppKind::Web,
        vec!["http://127.0.0.1:8765/callback".into()],
    )
    .unwrap();
    let plan = UserAccessPlan::new(
        spec,
        "user4@example.com",
        scopes(&["okta.users.read"]),
        StandardRole::ReadOnlyAdmin.into(),
    );
    let dry = plan.requests(&s.okta);
    s.org.clear_events();
    let done = plan.run(&s.okta, &s.admin, |_| {}).unwrap();
    let (app, user) = (done.app.id().to_string(), done.user.id.to_string());
    let fill = [("{new app id}", app.as_str()), ("{user id}", user.as_str())];
    assert_eq!(received(&s), planned(&dry, &org, &fill, |_| true));

    let again = plan.reuse(Some(done.app.id().clone()), true);
    let dry = again.requests(&s.okta);
    s.org.clear_events();
    again.run(&s.okta, &s.admin, |_| {}).unwrap();
    assert_eq!(received(&s), planned(&dry, &org, &fill, is_read));
}
