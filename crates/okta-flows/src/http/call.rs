//! One call to Okta's APIs: the right `Authorization`, a DPoP proof per request, pacing and
//! rate-limit waits, and what a change that cannot be read back means.

use std::time::Duration;

use okta_assertion::UnixTime;
use serde_json::Value;

use crate::error::{Error, Result, safe};
use crate::http::auth::{Authorization, Credential, TokenType};
use crate::http::client::Okta;
use crate::http::link::{http_date, links};
use crate::http::method::Method;
use crate::http::planned::CHECK_CHANGE;
use crate::http::retry::Attempt;
use crate::http::transport::{MAX_PAGE, Reply};

/// A successful answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiResponse {
    /// The status (2xx).
    pub status: u16,
    /// The JSON body (`null` for an empty one).
    pub body: Value,
    /// `X-Okta-Request-Id`.
    pub request_id: Option<String>,
    /// The `rel="next"` link, if any.
    pub next: Option<String>,
}

/// Nonce challenges of a resource server answered per request (RFC 9449 §9).
const RS_NONCE_RETRIES: u32 = 1;

/// A request that changed something answered 2xx, but its answer could not be read: the
/// outcome is unknown to the caller, who must check before repeating it.
pub(crate) fn made_but_unread<T>(result: Result<T>, check: &'static str) -> Result<T> {
    result.map_err(|e| match e {
        Error::Unexpected {
            endpoint,
            reason,
            request_id,
            ..
        } => Error::OutcomeUnknown {
            endpoint,
            reason: format!(
                "Okta answered 2xx{}, but the answer is unreadable: {reason}",
                request_id
                    .map(|r| format!(" (request id {r})"))
                    .unwrap_or_default()
            ),
            check,
        },
        other => other,
    })
}

