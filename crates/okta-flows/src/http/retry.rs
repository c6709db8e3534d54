//! The one retry loop every request of this crate's own goes through: waits out 429s (until the
//! reset the server names) and 503/504s (backing off), answers DPoP nonce challenges at once,
//! and bounds each. What an answer means is the caller's to say; how often and how long to try
//! again is here. The bridge's forwarding (`forward.rs`) keeps a loop of its own, with the same
//! policy and [`Okta::backoff`]: it hands every final answer back as it came (a 429, the last
//! 503, the second nonce challenge), where this loop turns them into errors.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::http::client::Okta;
use crate::http::transport::Reply;

/// What one attempt's answer asks for.
pub(crate) enum Attempt<T> {
    /// Finished.
    Done(T),
    /// 429: wait for the reset, then try again; when the retries are spent, this answer's error.
    RateLimited(Reply),
    /// 503 or 504 of a request that is safe to repeat: back off, then try again.
    Unavailable(Reply),
    /// A DPoP nonce challenge: again at once with the new nonce; `exhausted` when the nonce
    /// retries are spent.
    Challenge {
        /// The error once no nonce retry is left.
        exhausted: Error,
    },
    /// Again at once, uncounted: for a change the caller makes at most once (DPoP learned).
    Again,
}

impl Okta {
    /// Runs `attempt` until it is done, failed, or out of retries. `attempt` is told how many
    /// waits came before it (for `X-Okta-Retry-Count`). Before each attempt of a request of
    /// `bucket`, the pacing wait is taken. All waits of one request together stay within
    /// `max_retries × max_wait`; a reset further away than one wait fails at once.
    pub(crate) fn with_retries<T>(
        &self,
        nonce_retries: u32,
        bucket: Option<&str>,
        mut attempt: impl FnMut(u32) -> Result<Attempt<T>>,
    ) -> Result<T> {
        let retry = self.transport().retry;
        let budget = retry.max_wait.saturating_mul(retry.max_retries.max(1));
        let waited = std::cell::Cell::new(Duration::ZERO);
        let sleep = |wait: Duration| {
            let wait = wait.min(budget.saturating_sub(waited.get()));
            waited.set(waited.get().saturating_add(wait));
            std::thread::sleep(wait);
        };
        let (mut waits, mut challenges) = (0u32, 0u32);
        loop {
            if let Some(bucket) = bucket {
                sleep(self.pace(bucket)?);
            }
            match attempt(waits)? {
                Attempt::Done(t) => return Ok(t),
                Attempt::RateLimited(reply) | Attempt::Unavailable(reply)
                    if waits >= retry.max_retries || waited.get() >= budget =>
                {
                    return Err(reply.problem());
                }
                Attempt::RateLimited(reply) => {
                    let Some(wait) = self.rate_limit_wait(&reply, waits + 1) else {
                        return Err(reply.problem());
                    };
                    waits += 1;
                    sleep(wait);
                }
                Attempt::Unavailable(_) => {
                    waits += 1;
                    sleep(self.backoff(waits));
                }
                Attempt::Challenge { exhausted } if challenges >= nonce_retries => {
                    return Err(exhausted);
                }
                Attempt::Challenge { .. } => challenges += 1,
                Attempt::Again => {}
            }
        }
    }

    /// The wait before retry `attempt` when the server named no usable reset: exponential
    /// from the policy's first backoff, capped.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let retry = self.transport().retry;
        retry
            .backoff
            .saturating_mul(1 << attempt.min(10))
            .min(retry.max_wait)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn reply(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            endpoint: "GET /api/v1/users".into(),
        }
    }

    fn okta() -> Result<Okta> {
        let fast = crate::RetryPolicy::default()
            .max_retries(3)
            .backoff(Duration::from_millis(1))
            .max_wait(Duration::from_millis(2));
        Okta::builder(crate::OrgUrl::parse("https://example.okta.com")?)
            .retry(fast)
            .build()
    }

    #[test]
    fn each_kind_of_retry_is_bounded() -> Result<()> {
        let okta = okta()?;
        let tries = Cell::new(0);
        let counted = |make: fn() -> Attempt<()>| {
            tries.set(0);
            let result = okta.with_retries(2, None, |_| {
                tries.set(tries.get() + 1);
                Ok(make())
            });
            (result.is_err(), tries.get())
        };
        // The first attempt and 3 retries for 429 and 503; the first and 2 for nonces.
        assert_eq!(counted(|| Attempt::RateLimited(reply(429))), (true, 4));
        assert_eq!(counted(|| Attempt::Unavailable(reply(503))), (true, 4));
        let challenge = || Attempt::Challenge {
            exhausted: Error::PageLoop,
        };
        assert_eq!(counted(challenge), (true, 3));
        Ok(())
    }

    #[test]
    fn the_retry_count_is_the_number_of_waits() -> Result<()> {
        let okta = okta()?;
        let mut seen = Vec::new();
        let done = okta.with_retries(1, None, |waits| {
            seen.push(waits);
            Ok(match seen.len() {
                1 => Attempt::Challenge {
                    exhausted: Error::PageLoop,
                },
                2 | 3 => Attempt::RateLimited(reply(429)),
                _ => Attempt::Done(seen.len()),
            })
        })?;
        assert_eq!(done, 4);
        assert_eq!(seen, [0, 0, 1, 2], "a nonce challenge is not a wait");
        Ok(())
    }
}
