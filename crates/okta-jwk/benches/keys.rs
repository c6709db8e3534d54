//! `cargo bench -p okta-jwk`: key generation and raw JWS signing, each beside the underlying
//! primitive (OpenSSL or ring) measured in the same run. Targets (design.md): RS256 signing
//! ≥ 95 % of `openssl speed rsa2048`; ES256 ≥ 90 % of ring's raw P-256 signature rate.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "benchmark"
)]

use okta_bench::{Row, against_openssl, compare, print_table};
use okta_jwk::{Algorithm, Curve, KeyPair, KeySpec};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair};

/// About the size of a client assertion's signing input.
const INPUT: &[u8] = &[b'x'; 420];

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a list; there is nothing to unit-test here.
    }
    let mut sign = Vec::new();

    let rsa = KeyPair::generate(KeySpec::rsa(2048)).unwrap();
    let rsa_pkey =
        PKey::private_key_from_pem(rsa.to_pkcs8_pem().unwrap().expose_secret().as_bytes()).unwrap();
    if let Some(row) = against_openssl(
        "RS256 sign, okta-jwk (RSA 2048)",
        || rsa.sign(INPUT).unwrap(),
        "rsa2048",
    ) {
        sign.push((row, Some(0.95)));
    } else {
        println!("note: `openssl` command not found; the openssl-speed reference is left out");
    }
    for alg in [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512] {
        let key = KeyPair::from_pem(rsa.to_pkcs8_pem().unwrap().expose_secret())
            .unwrap()
            .with_algorithm(alg)
            .unwrap();
        let md = match alg {
            Algorithm::RS256 => MessageDigest::sha256(),
            Algorithm::RS384 => MessageDigest::sha384(),
            _ => MessageDigest::sha512(),
        };
        let row = compare(
            &format!("{alg} sign, okta-jwk"),
            || key.sign(INPUT).unwrap(),
            "OpenSSL EVP_DigestSign, same key",
            || {
                openssl::sign::Signer::new(md, &rsa_pkey)
                    .unwrap()
                    .sign_oneshot_to_vec(INPUT)
                    .unwrap()
            },
        );
        sign.push((row, None));
    }

    let rng = SystemRandom::new();
    for (crv, ring_alg, target) in [
        (
            Curve::P256,
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            Some(0.90),
        ),
        (
            Curve::P384,
            &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
            None,
        ),
    ] {
        let key = KeyPair::generate(KeySpec::Ec(crv)).unwrap();
        let pkcs8 = pem::parse(key.to_pkcs8_pem().unwrap().expose_secret()).unwrap();
        let raw = EcdsaKeyPair::from_pkcs8(ring_alg, pkcs8.contents(), &rng).unwrap();
        let row = compare(
            &format!("{} sign, okta-jwk", crv.algorithm()),
            || key.sign(INPUT).unwrap(),
            &format!("ring raw {crv} sign"),
            || raw.sign(&rng, INPUT).unwrap(),
        );
        sign.push((row, target));
    }
    let p521 = KeyPair::generate(KeySpec::Ec(Curve::P521)).unwrap();
    let p521_pkey =
        PKey::private_key_from_pem(p521.to_pkcs8_pem().unwrap().expose_secret().as_bytes())
            .unwrap();
    sign.push((
        compare(
            "ES512 sign, okta-jwk (P-521, with DER→R‖S)",
            || p521.sign(INPUT).unwrap(),
            "OpenSSL EVP_DigestSign P-521 (DER)",
            || {
                openssl::sign::Signer::new(MessageDigest::sha512(), &p521_pkey)
                    .unwrap()
                    .sign_oneshot_to_vec(INPUT)
                    .unwrap()
            },
        ),
        None,
    ));
    print_table("okta-jwk: signing (one thread)", &sign);

    let mut keygen: Vec<(Row, Option<f64>)> = Vec::new();
    for bits in [2048u32, 3072] {
        keygen.push((
            compare(
                &format!("RSA {bits} generate, okta-jwk"),
                || KeyPair::generate(KeySpec::rsa(bits as usize)).unwrap(),
                "OpenSSL RSA_generate_key",
                || Rsa::generate(bits).unwrap(),
            ),
            None,
        ));
    }
    for (crv, nid) in [
        (Curve::P256, Nid::X9_62_PRIME256V1),
        (Curve::P384, Nid::SECP384R1),
        (Curve::P521, Nid::SECP521R1),
    ] {
        let group = EcGroup::from_curve_name(nid).unwrap();
        keygen.push((
            compare(
                &format!("EC {crv} generate, okta-jwk (incl. ring set-up, thumbprint)"),
                || KeyPair::generate(KeySpec::Ec(crv)).unwrap(),
                "OpenSSL EC_KEY_generate_key",
                || EcKey::generate(&group).unwrap(),
            ),
            None,
        ));
    }
    print_table("okta-jwk: key generation", &keygen);
}
