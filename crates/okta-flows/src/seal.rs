//! What a token store keeps: every entry encrypted and authenticated with AES-256-GCM under a
//! key derived from the service app's private key (or a configured cache secret), and bound to
//! its entry name, so a store holds nothing usable and nothing that can be moved or altered
//! without being noticed.

use std::path::Path;

use okta_jwk::DerivedSecret;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::SecureRandom;

/// The `info` of the key derivation: a cache secret is for token stores and nothing else.
const INFO: &[u8] = b"okta-flows token store v1";

/// The first byte of a sealed entry: the format, so a later one can be told apart.
const FORMAT: u8 = 1;

/// The shortest cache secret accepted from configuration, in bytes.
pub const MIN_CACHE_SECRET: usize = 32;

/// The largest cache secret file read.
const MAX_SECRET_FILE: u64 = 4096;

/// The secret a token store's entries are sealed under (AES-256-GCM, the key derived with
/// HKDF-SHA256): from the service app's private key, which every member of a fleet holds and the
/// store never sees, or given by configuration for a signer whose key is not in memory.
///
/// `Debug` prints only the type name; the bytes are wiped from memory when dropped.
#[derive(Clone)]
pub struct CacheSecret(DerivedSecret);

impl std::fmt::Debug for CacheSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheSecret([redacted])")
    }
}

/// Why a cache secret given by configuration was refused. Never holds the secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheSecretError {
    /// Shorter than [`MIN_CACHE_SECRET`] bytes (after trimming whitespace at either end).
    #[error("a cache secret needs at least {MIN_CACHE_SECRET} bytes, this one has {len}")]
    TooShort {
        /// Its length.
        len: usize,
    },
    /// The file could not be read, is larger than 4 KiB, or others may read it.
    #[error("reading the cache secret file: {0}")]
    File(String),
}

impl CacheSecret {
    /// From the service app's private key, as a [`Signer`](okta_jwk::Signer) with its key in
    /// memory derives it; `None` for a KMS or HSM signer.
    pub fn from_signer(signer: &dyn okta_jwk::Signer) -> Option<CacheSecret> {
        signer.derive_secret(INFO).map(CacheSecret)
    }

    /// From a private key's encoded form (the PEM or JWK text of its file): what
    /// [`LazySigner::from_encoded_key`](crate::LazySigner::from_encoded_key) uses, so a run
    /// served by the cache never parses the key. Every host must read the same file content.
    pub fn from_key_text(encoded: &[u8]) -> CacheSecret {
        CacheSecret(DerivedSecret::from_material(encoded, INFO))
    }

    /// From an app's client secret: what seals a web app's sign-in
    /// ([`UserTokenSource::sealed`](crate::UserTokenSource::sealed)), so only one who holds
    /// the secret can read the tokens kept for it.
    pub fn from_client_secret(secret: &crate::ClientSecret) -> CacheSecret {
        CacheSecret(DerivedSecret::from_material(
            secret.expose_secret().as_bytes(),
            b"okta-flows sign-in v1",
        ))
    }

