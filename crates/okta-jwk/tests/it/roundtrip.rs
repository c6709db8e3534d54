//! Properties: every form converts to every other without loss, public exports never hold
//! private members, signatures verify, and the readers never panic on arbitrary input.

use okta_jwk::{Algorithm, AnyKey, Curve, Jwks, KeyPair, KeySpec, PublicJwk};
use proptest::prelude::*;

use crate::fixture;

/// Checks every conversion of one key against the original.
fn check_conversions(key: &KeyPair) {
    let tp = key.thumbprint();
    let via_jwk = KeyPair::from_jwk(key.to_private_jwk().unwrap().expose_secret()).unwrap();
    assert_eq!(via_jwk.thumbprint(), tp);
    assert_eq!(via_jwk.kid(), key.kid(), "a JWK keeps its kid");
    assert_eq!(via_jwk.algorithm(), key.algorithm(), "a JWK keeps its alg");
    assert_eq!(
        via_jwk.to_private_jwk().unwrap(),
        key.to_private_jwk().unwrap()
    );
    let pkcs8 = key.to_pkcs8_pem().unwrap();
    let via_pem = KeyPair::from_pem(pkcs8.expose_secret()).unwrap();
    assert_eq!(via_pem.thumbprint(), tp);
    assert_eq!(
        via_pem.to_pkcs8_pem().unwrap(),
        pkcs8,
        "PEM -> key -> PEM is stable"
    );
    let traditional = if key.kind().default_algorithm().is_rsa() {
        key.to_pkcs1_pem().unwrap()
    } else {
        key.to_sec1_pem().unwrap()
    };
    assert_eq!(
        KeyPair::from_pem(traditional.expose_secret())
            .unwrap()
            .thumbprint(),
        tp
    );
    let public = key.public_jwk();
    let text = public.to_json();
    for member in ["\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\""] {
        assert!(!text.contains(member), "{text}");
    }
    assert_eq!(&PublicJwk::from_json(&text).unwrap(), public);
    assert_eq!(
        PublicJwk::from_pem(&public.to_spki_pem().unwrap())
            .unwrap()
            .thumbprint(),
        tp
    );
    let jwks = Jwks::new(vec![public.clone()]);
    assert_eq!(Jwks::from_json(&jwks.to_json()).unwrap(), jwks);
}

#[test]
fn rsa_fixture_keys_convert_without_loss() {
    for name in ["rsa2048", "rsa3072", "rsa4096"] {
        let key = KeyPair::from_pem(&fixture(&format!("keys/{name}.test-only.pem"))).unwrap();
        for alg in [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512] {
            check_conversions(&key_with(&key, alg));
        }
    }
}

fn key_with(key: &KeyPair, alg: Algorithm) -> KeyPair {
    KeyPair::from_jwk(key.to_private_jwk().unwrap().expose_secret())
        .unwrap()
        .with_algorithm(alg)
        .unwrap()
}

#[test]
fn generated_keys_of_every_kind() {
    for spec in [
        KeySpec::rsa(2048),
        KeySpec::Rsa {
            bits: 3072,
            alg: Algorithm::RS384,
        },
        KeySpec::Ec(Curve::P256),
        KeySpec::Ec(Curve::P384),
        KeySpec::Ec(Curve::P521),
    ] {
        let key = KeyPair::generate(spec).unwrap();
        assert_eq!(key.kid().as_str(), key.thumbprint().as_str());
        assert_eq!(key.public_jwk().key_use(), Some(okta_jwk::KeyUse::Sig));
        check_conversions(&key);
        let sig = key.sign(b"payload").unwrap();
        key.public_jwk()
            .verify(key.algorithm(), b"payload", &sig)
            .unwrap();
    }
}

fn curve() -> impl Strategy<Value = Curve> {
    prop_oneof![Just(Curve::P256), Just(Curve::P384), Just(Curve::P521)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn ec_keys_round_trip_and_sign(crv in curve(), msg in proptest::collection::vec(any::<u8>(), 0..512)) {
        let key = KeyPair::generate(KeySpec::Ec(crv)).unwrap();
        check_conversions(&key);
        let sig = key.sign(&msg).unwrap();
        prop_assert_eq!(sig.len(), 2 * crv.coordinate_len());
        prop_assert!(key.public_jwk().verify(key.algorithm(), &msg, &sig).is_ok());
        let mut other = msg.clone();
        other.push(1);
        prop_assert!(key.public_jwk().verify(key.algorithm(), &other, &sig).is_err());
    }

    #[test]
    fn readers_never_panic_on_arbitrary_text(text in ".{0,400}") {
        let _ = PublicJwk::from_json(&text);
        let _ = KeyPair::from_jwk(&text);
        let _ = KeyPair::from_pem(&text);
        let _ = PublicJwk::from_pem(&text);
        let _ = Jwks::from_json(&text);
        let _ = AnyKey::read(&text);
    }

    #[test]
    fn readers_never_panic_on_mangled_keys(
        name in prop_oneof![Just("rsa2048"), Just("p256"), Just("p521")],
        form in prop_oneof![Just("test-only.pem"), Just("jwk.test-only.json"), Just("spki.test-only.pem")],
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = fixture(&format!("keys/{name}.{form}")).into_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(text) = String::from_utf8(bytes)
            && let Ok(key) = AnyKey::read(&text) {
                // Whatever still parses is a real, consistent key.
                let jwk = key.public_jwk().to_json();
                prop_assert!(PublicJwk::from_json(&jwk).is_ok());
            }
    }

    #[test]
    fn base64url_is_strict(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        let text = okta_jwk::__private::base64url::encode(&bytes);
        prop_assert!(text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        prop_assert_eq!(okta_jwk::__private::base64url::decode(&text), Some(bytes));
    }
}
