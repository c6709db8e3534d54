//! What a hostile or broken server can send the client (oversized, truncated or mislabelled
//! answers, redirects, foreign and looping links, bad token responses, nonce tricks), each
//! reproduced with the emulator's fault injection: a typed error or a bounded recovery, no
//! panic, no secret in any error.

use okta_emulator::{Fault, FaultRoute, FaultRule, Reset};
use okta_flows::{Credential, DpopMode, Error, TokenRequest, TokenSource};
use okta_jwk::{Curve, KeySpec};
use serde_json::json;

use crate::Setup;

fn dpop_setup() -> Setup {
    Setup::new(KeySpec::Ec(Curve::P256), true, 25)
}

fn request() -> TokenRequest {
    TokenRequest::scopes(&["okta.users.read"]).unwrap()
}

/// No error may show a token, an assertion or the API token.
fn assert_no_secret(s: &Setup, err: &Error) {
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(s.org.admin_token()), "{shown}");
    assert!(!shown.contains("eyJ"), "a JWT in an error: {shown}");
}

#[test]
fn case_38_nonce_challenge_without_a_nonce_or_forever() {
    let s = dpop_setup();
    s.org
        .inject(FaultRule::next(FaultRoute::Token, 1, Fault::NonceMissing));
    let err = s
        .okta
        .client_credentials(&s.creds(DpopMode::Always), &request())
        .unwrap_err();
    assert!(matches!(err, Error::Dpop(_)), "{err}");
    assert_no_secret(&s, &err);
    s.org.clear_events();
    s.org
        .inject(FaultRule::always(FaultRoute::Token, Fault::NonceForever));
    let err = s
        .okta
        .client_credentials(&s.creds(DpopMode::Always), &request())
        .unwrap_err();
    assert!(err.to_string().contains("after 2 retries"), "{err}");
    assert_eq!(
        s.token_outcomes().len(),
        3,
        "the first try and at most two nonce retries"
    );
    s.org.clear_faults();
    s.org
        .inject(FaultRule::next(FaultRoute::Token, 1, Fault::NonceDuplicate));
    let err = s
        .okta
        .client_credentials(&s.creds(DpopMode::Always), &request())
        .unwrap_err();
    assert!(matches!(err, Error::Dpop(_)), "{err}");
}

#[test]
fn cases_39_and_40_html_pages_and_truncated_json() {
    let s = Setup::simple();
    // A gateway that keeps failing: after the bounded retries (issue 13), Okta's page is shown.
    s.org
        .inject(FaultRule::always(FaultRoute::Token, Fault::Html(502)));
    let err = s
        .okta
        .client_credentials(&s.creds(DpopMode::Auto), &request())
        .unwrap_err();
    s.org.clear_faults();
    assert_eq!(err.status(), Some(502));
    let shown = err.to_string();
    assert!(
        shown.contains("Bad Gateway") && shown.contains("request id"),
        "{shown}"
    );
    s.org
        .inject(FaultRule::next(FaultRoute::Token, 1, Fault::TruncatedJson));
    let err = s
        .okta
        .client_credentials(&s.creds(DpopMode::Auto), &request())
        .unwrap_err();
    assert!(matches!(err, Error::Unexpected { .. }), "{err}");
    assert_no_secret(&s, &err);
    s.org.inject(FaultRule::next(
        FaultRoute::Token,
        1,
        Fault::WrongContentType,
    ));
    let err = s
        .okta
        .client_credentials(&s.creds(DpopMode::Auto), &request())
        .unwrap_err();
    assert!(err.to_string().contains("not JSON"), "{err}");
    // Nothing was cached by the failures: a token source asks again and succeeds.
    let source = TokenSource::new(s.okta.clone(), s.creds(DpopMode::Auto), request());
    s.org
        .inject(FaultRule::next(FaultRoute::Token, 1, Fault::Status(500)));
    assert!(source.token().is_err());
    assert!(source.token().is_ok());
    assert_eq!(source.tokens_fetched(), 2);
}

