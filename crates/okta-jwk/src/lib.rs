//! Keys for OAuth for Okta: generate key pairs, read and write them as JWK or PEM, build the JWKS
//! you register with Okta, compute RFC 7638 thumbprints, and sign JWS payloads.
//!
//! ```
//! use okta_jwk::{Curve, Jwks, KeyPair, KeySpec, PublicJwk, Signer};
//!
//! # fn main() -> Result<(), okta_jwk::Error> {
//! // A new EC P-256 key; its kid is its RFC 7638 thumbprint.
//! let key = KeyPair::generate(KeySpec::Ec(Curve::P256))?;
//! assert_eq!(key.kid().as_str(), key.thumbprint().as_str());
//!
//! // The JWKS to register with Okta holds only public members.
//! let jwks = Jwks::new(vec![key.public_jwk().clone()]);
//! assert!(!jwks.to_json().contains("\"d\""));
//!
//! // Sign, and check the signature with the public key alone.
//! let sig = key.sign(b"header.payload")?;
//! let public = PublicJwk::from_json(&key.public_jwk().to_json())?;
//! public.verify(key.algorithm(), b"header.payload", &sig)?;
//!
//! // Keys move between JWK and PEM without losing anything.
//! let pem = key.to_pkcs8_pem()?;
//! let again = KeyPair::from_pem(pem.expose_secret())?;
//! assert_eq!(again.thumbprint(), key.thumbprint());
//! # Ok(())
//! # }
//! ```
//!
//! This crate opens no socket, reads no file, and reads neither the clock nor the environment.
//! Private key material never appears in `Debug` output or in errors.

// Public types can grow without a breaking release: each exhaustive one says why it may be.
#![warn(clippy::exhaustive_structs, clippy::exhaustive_enums)]

mod alg;
mod any;
mod b64;
mod backend;
mod der_sig;
mod error;
mod jwks;
mod keypair;
mod kid;
mod names;
mod params;
mod pem_io;
mod public;
#[macro_use]
mod secret;
mod signer;
mod strict_json;

pub use alg::{Algorithm, Curve};
pub use any::AnyKey;
pub use der_sig::ecdsa_signature_from_der;
pub use error::{Error, Result};
pub use jwks::{Jwks, Skipped};
pub use keypair::{KeyPair, KeySpec};
pub use kid::{Kid, Thumbprint};
pub use params::KeyKind;
pub use pem_io::unescape_newlines;
pub use public::{KeyUse, PublicJwk};
pub use secret::{DerivedSecret, Passphrase, PrivateJwk, PrivatePem};
pub use signer::Signer;

#[doc(hidden)]
pub mod __private {
    //! Plumbing shared by this workspace's crates; not part of the API and not covered by
    //! semver.
    /// Unpadded base64url (RFC 7515 §2), decoding strictly.
    pub mod base64url {
        pub use crate::b64::{decode, encode};
    }
    pub use crate::error::display_safe;

    /// Parses JSON text, refusing duplicate member names at any depth (RFC 7515 §4, RFC 7517
    /// §4) and text longer than `max_len`. Errors give a line and column, never the text.
    pub fn parse_json_strict(
        text: &str,
        what: &'static str,
        max_len: usize,
    ) -> crate::Result<serde_json::Value> {
        crate::strict_json::parse(text, what, max_len)
    }
    pub use zeroize::Zeroizing;

    /// Compares two byte strings in time that depends on their lengths only.
    pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
        std::hint::black_box(diff) == 0
    }
}

/// The README's examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
