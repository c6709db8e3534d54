//! Each request's exact shape, pinned with httpmock: method, path, headers, form fields, no
//! query credentials, one client-authentication method, and the claims of what was signed.

use std::sync::{Arc, Mutex};

use httpmock::{HttpMockRequest, Method, MockServer};
use okta_assertion::ClientId;
use okta_flows::{DpopMode, Okta, OrgUrl, ServiceCredentials, SswsToken, TokenRequest};
use okta_jwk::__private::base64url;
use okta_jwk::{Curve, KeyPair, KeySpec};
use serde_json::{Value, json};

type Seen = Arc<Mutex<Vec<(String, Vec<(String, String)>, Vec<u8>)>>>;

fn recorder() -> (
    Seen,
    impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static,
) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let matcher = move |req: &HttpMockRequest| {
        log.lock().unwrap().push((
            req.uri_str().to_owned(),
            req.headers_vec().clone(),
            req.body().to_vec(),
        ));
        true
    };
    (seen, matcher)
}

fn okta(server: &MockServer) -> Okta {
    Okta::builder(OrgUrl::dangerous_allow_loopback_http(&server.base_url()).unwrap())
        .build()
        .unwrap()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn claims(jwt: &str) -> (Value, Value) {
    let mut it = jwt.split('.');
    let mut part = || {
        serde_json::from_slice::<Value>(&base64url::decode(it.next().unwrap()).unwrap()).unwrap()
    };
    (part(), part())
}

fn creds(mode: DpopMode) -> ServiceCredentials {
    let key = Arc::new(KeyPair::generate(KeySpec::Ec(Curve::P256)).unwrap());
    ServiceCredentials::new(ClientId::new("0oaclient123").unwrap(), key).dpop(mode)
}

#[test]
fn token_request_without_dpop() {
    let server = MockServer::start();
    let (seen, matcher) = recorder();
    let mock = server.mock(|when, then| {
        when.method(Method::POST).path("/oauth2/v1/token").is_true(matcher);
        then.status(200).header("content-type", "application/json").json_body(json!({"token_type": "Bearer", "expires_in": 3600, "access_token": "at-1", "scope": "okta.users.read"}));
    });
    let token = okta(&server)
        .client_credentials(
            &creds(DpopMode::Never),
            &TokenRequest::scopes(&["okta.users.read", "okta.apps.read"]).unwrap(),
        )
        .unwrap();
    mock.assert();
    assert_eq!(token.scopes(), ["okta.users.read"]);
    let (uri, headers, body) = seen.lock().unwrap()[0].clone();
    assert_eq!(uri.split('?').nth(1), None, "no query string at all");
    assert_eq!(
        header(&headers, "content-type"),
        ["application/x-www-form-urlencoded"]
    );
    assert_eq!(header(&headers, "accept"), ["application/json"]);
    assert!(header(&headers, "authorization").is_empty() && header(&headers, "dpop").is_empty());
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let names: Vec<&str> = form.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "grant_type",
            "scope",
            "client_assertion_type",
            "client_assertion"
        ],
        "each once, one auth method"
    );
    assert_eq!(form[0].1, "client_credentials");
    assert_eq!(
        form[1].1, "okta.users.read okta.apps.read",
        "space-separated"
    );
    assert_eq!(
        form[2].1,
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
    let (h, c) = claims(&form[3].1);
    assert_eq!(
        (h["alg"].as_str(), h["typ"].as_str()),
        (Some("ES256"), Some("JWT"))
    );
    assert!(h["kid"].is_string());
    assert_eq!(c["iss"], "0oaclient123");
    assert_eq!(c["sub"], "0oaclient123");
    assert_eq!(c["aud"], format!("{}/oauth2/v1/token", server.base_url()));
    assert_eq!(c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(), 300);
    assert!(c["jti"].as_str().unwrap().len() >= 22);
}

