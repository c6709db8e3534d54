//! `cargo bench -p okta-assertion`: a full signed client assertion and a full DPoP proof per
//! algorithm, each beside the raw signature of the same key in the same run. Targets
//! (design.md): RS256 assertion ≥ 95 % of `openssl speed rsa2048`; ES256 proof ≥ 90 % of ring's
//! raw P-256 signature rate.

#![allow(clippy::unwrap_used, clippy::print_stdout, reason = "benchmark")]

use okta_assertion::{
    ClientAssertionBuilder, ClientId, DpopKey, Endpoint, Htm, Htu, OsRandom, UnixTime,
};
use okta_bench::{against_openssl, compare, print_table};
use okta_jwk::{Algorithm, KeyPair, KeySpec};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rng = OsRandom::new();
    let now = UnixTime(1_700_000_000);
    let url = "https://example.okta.com/oauth2/v1/token";
    let builder = ClientAssertionBuilder::new(
        ClientId::new("0oanq59zytBKVwQQ80h7").unwrap(),
        Endpoint::parse(url).unwrap(),
    );
    let htu = Htu::from_url("https://example.okta.com/api/v1/users").unwrap();
    let get = Htm::new("GET").unwrap();
    let input = [b'x'; 420];
    let mut rows = Vec::new();

    for alg in Algorithm::ALL {
        let key = KeyPair::generate(KeySpec::for_algorithm(alg)).unwrap();
        let raw = KeyPair::from_jwk(key.to_private_jwk().unwrap().expose_secret()).unwrap();
        rows.push((
            compare(
                &format!("{alg} client assertion"),
                || builder.sign(&key, now, &rng).unwrap(),
                &format!("{alg} raw signature, same key"),
                || raw.sign(&input).unwrap(),
            ),
            None,
        ));
        let dpop = DpopKey::new(key).unwrap();
        rows.push((
            compare(
                &format!("{alg} DPoP proof (with ath)"),
                || {
                    dpop.proof(&get, &htu, now, &rng, None, Some("access-token"))
                        .unwrap()
                },
                &format!("{alg} raw signature, same key"),
                || raw.sign(&input).unwrap(),
            ),
            None,
        ));
    }

    let rsa = KeyPair::generate(KeySpec::rsa(2048)).unwrap();
    // Paired round by round with `openssl speed`, so a busy machine slows both alike.
    match against_openssl(
        "RS256 client assertion",
        || builder.sign(&rsa, now, &rng).unwrap(),
        "rsa2048",
    ) {
        Some(row) => rows.push((row, Some(0.95))),
        None => {
            println!("note: `openssl` command not found; the openssl-speed reference is left out")
        }
    }
    let ring_rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &ring_rng).unwrap();
    let ring_key =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &ring_rng)
            .unwrap();
    let dpop = DpopKey::generate(Algorithm::ES256).unwrap();
    rows.push((
        compare(
            "ES256 DPoP proof (with ath)",
            || {
                dpop.proof(&get, &htu, now, &rng, None, Some("access-token"))
                    .unwrap()
            },
            "ring raw P-256 sign",
            || ring_key.sign(&ring_rng, &input).unwrap(),
        ),
        Some(0.90),
    ));
    let es = KeyPair::generate(KeySpec::for_algorithm(Algorithm::ES256)).unwrap();
    rows.push((
        compare(
            "ES256 client assertion",
            || builder.sign(&es, now, &rng).unwrap(),
            "ring raw P-256 sign",
            || ring_key.sign(&ring_rng, &input).unwrap(),
        ),
        Some(0.90),
    ));
    print_table("okta-assertion: signed JWTs (one thread)", &rows);
}
