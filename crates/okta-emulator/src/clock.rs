//! Time and randomness, injectable so tests are deterministic.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where the emulator reads the time, in seconds since the Unix epoch.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

/// A clock tests move by hand. Clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    /// A clock standing at `now`.
    pub fn new(now: u64) -> ManualClock {
        ManualClock(Arc::new(AtomicU64::new(now)))
    }

    /// Sets the time.
    pub fn set(&self, now: u64) {
        self.0.store(now, Ordering::SeqCst);
    }

    /// Moves the time forward.
    pub fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Random bytes: the OS source, or a seeded sequence for reproducible runs.
pub(crate) enum Random {
    Os(ring::rand::SystemRandom),
    Seeded { seed: u64, counter: Mutex<u64> },
}

/// The characters of Okta's ids.
pub(crate) const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Bytes as id characters, one each (`b % 62`).
pub(crate) fn base62_of(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| char::from(BASE62[usize::from(*b) % BASE62.len()]))
        .collect()
}

impl Random {
    pub(crate) fn new(seed: Option<u64>) -> Random {
        match seed {
            Some(seed) => Random::Seeded {
                seed,
                counter: Mutex::new(0),
            },
            None => Random::Os(ring::rand::SystemRandom::new()),
        }
    }

    pub(crate) fn fill(&self, dest: &mut [u8]) {
        match self {
            Random::Os(rng) => {
                // The OS source does not fail on any platform we run on; if it ever did, a
                // zeroed id would be caught by the uniqueness checks of the state.
                let _ = ring::rand::SecureRandom::fill(rng, dest);
            }
            Random::Seeded { seed, counter } => {
                for chunk in dest.chunks_mut(32) {
                    let n = {
                        let mut c = counter
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        *c += 1;
                        *c
                    };
                    let mut input = seed.to_be_bytes().to_vec();
                    input.extend(n.to_be_bytes());
                    let digest = ring::digest::digest(&ring::digest::SHA256, &input);
                    chunk.copy_from_slice(&digest.as_ref()[..chunk.len()]);
                }
            }
        }
    }

    /// `len` random base62 characters, as in Okta's ids (`0oa…`, `00u…`).
    pub(crate) fn base62(&self, len: usize) -> String {
        let mut bytes = vec![0u8; len];
        self.fill(&mut bytes);
        base62_of(&bytes)
    }

    /// An Okta-style id: a 3-character prefix and 17 random characters (20 in all).
    pub(crate) fn okta_id(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.base62(20 - prefix.len()))
    }

    /// `n` random bytes as unpadded base64url.
    pub(crate) fn token(&self, n: usize) -> String {
        let mut bytes = vec![0u8; n];
        self.fill(&mut bytes);
        crate::jose::b64(&bytes)
    }
}

/// `YYYY-MM-DDTHH:MM:SS.000Z` for seconds since the epoch (Okta's timestamp form).
pub(crate) fn iso(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::iso;

    #[test]
    fn iso_dates() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_588_185_457), "2020-04-29T18:37:37.000Z");
        assert_eq!(iso(951_782_400), "2000-02-29T00:00:00.000Z");
    }
}
