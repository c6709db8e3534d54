//! Randomness and time, as parameters.

use crate::error::{Error, Result};

/// A source of cryptographically secure random bytes.
///
/// [`OsRandom`] is the one to use; tests pass a deterministic one so outputs can be pinned.
pub trait RandomSource: Send + Sync {
    /// Fills `dest` with random bytes.
    fn fill(&self, dest: &mut [u8]) -> Result<()>;
}

/// The operating system's CSPRNG (through ring).
#[derive(Debug, Clone)]
pub struct OsRandom(ring::rand::SystemRandom);

impl Default for OsRandom {
    fn default() -> OsRandom {
        OsRandom::new()
    }
}

impl OsRandom {
    /// The system source.
    pub fn new() -> OsRandom {
        OsRandom(ring::rand::SystemRandom::new())
    }
}

impl RandomSource for OsRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<()> {
        ring::rand::SecureRandom::fill(&self.0, dest).map_err(|_| Error::Random)
    }
}

/// Seconds since the Unix epoch, as JWT NumericDate carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub u64);

impl UnixTime {
    /// The number of seconds.
    pub fn secs(self) -> u64 {
        self.0
    }
}

/// A fresh `jti`: 16 random bytes (128 bits), base64url.
pub(crate) fn jti(rng: &dyn RandomSource) -> Result<String> {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes)?;
    Ok(okta_jwk::base64url::encode(bytes))
}
