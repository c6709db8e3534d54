//! The public API's promises (issue 12): typed inputs that refuse what would go wrong on the
//! wire, no secret in any `Debug`, and a token source that survives a panicking signer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use httpmock::prelude::*;
use okta_flows::{
    AccessToken, AuthorizationCode, ClientAuth, ClientId, ClientSecret, DpopMode, Error, IdToken,
    Method, OAuthState, Okta, OrgUrl, PkceVerifier, ProxyUrl, RefreshToken, ServiceCredentials,
    SswsToken, TokenRequest, TokenSource, jwk,
};
use serde_json::json;

use crate::{Setup, fast_retries, scopes};

fn mocked(server: &MockServer) -> Okta {
    Okta::builder(OrgUrl::dangerous_allow_loopback_http(&server.base_url()).unwrap())
        .retry(fast_retries())
        .build()
        .unwrap()
}

#[test]
fn a_lowercase_or_misspelt_method_does_not_parse() {
    // On main, `call(cred, "get", …)` was treated as a POST (outcome unknown on a failure) and,
    // with a DPoP token, failed as "signing failed"; later `TokenRequest::for_call("GTE", …)`
    // compiled and returned `None`. Methods are case-sensitive (RFC 9110 §9.1), and a method is
    // now this crate's own type: a typo is a typed error where the text is read.
    for text in ["get", "GTE", "", "GET ", "PROPFIND"] {
        let err = text.parse::<Method>().unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    what: "the HTTP method",
                    ..
                }
            ),
            "{text:?}: {err}"
        );
    }
    assert!(
        "get"
            .parse::<Method>()
            .unwrap_err()
            .to_string()
            .contains("case-sensitive")
    );
    // The typed constant goes through, and the parsed one is the same.
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.path("/api/v1/users").method(httpmock::Method::GET);
        then.status(200)
            .header("content-type", "application/json")
            .body("[]");
    });
    let okta = mocked(&server);
    let ssws = SswsToken::new("00secret-ssws");
    okta.call(&ssws, "GET".parse().unwrap(), "/api/v1/users", None)
        .unwrap();
    okta.call(&ssws, Method::GET, "/api/v1/users", None)
        .unwrap();
    assert_eq!(any.calls(), 2);
    assert_eq!(
        TokenRequest::for_call(Method::GET, "/api/v1/groups/00g1/users")
            .unwrap()
            .requested(),
        scopes(&["okta.groups.read"])
    );
}

#[test]
fn a_get_is_retried_as_idempotent_and_a_post_is_not() {
    // On main a lowercase "get" was not idempotent: its 503 came back as "outcome unknown".
    let server = MockServer::start();
    let busy = server.mock(|when, then| {
        when.path("/api/v1/users");
        then.status(503);
    });
    let okta = mocked(&server);
    let ssws = SswsToken::new("00secret-ssws");
    let err = okta
        .call(&ssws, Method::GET, "/api/v1/users", None)
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(busy.calls(), 4, "the first attempt and 3 retries");
    let err = okta
        .call(&ssws, Method::POST, "/api/v1/users", Some(&json!({})))
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err}");
    assert_eq!(busy.calls(), 5, "a POST is sent once");
}

#[test]
fn a_path_cannot_leave_the_org() {
    let server = MockServer::start();
    let okta = mocked(&server);
    let ssws = SswsToken::new("00secret-ssws");
    // Without a leading `/`, `.evil.example/x` would append to the host name.
    for path in [
        ".evil.example/x",
        "@evil.example/x",
        "//evil.example/x",
        "api/v1/users",
    ] {
        let err = okta.call(&ssws, Method::GET, path, None).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    what: "the path",
                    ..
                }
            ),
            "{path}: {err}"
        );
        assert!(okta.pages(&ssws, path).next().unwrap().is_err(), "{path}");
    }
}

#[test]
fn ids_and_scopes_refuse_what_would_change_a_request() {
    for bad in ["../../api/v1/users", "0oa/../../x", "0oa?x=1", ""] {
        assert!(okta_flows::AppId::new(bad).is_err(), "{bad}");
    }
    assert!(okta_flows::Scope::new("okta.users.read okta.apps.manage").is_err());
    assert!(TokenRequest::scopes(&["okta.users.read", "bad scope"]).is_err());
    // What Okta returns is typed already: no fallible conversion for the caller.
    let s = Setup::simple();
    let app = s.okta.get_app(&s.admin, &s.app_id).unwrap();
    let creds: ServiceCredentials = ServiceCredentials::for_app(&app, s.key.clone());
    assert_eq!(creds.client_id(), app.client_id());
    assert_eq!(app.id().as_str(), app.client_id().as_str());
}

