//! `/oauth2/v1/token` for service apps: client assertions checked in Okta's order with Okta's
//! texts, DPoP (RFC 9449) with nonces, and the refusals of bad assertions and proofs.

use serde_json::{Value, json};

use crate::{Key, World, assertion, b64, jti, now, post_form, post_raw, proof};

const BAD_ALG: &str = "The client_assertion JWT signature algorithm is invalid.";
const PARSE: &str = "The parsing of the client_assertion failed.";

#[test]
fn client_credentials_without_dpop_gives_a_bearer_token_with_the_granted_scopes() {
    let w = World::new(false);
    let got = w.token_request(&w.assertion(), "okta.users.read okta.groups.read", None);
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.header("cache-control"), Some("no-cache, no-store"));
    assert_eq!(got.header("pragma"), Some("no-cache"));
    assert!(got.header("x-okta-request-id").is_some());
    assert!(got.header("x-rate-limit-remaining").is_some());
    let body = got.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "okta.users.read", "only the granted subset");
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    // The access token has the shape of Okta's access tokens and is signed by a key at
    // /oauth2/v1/keys.
    let token = body["access_token"].as_str().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let header: Value = serde_json::from_slice(&crate::unb64(parts[0])).unwrap();
    let claims: Value = serde_json::from_slice(&crate::unb64(parts[1])).unwrap();
    assert_eq!(header["alg"], "RS256");
    assert_eq!(claims["ver"], 1);
    assert!(claims["jti"].as_str().unwrap().starts_with("AT."));
    assert_eq!(claims["iss"], w.org.url());
    assert_eq!(claims["aud"], w.org.url());
    assert_eq!(claims["sub"], w.client_id.as_str());
    assert_eq!(claims["cid"], w.client_id.as_str());
    assert_eq!(claims["scp"], json!(["okta.users.read"]));
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        3600
    );
    assert!(claims.get("cnf").is_none() && claims.get("uid").is_none());
    let keys = crate::get(&w.url("/oauth2/v1/keys"), &[]).json();
    let jwk = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("kid published");
    let verifier = josekit::jws::RS256
        .verifier_from_jwk(&josekit::jwk::Jwk::from_bytes(jwk.to_string()).unwrap())
        .unwrap();
    josekit::jws::JwsVerifier::verify(
        &verifier,
        format!("{}.{}", parts[0], parts[1]).as_bytes(),
        &crate::unb64(parts[2]),
    )
    .unwrap();
}

#[test]
fn dpop_flow_missing_proof_then_nonce_challenge_then_bound_token() {
    let w = World::new(true);
    let dk = Key::fixture("p384", None);
    w.token_request(&w.assertion(), "okta.users.read", None)
        .expect(400, "The DPoP proof JWT header is missing.");
    let p = proof(&dk, "POST", &w.token_url(), &[], &[]);
    let got = w.token_request(&w.assertion(), "okta.users.read", Some(&p));
    got.expect(400, "Authorization server requires nonce in DPoP proof.");
    assert_eq!(got.json()["error"], "use_dpop_nonce");
    let nonce = got
        .header("dpop-nonce")
        .expect("DPoP-Nonce header")
        .to_owned();
    assert_eq!(nonce, w.org.dpop_nonce());
    let p = proof(&dk, "POST", &w.token_url(), &[], &[("nonce", json!(nonce))]);
    let got = w.token_request(&w.assertion(), "okta.users.read", Some(&p));
    assert_eq!(got.status, 200, "{}", got.body);
    let body = got.json();
    assert_eq!(body["token_type"], "DPoP");
    let claims: Value = serde_json::from_slice(&crate::unb64(
        body["access_token"]
            .as_str()
            .unwrap()
            .split('.')
            .nth(1)
            .unwrap(),
    ))
    .unwrap();
    let jkt = crate::thumbprint(&dk.bare());
    assert_eq!(claims["cnf"]["jkt"], jkt.as_str());
}

