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
#[allow(
    clippy::exhaustive_structs,
    reason = "a number of seconds and nothing else: the field is the API"
)]
pub struct UnixTime(pub u64);

impl UnixTime {
    /// The number of seconds.
    pub fn secs(self) -> u64 {
        self.0
    }

    /// The time given as a `SystemTime` (before the epoch counts as the epoch). This reads no
    /// clock: the caller passes the time it read.
    pub fn from_system_time(time: std::time::SystemTime) -> UnixTime {
        UnixTime(
            time.duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        )
    }

    /// This time plus `seconds`, saturating at the end of `u64`.
    pub fn plus(self, seconds: u64) -> UnixTime {
        UnixTime(self.0.saturating_add(seconds))
    }

    /// Seconds from `earlier` to this time, or 0 when `earlier` is later.
    pub fn since(self, earlier: UnixTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl std::fmt::Display for UnixTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A fresh `jti`: 16 random bytes (128 bits), base64url.
pub(crate) fn jti(rng: &dyn RandomSource) -> Result<String> {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes)?;
    Ok(okta_jwk::__private::base64url::encode(bytes))
}
