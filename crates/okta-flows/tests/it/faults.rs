//! Faults and hostile answers (issue 13): what a retry may repeat, what it must not, and what an
//! error tells the user.

use httpmock::prelude::*;
use okta_emulator::{Fault, FaultRoute, FaultRule};
use okta_flows::{
    ClientId, DpopMode, Error, Okta, OrgUrl, ServiceCredentials, SswsToken, TokenRequest, jwk,
};
use serde_json::json;

use crate::{Setup, fast_retries};

fn mocked(server: &MockServer) -> Okta {
    Okta::builder(OrgUrl::dangerous_allow_loopback_http(&server.base_url()).unwrap())
        .retry(fast_retries())
        .build()
        .unwrap()
}

fn request() -> TokenRequest {
    TokenRequest::scopes(&["okta.users.read"]).unwrap()
}

#[test]
fn a_created_app_whose_answer_cannot_be_read_is_outcome_unknown() {
    // On main a 2xx with another Content-Type was a plain parse error, inviting a retry that
    // would create a second app.
    let s = Setup::simple();
    s.org.inject(FaultRule::next(
        FaultRoute::Apps,
        1,
        Fault::WrongContentType,
    ));
    let jwks = jwk::Jwks::new(vec![s.key.public_jwk().clone()]);
    let err = s
        .okta
        .create_service_app(&s.admin, "twice?", &jwks, okta_flows::DpopBinding::Required)
        .unwrap_err();
    let Error::OutcomeUnknown { check, reason, .. } = &err else {
        panic!("{err}")
    };
    assert!(check.contains("list the apps"), "{check}");
    assert!(reason.contains("2xx"), "{reason}");
    // It was made: the org lists it.
    let names: Vec<String> = s
        .okta
        .list_apps(&s.admin)
        .unwrap()
        .iter()
        .map(|a| a.name().to_owned())
        .collect();
    assert!(names.iter().any(|n| n == "twice?"), "{names:?}");

    // Truncated JSON after a grant is the same: made, but unreadable.
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/api/v1/apps/0oaapp/grants");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"id":"oag1","scopeId":"okta.us"#);
    });
    let okta = mocked(&server);
    let err = okta
        .add_grant(
            &SswsToken::new("00t"),
            &okta_flows::AppId::new("0oaapp").unwrap(),
            &okta_flows::Scope::new("okta.users.read").unwrap(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err}");
    // A GET whose answer cannot be read is still a plain unexpected answer: nothing was made.
    s.org.inject(FaultRule::next(
        FaultRoute::Apps,
        1,
        Fault::WrongContentType,
    ));
    let err = s.okta.list_apps(&s.admin).unwrap_err();
    assert!(matches!(err, Error::Unexpected { .. }), "{err}");
}

#[test]
fn a_bad_gateway_at_the_token_endpoint_is_retried_with_a_new_assertion() {
    // On main one 502 failed `token`. Okta consumes each assertion's jti: the retry succeeding
    // shows a new assertion (and a new DPoP proof) was signed.
    let s = Setup::new(jwk::KeySpec::Ec(jwk::Curve::P256), true, 5);
    for status in [502, 503, 504] {
        s.org.clear_events();
        s.org
            .inject(FaultRule::next(FaultRoute::Token, 1, Fault::Status(status)));
        let token = s
            .okta
            .client_credentials(&s.creds(DpopMode::Always), &request())
            .unwrap();
        assert_eq!(token.token_type(), okta_flows::TokenType::DPoP);
        let outcomes = s.token_outcomes();
        assert_eq!(
            outcomes.first().map(String::as_str),
            Some(format!("fault_{status}").as_str())
        );
        assert_eq!(
            outcomes.last().map(String::as_str),
            Some("ok"),
            "{outcomes:?}"
        );
    }
    // A 500 is not a gateway's: not retried.
    s.org.clear_events();
    s.org
        .inject(FaultRule::next(FaultRoute::Token, 1, Fault::Status(500)));
    let err = s
        .okta
        .client_credentials(&s.creds(DpopMode::Always), &request())
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(s.token_outcomes().len(), 1);
}

#[test]
fn an_unknown_key_names_the_kid_that_was_sent() {
    // On main: a bare `401 invalid_client`.
    let s = Setup::simple();
    let stranger = std::sync::Arc::new(
        jwk::KeyPair::generate(jwk::KeySpec::Ec(jwk::Curve::P256))
            .unwrap()
            .with_kid(jwk::Kid::new("not-registered-1").unwrap()),
    );
    let creds = ServiceCredentials::new(s.client_id.clone(), stranger);
    let err = s.okta.client_credentials(&creds, &request()).unwrap_err();
    assert_eq!(err.okta_code(), Some(okta_flows::ErrorCode::InvalidClient));
    let shown = err.to_string();
    assert!(shown.contains("\"not-registered-1\""), "{shown}");
    assert!(shown.contains("/credentials/jwks"), "{shown}");
}

#[test]
fn a_server_that_says_dpop_otherwise_gets_a_hint_for_always() {
    // A server that requires DPoP but answers `invalid_grant` rather than Okta's
    // `invalid_dpop_proof … header is missing`: Auto cannot learn it; say what to do.
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/oauth2/v1/token");
        then.status(400)
            .header("content-type", "application/json")
            .json_body(
                json!({"error": "invalid_grant", "error_description": "grant request is invalid"}),
            );
    });
    let okta = mocked(&server);
    let key =
        std::sync::Arc::new(jwk::KeyPair::generate(jwk::KeySpec::Ec(jwk::Curve::P256)).unwrap());
    let creds = ServiceCredentials::new(ClientId::new("0oaapp").unwrap(), key.clone());
    let err = okta.client_credentials(&creds, &request()).unwrap_err();
    assert!(err.to_string().contains("DpopMode::Always"), "{err}");
    // With Always it is the server's own answer, with no such hint.
    let always =
        ServiceCredentials::new(ClientId::new("0oaapp").unwrap(), key).dpop(DpopMode::Always);
    let err = okta.client_credentials(&always, &request()).unwrap_err();
    assert!(!err.to_string().contains("DpopMode::Always"), "{err}");
}

#[test]
fn a_token_cache_others_can_read_is_not_used_and_is_made_private() {
    // Item 17: on main a cache file readable by others was used silently.
    use std::os::unix::fs::PermissionsExt as _;
    let s = Setup::simple();
    let dir = std::env::temp_dir().join(format!("okta-flows-loose-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens.json");
    let source = || {
        okta_flows::TokenSource::new(s.okta.clone(), s.creds(DpopMode::Auto), request())
            .persist_to(&file)
    };
    let first = source();
    first.token().unwrap();
    assert_eq!(first.tokens_fetched(), 1);
    let cached = source();
    cached.token().unwrap();
    assert_eq!(cached.tokens_fetched(), 0, "a private cache is used");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let exposed = source();
    exposed.token().unwrap();
    assert_eq!(
        exposed.tokens_fetched(),
        1,
        "an exposed cache's token is not used"
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "and the file is private again");
    std::fs::remove_dir_all(&dir).unwrap();
}
