//! Known answers from the RFCs (7515, 7520, 7638, 9449), in `tests/fixtures/rfc/vectors.json`.

use okta_jwk::__private::base64url;
use okta_jwk::{Algorithm, Error, KeyPair, PublicJwk};

use crate::{s, vectors};

fn jwk(v: &serde_json::Value, name: &str) -> String {
    v[name]["jwk"].to_string()
}

#[test]
fn rfc7638_thumbprint() {
    let v = vectors();
    let key = PublicJwk::from_json(&jwk(&v, "rfc7638")).unwrap();
    assert_eq!(key.thumbprint().as_str(), s(&v, "rfc7638", "thumbprint"));
}

#[test]
fn rfc9449_jkt_of_the_dpop_key() {
    let v = vectors();
    let key = PublicJwk::from_json(&jwk(&v, "rfc9449")).unwrap();
    assert_eq!(key.thumbprint().as_str(), s(&v, "rfc9449", "thumbprint"));
}

#[test]
fn rfc9449_example_proofs_verify_with_their_header_jwk() {
    let v = vectors();
    for proof in ["token_proof", "resource_proof"] {
        let jws = s(&v, "rfc9449", proof);
        let (input, sig) = jws.rsplit_once('.').unwrap();
        let header: serde_json::Value =
            serde_json::from_slice(&base64url::decode(input.split('.').next().unwrap()).unwrap())
                .unwrap();
        let key = PublicJwk::from_json(&header["jwk"].to_string()).unwrap();
        key.verify(
            Algorithm::ES256,
            input.as_bytes(),
            &base64url::decode(sig).unwrap(),
        )
        .unwrap();
        let mut tampered = input.as_bytes().to_vec();
        tampered[40] ^= 1;
        assert!(matches!(
            key.verify(
                Algorithm::ES256,
                &tampered,
                &base64url::decode(sig).unwrap()
            ),
            Err(Error::BadSignature)
        ));
    }
}

#[test]
fn computed_thumbprints_of_the_rfc_keys() {
    let v = vectors();
    for name in ["rfc7515_a2", "rfc7515_a3", "rfc7520_rsa", "rfc7520_ec"] {
        let text = jwk(&v, name);
        let key = if text.contains("\"d\"") {
            KeyPair::from_jwk(&text).unwrap().public_jwk().clone()
        } else {
            PublicJwk::from_json(&text).unwrap()
        };
        assert_eq!(
            key.thumbprint().as_str(),
            s(&v, name, "thumbprint_computed"),
            "{name}"
        );
    }
}

/// Verifies `protected.payload` against `signature` and returns the raw pieces.
fn check_jws(v: &serde_json::Value, name: &str, key: &PublicJwk, alg: Algorithm) {
    let input = format!("{}.{}", s(v, name, "protected"), s(v, name, "payload"));
    let sig = base64url::decode(s(v, name, "signature")).unwrap();
    key.verify(alg, input.as_bytes(), &sig)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut bad = sig.clone();
    bad[5] ^= 0x80;
    assert!(
        key.verify(alg, input.as_bytes(), &bad).is_err(),
        "{name}: tampered signature"
    );
    assert!(
        key.verify(alg, b"other input", &sig).is_err(),
        "{name}: other input"
    );
}

#[test]
fn rfc7515_a2_rs256_and_a3_es256_verify() {
    let v = vectors();
    let a2 = PublicJwk::from_json(&jwk(&v, "rfc7515_a2")).unwrap();
    check_jws(&v, "rfc7515_a2", &a2, Algorithm::RS256);
    let a3 = KeyPair::from_jwk(&jwk(&v, "rfc7515_a3")).unwrap();
    check_jws(&v, "rfc7515_a3", a3.public_jwk(), Algorithm::ES256);
}

#[test]
fn rfc7520_rs256_is_reproduced_byte_for_byte() {
    // RSASSA-PKCS1-v1_5 is deterministic: signing the cookbook's input with its key must give
    // the cookbook's signature exactly.
    let v = vectors();
    let key = KeyPair::from_jwk(&jwk(&v, "rfc7520_rsa")).unwrap();
    assert_eq!(key.kid().as_str(), "bilbo.baggins@hobbiton.example");
    assert_eq!(key.algorithm(), Algorithm::RS256);
    let input = format!(
        "{}.{}",
        s(&v, "rfc7520_rsa", "protected"),
        s(&v, "rfc7520_rsa", "payload")
    );
    let sig = key.sign(input.as_bytes()).unwrap();
    assert_eq!(base64url::encode(&sig), s(&v, "rfc7520_rsa", "signature"));
    check_jws(&v, "rfc7520_rsa", key.public_jwk(), Algorithm::RS256);
}