#[test]
fn a_token_answer_that_is_not_json_is_not_quoted() {
    // On main the error quoted the first 80 characters of the body, a 200 token answer included.
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/oauth2/v1/token");
        then.status(200)
            .header("content-type", "text/plain")
            .body("access_token=eyJsecret-access-token-value&token_type=Bearer");
    });
    let okta = mocked(&server);
    let key = Arc::new(jwk::KeyPair::generate(jwk::KeySpec::Ec(jwk::Curve::P256)).unwrap());
    let creds =
        ServiceCredentials::new(ClientId::new("0oaapp").unwrap(), key).dpop(DpopMode::Never);
    let err = okta
        .client_credentials(&creds, &TokenRequest::scopes(&["okta.users.read"]).unwrap())
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("secret-access-token"), "{shown}");
    assert!(shown.contains("not JSON"), "{shown}");
}

/// Every public type that can hold a secret, printed with `{:?}`: no secret text appears.
#[test]
fn no_secret_reaches_debug() {
    const SECRET: &str = "s3cr3t-VALUE-0123456789";
    let mut shown = Vec::new();
    shown.push(format!("{:?}", SswsToken::new(SECRET)));
    shown.push(format!("{:?}", AccessToken::new(SECRET)));
    shown.push(format!("{:?}", RefreshToken::new(SECRET)));
    shown.push(format!("{:?}", ClientSecret::new(SECRET)));
    shown.push(format!("{:?}", IdToken::new(SECRET)));
    shown.push(format!("{:?}", AuthorizationCode::new(SECRET)));
    shown.push(format!("{:?}", PkceVerifier::new(SECRET)));
    shown.push(format!("{:?}", OAuthState::new(SECRET)));
    shown.push(format!("{:?}", okta_flows::DeviceCode::new(SECRET)));
    shown.push(format!(
        "{:?}",
        ClientAuth::SecretBasic {
            client_id: &ClientId::new("0oaweb").unwrap(),
            secret: &ClientSecret::new(SECRET),
        }
    ));
    shown.push(format!(
        "{:?}",
        ProxyUrl::new(format!("http://u:{SECRET}@proxy:3128"))
    ));
    shown.push(format!("{:?}", jwk::PrivatePem::new(SECRET)));
    shown.push(format!("{:?}", jwk::PrivateJwk::new(SECRET)));
    shown.push(format!("{:?}", jwk::Passphrase::new(SECRET)));
    shown.push(format!("{:?}", okta_flows::Pkce::from_verifier(SECRET)));
    shown.push(format!(
        "{:?}",
        ClientAuth::Secret {
            client_id: &ClientId::new("0oaweb").unwrap(),
            secret: &ClientSecret::new(SECRET),
        }
    ));

    // An app answer holding a client secret (client-secret apps get one on creation).
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/api/v1/apps/0oaweb");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(json!({
                "id": "0oaweb", "label": "web", "settings": {"oauthClient": {}},
                "credentials": {"oauthClient": {"client_id": "0oaweb", "client_secret": SECRET}},
            }));
    });
    let okta = mocked(&server);
    let admin = SswsToken::new(SECRET);
    let app = okta
        .get_app(&admin, &okta_flows::AppId::new("0oaweb").unwrap())
        .unwrap();
    assert_eq!(
        app.client_secret().map(ClientSecret::expose_secret),
        Some(SECRET)
    );
    assert!(
        !app.raw().to_string().contains(SECRET),
        "raw() never holds the secret"
    );
    shown.push(format!("{app:?}"));

    // A sign-in in progress: its URL carries the state and nonce.
    let s = Setup::simple();
    let sign_in = s
        .okta
        .start_sign_in(
            &ClientId::new("0oanative").unwrap(),
            0,
            "/cb",
            &scopes(&["openid"]),
        )
        .unwrap();
    let state = sign_in
        .url()
        .split('&')
        .find_map(|p| p.strip_prefix("state="))
        .unwrap()
        .to_owned();
    let debug = format!("{sign_in:?}");
    assert!(!debug.contains(&state), "{debug}");
    assert!(!debug.contains("nonce="), "{debug}");
    shown.push(debug);

    // Tokens and what holds them.
    let source = TokenSource::new(
        s.okta.clone(),
        s.creds(DpopMode::Auto),
        TokenRequest::scopes(&["okta.users.read"]).unwrap(),
    );
    let token = source.token().unwrap();
    let access = token.access_token().expose_secret().to_owned();
    for text in [
        format!("{token:?}"),
        format!("{source:?}"),
        format!("{:?}", s.okta),
    ] {
        assert!(!text.contains(&access), "{text}");
    }
    let key = jwk::KeyPair::generate(jwk::KeySpec::Ec(jwk::Curve::P256)).unwrap();
    let d = key.to_private_jwk().unwrap();
    let d = serde_json::from_str::<serde_json::Value>(d.expose_secret()).unwrap()["d"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!format!("{key:?}").contains(&d));

    for text in &shown {
        assert!(!text.contains(SECRET), "{text}");
    }
}