#[test]
fn token_request_with_dpop_and_a_nonce_challenge() {
    let server = MockServer::start();
    let (seen, matcher) = recorder();
    // The first token request gets the nonce challenge; the retry succeeds.
    let flag = Arc::new(Mutex::new(true));
    let challenge = server.mock(|when, then| {
        when.method(Method::POST).path("/oauth2/v1/token").is_true(move |_| std::mem::replace(&mut *flag.lock().unwrap(), false));
        then.status(400).header("content-type", "application/json").header("DPoP-Nonce", "n0nce-1")
            .json_body(json!({"error": "use_dpop_nonce", "error_description": "Authorization server requires nonce in DPoP proof."}));
    });
    let ok = server.mock(|when, then| {
        when.method(Method::POST).path("/oauth2/v1/token").header_exists("dpop").is_true(matcher);
        then.status(200).header("content-type", "application/json").json_body(json!({"token_type": "DPoP", "expires_in": 3600, "access_token": "at-2", "scope": "okta.users.read"}));
    });
    let token = okta(&server)
        .client_credentials(
            &creds(DpopMode::Always),
            &TokenRequest::scopes(&["okta.users.read"]).unwrap(),
        )
        .unwrap();
    challenge.assert();
    ok.assert();
    assert_eq!(token.token_type(), okta_flows::TokenType::DPoP);
    let (_, headers, body) = seen.lock().unwrap()[0].clone();
    let (h, c) = claims(header(&headers, "dpop")[0]);
    assert_eq!(h["typ"], "dpop+jwt");
    assert_eq!(h["alg"], "ES256");
    assert!(h["jwk"].get("d").is_none() && h["jwk"]["kty"] == "EC");
    assert_eq!(c["htm"], "POST");
    assert_eq!(c["htu"], format!("{}/oauth2/v1/token", server.base_url()));
    assert_eq!(c["nonce"], "n0nce-1");
    assert!(c.get("ath").is_none());
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    assert!(form.iter().any(|(n, _)| n == "client_assertion"));
}

#[test]
fn api_calls_with_dpop_bearer_and_ssws() {
    let server = MockServer::start();
    let (seen, matcher) = recorder();
    let mock = server.mock(|when, then| {
        when.method(Method::GET)
            .path("/api/v1/users")
            .query_param("limit", "2")
            .is_true(matcher);
        then.status(200)
            .header("content-type", "application/json")
            .body("[]");
    });
    let okta = okta(&server);
    // A DPoP token, through a token endpoint mock.
    let token_mock = server.mock(|when, then| {
        when.method(Method::POST).path("/oauth2/v1/token");
        then.status(200).header("content-type", "application/json").json_body(json!({"token_type": "DPoP", "expires_in": 3600, "access_token": "at-dpop", "scope": "okta.users.read"}));
    });
    let token = okta
        .client_credentials(
            &creds(DpopMode::Always),
            &TokenRequest::scopes(&["okta.users.read"]).unwrap(),
        )
        .unwrap();
    token_mock.assert();
    okta.call(
        &token,
        okta_flows::Method::GET,
        "/api/v1/users?limit=2",
        None,
    )
    .unwrap();
    let ssws = SswsToken::new("00ssws-token");
    okta.call(
        &ssws,
        okta_flows::Method::GET,
        "/api/v1/users?limit=2",
        None,
    )
    .unwrap();
    mock.assert_calls(2);
    let seen = seen.lock().unwrap().clone();
    let (uri, headers, _) = &seen[0];
    assert!(uri.contains("limit=2"));
    assert_eq!(header(headers, "authorization"), ["DPoP at-dpop"]);
    let (_, c) = claims(header(headers, "dpop")[0]);
    assert_eq!(c["htm"], "GET");
    assert_eq!(
        c["htu"],
        format!("{}/api/v1/users", server.base_url()),
        "no query in htu"
    );
    assert_eq!(c["ath"], okta_assertion::ath("at-dpop"));
    let (_, headers, _) = &seen[1];
    assert_eq!(header(headers, "authorization"), ["SSWS 00ssws-token"]);
    assert!(header(headers, "dpop").is_empty());
}

#[test]
fn admin_posts_send_json() {
    let server = MockServer::start();
    let (seen, matcher) = recorder();
    let mock = server.mock(|when, then| {
        when.method(Method::POST)
            .path("/api/v1/apps/0oaapp/grants")
            .header("content-type", "application/json")
            .is_true(matcher);
        then.status(201)
            .header("content-type", "application/json")
            .json_body(json!({"id": "oag1", "scopeId": "okta.users.read"}));
    });
    let ssws = SswsToken::new("00t");
    let grant = okta(&server)
        .add_grant(
            &ssws,
            &okta_flows::AppId::new("0oaapp").unwrap(),
            &okta_flows::Scope::new("okta.users.read").unwrap(),
        )
        .unwrap();
    mock.assert();
    assert_eq!(grant.id.as_str(), "oag1");
    let (_, _, body) = seen.lock().unwrap()[0].clone();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body,
        json!({"scopeId": "okta.users.read", "issuer": server.base_url()})
    );
}

