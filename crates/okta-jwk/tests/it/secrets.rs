//! Private key material never shows in `Debug`.

use okta_jwk::{AnyKey, KeyPair};

use crate::fixture;

#[test]
fn key_pair_debug_shows_public_facts_only() {
    let key = KeyPair::from_jwk(&fixture("keys/p256.jwk.test-only.json")).unwrap();
    let shown = format!("{key:?}");
    assert_eq!(
        shown,
        format!(
            "KeyPair {{ kind: Ec(P256), alg: ES256, kid: {:?}, private: [redacted] }}",
            key.kid().as_str()
        )
    );
    let jwk: serde_json::Value =
        serde_json::from_str(&fixture("keys/p256.jwk.test-only.json")).unwrap();
    assert!(!shown.contains(jwk["d"].as_str().unwrap()));
    let any = format!(
        "{:?}",
        AnyKey::read(&fixture("keys/rsa2048.test-only.pem")).unwrap()
    );
    assert!(any.contains("[redacted]") && !any.contains("MII"), "{any}");
}

#[test]
fn exported_secrets_are_redacted_in_debug() {
    let key = KeyPair::from_pem(&fixture("keys/rsa2048.test-only.pem")).unwrap();
    assert_eq!(
        format!("{:?}", key.to_pkcs8_pem().unwrap()),
        "PrivatePem([redacted])"
    );
    assert_eq!(
        format!("{:?}", key.to_pkcs1_pem().unwrap()),
        "PrivatePem([redacted])"
    );
    assert_eq!(
        format!("{:?}", key.to_private_jwk().unwrap()),
        "PrivateJwk([redacted])"
    );
}