#[test]
fn secrets_compare_by_value() {
    assert_eq!(ClientSecret::new("abc"), ClientSecret::new("abc"));
    assert_ne!(ClientSecret::new("abc"), ClientSecret::new("abd"));
    assert_ne!(ClientSecret::new("abc"), ClientSecret::new("abcd"));
}

/// Signs like the key it wraps, but panics on the first signature.
struct PanicsOnce {
    key: jwk::KeyPair,
    panicked: AtomicBool,
}

impl jwk::Signer for PanicsOnce {
    fn algorithm(&self) -> jwk::Algorithm {
        self.key.algorithm()
    }
    fn public_jwk(&self) -> &jwk::PublicJwk {
        self.key.public_jwk()
    }
    fn sign(&self, input: &[u8]) -> okta_jwk::Result<Vec<u8>> {
        if !self.panicked.swap(true, Ordering::SeqCst) {
            panic!("a signer bug");
        }
        self.key.sign(input)
    }
}

#[test]
fn a_panicking_signer_leaves_no_caller_waiting() {
    // On main the "fetching" flag stayed set after the panic: every later caller waited forever.
    let s = Setup::simple();
    let signer = Arc::new(PanicsOnce {
        key: jwk::KeyPair::from_pem(s.key.to_pkcs8_pem().unwrap().expose_secret()).unwrap(),
        panicked: AtomicBool::new(false),
    });
    let creds = ServiceCredentials::new(s.client_id.clone(), signer);
    let source = Arc::new(TokenSource::new(
        s.okta.clone(),
        creds,
        TokenRequest::scopes(&["okta.users.read"]).unwrap(),
    ));
    let first = {
        let source = source.clone();
        std::thread::spawn(move || source.token().map(|_| ()))
    };
    assert!(first.join().is_err(), "the first fetch panicked");
    let (done, waited) = std::sync::mpsc::channel();
    let later = source.clone();
    std::thread::spawn(move || {
        let _ = done.send(later.token().map(|t| t.token_type()));
    });
    let got = waited
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("a caller after the panic got an answer");
    assert!(got.is_ok(), "{got:?}");
    assert_eq!(source.tokens_fetched(), 2);
}

#[test]
fn a_user_agent_that_is_no_header_value_is_refused_when_built() {
    // On main `user_agent("myapp/1.0\n")` built, and the first call panicked inside ureq
    // (`InvalidHeaderValue`). RFC 9110 §5.5: a field value has no CR, LF or NUL.
    let org = || OrgUrl::parse("https://example.okta.com").unwrap();
    for bad in [
        "myapp/1.0\n",
        "a\r\nX-Injected: 1",
        "nul\0",
        "",
        "caf\u{e9}",
    ] {
        let err = Okta::builder(org()).user_agent(bad).build().unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    what: "the User-Agent",
                    ..
                }
            ),
            "{bad:?}: {err}"
        );
    }
    Okta::builder(org())
        .user_agent("myapp/1.0 (ops; +https://example.com)")
        .build()
        .unwrap();
}

#[test]
fn zero_and_unbounded_timeouts_and_waits_are_refused_when_built() {
    // On main `timeouts(ZERO, ZERO)` was accepted (every request then failed as a timeout), and
    // `max_wait(Duration::MAX).backoff(Duration::MAX)` panicked with "overflow when adding
    // durations" on the first 429 without a reset.
    use std::time::Duration;
    let org = || OrgUrl::parse("https://example.okta.com").unwrap();
    let refused = |b: okta_flows::OktaBuilder| match b.build() {
        Err(Error::InvalidInput { .. }) => true,
        Err(other) => panic!("another error: {other}"),
        Ok(_) => false,
    };
    let second = Duration::from_secs(1);
    assert!(refused(
        Okta::builder(org()).timeouts(Duration::ZERO, Duration::ZERO)
    ));
    assert!(refused(
        Okta::builder(org()).timeouts(second, Duration::ZERO)
    ));
    assert!(refused(
        Okta::builder(org()).timeouts(Duration::MAX, second)
    ));
    let unbounded = okta_flows::RetryPolicy::default()
        .max_wait(Duration::MAX)
        .backoff(Duration::MAX);
    assert!(refused(Okta::builder(org()).retry(unbounded)));
    let day = Duration::from_secs(86_400);
    assert!(!refused(Okta::builder(org()).timeouts(second, day)));
}