#[test]
fn case_22_jti_is_consumed_even_on_the_nonce_challenge() {
    let w = World::new(true);
    let dk = Key::fixture("p256", None);
    let a = w.assertion();
    let p = proof(&dk, "POST", &w.token_url(), &[], &[]);
    w.token_request(&a, "okta.users.read", Some(&p))
        .expect(400, "Authorization server requires nonce in DPoP proof.");
    let p = proof(
        &dk,
        "POST",
        &w.token_url(),
        &[],
        &[("nonce", json!(w.org.dpop_nonce()))],
    );
    w.token_request(&a, "okta.users.read", Some(&p))
        .expect(401, "The client_assertion token has already been used.");
    // And plain replay without DPoP.
    let w = World::new(false);
    let a = w.assertion();
    assert_eq!(w.token_request(&a, "okta.users.read", None).status, 200);
    w.token_request(&a, "okta.users.read", None)
        .expect(401, "The client_assertion token has already been used.");
}

#[test]
fn cases_16_to_18_algorithms_and_parsing() {
    let w = World::new(false);
    let t = now();
    let claims = json!({"iss": w.client_id, "sub": w.client_id, "aud": w.token_url(), "iat": t, "exp": t + 300, "jti": jti()});
    // 16: alg none with an empty signature.
    let none = format!(
        "{}.{}.",
        b64(json!({"alg": "none"}).to_string()),
        b64(claims.to_string())
    );
    w.token_request(&none, "okta.users.read", None)
        .expect(401, BAD_ALG);
    // 17: HS256 "signed" with the public key as the HMAC secret (key confusion).
    let input = format!(
        "{}.{}",
        b64(json!({"alg": "HS256", "kid": "key-1"}).to_string()),
        b64(claims.to_string())
    );
    let secret = w.key.public.to_string();
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes()),
        input.as_bytes(),
    );
    w.token_request(&format!("{input}.{}", b64(tag)), "okta.users.read", None)
        .expect(401, BAD_ALG);
    // RS256 header on an EC key.
    let a = assertion(
        &w.key,
        &w.client_id,
        &w.token_url(),
        &[("alg", json!("RS256"))],
        &[],
    );
    w.token_request(&a, "okta.users.read", None)
        .expect(401, BAD_ALG);
    // 18: two or five segments, non-base64url characters.
    let good = w.assertion();
    let segs: Vec<&str> = good.split('.').collect();
    for bad in [
        format!("{}.{}", segs[0], segs[1]),
        format!("{good}.a.b"),
        format!("{}.{}+/.{}", segs[0], segs[1], segs[2]),
        "not a jwt".to_owned(),
    ] {
        w.token_request(&bad, "okta.users.read", None)
            .expect(401, PARSE);
    }
    // A changed payload breaks the signature.
    let forged = format!(
        "{}.{}.{}",
        segs[0],
        b64(
            json!({"iss": w.client_id, "sub": w.client_id, "aud": w.token_url(), "exp": t + 300})
                .to_string()
        ),
        segs[2]
    );
    w.token_request(&forged, "okta.users.read", None)
        .expect(401, "The client_assertion signature is invalid.");
}

#[test]
fn cases_19_to_21_times() {
    let w = World::new(false);
    let t = now();
    let check = |claims: &[(&str, Value)], text: &str| {
        let a = w.assertion_with(claims);
        w.token_request(&a, "okta.users.read", None)
            .expect(401, text);
    };
    check(
        &[("exp", json!((t + 300).to_string()))],
        "The client_assertion must contain the 'exp' claim as seconds since epoch.",
    );
    check(
        &[("exp", Value::Null)],
        "The client_assertion must contain the 'exp' claim as seconds since epoch.",
    );
    check(
        &[("exp", json!(t + 3605))], // a few seconds past the hour, so a tick between clocks cannot pass it
        "The client_assertion token has an expiration too far into the future.",
    );
    check(
        &[("exp", json!(t - 60)), ("iat", json!(t - 400))],
        "The client_assertion token is expired.",
    );
    check(
        &[("iat", json!(t + 120))],
        "The client_assertion token must be issued before the current time.",
    );
    // Just inside the limits.
    let a = w.assertion_with(&[("exp", json!(t + 3590))]);
    assert_eq!(w.token_request(&a, "okta.users.read", None).status, 200);
}