#[test]
fn a_resource_servers_nonce_challenge_is_answered_once() {
    let server = MockServer::start();
    let (seen, matcher) = recorder();
    let challenged = Arc::new(Mutex::new(true));
    let flag = challenged.clone();
    let challenge = server.mock(|when, then| {
        when.method(Method::GET).path("/api/v1/users").is_true(move |_| std::mem::replace(&mut *flag.lock().unwrap(), false));
        then.status(401)
            .header("WWW-Authenticate", r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#)
            .header("DPoP-Nonce", "rs-nonce-7");
    });
    let ok = server.mock(|when, then| {
        when.method(Method::GET)
            .path("/api/v1/users")
            .is_true(matcher);
        then.status(200)
            .header("content-type", "application/json")
            .body("[]");
    });
    let token_mock = server.mock(|when, then| {
        when.method(Method::POST).path("/oauth2/v1/token");
        then.status(200).header("content-type", "application/json").json_body(json!({"token_type": "DPoP", "expires_in": 3600, "access_token": "at-rs", "scope": "okta.users.read"}));
    });
    let okta = okta(&server);
    let token = okta
        .client_credentials(
            &creds(DpopMode::Always),
            &TokenRequest::scopes(&["okta.users.read"]).unwrap(),
        )
        .unwrap();
    token_mock.assert();
    okta.call(&token, okta_flows::Method::GET, "/api/v1/users", None)
        .unwrap();
    challenge.assert();
    ok.assert();
    let (_, headers, _) = seen.lock().unwrap()[0].clone();
    let (_, c) = claims(header(&headers, "dpop")[0]);
    assert_eq!(c["nonce"], "rs-nonce-7");
    assert_eq!(c["ath"], okta_assertion::ath("at-rs"));
}

#[test]
fn errors_carry_the_rate_limit_state() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(Method::GET).path("/api/v1/apps");
        then.status(403).header("content-type", "application/json").header("X-Rate-Limit-Limit", "600").header("X-Rate-Limit-Remaining", "12").header("X-Rate-Limit-Reset", "1795447073")
            .header("X-Okta-Request-Id", "req-42").json_body(json!({"errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action", "errorLink": "E0000006", "errorId": "oae1", "errorCauses": []}));
    });
    let err = okta(&server)
        .call(
            &SswsToken::new("00t"),
            okta_flows::Method::GET,
            "/api/v1/apps",
            None,
        )
        .unwrap_err();
    let okta_flows::Error::Okta { problem, .. } = &err else {
        panic!("{err}")
    };
    let rate = problem.rate_limit.unwrap();
    assert_eq!(
        (rate.limit, rate.remaining, rate.reset),
        (600, 12, Some(okta_flows::UnixTime(1_795_447_073)))
    );
    assert_eq!(problem.request_id.as_deref(), Some("req-42"));
    assert_eq!(problem.code.as_deref(), Some("E0000006"));
}

/// A proxy that cannot be reached, and one that refuses to connect: both say which proxy, and
/// neither error carries the proxy's password.
#[test]
fn a_failing_proxy_is_named_in_the_error_without_its_password() {
    use std::io::{Read as _, Write as _};

    let admin = SswsToken::new("00-not-sent");
    let org = || OrgUrl::parse("https://example.okta.com").unwrap();
    let client = |port: u16| {
        let proxy = okta_flows::ProxyUrl::from_parts(
            "127.0.0.1",
            Some(port),
            Some(("proxyuser", "hunter2-proxy")),
        )
        .unwrap();
        Okta::builder(org())
            .proxy(proxy)
            .retry(crate::fast_retries())
            .build()
            .unwrap()
    };
    let check = |err: &okta_flows::Error, port: u16| {
        let text = format!("{err}");
        let named = [
            format!("GET /api/v1/users: no answer from Okta through the proxy 127.0.0.1:{port}: "),
            format!(
                "GET /api/v1/users: the proxy 127.0.0.1:{port} refused the connection; nothing was sent"
            ),
        ];
        assert!(named.iter().any(|n| text.starts_with(n.as_str())), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        let mut chain = format!("{err:?}");
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            chain.push_str(&s.to_string());
            source = s.source();
        }
        assert!(!chain.contains("hunter2"), "{chain}");
        assert!(!chain.contains("00-not-sent"), "{chain}");
    };
    // Nothing listens on this port: the request certainly never left.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let err = client(port)
        .call(&admin, okta_flows::Method::GET, "/api/v1/users", None)
        .unwrap_err();
    assert!(
        matches!(err, okta_flows::Error::Unreachable { .. }),
        "{err}"
    );
    check(&err, port);
    // A proxy that answers CONNECT with 407.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let mut asked = Vec::new();
        for stream in listener.incoming().take(4) {
            let mut stream = stream.unwrap();
            // The request head may come in several writes: read up to its blank line.
            let mut head = Vec::new();
            let mut buf = [0_u8; 512];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            asked.push(String::from_utf8_lossy(&head).into_owned());
            // The unblocking connections below may already be closed.
            let _ = stream.write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n",
            );
        }
        asked
    });
    let err = client(port)
        .call(&admin, okta_flows::Method::GET, "/api/v1/users", None)
        .unwrap_err();
    check(&err, port);
    // Unblock the server if fewer attempts were made than it waits for.
    for _ in 0..4 {
        let _ = std::net::TcpStream::connect(("127.0.0.1", port));
    }
    let asked = server.join().unwrap();
    assert!(
        asked[0].starts_with("CONNECT example.okta.com:443 "),
        "{:?}",
        asked[0]
    );
}