#[test]
fn tokens_and_apps_obtained_elsewhere_can_be_built_and_used() {
    // On main `Token`, `RegisteredApp` and `UserTokens` had no public constructor: a token from
    // another client could not be used with `call` or `pages`, nor an app faked in a test.
    use okta_flows::{AppId, RegisteredApp, Token, TokenType, UserTokens};
    for dpop in [false, true] {
        let s = Setup::new(jwk::KeySpec::Ec(jwk::Curve::P256), dpop, 3);
        let key = Arc::new(okta_flows::DpopKey::generate(jwk::Algorithm::ES256).unwrap());
        let mut creds = s.creds(DpopMode::Auto);
        if dpop {
            creds = creds.dpop_key(key.clone());
        }
        let got = s
            .okta
            .client_credentials(&creds, &TokenRequest::new(scopes(&["okta.users.read"])))
            .unwrap();
        let access = AccessToken::new(got.access_token().expose_secret());
        let mine = if dpop {
            Token::dpop(access, key, got.expires_at(), got.scopes().to_vec())
        } else {
            Token::bearer(access, got.expires_at(), got.scopes().to_vec())
        };
        assert_eq!(mine.token_type(), got.token_type());
        assert_eq!(
            mine.token_type(),
            if dpop {
                TokenType::DPoP
            } else {
                TokenType::Bearer
            }
        );
        let users = s
            .okta
            .pages(&mine, "/api/v1/users?limit=2")
            .items()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(users.len(), 3);
        let held = UserTokens::new(mine);
        assert!(held.refresh.is_none() && held.id_token.is_none());
        s.okta
            .call(&held.access, Method::GET, "/api/v1/users?limit=1", None)
            .unwrap();
    }
    let app = RegisteredApp::new(
        AppId::new("0oa1abc").unwrap(),
        ClientId::new("0oa1abc").unwrap(),
        "reporting",
    )
    .with_dpop_bound(true)
    .with_client_secret(ClientSecret::new("a-secret-of-forty-characters-or-more-xx"));
    assert_eq!(app.dpop_bound(), Some(true));
    assert_eq!(app.raw()["label"], "reporting");
    assert!(!format!("{app:?}").contains("a-secret-of"));
}

