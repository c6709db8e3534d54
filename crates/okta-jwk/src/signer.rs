//! The signing abstraction the assertion and DPoP layers consume.

use crate::error::Result;
use crate::{Algorithm, DerivedSecret, KeyPair, Kid, PublicJwk};

/// Something that signs JWS payloads with one algorithm and one key.
///
/// [`KeyPair`] implements it; so can a key held elsewhere (a cloud KMS, an HSM, an external
/// command), since callers only need the algorithm, the key id, the public JWK and signatures.
pub trait Signer: Send + Sync {
    /// The JWS `alg` this signer produces; one of Okta's six.
    fn algorithm(&self) -> Algorithm;

    /// The public key, with its `kid` where it has one.
    fn public_jwk(&self) -> &PublicJwk;

    /// The key id to put in the JWS header; by default the public JWK's.
    fn kid(&self) -> Option<&Kid> {
        self.public_jwk().kid()
    }

    /// Signs the JWS signing input, returning the signature octets as JWS carries them:
    /// PKCS#1 v1.5 for `RS*`, fixed-width `R‖S` for `ES*` (RFC 7518 §3.4), never DER.
    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>>;

    /// A secret derived from the private key and `info` (HKDF-SHA256), the same on every host
    /// that holds the key: what a token cache encrypts its entries under. `None` (the default)
    /// for a signer whose private key never sits in memory, such as a KMS or an HSM; whoever
    /// needs a secret then asks for one by configuration instead.
    fn derive_secret(&self, info: &[u8]) -> Option<DerivedSecret> {
        let _ = info;
        None
    }
}

impl Signer for KeyPair {
    fn algorithm(&self) -> Algorithm {
        KeyPair::algorithm(self)
    }

    fn public_jwk(&self) -> &PublicJwk {
        KeyPair::public_jwk(self)
    }

    fn kid(&self) -> Option<&Kid> {
        Some(KeyPair::kid(self))
    }

    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>> {
        KeyPair::sign(self, signing_input)
    }

    fn derive_secret(&self, info: &[u8]) -> Option<DerivedSecret> {
        KeyPair::derive_secret(self, info)
    }
}