#[test]
fn cases_41_to_43_token_responses() {
    let s = dpop_setup();
    let creds = s.creds(DpopMode::Always);
    s.org.inject(FaultRule::next(
        FaultRoute::Token,
        1,
        Fault::TokenTypeBearer,
    ));
    let err = s.okta.client_credentials(&creds, &request()).unwrap_err();
    assert!(
        matches!(err, Error::TokenResponse(ref m) if m.contains("RFC 9449")),
        "{err}"
    );
    for value in [json!(0), json!(-1), json!("3600"), json!(1e12), json!(null)] {
        s.org.inject(FaultRule::next(
            FaultRoute::Token,
            1,
            Fault::ExpiresIn(value.clone()),
        ));
        let err = s.okta.client_credentials(&creds, &request()).unwrap_err();
        assert!(matches!(err, Error::TokenResponse(_)), "{value}: {err}");
    }
    // 43: granted fewer than asked: fine, and exposed; a required one missing: typed error.
    let plain = Setup::simple();
    let t = plain
        .okta
        .client_credentials(
            &plain.creds(DpopMode::Auto),
            &TokenRequest::scopes(&["okta.users.read", "okta.groups.read"]).unwrap(),
        )
        .unwrap();
    assert_eq!(t.scopes(), ["okta.users.read"]);
    let err = plain
        .okta
        .client_credentials(
            &plain.creds(DpopMode::Auto),
            &TokenRequest::scopes(&["okta.users.read", "okta.groups.read"])
                .unwrap()
                .require(okta_flows::Scope::list(&["okta.groups.read"]).unwrap()),
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::MissingScopes { ref missing, .. } if missing == &["okta.groups.read"]),
        "{err}"
    );
}

#[test]
fn case_44_rate_limits_are_waited_out_within_bounds() {
    let s = Setup::simple();
    let ssws: &dyn Credential = &(s.admin);
    // A usable reset (within one wait of the policy): waited out, then retried.
    let patient = okta_flows::Okta::builder(
        okta_flows::OrgUrl::dangerous_allow_loopback_http(s.org.url()).unwrap(),
    )
    .retry(crate::fast_retries().max_wait(std::time::Duration::from_secs(5)))
    .build()
    .unwrap();
    s.org.inject(FaultRule::next(
        FaultRoute::Users,
        1,
        Fault::RateLimited(Reset::In(1)),
    ));
    assert_eq!(
        patient
            .call(ssws, okta_flows::Method::GET, "/api/v1/users", None)
            .unwrap()
            .status,
        200
    );
    // A reset further away than one wait (issue 13): refused at once, saying when it resets,
    // rather than waiting only to be refused again.
    s.org.clear_events();
    s.org.inject(FaultRule::always(
        FaultRoute::Users,
        Fault::RateLimited(Reset::Far),
    ));
    let err = patient
        .call(ssws, okta_flows::Method::GET, "/api/v1/users", None)
        .unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { reset: Some(_), .. }),
        "{err}"
    );
    assert_eq!(s.org.events().len(), 1, "no retry that could only fail");
    s.org.clear_faults();
    // That answer also said no request is left until then: the next call is not even sent.
    let err = patient
        .call(ssws, okta_flows::Method::GET, "/api/v1/users", None)
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    assert_eq!(s.org.events().len(), 1);
    // Missing, garbage, past, concurrency: backoff, bounded, then a typed error.
    for reset in [Reset::Missing, Reset::Garbage, Reset::Past] {
        s.org.clear_events();
        s.org.inject(FaultRule::always(
            FaultRoute::Users,
            Fault::RateLimited(reset),
        ));
        let start = std::time::Instant::now();
        let err = s
            .okta
            .call(ssws, okta_flows::Method::GET, "/api/v1/users", None)
            .unwrap_err();
        assert!(matches!(err, Error::RateLimited { .. }), "{reset:?}: {err}");
        assert!(
            start.elapsed() < std::time::Duration::from_secs(2),
            "bounded waits"
        );
        assert_eq!(s.org.events().len(), 4, "one try and three retries");
        s.org.clear_faults();
    }
    s.org
        .inject(FaultRule::always(FaultRoute::Users, Fault::Concurrency));
    assert!(matches!(
        s.okta
            .call(ssws, okta_flows::Method::GET, "/api/v1/users", None),
        Err(Error::RateLimited { .. })
    ));
    s.org.clear_faults();
    // A POST is not retried on 429.
    s.org.clear_events();
    s.org.inject(FaultRule::next(
        FaultRoute::Grants,
        1,
        Fault::RateLimited(Reset::In(1)),
    ));
    let err = s
        .okta
        .add_grant(
            ssws,
            &s.app_id,
            &okta_flows::Scope::new("okta.groups.read").unwrap(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    assert_eq!(s.org.events().len(), 1);
}

#[test]
fn case_45_a_failing_page_says_what_was_fetched() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), false, 600);
    let ssws: &dyn Credential = &(s.admin);
    // Two 503s on the walk are retried; the list is whole.
    s.org
        .inject(FaultRule::next(FaultRoute::Users, 2, Fault::Status(503)));
    let total: usize = s
        .okta
        .pages(ssws, "/api/v1/users?limit=200")
        .map(|p| p.unwrap().len())
        .sum();
    assert_eq!(total, 600);
    // After two pages, page three keeps failing: the error says two pages, 400 users.
    let mut walk = s.okta.pages(ssws, "/api/v1/users?limit=200");
    assert_eq!(walk.next().unwrap().unwrap().len(), 200);
    assert_eq!(walk.next().unwrap().unwrap().len(), 200);
    s.org
        .inject(FaultRule::always(FaultRoute::Users, Fault::Status(503)));
    let err = walk.next().unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Pagination {
                pages: 2,
                items: 400,
                ..
            }
        ),
        "{err}"
    );
    assert!(walk.next().is_none(), "the walk ends after a failure");
    // It says where to go on from: a walk of that page, once the org is well, brings the rest.
    let Error::Pagination {
        resume: Some(resume),
        ..
    } = &err
    else {
        panic!("no page to resume from: {err}")
    };
    assert!(resume.contains("after="), "{resume}");
    s.org.clear_faults();
    let rest: usize = s.okta.pages(ssws, resume).map(|p| p.unwrap().len()).sum();
    assert_eq!(rest, 200);
}

