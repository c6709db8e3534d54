//! A plan's dry run lists what its run sends: each plan is run against the emulator, and the
//! requests the emulator received (method and path) are the planned ones, in order: every one
//! on a first run, the reads alone on a second.

use okta_flows::{
    OidcApp, OidcAppKind, PlannedRequest, ServiceAppPlan, StandardRole, UserAccessPlan,
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
    let key = okta_jwk::KeyPair::generate(okta_jwk::KeySpec::Ec(okta_jwk::Curve::P256)).unwrap();
    let jwks = okta_jwk::Jwks::new(vec![key.public_jwk().clone()]);
    let plan = ServiceAppPlan::new(
        "planned",
        jwks,
        scopes(&["okta.users.read", "okta.groups.read"]),
        StandardRole::ReadOnlyAdmin.into(),
    );
    let dry = plan.requests(&s.okta);
    s.org.clear_events();
    let done = plan.run(&s.okta, &s.admin, |_| {}).unwrap();
    let id = done.app.id().to_string();
    let fill = [("{new app id}", id.as_str())];
    assert_eq!(received(&s), planned(&dry, &org, &fill, |_| true));

    // A second run with the app recorded: the reads of its plan, and nothing else.
    let again = plan.reuse(Some(done.app.id().clone()));
    let dry = again.requests(&s.okta);
    s.org.clear_events();
    again.run(&s.okta, &s.admin, |_| {}).unwrap();
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