#[test]
fn rfc7520_es512_verifies_and_our_p521_signatures_verify_too() {
    let v = vectors();
    let key = KeyPair::from_jwk(&jwk(&v, "rfc7520_ec")).unwrap();
    assert_eq!(key.algorithm(), Algorithm::ES512);
    check_jws(&v, "rfc7520_ec", key.public_jwk(), Algorithm::ES512);
    // ECDSA is randomised: ours differ from the cookbook's but must verify and be 132 octets.
    let input = format!(
        "{}.{}",
        s(&v, "rfc7520_ec", "protected"),
        s(&v, "rfc7520_ec", "payload")
    );
    let sig = key.sign(input.as_bytes()).unwrap();
    assert_eq!(sig.len(), 132);
    key.public_jwk()
        .verify(Algorithm::ES512, input.as_bytes(), &sig)
        .unwrap();
}

#[test]
fn ps384_and_hs256_are_not_accepted_algorithms() {
    let v = vectors();
    for protected in [
        s(&v, "rfc7520_rsa", "ps384_protected"),
        s(&v, "rfc7520_hs256", "protected"),
        s(&v, "rfc7515_a1", "protected"),
    ] {
        let header: serde_json::Value =
            serde_json::from_slice(&base64url::decode(protected).unwrap()).unwrap();
        let alg = header["alg"].as_str().unwrap();
        assert!(
            matches!(
                alg.parse::<Algorithm>(),
                Err(Error::UnsupportedAlgorithm { .. })
            ),
            "{alg}"
        );
    }
}

#[test]
fn alg_must_fit_the_key() {
    let v = vectors();
    let rsa = PublicJwk::from_json(&jwk(&v, "rfc7515_a2")).unwrap();
    let ec = PublicJwk::from_json(&jwk(&v, "rfc9449")).unwrap();
    let sig = vec![0u8; 64];
    assert!(matches!(
        rsa.verify(Algorithm::ES256, b"x", &sig),
        Err(Error::AlgorithmMismatch { .. })
    ));
    assert!(matches!(
        ec.verify(Algorithm::RS256, b"x", &sig),
        Err(Error::AlgorithmMismatch { .. })
    ));
    assert!(matches!(
        ec.verify(Algorithm::ES384, b"x", &sig),
        Err(Error::AlgorithmMismatch { .. })
    ));
    let key = KeyPair::from_jwk(&jwk(&v, "rfc7515_a3")).unwrap();
    assert!(matches!(
        key.with_algorithm(Algorithm::RS256),
        Err(Error::AlgorithmMismatch { .. })
    ));
}

#[test]
fn rsa_signing_from_many_threads_gives_the_cookbook_signature() {
    // The RSA backend reuses signing contexts across calls; threads mixing algorithms must
    // still each get exactly the deterministic signature.
    let v = vectors();
    let key = std::sync::Arc::new(KeyPair::from_jwk(&jwk(&v, "rfc7520_rsa")).unwrap());
    let input = format!(
        "{}.{}",
        s(&v, "rfc7520_rsa", "protected"),
        s(&v, "rfc7520_rsa", "payload")
    );
    let expected = s(&v, "rfc7520_rsa", "signature").to_owned();
    let other = KeyPair::from_jwk(&jwk(&v, "rfc7520_rsa"))
        .unwrap()
        .with_algorithm(Algorithm::RS512)
        .unwrap();
    let other_expected = base64url::encode(other.sign(input.as_bytes()).unwrap());
    let other = std::sync::Arc::new(other);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (key, other, input) = (key.clone(), other.clone(), input.clone());
            let (expected, other_expected) = (expected.clone(), other_expected.clone());
            std::thread::spawn(move || {
                for _ in 0..25 {
                    assert_eq!(
                        base64url::encode(key.sign(input.as_bytes()).unwrap()),
                        expected
                    );
                    assert_eq!(
                        base64url::encode(other.sign(input.as_bytes()).unwrap()),
                        other_expected
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    other
        .public_jwk()
        .verify(
            Algorithm::RS512,
            input.as_bytes(),
            &base64url::decode(&other_expected).unwrap(),
        )
        .unwrap();
}
