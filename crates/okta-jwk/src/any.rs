//! Reading a key whose form is not known in advance.

use crate::error::Result;
use crate::{KeyPair, PublicJwk, pem_io};

/// A key read from text that may be a JWK or PEM, private or public.
#[derive(Debug)]
#[allow(
    clippy::exhaustive_enums,
    reason = "a key is private or public; there is no third kind"
)]
pub enum AnyKey {
    /// A private key, with its public part.
    Private(KeyPair),
    /// A public key only.
    Public(PublicJwk),
}

impl AnyKey {
    /// Reads a JWK (private when it has `d`) or a PEM block (private for `… PRIVATE KEY`
    /// labels, public for `PUBLIC KEY`/`RSA PUBLIC KEY`).
    pub fn read(text: &str) -> Result<AnyKey> {
        if pem_io::looks_like_pem(text) {
            if text.contains("PRIVATE KEY-----") {
                KeyPair::from_pem(text).map(AnyKey::Private)
            } else {
                PublicJwk::from_pem(text).map(AnyKey::Public)
            }
        } else if has_private_member(text) {
            KeyPair::from_jwk(text).map(AnyKey::Private)
        } else {
            PublicJwk::from_json(text).map(AnyKey::Public)
        }
    }

    /// The public key (for a private key: with its `kid`, `use` and `alg`).
    pub fn public_jwk(&self) -> &PublicJwk {
        match self {
            AnyKey::Private(pair) => pair.public_jwk(),
            AnyKey::Public(jwk) => jwk,
        }
    }
}

fn has_private_member(text: &str) -> bool {
    // A cheap look before the strict parse; `from_jwk` and `from_json` each check properly.
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.as_object().map(|o| o.contains_key("d")))
        .unwrap_or(false)
}