#[test]
fn cases_23_to_27_audience_issuer_kid_crit_jku() {
    let w = World::new(false);
    let org = w.org.url().to_owned();
    for aud in [
        format!("{org}/oauth2/v1/token/"),
        format!("{org}/oauth2/default/v1/token"),
        "https://other.example/oauth2/v1/token".to_owned(),
    ] {
        let a = w.assertion_with(&[("aud", json!(aud))]);
        w.token_request(&a, "okta.users.read", None).expect(
            401,
            "The audience claim for client_assertion must be the endpoint invoked for the request.",
        );
    }
    let a = w.assertion_with(&[("sub", json!("0oaother"))]);
    w.token_request(&a, "okta.users.read", None).expect(
        401,
        "The subject claim for client_assertion is not a valid client_id.",
    );
    let form_iss = w.assertion_with(&[("iss", json!("0oaother"))]);
    let got = post_form(
        &w.token_url(),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
            ("client_id", &w.client_id),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &form_iss),
        ],
        &[],
    );
    got.expect(
        401,
        "The issuer claim for client_assertion is not a valid client_id.",
    );
    // 25: unknown kid; and no kid while the app has two keys.
    let a = assertion(
        &w.key,
        &w.client_id,
        &w.token_url(),
        &[("kid", json!("nope"))],
        &[],
    );
    w.token_request(&a, "okta.users.read", None)
        .expect(401, "The client_assertion JWT kid is invalid.");
    let one_key = assertion(
        &w.key,
        &w.client_id,
        &w.token_url(),
        &[("kid", Value::Null)],
        &[],
    );
    assert_eq!(
        w.token_request(&one_key, "okta.users.read", None).status,
        200,
        "no kid is fine with one key"
    );
    let second = Key::fixture("rsa2048", Some("key-2"));
    let added = crate::post_json(
        &w.url(&format!("/api/v1/apps/{}/credentials/jwks", w.client_id)),
        &second.public,
        &[("Authorization", &w.ssws())],
    );
    assert_eq!(added.status, 201, "{}", added.body);
    let no_kid = assertion(
        &w.key,
        &w.client_id,
        &w.token_url(),
        &[("kid", Value::Null)],
        &[],
    );
    w.token_request(&no_kid, "okta.users.read", None)
        .expect(401, "The client_assertion JWT kid is invalid.");
    let by_second = assertion(&second, &w.client_id, &w.token_url(), &[], &[]);
    assert_eq!(
        w.token_request(&by_second, "okta.users.read", None).status,
        200,
        "both active keys sign"
    );
    // kid of an INACTIVE key.
    let key_id = added.json()["id"].as_str().unwrap().to_owned();
    let deact = post_form(
        &w.url(&format!(
            "/api/v1/apps/{}/credentials/jwks/{key_id}/lifecycle/deactivate",
            w.client_id
        )),
        &[],
        &[("Authorization", &w.ssws())],
    );
    assert_eq!(deact.status, 200, "{}", deact.body);
    let a = assertion(&second, &w.client_id, &w.token_url(), &[], &[]);
    w.token_request(&a, "okta.users.read", None)
        .expect(401, "The client_assertion JWT kid is invalid.");
    // 26: crit.
    let a = assertion(
        &w.key,
        &w.client_id,
        &w.token_url(),
        &[("crit", json!(["exp"]))],
        &[],
    );
    w.token_request(&a, "okta.users.read", None)
        .expect(401, PARSE);
    // 27: jku/x5u are never fetched: the assertion is judged by the registered key alone.
    let a = assertion(
        &w.key,
        &w.client_id,
        &w.token_url(),
        &[
            ("jku", json!("http://127.0.0.1:9/jwks")),
            ("x5u", json!("http://127.0.0.1:9/x")),
        ],
        &[],
    );
    assert_eq!(w.token_request(&a, "okta.users.read", None).status, 200);
}