/// A signer that says when it is entered, then blocks until told to go on (a stuck KMS).
struct Stuck {
    key: jwk::KeyPair,
    entered: std::sync::Mutex<std::sync::mpsc::Sender<()>>,
    gate: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

impl jwk::Signer for Stuck {
    fn algorithm(&self) -> jwk::Algorithm {
        self.key.algorithm()
    }
    fn public_jwk(&self) -> &jwk::PublicJwk {
        self.key.public_jwk()
    }
    fn sign(&self, input: &[u8]) -> okta_jwk::Result<Vec<u8>> {
        let _ = self.entered.lock().unwrap().send(());
        let _ = self.gate.lock().unwrap().recv();
        self.key.sign(input)
    }
}

#[test]
fn a_caller_waits_for_another_callers_fetch_only_so_long() {
    // On main `TokenSource::token()` waited with no deadline while another thread fetched: a
    // signer that hangs blocked every caller of the source for good.
    use std::time::{Duration, Instant};
    let s = Setup::simple();
    let (go_on, gate) = std::sync::mpsc::channel();
    let (entered, inside) = std::sync::mpsc::channel();
    let signer = Arc::new(Stuck {
        key: jwk::KeyPair::from_pem(s.key.to_pkcs8_pem().unwrap().expose_secret()).unwrap(),
        entered: std::sync::Mutex::new(entered),
        gate: std::sync::Mutex::new(gate),
    });
    let creds = ServiceCredentials::new(s.client_id.clone(), signer);
    let source = Arc::new(
        TokenSource::new(
            s.okta.clone(),
            creds,
            TokenRequest::scopes(&["okta.users.read"]).unwrap(),
        )
        .wait_at_most(Duration::from_millis(300))
        .unwrap(),
    );
    let fetcher = {
        let source = source.clone();
        std::thread::spawn(move || source.token().map(|t| t.token_type()))
    };
    // The second caller finds the first one fetching (it is stuck in the signer), and gives up
    // after its wait rather than never.
    inside
        .recv_timeout(Duration::from_secs(20))
        .expect("the first caller reached the signer");
    let started = Instant::now();
    let err = source.token().unwrap_err();
    assert!(matches!(err, Error::FetchTimedOut { .. }), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(err.to_string().contains("gave up waiting"), "{err}");
    go_on.send(()).unwrap();
    // Each later signature (the nonce retry, if any) goes through at once.
    std::thread::spawn(move || {
        while inside.recv().is_ok() {
            if go_on.send(()).is_err() {
                break;
            }
        }
    });
    assert!(fetcher.join().unwrap().is_ok(), "the stuck fetch finishes");
    assert!(source.token().is_ok(), "and its token serves the others");
    for refused in [Duration::ZERO, Duration::from_secs(86_401)] {
        assert!(matches!(
            TokenSource::new(
                s.okta.clone(),
                s.creds(DpopMode::Auto),
                TokenRequest::default()
            )
            .wait_at_most(refused),
            Err(Error::InvalidInput { .. })
        ));
    }
}

#[test]
fn a_margin_the_token_cannot_outlive_is_refused_not_silently_uncached() {
    // On main a margin longer than the token's life turned the cache off without a word: every
    // call fetched a new token.
    use okta_emulator::{Fault, FaultRoute, FaultRule};
    let s = Setup::simple();
    let source = || {
        TokenSource::new(
            s.okta.clone(),
            s.creds(DpopMode::Auto),
            TokenRequest::scopes(&["okta.users.read"]).unwrap(),
        )
    };
    assert!(matches!(
        source().margin(3600),
        Err(Error::InvalidInput { .. })
    ));
    // A token of 30 s against the default margin of 60 s: a typed error, not a fetch per call.
    s.org.inject(FaultRule::next(
        FaultRoute::Token,
        1,
        Fault::ExpiresIn(json!(30)),
    ));
    let short = source();
    let err = short.token().unwrap_err();
    assert!(
        matches!(
            err,
            Error::MarginTooLong {
                margin: 60,
                lifetime: 30
            }
        ),
        "{err}"
    );
    // With a margin it can outlive, the same short token is kept and reused.
    s.org.inject(FaultRule::next(
        FaultRoute::Token,
        1,
        Fault::ExpiresIn(json!(30)),
    ));
    let fitting = source().margin(10).unwrap();
    fitting.token().unwrap();
    fitting.token().unwrap();
    assert_eq!(fitting.tokens_fetched(), 1);
}

/// A signer whose KMS cannot be reached.
struct Unreachable(jwk::KeyPair);

impl jwk::Signer for Unreachable {
    fn algorithm(&self) -> jwk::Algorithm {
        self.0.algorithm()
    }
    fn public_jwk(&self) -> &jwk::PublicJwk {
        self.0.public_jwk()
    }
    fn sign(&self, _input: &[u8]) -> okta_jwk::Result<Vec<u8>> {
        Err(okta_jwk::Error::Signing {
            alg: self.0.algorithm(),
            source: Some(Box::new(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the KMS at kms.example did not answer",
            ))),
        })
    }
}

#[test]
fn an_error_says_its_cause_and_keeps_it_typed() {
    // On main `Display` of a signing failure said only "signing the client assertion", and the
    // io::Error of the signer could not be reached from the error's own text.
    use std::error::Error as _;
    let s = Setup::simple();
    let signer = Arc::new(Unreachable(
        jwk::KeyPair::from_pem(s.key.to_pkcs8_pem().unwrap().expose_secret()).unwrap(),
    ));
    let creds = ServiceCredentials::new(s.client_id.clone(), signer);
    let err = s
        .okta
        .client_credentials(&creds, &TokenRequest::scopes(&["okta.users.read"]).unwrap())
        .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("signing the client assertion: "), "{text}");
    assert!(text.contains("did not answer"), "{text}");
    // The cause is still there, typed, down the chain.
    let mut cause = err.source();
    let mut kind = None;
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            kind = Some(io.kind());
        }
        cause = c.source();
    }
    assert_eq!(kind, Some(std::io::ErrorKind::TimedOut));
}

#[test]
fn a_store_error_keeps_the_io_error_behind_it() {
    // On main `StoreError` kept only the text of the file's io::Error.
    use okta_flows::{FileStore, TokenStore, UnixTime};
    use std::error::Error as _;
    let dir = std::env::temp_dir().join(format!("okta-flows-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let blocker = dir.join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let store = FileStore::new(blocker.join("tokens.json"));
    let err = store
        .save("entry", b"sealed", UnixTime(1), UnixTime(2))
        .unwrap_err();
    let io = err
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .expect("the io::Error is the source");
    assert_eq!(io.kind(), std::io::ErrorKind::NotADirectory, "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
