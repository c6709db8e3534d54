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
    use crate::user_access::{browse, free_redirect, org};
    let o = org({
        let mut config = okta_emulator::Config::default();
        config.default_login = Some("user4@example.com".into());
        config
    });
    let url = o.org.url().to_owned();
    let (port, redirect) = free_redirect();
    let spec = OidcApp::new("planned web app", OidcAppKind::Web, vec![redirect]).unwrap();
    let asked = scopes(&["okta.users.read"]);
    let plan = UserAccessPlan::new(
        spec,
        "user4@example.com",
        asked.clone(),
        StandardRole::ReadOnlyAdmin.into(),
    );
    // The guide to its end: the admin steps, the person's sign-in, the first call.
    let whole = |plan: &UserAccessPlan| {
        let done = plan.run(&o.okta, &o.admin, |_| {}).unwrap();
        let secret = done
            .new_secret
            .clone()
            .or_else(|| done.app.client_secret().cloned())
            .expect("the web app's secret");
        let sign_in = o
            .okta
            .start_sign_in(done.app.client_id(), port, "/callback", &asked)
            .unwrap();
        let browser = browse(sign_in.url().to_owned());
        let auth = okta_flows::ClientAuth::Secret {
            client_id: done.app.client_id(),
            secret: &secret,
        };
        let tokens = o
            .okta
            .finish_sign_in(sign_in, auth, std::time::Duration::from_secs(20))
            .unwrap();
        browser.join().unwrap();
        assert!(!plan.call_first(&o.okta, &tokens.access).unwrap().is_empty());
        done
    };
    let dry = plan.requests(&o.okta);
    o.org.clear_events();
    let done = whole(&plan);
    let (app, user) = (done.app.id().to_string(), done.user.id.to_string());
    let fill = [("{new app id}", app.as_str()), ("{user id}", user.as_str())];
    let received: Vec<(String, String)> = o
        .org
        .events()
        .into_iter()
        .map(|e| (e.method, e.path))
        .collect();
    assert_eq!(received, planned(&dry, &url, &fill, |_| true));
    // No secret is in the plan: the code, the verifier and the secret are described.
    let text = format!("{dry:?}");
    assert!(text.contains("<the client secret, redacted>"), "{text}");
}