#[test]
fn cases_28_to_30_request_shape() {
    let w = World::new(false);
    // 28: a 20 KB JWT and a 10 MB body.
    let big = w.assertion_with(&[("pad", json!("x".repeat(20_000)))]);
    w.token_request(&big, "okta.users.read", None)
        .expect(401, PARSE);
    let huge = vec![b'a'; 10 * 1024 * 1024];
    let got = post_raw(
        &w.token_url(),
        "application/x-www-form-urlencoded",
        &huge,
        &[],
    );
    assert_eq!(got.status, 413, "{}", got.body);
    // 29: credentials in the query string.
    let url = format!("{}?client_assertion={}", w.token_url(), w.assertion());
    let got = post_form(&url, &[("grant_type", "client_credentials")], &[]);
    got.expect(
        400,
        "Client credentials cannot be supplied via query parameters.",
    );
    // 30: scope twice.
    let got = post_form(
        &w.token_url(),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
            ("scope", "okta.users.read"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &w.assertion()),
        ],
        &[],
    );
    got.expect(
        400,
        "The request contained multiple parameters with the same name.",
    );
    let events = w.org.events();
    assert!(
        events.iter().any(|e| e.query_had_credentials),
        "the event log records query credentials"
    );
}

#[test]
fn form_and_grant_rules() {
    let w = World::new(false);
    let bad_type = post_form(
        &w.token_url(),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
            ("client_assertion_type", "urn:wrong"),
            ("client_assertion", &w.assertion()),
        ],
        &[],
    );
    bad_type.expect(400, "The client_assertion_type is invalid.");
    post_form(&w.token_url(), &[("scope", "x")], &[])
        .expect(400, "The token request must specify a 'grant_type'. Valid values: [authorization_code, client_credentials, refresh_token, urn:ietf:params:oauth:grant-type:device_code]");
    let got = post_form(&w.token_url(), &[("grant_type", "password")], &[]);
    assert_eq!(got.json()["error"], "unsupported_grant_type");
    w.token_request(&w.assertion(), "", None)
        .expect(400, "No scopes were requested.");
    w.token_request(&w.assertion(), "openid okta.users.read", None)
        .expect(
            400,
            "Cannot request 'openid' scopes using client credentials.",
        );
    w.token_request(&w.assertion(), "okta.groups.read", None)
        .expect(400, "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.");
    // Two client-authentication methods at once.
    let got = post_form(
        &w.token_url(),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
            ("client_secret", "x"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &w.assertion()),
        ],
        &[],
    );
    assert_eq!(got.status, 401);
    assert!(
        got.says()
            .starts_with("Cannot supply multiple client credentials."),
        "{}",
        got.body
    );
    // Unknown client.
    let a = assertion(&w.key, "0oaunknownclient0000", &w.token_url(), &[], &[]);
    w.token_request(&a, "okta.users.read", None)
        .expect(401, "Invalid value for 'client_id' parameter.");
    // Not a form.
    let got = post_raw(&w.token_url(), "application/json", b"{}", &[]);
    assert_eq!(got.status, 400);
}

#[test]
fn no_scope_error_is_configurable() {
    let config = {
        let mut config = okta_emulator::Config::default();
        config.no_scope_error = okta_emulator::NoScopeError::AccessDenied;
        config
    };
    let w = World::with(config, "p256", false);
    let got = w.token_request(&w.assertion(), "okta.groups.read", None);
    got.expect(
        400,
        "Policy evaluation succeeded, but all the requested scopes were rejected.",
    );
    assert_eq!(got.json()["error"], "access_denied");
}

