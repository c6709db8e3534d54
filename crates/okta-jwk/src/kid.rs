//! Key ids and RFC 7638 thumbprints.

use std::fmt;

use crate::error::Error;

/// A JWK key id (`kid`): 1 to 255 printable characters.
///
/// Okta matches the client assertion's `kid` header against the registered key's `kid`, so
/// a `Kid` is compared exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kid(String);

impl Kid {
    /// Checks and wraps a key id.
    pub fn new(kid: impl Into<String>) -> Result<Kid, Error> {
        let kid = kid.into();
        if kid.is_empty() {
            return Err(Error::Kid {
                reason: "it is empty",
            });
        }
        if kid.len() > 255 {
            return Err(Error::Kid {
                reason: "it is longer than 255 bytes",
            });
        }
        if kid.chars().any(char::is_control) {
            return Err(Error::Kid {
                reason: "it holds control characters",
            });
        }
        Ok(Kid(kid))
    }

    /// The key id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Thumbprint> for Kid {
    fn from(t: Thumbprint) -> Kid {
        Kid(t.0)
    }
}

/// An RFC 7638 JWK thumbprint with SHA-256, base64url-encoded (43 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Thumbprint(String);

impl Thumbprint {
    /// Hashes the canonical JSON of the required members (RFC 7638 §3).
    pub(crate) fn of_canonical_json(canonical: &str) -> Thumbprint {
        let digest = ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes());
        Thumbprint(crate::b64::encode(digest.as_ref()))
    }

    /// The base64url text, as used for `kid` and DPoP's `jkt`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kid_rules() {
        assert!(Kid::new("key1").is_ok());
        assert!(Kid::new("bilbo.baggins@hobbiton.example").is_ok());
        assert!(matches!(Kid::new(""), Err(Error::Kid { .. })));
        assert!(matches!(Kid::new("a\nb"), Err(Error::Kid { .. })));
        assert!(matches!(Kid::new("x".repeat(256)), Err(Error::Kid { .. })));
        assert!(Kid::new("x".repeat(255)).is_ok());
    }
}