#[test]
fn case_46_a_post_that_fails_is_not_retried() {
    let s = Setup::simple();
    s.org.clear_events();
    s.org
        .inject(FaultRule::next(FaultRoute::Grants, 1, Fault::Status(500)));
    let err = s
        .okta
        .add_grant(
            &s.admin,
            &s.app_id,
            &okta_flows::Scope::new("okta.groups.read").unwrap(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err}");
    assert!(err.to_string().contains("list the app's grants"), "{err}");
    assert_eq!(
        s.org
            .events()
            .iter()
            .filter(|e| e.endpoint == "grants")
            .count(),
        1
    );
}

#[test]
fn cases_47_to_50_bodies_redirects_and_links() {
    let s = Setup::simple();
    let ssws: &dyn Credential = &(s.admin);
    // 47: a body over the cap.
    s.org.inject(FaultRule::next(
        FaultRoute::Users,
        1,
        Fault::Huge(9 * 1024 * 1024),
    ));
    let err = s
        .okta
        .call(ssws, okta_flows::Method::GET, "/api/v1/users", None)
        .unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
    s.org.inject(FaultRule::next(
        FaultRoute::Token,
        1,
        Fault::Huge(2 * 1024 * 1024),
    ));
    assert!(
        s.okta
            .client_credentials(&s.creds(DpopMode::Auto), &request())
            .is_err()
    );
    // 48: redirects are never followed, with credentials or without.
    for route in [FaultRoute::Token, FaultRoute::Users] {
        s.org
            .inject(FaultRule::next(route, 1, Fault::Redirect(307)));
        let err = if route == FaultRoute::Token {
            s.okta
                .client_credentials(&s.creds(DpopMode::Auto), &request())
                .unwrap_err()
        } else {
            s.okta
                .call(ssws, okta_flows::Method::GET, "/api/v1/users", None)
                .unwrap_err()
        };
        assert!(
            matches!(err, Error::Redirect { status: 307, ref location, .. } if location.contains("evil.example")),
            "{err}"
        );
        assert_no_secret(&s, &err);
    }
    // 49: a next link to another host is refused, after the first page.
    s.org
        .inject(FaultRule::next(FaultRoute::Users, 1, Fault::LinkForeign));
    let mut walk = s.okta.pages(ssws, "/api/v1/users?limit=5");
    assert!(walk.next().unwrap().is_ok());
    let err = walk.next().unwrap().unwrap_err();
    assert!(
        err.to_string().contains("evil.example") && err.to_string().contains("not followed"),
        "{err}"
    );
    // A full URL of another origin is refused before any request.
    assert!(matches!(
        s.okta.call(
            ssws,
            okta_flows::Method::GET,
            "https://evil.example/api/v1/users",
            None
        ),
        Err(Error::NotThisOrg { .. })
    ));
    // 50: a loop.
    s.org
        .inject(FaultRule::always(FaultRoute::Users, Fault::LinkLoop));
    let results: Vec<_> = s.okta.pages(ssws, "/api/v1/users?limit=5").collect();
    assert_eq!(results.len(), 2);
    assert!(
        results[1]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("loop")
    );
}

#[test]
fn case_51_users_with_nulls_unknown_fields_and_markup_are_kept_raw() {
    let s = Setup::simple();
    let users = s
        .okta
        .call(
            &s.admin,
            okta_flows::Method::GET,
            "/api/v1/users?limit=3",
            None,
        )
        .unwrap()
        .body;
    let first = &users[0];
    assert!(first["profile"]["mobilePhone"].is_null());
    assert!(first["_links"].is_object());
}