impl Okta {
    pub(crate) fn call_checked(
        &self,
        cred: &dyn Credential,
        method: Method,
        path_or_url: &str,
        body: Option<&Value>,
        check: &'static str,
    ) -> Result<ApiResponse> {
        let url = if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            let url = url::Url::parse(path_or_url).map_err(|_| Error::InvalidInput {
                what: "the URL",
                reason: "it does not parse",
            })?;
            if !self.org_url().same_origin(&url) {
                return Err(Error::NotThisOrg {
                    url: safe(path_or_url, 100),
                });
            }
            url
        } else {
            self.org_url().join(path_or_url)?
        };
        let reply = self.exchange(cred, &method, &url, body, check)?;
        let read = || -> Result<ApiResponse> {
            let next = links(&reply.all("link"), &reply.endpoint)?
                .into_iter()
                .find(|(rel, _)| rel == "next")
                .map(|(_, u)| u);
            let value = if reply.body.is_empty() {
                Value::Null
            } else {
                reply.json()?
            };
            Ok(ApiResponse {
                status: reply.status,
                body: value,
                request_id: reply.request_id(),
                next,
            })
        };
        if method.is_idempotent() {
            read()
        } else {
            // The change was made (2xx), but what Okta said about it cannot be read: repeating
            // the request could make it twice.
            made_but_unread(read(), check)
        }
    }

    pub(crate) fn exchange(
        &self,
        cred: &dyn Credential,
        method: &Method,
        url: &url::Url,
        body: Option<&Value>,
        check: &'static str,
    ) -> Result<Reply> {
        let bucket = url.path().to_owned();
        let origin = self.org_url().as_str().to_owned();
        let idempotent = method.is_idempotent();
        // A 401 to a credential that can get a new token is repeated once, with the new token.
        let mut renewed = false;
        self.with_retries(RS_NONCE_RETRIES, Some(&bucket), |waits| {
            let (authorization, proof) = self.authorize(cred, method, url)?;
            let mut headers = vec![
                ("Accept", "application/json"),
                ("Authorization", authorization.as_str()),
            ];
            if let Some(p) = &proof {
                headers.push(("DPoP", p.expose_secret()));
            }
            let retry_count = waits.to_string();
            if waits > 0 {
                headers.push(("X-Okta-Retry-Count", retry_count.as_str()));
            }
            let payload = body.map(|b| ("application/json", b.to_string().into_bytes()));
            let reply = match self.send(method, url, &headers, payload, MAX_PAGE) {
                Ok(r) => r,
                Err(Error::Transport {
                    endpoint, source, ..
                }) if !idempotent => {
                    return Err(Error::OutcomeUnknown {
                        endpoint,
                        reason: format!("no answer ({source})"),
                        check,
                    });
                }
                Err(e) => return Err(e),
            };
            self.dpop()
                .remember_nonce(&origin, reply.header("dpop-nonce"));
            self.note_rate(&bucket, &reply);
            Ok(match reply.status {
                200..=299 => Attempt::Done(reply),
                429 if idempotent => Attempt::RateLimited(reply),
                503 | 504 if idempotent => Attempt::Unavailable(reply),
                401 if proof.is_some()
                    && reply
                        .header("www-authenticate")
                        .is_some_and(|h| h.contains("use_dpop_nonce")) =>
                {
                    // RFC 9449 §9: a resource server's nonce challenge, answered once.
                    Attempt::Challenge {
                        exhausted: reply.problem(),
                    }
                }
                500..=599 if !idempotent => {
                    let reason = format!(
                        "HTTP {}{}",
                        reply.status,
                        reply
                            .request_id()
                            .map(|r| format!(", request id {r}"))
                            .unwrap_or_default()
                    );
                    return Err(Error::OutcomeUnknown {
                        endpoint: reply.endpoint,
                        reason,
                        check,
                    });
                }
                _ => {
                    if reply.status == 401 {
                        cred.rejected();
                        if idempotent && !renewed && cred.renewable() {
                            renewed = true;
                            return Ok(Attempt::Again);
                        }
                    }
                    return Err(reply.problem());
                }
            })
        })
    }

    /// The `Authorization` of one attempt, and the DPoP proof (with `ath`, and the org's last
    /// nonce) when the token is bound to a key.
    pub(crate) fn authorize(
        &self,
        cred: &dyn Credential,
        method: &Method,
        url: &url::Url,
    ) -> Result<(String, Option<okta_assertion::DpopProof>)> {
        Ok(match cred.authorization()? {
            Authorization::Ssws(s) => (format!("SSWS {}", s.expose_secret()), None),
            Authorization::Token(t) => {
                let nonce = self.dpop().nonce(self.org_url().as_str());
                let proof =
                    t.proof_with(method, url.as_str(), self.now(), nonce.as_ref(), self.rng())?;
                let scheme = match t.token_type() {
                    TokenType::DPoP => "DPoP",
                    _ => "Bearer",
                };
                let header = format!("{scheme} {}", t.access_token().expose_secret());
                (header, proof)
            }
        })
    }

    /// Records `X-Rate-Limit-Remaining: 0` so the next request of this bucket waits (pacing).
    fn note_rate(&self, bucket: &str, reply: &Reply) {
        let num = |h: &str| {
            reply.header(h).and_then(|v| {
                v.split(',')
                    .filter_map(|x| x.trim().parse::<u64>().ok())
                    .min()
            })
        };
        if let (Some(limit), Some(0), Some(reset)) = (
            num("x-rate-limit-limit"),
            num("x-rate-limit-remaining"),
            num("x-rate-limit-reset"),
        ) && limit > 0
        {
            crate::http::client::lock(&self.transport().pace_until)
                .insert(bucket.to_owned(), UnixTime(reset));
        }
    }

    /// How long to wait before a request of `bucket` when the last answer said no requests
    /// are left (pacing). A reset further away than one wait is an error at once: the
    /// request would only be refused.
    pub(crate) fn pace(&self, bucket: &str) -> Result<Duration> {
        let retry = self.transport().retry;
        if !retry.pace {
            return Ok(Duration::ZERO);
        }
        let until = crate::http::client::lock(&self.transport().pace_until).remove(bucket);
        let Some(reset) = until.filter(|r| *r >= self.now()) else {
            return Ok(Duration::ZERO);
        };
        // The reset itself is held against `max_wait`; the second after it is the margin that
        // makes sure the window has turned (a reset a full minute away, Okta's window, is
        // waited for with the default 60 s).
        let distance = Duration::from_secs(reset.since(self.now()));
        if distance > retry.max_wait {
            return Err(Error::RateLimited {
                endpoint: bucket.to_owned(),
                reset: Some(reset),
                request_id: None,
            });
        }
        Ok(distance.saturating_add(Duration::from_secs(1)))
    }

    /// How long to wait after a 429: until `X-Rate-Limit-Reset` by the server's `Date` (+1 s and
    /// a little jitter); exponential backoff when the headers are missing or useless, or for
    /// the concurrency form (`Limit: 0`). `None` when the reset is further away than
    /// `RetryPolicy::max_wait`: waiting that long would only be refused again.
    pub(crate) fn rate_limit_wait(&self, reply: &Reply, attempt: u32) -> Option<Duration> {
        let max_wait = self.transport().retry.max_wait;
        let reset = reply.header("x-rate-limit-reset").and_then(|v| {
            v.split(',')
                .filter_map(|x| x.trim().parse::<u64>().ok())
                .min()
        });
        let limit = reply
            .header("x-rate-limit-limit")
            .and_then(|v| v.trim().parse::<u64>().ok());
        let server_now = reply
            .header("date")
            .and_then(http_date)
            .unwrap_or_else(|| self.now().secs());
        // Under a second, so that clients told the same reset do not all come back at once.
        let jitter = || {
            let mut byte = [0u8; 1];
            let _ = okta_assertion::RandomSource::fill(self.rng(), &mut byte);
            Duration::from_millis(u64::from(byte[0]))
        };
        let wait = match (reset, limit) {
            (_, Some(0)) => self.backoff(attempt),
            (Some(reset), _) if reset > server_now => {
                // As in `pace`: the distance is held against `max_wait`, the margin is not.
                let distance = Duration::from_secs(reset - server_now);
                if distance > max_wait {
                    return None;
                }
                return Some(
                    distance
                        .saturating_add(Duration::from_secs(1))
                        .saturating_add(jitter()),
                );
            }
            _ => self.backoff(attempt),
        };
        Some(wait.saturating_add(jitter()).min(max_wait))
    }
}

