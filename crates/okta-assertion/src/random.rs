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

    /// This time in UTC as RFC 3339 writes it: `2026-12-07T18:42:09Z` (the proleptic
    /// Gregorian calendar; years past 9999 are written with more digits).
    pub fn to_rfc3339(self) -> String {
        let days = self.0 / 86_400;
        let rest = self.0 % 86_400;
        // Days to a civil date: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms",
        // with the era counted from 0000-03-01 so that every step stays unsigned.
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z % 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        )
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

#[cfg(test)]
mod tests {
    use super::UnixTime;

    #[test]
    fn times_are_written_as_rfc_3339_says() {
        // Reference values from GNU date (`date -u -d @SECS +%Y-%m-%dT%H:%M:%SZ`).
        for (secs, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_796_668_929, "2026-12-07T18:42:09Z"),
            (4_107_542_399, "2100-02-28T23:59:59Z"),
            (253_402_300_799, "9999-12-31T23:59:59Z"),
        ] {
            assert_eq!(UnixTime(secs).to_rfc3339(), text, "{secs}");
        }
        // The end of u64 is a date too, not a panic.
        assert!(UnixTime(u64::MAX).to_rfc3339().ends_with('Z'));
    }
}
