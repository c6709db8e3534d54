//! The JWTs Okta checks, signed and verified: client assertions for `private_key_jwt`
//! (RFC 7523), DPoP proofs (RFC 9449), and compact-JWS verification with an algorithm
//! allowlist.
//!
//! ```
//! use okta_assertion::{
//!     ClientAssertionBuilder, ClientId, DpopKey, Endpoint, Htm, Htu, OsRandom, UnixTime,
//!     Validation, Verifier,
//! };
//! use okta_jwk::{Algorithm, Curve, Jwks, KeyPair, KeySpec};
//!
//! # fn main() -> Result<(), okta_assertion::Error> {
//! let key = KeyPair::generate(KeySpec::Ec(Curve::P256))?;
//! let now = UnixTime(1_700_000_000); // the caller reads the clock
//! let rng = OsRandom::new();
//!
//! // A client assertion for Okta's org token endpoint: iss = sub = client id, exp = now + 300.
//! let token_url = Endpoint::parse("https://example.okta.com/oauth2/v1/token")?;
//! let builder = ClientAssertionBuilder::new(ClientId::new("0oa1b2c3d4e5f6g7h8i9")?, token_url.clone());
//! let assertion = builder.sign(&key, now, &rng)?;
//!
//! // What Okta does with it: verify with the registered JWKS and check the claims, in one call.
//! let jwks = Jwks::new(vec![key.public_jwk().clone()]);
//! let checks = Validation::at(now).audience(token_url.as_str());
//! let verified = Verifier::new(&[Algorithm::ES256]).verify(assertion.expose_secret(), &jwks, &checks)?;
//! assert_eq!(verified.claims()["sub"], "0oa1b2c3d4e5f6g7h8i9");
//!
//! // A DPoP proof for the same request, with its own key.
//! let dpop = DpopKey::generate(Algorithm::ES256)?;
//! let proof = dpop.proof(&Htm::post(), &Htu::from_url(token_url.as_str())?, now, &rng, None, None)?;
//! assert_eq!(proof.expose_secret().split('.').count(), 3);
//! # Ok(())
//! # }
//! ```
//!
//! This crate opens no socket, reads no file, and reads neither the clock nor the environment:
//! the time is a parameter ([`UnixTime`]) and so is randomness ([`RandomSource`]), so every
//! output can be reproduced in tests.

// Public types can grow without a breaking release: each exhaustive one says why it may be.
#![warn(clippy::exhaustive_structs, clippy::exhaustive_enums)]

mod assertion;
mod claims;
mod dpop;
mod error;
mod jws;
mod random;
mod secret;
mod verify;

pub use assertion::{CLIENT_ASSERTION_TYPE, ClientAssertionBuilder};
pub use claims::{ClientId, Endpoint, Lifetime};
pub use dpop::{DPOP_TYP, DpopKey, DpopNonce, Htm, Htu, ath};
pub use error::{Error, Result};
pub use random::{OsRandom, RandomSource, UnixTime};
pub use secret::{ClientAssertion, DpopProof};
pub use verify::{Unverified, Validation, Verified, Verifier};

/// The README's examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