impl Okta {
    /// Sends an admin step's request; a change whose answer cannot be read is
    /// [`Error::OutcomeUnknown`] with the request's own check.
    pub(crate) fn send_request(
        &self,
        cred: &dyn Credential,
        r: &crate::http::planned::Request,
    ) -> Result<ApiResponse> {
        self.call_checked(cred, r.method, &r.path, r.body.as_ref(), r.check())
    }
}

/// A call with the app's access token, as a plan lists it (the token and the proof described).
pub(crate) fn planned_call(
    okta: &Okta,
    method: Method,
    path: &str,
    dpop: bool,
) -> crate::http::planned::PlannedRequest {
    let scheme = if dpop { "DPoP" } else { "Bearer" };
    let mut headers = vec![(
        "Authorization".to_owned(),
        format!("{scheme} <the access token>"),
    )];
    if dpop {
        headers.push(("DPoP".to_owned(), "<a proof with ath>".to_owned()));
    }
    crate::http::planned::PlannedRequest {
        when: "always".to_owned(),
        method,
        url: format!("{}{path}", okta.org_url().as_str()),
        by: crate::http::planned::PlannedAuth::AccessToken,
        headers,
        body: None,
        form: None,
    }
}

pub(crate) fn call(
    okta: &Okta,
    cred: &dyn Credential,
    method: Method,
    path_or_url: &str,
    body: Option<&Value>,
) -> Result<ApiResponse> {
    okta.call_checked(cred, method, path_or_url, body, CHECK_CHANGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(headers: &[(&str, &str)]) -> Reply {
        Reply {
            status: 429,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: Vec::new(),
            endpoint: "GET /api/v1/users".into(),
        }
    }

    #[test]
    fn rate_limit_waits() -> Result<()> {
        use std::sync::Arc;
        struct At(u64);
        impl crate::settings::Clock for At {
            fn now(&self) -> UnixTime {
                UnixTime(self.0)
            }
        }
        let policy = crate::RetryPolicy::default().max_wait(Duration::from_secs(30));
        let okta = Okta::builder(crate::OrgUrl::parse("https://example.okta.com")?)
            .retry(policy)
            .clock(Arc::new(At(1_795_447_063)))
            .build()?;
        let secs = |r: &Reply, attempt| {
            okta.rate_limit_wait(r, attempt)
                .map_or(u64::MAX, |d| d.as_secs())
        };
        // Reset 10 s after the server's Date: 11 s (plus under a second of jitter).
        assert_eq!(
            secs(
                &reply(&[
                    ("date", "Mon, 23 Nov 2026 15:17:43 GMT"),
                    ("x-rate-limit-reset", "1795447073")
                ]),
                1
            ),
            11
        );
        // No Date: this machine's clock stands in.
        assert_eq!(secs(&reply(&[("x-rate-limit-reset", "1795447068")]), 1), 6);
        // Several values: the smallest reset.
        assert_eq!(
            secs(
                &reply(&[("x-rate-limit-reset", "1795447093, 1795447068")]),
                1
            ),
            6
        );
        // Missing, garbage, past: backoff 1 s doubled per attempt; the year 2100: not waited for
        // (u64::MAX here), as the request would only be refused again.
        assert_eq!(secs(&reply(&[]), 1), 2);
        assert_eq!(secs(&reply(&[("x-rate-limit-reset", "abc")]), 2), 4);
        assert_eq!(secs(&reply(&[("x-rate-limit-reset", "100")]), 3), 8);
        assert_eq!(
            secs(&reply(&[("x-rate-limit-reset", "4102444800")]), 1),
            u64::MAX
        );
        // A reset exactly `max_wait` away (Okta's one-minute window with a 60 s policy) is
        // waited for, a second past it; one further is not.
        assert_eq!(secs(&reply(&[("x-rate-limit-reset", "1795447093")]), 1), 31);
        assert_eq!(
            secs(&reply(&[("x-rate-limit-reset", "1795447094")]), 1),
            u64::MAX
        );
        // The concurrency form: backoff.
        assert_eq!(
            secs(
                &reply(&[
                    ("x-rate-limit-limit", "0"),
                    ("x-rate-limit-remaining", "0"),
                    ("x-rate-limit-reset", "1795447073")
                ]),
                1
            ),
            2
        );
        Ok(())
    }

    #[test]
    fn rate_limit_headers_at_the_ends_of_u64_are_capped_waits() -> Result<()> {
        use std::sync::Arc;
        struct At(u64);
        impl crate::settings::Clock for At {
            fn now(&self) -> UnixTime {
                UnixTime(self.0)
            }
        }
        for now in [0, 1_795_447_063, u64::MAX] {
            let okta = Okta::builder(crate::OrgUrl::parse("https://example.okta.com")?)
                .retry(crate::RetryPolicy::default().max_wait(Duration::from_secs(30)))
                .clock(Arc::new(At(now)))
                .build()?;
            for headers in [
                vec![("x-rate-limit-reset", "18446744073709551615")],
                vec![
                    ("date", "Sun, 06 Nov 9223372036854775807 08:49:37 GMT"),
                    ("x-rate-limit-reset", "18446744073709551615"),
                ],
                vec![("x-rate-limit-reset", "0")],
                vec![("x-rate-limit-reset", "-1")],
            ] {
                let wait = okta.rate_limit_wait(&reply(&headers), 1);
                assert!(
                    wait.is_none_or(|w| w <= Duration::from_secs(30)),
                    "{headers:?}: {wait:?}"
                );
            }
            let paced = reply(&[
                ("x-rate-limit-limit", "600"),
                ("x-rate-limit-remaining", "0"),
                ("x-rate-limit-reset", "18446744073709551615"),
            ]);
            okta.note_rate("/api/v1/users", &paced);
            assert_eq!(
                crate::http::client::lock(&okta.transport().pace_until).get("/api/v1/users"),
                Some(&UnixTime(u64::MAX))
            );
        }
        Ok(())
    }
}
