//! Client assertions: Okta's rules (its "Build a JWT for client authentication" guide, RFC 7523)
//! and exact shape.

use okta_assertion::{
    CLIENT_ASSERTION_TYPE, ClientAssertionBuilder, ClientId, Endpoint, Lifetime, OsRandom,
    UnixTime, Validation, Verifier,
};
use okta_jwk::{Algorithm, Jwks, KeyPair};

use crate::{Seeded, fixture, parts, vectors};

const TOKEN_URL: &str = "https://example.okta.com/oauth2/v1/token";
const NOW: UnixTime = UnixTime(1_700_000_000);

fn builder() -> ClientAssertionBuilder {
    ClientAssertionBuilder::new(
        ClientId::new("0oanq59zytBKVwQQ80h7").unwrap(),
        Endpoint::parse(TOKEN_URL).unwrap(),
    )
}

#[test]
fn shape_under_a_fixed_clock_and_seeded_randomness() {
    // RS256 is deterministic, so with a fixed clock and seed the whole JWT is reproducible.
    let key = KeyPair::from_jwk(&vectors()["rfc7520_rsa"]["jwk"].to_string()).unwrap();
    let assertion = builder().sign(&key, NOW, &Seeded::new(7)).unwrap();
    let (header, claims) = parts(assertion.expose_secret());
    insta::with_settings!({sort_maps => true}, { insta::assert_json_snapshot!("assertion_header", header) });
    insta::with_settings!({sort_maps => true}, { insta::assert_json_snapshot!("assertion_claims", claims) });
    let again = builder().sign(&key, NOW, &Seeded::new(7)).unwrap();
    assert_eq!(again, assertion, "same inputs, same assertion");
    assert_eq!(
        CLIENT_ASSERTION_TYPE,
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
}

#[test]
fn okta_rules_hold_for_every_algorithm() {
    for (file, alg) in [
        ("rsa2048.test-only.pem", Algorithm::RS256),
        ("rsa2048.test-only.pem", Algorithm::RS384),
        ("rsa3072.test-only.pem", Algorithm::RS512),
        ("p256.test-only.pem", Algorithm::ES256),
        ("p384.test-only.pem", Algorithm::ES384),
        ("p521.test-only.pem", Algorithm::ES512),
    ] {
        let key = KeyPair::from_pem(&fixture(&format!("keys/{file}")))
            .unwrap()
            .with_algorithm(alg)
            .unwrap();
        let jwt = builder()
            .lifetime(Lifetime::from_secs(600).unwrap())
            .sign(&key, NOW, &OsRandom::new())
            .unwrap();
        let (header, claims) = parts(jwt.expose_secret());
        assert_eq!(header["alg"], alg.as_str());
        assert_eq!(header["typ"], "JWT");
        assert_eq!(header["kid"], key.kid().as_str(), "kid is always set");
        assert_eq!(claims["iss"], "0oanq59zytBKVwQQ80h7");
        assert_eq!(claims["sub"], claims["iss"]);
        assert_eq!(claims["aud"], TOKEN_URL);
        assert!(
            claims["iat"].is_u64() && claims["exp"].is_u64(),
            "NumericDate as JSON numbers"
        );
        assert_eq!(
            claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
            600
        );
        assert_eq!(
            okta_jwk::__private::base64url::decode(claims["jti"].as_str().unwrap())
                .unwrap()
                .len(),
            16
        );
        assert!(claims.get("nbf").is_none());
        let jwks = Jwks::new(vec![key.public_jwk().clone()]);
        Verifier::new(&[alg])
            .verify(
                jwt.expose_secret(),
                &jwks,
                &Validation::at(NOW)
                    .audience(TOKEN_URL)
                    .issuer("0oanq59zytBKVwQQ80h7"),
            )
            .unwrap();
    }
}

#[test]
fn default_lifetime_is_300_seconds_and_nbf_is_optional() {
    let key = KeyPair::from_pem(&fixture("keys/p256.test-only.pem")).unwrap();
    let (_, claims) = parts(
        builder()
            .not_before(true)
            .sign(&key, NOW, &OsRandom::new())
            .unwrap()
            .expose_secret(),
    );
    assert_eq!(claims["iat"], 1_700_000_000u64);
    assert_eq!(claims["exp"], 1_700_000_300u64);
    assert_eq!(claims["nbf"], 1_700_000_000u64);
}

#[test]
fn every_assertion_has_a_new_jti() {
    let key = KeyPair::from_pem(&fixture("keys/p256.test-only.pem")).unwrap();
    let rng = OsRandom::new();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..500 {
        let (_, claims) = parts(builder().sign(&key, NOW, &rng).unwrap().expose_secret());
        assert!(seen.insert(claims["jti"].as_str().unwrap().to_owned()));
    }
}

#[test]
fn aud_is_the_exact_endpoint_for_revoke_introspect_and_custom_servers() {
    let key = KeyPair::from_pem(&fixture("keys/p256.test-only.pem")).unwrap();
    for url in [
        "https://example.okta.com/oauth2/v1/revoke",
        "https://example.okta.com/oauth2/v1/introspect",
        "https://example.okta.com/oauth2/default/v1/token",
        "http://127.0.0.1:53111/oauth2/v1/token",
    ] {
        let b = ClientAssertionBuilder::new(
            ClientId::new("abc").unwrap(),
            Endpoint::parse(url).unwrap(),
        );
        let (_, claims) = parts(b.sign(&key, NOW, &OsRandom::new()).unwrap().expose_secret());
        assert_eq!(claims["aud"], url);
    }
}

#[test]
fn a_lifetime_of_one_hour_or_more_cannot_be_made() {
    for secs in [3600, 3601, 86_400, 0] {
        let err = Lifetime::from_secs(secs).unwrap_err();
        assert!(err.to_string().contains("less than one hour"), "{err}");
    }
}

#[test]
fn the_signed_assertion_is_redacted_in_debug() {
    let key = KeyPair::from_pem(&fixture("keys/p256.test-only.pem")).unwrap();
    let jwt = builder().sign(&key, NOW, &OsRandom::new()).unwrap();
    assert_eq!(format!("{jwt:?}"), "ClientAssertion([redacted])");
}

#[test]
fn one_builder_signs_for_several_keys_with_the_right_header() {
    // The builder keeps the first signer's encoded header; other signers must still get theirs.
    let b = builder();
    let rsa = KeyPair::from_pem(&fixture("keys/rsa2048.test-only.pem")).unwrap();
    let ec = KeyPair::from_pem(&fixture("keys/p256.test-only.pem")).unwrap();
    let renamed = KeyPair::from_pem(&fixture("keys/p256.test-only.pem"))
        .unwrap()
        .with_kid(okta_jwk::Kid::new("key2").unwrap());
    for _ in 0..3 {
        for (key, alg) in [(&rsa, "RS256"), (&ec, "ES256"), (&renamed, "ES256")] {
            let jwt = b.sign(key, NOW, &OsRandom::new()).unwrap();
            let (header, _) = parts(jwt.expose_secret());
            assert_eq!(header["alg"], alg);
            assert_eq!(header["kid"], key.kid().as_str());
            let jwks = Jwks::new(vec![key.public_jwk().clone()]);
            Verifier::new(&Algorithm::ALL)
                .verify(jwt.expose_secret(), &jwks, &crate::signature_only())
                .unwrap();
        }
    }
}
