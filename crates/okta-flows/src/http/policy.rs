//! How rate limits and transient failures are retried, and the longest wait anything here may
//! be set to.

use std::time::Duration;

use crate::error::{Error, Result};

/// The longest timeout or wait a caller may set: a day. Longer ones are a mistake (a unit
/// mix-up, `Duration::MAX`), and would overflow when added to the clock.
pub(crate) const LONGEST: Duration = Duration::from_secs(24 * 60 * 60);

/// Whether a timeout or wait a caller set is more than zero and at most [`LONGEST`].
pub(crate) fn is_sane(wait: Duration) -> bool {
    !wait.is_zero() && wait <= LONGEST
}

/// How rate limits and transient failures are retried (Okta's "Rate limits" overview).
///
/// ```
/// use std::time::Duration;
/// let policy = okta_flows::RetryPolicy::default().max_retries(5).max_wait(Duration::from_secs(10));
/// assert_eq!(policy.max_retries, 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt, for 429 and for 503/504 on idempotent requests
    /// (default 3).
    pub max_retries: u32,
    /// The longest single wait (default 60 s).
    pub max_wait: Duration,
    /// The first wait of the exponential backoff used when `X-Rate-Limit-Reset` is missing or
    /// unusable, then doubled each time up to `max_wait` (default 1 s).
    pub backoff: Duration,
    /// Wait for the reset before a request when the last answer said no requests are left
    /// (default true).
    pub pace: bool,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            max_wait: Duration::from_secs(60),
            backoff: Duration::from_secs(1),
            pace: true,
        }
    }
}

impl RetryPolicy {
    /// Sets `max_retries`.
    pub fn max_retries(mut self, n: u32) -> RetryPolicy {
        self.max_retries = n;
        self
    }

    /// Sets `max_wait`.
    pub fn max_wait(mut self, wait: Duration) -> RetryPolicy {
        self.max_wait = wait;
        self
    }

    /// Sets `backoff`.
    pub fn backoff(mut self, first: Duration) -> RetryPolicy {
        self.backoff = first;
        self
    }

    /// Sets `pace`.
    pub fn pace(mut self, pace: bool) -> RetryPolicy {
        self.pace = pace;
        self
    }

    /// Refuses waits of more than a day ([`OktaBuilder::build`] calls it): Okta's rate-limit
    /// windows reset within minutes, so a longer wait is a mistake, and an unbounded one would
    /// overflow the clock.
    pub(crate) fn check(&self) -> Result<()> {
        if self.max_wait > LONGEST || self.backoff > LONGEST {
            return Err(Error::InvalidInput {
                what: "the retry policy",
                reason: "max_wait and backoff must be at most a day",
            });
        }
        Ok(())
    }
}
