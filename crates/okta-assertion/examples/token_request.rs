//! What goes into a token request with `private_key_jwt` and DPoP, made by hand with this
//! crate alone (no network): the client assertion and the DPoP proof, then both checked the way
//! Okta checks them. okta-flows does all of this for you; this shows the parts.
//!
//! ```text
//! cargo run -p okta-assertion --example token_request -- https://example.okta.com 0oa1b2c3d4e5f6g7h8i9
//! ```
#![allow(clippy::print_stdout, reason = "an example program")]

use okta_assertion::{
    CLIENT_ASSERTION_TYPE, ClientAssertionBuilder, ClientId, DPOP_TYP, DpopKey, Endpoint, Htm, Htu,
    OsRandom, UnixTime, Validation, Verifier,
};
use okta_jwk::{Algorithm, Curve, Jwks, KeyPair, KeySpec, PublicJwk};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let org = args
        .next()
        .unwrap_or_else(|| "https://example.okta.com".into());
    let client_id = ClientId::new(args.next().unwrap_or_else(|| "0oa1b2c3d4e5f6g7h8i9".into()))?;
    // This crate reads no clock: the caller does.
    let now = UnixTime::from_system_time(std::time::SystemTime::now());
    let rng = OsRandom::new();

    // The service app's key (registered with Okta as a JWKS) signs the client assertion, whose
    // audience is exactly the token endpoint.
    let key = KeyPair::generate(KeySpec::Ec(Curve::P256))?;
    let token_url = Endpoint::parse(&format!("{}/oauth2/v1/token", org.trim_end_matches('/')))?;
    let assertion =
        ClientAssertionBuilder::new(client_id.clone(), token_url.clone()).sign(&key, now, &rng)?;

    // A separate, short-lived key proves possession for DPoP.
    let dpop = DpopKey::generate(Algorithm::ES256)?;
    let proof = dpop.proof(
        &Htm::post(),
        &Htu::from_url(token_url.as_str())?,
        now,
        &rng,
        None,
        None,
    )?;

    println!("POST {}", token_url.as_str());
    println!(
        "DPoP: {} characters (typ {DPOP_TYP}, jkt {})",
        proof.expose_secret().len(),
        dpop.jkt()
    );
    println!("grant_type=client_credentials&scope=okta.users.read");
    println!("client_assertion_type={CLIENT_ASSERTION_TYPE}");
    println!(
        "client_assertion: {} characters",
        assertion.expose_secret().len()
    );

    // What Okta does: the assertion against the registered JWKS, with the claims checked...
    let jwks = Jwks::new(vec![key.public_jwk().clone()]);
    let checks = Validation::at(now)
        .issuer(client_id.as_str())
        .audience(token_url.as_str());
    let verified =
        Verifier::new(&[Algorithm::ES256]).verify(assertion.expose_secret(), &jwks, &checks)?;
    println!(
        "assertion verified: sub {}, exp {}",
        verified.claims()["sub"],
        verified.claims()["exp"]
    );

    // ...and the proof against the key in its own header, which must be a DPoP-typed JWT.
    let header = okta_assertion::Unverified::decode(proof.expose_secret())?;
    let embedded = PublicJwk::from_json(&header.header["jwk"].to_string())?;
    let proof_checks = Validation::at(now).require_exp(false);
    let proved = Verifier::new(&[Algorithm::ES256])
        .require_type(DPOP_TYP)
        .verify_with_key(proof.expose_secret(), &embedded, &proof_checks)?;
    println!(
        "proof verified: htm {}, htu {}",
        proved.claims()["htm"],
        proved.claims()["htu"]
    );
    Ok(())
}