    /// From a random secret kept elsewhere (the OS keyring): at least [`MIN_CACHE_SECRET`]
    /// bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<CacheSecret, CacheSecretError> {
        if bytes.len() < MIN_CACHE_SECRET {
            return Err(CacheSecretError::TooShort { len: bytes.len() });
        }
        Ok(CacheSecret(DerivedSecret::from_material(
            bytes,
            b"okta-flows kept secret v1",
        )))
    }

    /// From a secret given by configuration (the environment, a secret manager): at least
    /// [`MIN_CACHE_SECRET`] bytes once surrounding whitespace is trimmed. Every member of the
    /// fleet must be given the same.
    pub fn from_text(text: &str) -> Result<CacheSecret, CacheSecretError> {
        let text = text.trim();
        if text.len() < MIN_CACHE_SECRET {
            return Err(CacheSecretError::TooShort { len: text.len() });
        }
        Ok(CacheSecret(DerivedSecret::from_material(
            text.as_bytes(),
            b"okta-flows configured cache secret v1",
        )))
    }

    /// From a file holding the secret (mode 0600 or stricter on Unix; at most 4 KiB).
    pub fn from_file(path: &Path) -> Result<CacheSecret, CacheSecretError> {
        match crate::files::read_private_file(path, MAX_SECRET_FILE) {
            crate::files::PrivateRead::Bytes(bytes) => {
                let bytes = okta_jwk::__private::Zeroizing::new(bytes);
                let text = std::str::from_utf8(&bytes)
                    .map_err(|_| CacheSecretError::File("the file is not text".into()))?;
                CacheSecret::from_text(text)
            }
            crate::files::PrivateRead::Exposed => Err(CacheSecretError::File(
                "others may read or write it; make it mode 600".into(),
            )),
            crate::files::PrivateRead::TooLarge => {
                Err(CacheSecretError::File("larger than 4 KiB".into()))
            }
            crate::files::PrivateRead::Missing => Err(CacheSecretError::File(
                "no such file, or it cannot be read".into(),
            )),
        }
    }

    fn key(&self) -> LessSafeKey {
        let key = DerivedSecret::from_material(self.0.expose_secret(), b"aes-256-gcm entry key");
        // INVARIANT: the key is 32 bytes, AES-256-GCM's key length.
        #[allow(clippy::expect_used, reason = "32 bytes is always an AES-256 key")]
        LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, key.expose_secret()).expect("a 32-byte AES-256 key"),
        )
    }

    /// Encrypts `plain` for the entry `name`: format byte, random 96-bit nonce, ciphertext, tag.
    pub(crate) fn seal(&self, name: &str, plain: &[u8]) -> Option<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        ring::rand::SystemRandom::new().fill(&mut nonce).ok()?;
        let mut body = plain.to_vec();
        self.key()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(name)),
                &mut body,
            )
            .ok()?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + body.len());
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&body);
        Some(out)
    }

    /// Decrypts an entry sealed for `name` under this secret; `None` for anything else (another
    /// key, another name, a changed byte, another format).
    pub(crate) fn open(
        &self,
        name: &str,
        sealed: &[u8],
    ) -> Option<okta_jwk::__private::Zeroizing<Vec<u8>>> {
        let (&format, rest) = sealed.split_first()?;
        if format != FORMAT || rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut body = okta_jwk::__private::Zeroizing::new(body.to_vec());
        let plain_len = self
            .key()
            .open_in_place(nonce, Aad::from(aad(name)), &mut body)
            .ok()?
            .len();
        body.truncate(plain_len);
        Some(body)
    }
}

fn aad(name: &str) -> Vec<u8> {
    let mut aad = b"okta-flows entry\n".to_vec();
    aad.extend_from_slice(name.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

    use super::*;

    #[test]
    fn an_entry_opens_only_with_its_secret_and_its_name_and_unchanged() {
        let secret = CacheSecret::from_key_text(b"-----BEGIN PRIVATE KEY----- one");
        let sealed = secret.seal("name-a", b"the token").unwrap();
        assert_eq!(&**secret.open("name-a", &sealed).unwrap(), b"the token");
        assert!(!sealed.windows(9).any(|w| w == b"the token"));
        let other = CacheSecret::from_key_text(b"-----BEGIN PRIVATE KEY----- two");
        assert!(other.open("name-a", &sealed).is_none());
        assert!(secret.open("name-b", &sealed).is_none());
        for at in 0..sealed.len() {
            let mut changed = sealed.clone();
            changed[at] ^= 0x01;
            assert!(secret.open("name-a", &changed).is_none(), "byte {at}");
        }
        assert!(secret.open("name-a", &sealed[..sealed.len() - 1]).is_none());
        assert!(secret.open("name-a", &[]).is_none());
        // Two seals of the same text differ (a fresh nonce each time).
        assert_ne!(secret.seal("name-a", b"the token").unwrap(), sealed);
    }

    #[test]
    fn a_configured_secret_must_be_long_enough_and_is_never_shown() {
        let short = CacheSecret::from_text("  too short  ").unwrap_err();
        assert_eq!(
            short.to_string(),
            "a cache secret needs at least 32 bytes, this one has 9"
        );
        let good = CacheSecret::from_text("0123456789abcdef0123456789abcdef\n").unwrap();
        assert_eq!(format!("{good:?}"), "CacheSecret([redacted])");
        let same = CacheSecret::from_text("0123456789abcdef0123456789abcdef").unwrap();
        let sealed = good.seal("n", b"x").unwrap();
        assert!(same.open("n", &sealed).is_some());
        // A key's text and the same bytes given as a configured secret are different secrets.
        let as_key = CacheSecret::from_key_text(b"0123456789abcdef0123456789abcdef");
        assert!(as_key.open("n", &sealed).is_none());
    }
}