#[test]
fn cases_31_to_35_dpop_proof_checks_at_the_token_endpoint() {
    let w = World::new(true);
    let dk = Key::fixture("p256", None);
    let url = w.token_url();
    let nonce = json!(w.org.dpop_nonce());
    let t = now();
    let check = |p: String, text: &str| {
        let got = w.token_request(&w.assertion(), "okta.users.read", Some(&p));
        got.expect(400, text);
        assert_eq!(got.json()["error"], "invalid_dpop_proof");
    };
    check(
        proof(
            &dk,
            "POST",
            &url,
            &[("typ", json!("JWT"))],
            &[("nonce", nonce.clone())],
        ),
        "'typ' must be 'dpop+jwt' in the DPoP proof JWT.",
    );
    for htu in [
        format!("{url}?a=b"),
        url.replace("http://", "https://"),
        format!("{url}/"),
        "http://other.example/oauth2/v1/token".to_owned(),
    ] {
        check(
            proof(&dk, "POST", &htu, &[], &[("nonce", nonce.clone())]),
            "'htu' claim in the DPoP proof JWT is invalid.",
        );
    }
    for htm in ["post", "GET"] {
        check(
            proof(&dk, htm, &url, &[], &[("nonce", nonce.clone())]),
            "'htm' claim in the DPoP proof JWT is invalid.",
        );
    }
    check(
        proof(
            &dk,
            "POST",
            &url,
            &[],
            &[("nonce", nonce.clone()), ("iat", json!(t - 360))],
        ),
        "The DPoP proof JWT is issued more than five minutes in the past.",
    );
    check(
        proof(
            &dk,
            "POST",
            &url,
            &[],
            &[("nonce", nonce.clone()), ("iat", json!(t + 120))],
        ),
        "The DPoP proof JWT is issued in the future.",
    );
    check(
        proof(
            &dk,
            "POST",
            &url,
            &[("alg", json!("HS256"))],
            &[("nonce", nonce.clone())],
        ),
        "The DPoP proof JWT signature algorithm is invalid.",
    );
    check("a.b".to_owned(), "The DPoP proof JWT cannot be parsed.");
    // A jwk header holding the private key.
    let mut private: Value =
        serde_json::from_str(&crate::fixture("keys/p256.jwk.test-only.json")).unwrap();
    private.as_object_mut().unwrap().remove("kid");
    check(
        proof(
            &dk,
            "POST",
            &url,
            &[("jwk", private)],
            &[("nonce", nonce.clone())],
        ),
        "The DPoP proof JWT is invalid.",
    );
    // Signed by another key than the one in the header.
    let other = Key::fixture("p256", None);
    let mut p = proof(
        &other,
        "POST",
        &url,
        &[("jwk", Key::fixture("p384", None).bare())],
        &[("nonce", nonce.clone())],
    );
    check(std::mem::take(&mut p), "The DPoP proof JWT is invalid.");
    // 32: two DPoP headers.
    let p1 = proof(&dk, "POST", &url, &[], &[("nonce", nonce.clone())]);
    let p2 = proof(&dk, "POST", &url, &[], &[("nonce", nonce.clone())]);
    let got = post_form(
        &url,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &w.assertion()),
        ],
        &[("DPoP", &p1), ("DPoP", &p2)],
    );
    got.expect(400, "Multiple DPoP proof JWT headers are not allowed.");
    // A reused proof.
    let p = proof(&dk, "POST", &url, &[], &[("nonce", nonce.clone())]);
    assert_eq!(
        w.token_request(&w.assertion(), "okta.users.read", Some(&p))
            .status,
        200
    );
    check(p, "The DPoP proof JWT has already been used.");
    // A stale or made-up nonce gets a new challenge.
    let p = proof(&dk, "POST", &url, &[], &[("nonce", json!("not-the-nonce"))]);
    let got = w.token_request(&w.assertion(), "okta.users.read", Some(&p));
    assert_eq!(got.json()["error"], "use_dpop_nonce");
}

#[test]
fn every_algorithm_signs_assertions_and_proofs() {
    for (name, dpop_name) in [
        ("rsa2048", "p521"),
        ("rsa3072", "p384"),
        ("p256", "rsa2048"),
        ("p384", "p256"),
        ("p521", "rsa3072"),
    ] {
        let w = World::with(okta_emulator::Config::default(), name, true);
        let dk = Key::fixture(dpop_name, None);
        assert_eq!(
            w.token(Some(&dk))["token_type"],
            "DPoP",
            "{name}/{dpop_name}"
        );
    }
}

#[test]
fn the_service_app_rules() {
    let w = World::new(false);
    // A web app created by DCR cannot use client credentials.
    let key = Key::fixture("rsa2048", Some("w1"));
    let created = crate::post_json(
        &w.url("/oauth2/v1/clients"),
        &json!({"client_name": "web", "application_type": "web", "redirect_uris": ["http://127.0.0.1:7777/cb"],
                "grant_types": ["authorization_code", "client_credentials"], "token_endpoint_auth_method": "private_key_jwt",
                "jwks": {"keys": [key.public]}}),
        &[("Authorization", &w.ssws())],
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["client_id"].as_str().unwrap().to_owned();
    let a = assertion(&key, &id, &w.token_url(), &[], &[]);
    w.token_request(&a, "okta.users.read", None)
        .expect(401, "Only clients with 'application_type' of 'service' may use the client_credentials 'grant_type' with the Org Authorization Server.");
}

#[test]
fn the_default_custom_server_wants_its_own_audience_and_mints_no_okta_scopes() {
    let w = World::new(false);
    let custom = w.url("/oauth2/default/v1/token");
    let form = |a: &str| {
        post_form(
            &custom,
            &[
                ("grant_type", "client_credentials"),
                ("scope", "okta.users.read"),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", a),
            ],
            &[],
        )
    };
    // The org server's token URL is the wrong audience here.
    form(&w.assertion()).expect(
        401,
        "The audience claim for client_assertion must be the endpoint invoked for the request.",
    );
    let a = assertion(&w.key, &w.client_id, &custom, &[], &[]);
    form(&a).expect(
        400,
        "The following scopes are not allowed for this request: [okta.users.read].",
    );
    crate::post_form(
        &w.url("/oauth2/nope/v1/token"),
        &[("grant_type", "client_credentials")],
        &[],
    )
    .expect(
        404,
        "Not found: Resource not found: nope (AuthorizationServer)",
    );
}

#[test]
fn times_at_the_end_of_the_clock_are_refused_not_overflowed() {
    // On main an assertion with `exp` of u64::MAX overflowed `exp + leeway` inside the token
    // endpoint (caught, answered 500). Every time a client sends is a number to check, not to add
    // to: each such assertion gets Okta's 401 invalid_client.
    let w = World::new(false);
    for claims in [
        vec![("exp", json!(u64::MAX))],
        vec![("iat", json!(u64::MAX))],
        vec![("iat", json!(u64::MAX)), ("exp", json!(u64::MAX))],
    ] {
        let got = w.token_request(&w.assertion_with(&claims), "okta.users.read", None);
        assert_eq!(got.status, 401, "{claims:?}: {}", got.body);
        assert_eq!(got.json()["error"], "invalid_client", "{}", got.body);
    }
    // A DPoP proof from the end of time is "issued in the future", not a server error.
    let dk = crate::Key::fixture("p256", None);
    let p = proof(
        &dk,
        "POST",
        &w.token_url(),
        &[],
        &[("iat", json!(u64::MAX))],
    );
    let got = w.token_request(&w.assertion(), "okta.users.read", Some(&p));
    assert_eq!(got.status, 400, "{}", got.body);
    assert_eq!(got.json()["error"], "invalid_dpop_proof", "{}", got.body);
}
