//! Calling Okta's APIs: the right `Authorization`, a DPoP proof per request, rate limits, and
//! lazy pagination over `Link: rel="next"` (checklist C10, C13, C14).

use std::collections::HashSet;
use std::time::Duration;

use okta_assertion::{Htm, Htu};
use serde_json::Value;

use crate::client::Okta;
use crate::error::{Error, Result, safe};
use crate::secrets::SswsToken;
use crate::tokens::{Token, TokenSource, TokenType};
use crate::transport::{MAX_PAGE, Reply};

/// What a request authenticates with.
#[derive(Clone, Copy)]
pub enum Credential<'a> {
    /// An Okta API token (`SSWS`).
    Ssws(&'a SswsToken),
    /// An OAuth access token (`Bearer`, or `DPoP` with a proof).
    Token(&'a Token),
    /// A token source: a cached token, refreshed when needed.
    Source(&'a TokenSource),
    /// A signed-in user's tokens.
    User(&'a crate::user::UserTokenSource),
}

/// A successful answer.
#[derive(Debug, Clone)]
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

fn idempotent(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS")
}

impl Okta {
    /// Sends one request to `path` (`/api/v1/users?limit=10`) or to a full URL of this org.
    ///
    /// Retries 429 (and 503/504) for idempotent methods only, waiting as `X-Rate-Limit-Reset`
    /// says; a POST that fails without an answer is reported as [`Error::OutcomeUnknown`].
    pub fn call(
        &self,
        cred: Credential<'_>,
        method: &str,
        path_or_url: &str,
        body: Option<&Value>,
    ) -> Result<ApiResponse> {
        self.call_checked(
            cred,
            method,
            path_or_url,
            body,
            "check whether the change was made before repeating it",
        )
    }

    pub(crate) fn call_checked(
        &self,
        cred: Credential<'_>,
        method: &str,
        path_or_url: &str,
        body: Option<&Value>,
        check: &'static str,
    ) -> Result<ApiResponse> {
        let url = if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            let url = url::Url::parse(path_or_url)
                .map_err(|_| Error::Link("the URL does not parse".into()))?;
            if !self.org.same_origin(&url) {
                return Err(Error::Link(format!(
                    "{} is not on this org; credentials are sent to the org only",
                    safe(path_or_url, 100)
                )));
            }
            url
        } else {
            self.org.join(path_or_url)?
        };
        let reply = self.exchange(cred, method, &url, body, check)?;
        let next = links(&reply.all("link"))?
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
    }

    fn exchange(
        &self,
        cred: Credential<'_>,
        method: &str,
        url: &url::Url,
        body: Option<&Value>,
        check: &'static str,
    ) -> Result<Reply> {
        let bucket = url.path().to_owned();
        let origin = self.org.as_str().to_owned();
        let mut attempt = 0;
        let mut nonce_retry = false;
        loop {
            self.pace(&bucket);
            let token = match cred {
                Credential::Source(s) => Some(s.token()?),
                Credential::User(u) => Some(u.token()?),
                Credential::Token(t) => Some(t.clone()),
                Credential::Ssws(_) => None,
            };
            let authorization = match (&cred, &token) {
                (Credential::Ssws(s), _) => format!("SSWS {}", s.expose_secret()),
                (_, Some(t)) if t.token_type() == TokenType::DPoP => {
                    format!("DPoP {}", t.access_token().expose_secret())
                }
                (_, Some(t)) => format!("Bearer {}", t.access_token().expose_secret()),
                (_, None) => return Err(Error::Config("no credential")),
            };
            let bound = match &token {
                Some(t) => t.dpop_key()?.map(|k| (t, k)),
                None => None,
            };
            let proof = match bound {
                Some((t, key)) => Some(key.proof(
                    &Htm::new(method)?,
                    &Htu::from_url(url.as_str())?,
                    self.now(),
                    &self.rng,
                    self.nonce(&origin).as_ref(),
                    Some(t.access_token().expose_secret()),
                )?),
                None => None,
            };
            let mut headers = vec![
                ("Accept", "application/json"),
                ("Authorization", authorization.as_str()),
            ];
            if let Some(p) = &proof {
                headers.push(("DPoP", p.expose_secret()));
            }
            let retry_count = attempt.to_string();
            if attempt > 0 {
                headers.push(("X-Okta-Retry-Count", retry_count.as_str()));
            }
            let payload = body.map(|b| ("application/json", b.to_string().into_bytes()));
            let reply = match self.send(method, url, &headers, payload, MAX_PAGE) {
                Ok(r) => r,
                Err(Error::Transport {
                    endpoint, source, ..
                }) if !idempotent(method) => {
                    return Err(Error::OutcomeUnknown {
                        endpoint,
                        reason: format!("no answer ({source})"),
                        check,
                    });
                }
                Err(e) => return Err(e),
            };
            self.remember_nonce(&origin, reply.header("dpop-nonce"));
            self.note_rate(&bucket, &reply);
            let retryable = idempotent(method) && attempt < self.retry.max_retries;
            match reply.status {
                200..=299 => return Ok(reply),
                429 if retryable => {
                    attempt += 1;
                    std::thread::sleep(self.rate_limit_wait(&reply, attempt));
                }
                503 | 504 if retryable => {
                    attempt += 1;
                    std::thread::sleep(self.backoff(attempt));
                }
                401 if !nonce_retry
                    && proof.is_some()
                    && reply
                        .header("www-authenticate")
                        .is_some_and(|h| h.contains("use_dpop_nonce")) =>
                {
                    // RFC 9449 §9: a resource server's nonce challenge; one retry with it.
                    nonce_retry = true;
                }
                500..=599 if !idempotent(method) => {
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
                    if let (Credential::Source(s), 401) = (cred, reply.status) {
                        s.invalidate();
                    }
                    return Err(reply.problem());
                }
            }
        }
    }

    /// Records `X-Rate-Limit-Remaining: 0` so the next request of this bucket waits (C13 pacing).
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
            Okta::lock(&self.pace_until).insert(bucket.to_owned(), reset);
        }
    }

    fn pace(&self, bucket: &str) {
        if !self.retry.pace {
            return;
        }
        let until = Okta::lock(&self.pace_until).remove(bucket);
        if let Some(reset) = until {
            let now = self.now().secs();
            if reset >= now {
                std::thread::sleep(Duration::from_secs(reset - now + 1).min(self.retry.max_wait));
            }
        }
    }

    /// How long to wait after a 429: until `X-Rate-Limit-Reset` by the server's `Date` (+1 s and
    /// a little jitter), capped; exponential backoff when the headers are missing or useless, or
    /// for the concurrency form (`Limit: 0`).
    pub(crate) fn rate_limit_wait(&self, reply: &Reply, attempt: u32) -> Duration {
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
        let wait = match (reset, limit) {
            (_, Some(0)) => self.backoff(attempt),
            (Some(reset), _) if reset > server_now => Duration::from_secs(reset - server_now + 1),
            _ => self.backoff(attempt),
        };
        let mut jitter = [0u8; 1];
        let _ = okta_assertion::RandomSource::fill(&self.rng, &mut jitter);
        (wait + Duration::from_millis(u64::from(jitter[0]))).min(self.retry.max_wait)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.retry
            .backoff
            .saturating_mul(1 << attempt.min(10))
            .min(self.retry.max_wait)
    }

    /// Pages of a list, fetched lazily by following `Link: rel="next"`.
    pub fn pages<'a>(&'a self, cred: Credential<'a>, path: &str) -> Pages<'a> {
        let first = self.org.join(path);
        let prefix = first
            .as_ref()
            .map(|u| u.path().to_owned())
            .unwrap_or_default();
        Pages {
            okta: self,
            cred,
            next: Some(first),
            path: prefix,
            seen: HashSet::new(),
            pages: 0,
            items: 0,
            max_pages: 100_000,
        }
    }
}

/// A lazy walk over a paginated list (C14). Each item is one page; a failure after the first
/// page says how much was fetched, and ends the walk.
pub struct Pages<'a> {
    okta: &'a Okta,
    cred: Credential<'a>,
    next: Option<Result<url::Url>>,
    path: String,
    seen: HashSet<String>,
    pages: usize,
    items: usize,
    max_pages: usize,
}

impl Pages<'_> {
    /// Stops after this many pages with an error (default 100 000).
    pub fn max_pages(mut self, n: usize) -> Self {
        self.max_pages = n;
        self
    }

    fn fail(&mut self, e: Error) -> Option<Result<Vec<Value>>> {
        self.next = None;
        if self.pages == 0 {
            return Some(Err(e));
        }
        Some(Err(Error::Pagination {
            pages: self.pages,
            items: self.items,
            source: Box::new(e),
        }))
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        let url = match self.next.take()? {
            Ok(url) => url,
            Err(e) => return self.fail(e),
        };
        if self.pages >= self.max_pages {
            return self.fail(Error::Link(format!("more than {} pages", self.max_pages)));
        }
        if !self.seen.insert(url.as_str().to_owned()) {
            return self.fail(Error::Link(
                "the next link points at a page already fetched (a loop)".into(),
            ));
        }
        let response = match self.okta.exchange(self.cred, "GET", &url, None, "") {
            Ok(r) => r,
            Err(e) => return self.fail(e),
        };
        let items = match response.json() {
            Ok(Value::Array(items)) => items,
            Ok(_) => {
                return self.fail(response.unexpected("a list page must be a JSON array".into()));
            }
            Err(e) => return self.fail(e),
        };
        let next = match links(&response.all("link")) {
            Ok(l) => l.into_iter().find(|(rel, _)| rel == "next").map(|(_, u)| u),
            Err(e) => return self.fail(e),
        };
        if let Some(next) = next {
            self.next = Some(match url::Url::parse(&next) {
                Ok(u) if self.okta.org.same_origin(&u) && u.path() == self.path => Ok(u),
                Ok(_) => Err(Error::Link(format!(
                    "{} leaves this org or list; not followed (the token would go with it)",
                    safe(&next, 100)
                ))),
                Err(_) => Err(Error::Link("the next link does not parse".into())),
            });
        }
        self.pages += 1;
        self.items += items.len();
        Some(Ok(items))
    }
}

/// Parses `Link` header values (several lines and comma-joined), returning `(rel, url)` pairs.
pub(crate) fn links(values: &[&str]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for value in values {
        let mut rest = value.trim();
        while !rest.is_empty() {
            let Some(after) = rest.strip_prefix('<') else {
                return Err(Error::Link("malformed Link header".into()));
            };
            let Some((target, tail)) = after.split_once('>') else {
                return Err(Error::Link("malformed Link header".into()));
            };
            let end = tail.find(",").unwrap_or(tail.len());
            let params = &tail[..end];
            for param in params.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                if let Some((name, v)) = param.split_once('=')
                    && name.trim().eq_ignore_ascii_case("rel")
                {
                    for rel in v.trim().trim_matches('"').split_whitespace() {
                        out.push((rel.to_ascii_lowercase(), target.to_owned()));
                    }
                }
            }
            rest = tail[end..].trim_start_matches(',').trim();
        }
    }
    Ok(out)
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to Unix seconds.
pub(crate) fn http_date(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts[..] else {
        return None;
    };
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = months.iter().position(|x| *x == month)? as i64 + 1;
    let (d, y): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<i64> = time
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [h, mi, s] = hms[..] else { return None };
    // Days from civil (Howard Hinnant).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + mi * 60 + s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_in_both_forms() -> Result<()> {
        let separate = links(&[
            "<https://o/api/v1/users?limit=2>; rel=\"self\"",
            "<https://o/api/v1/users?after=x&limit=2>; rel=\"next\"",
        ])?;
        assert_eq!(
            separate[1],
            (
                "next".to_owned(),
                "https://o/api/v1/users?after=x&limit=2".to_owned()
            )
        );
        let joined =
            links(&["<https://o/a?x=1,2>; rel=\"self\", <https://o/a?after=y>; rel=next"])?;
        assert_eq!(
            joined,
            vec![
                ("self".to_owned(), "https://o/a?x=1,2".to_owned()),
                ("next".to_owned(), "https://o/a?after=y".to_owned())
            ]
        );
        assert!(links(&["https://o/a; rel=next"]).is_err());
        assert!(links(&["<https://o/a"]).is_err());
        Ok(())
    }

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
        impl crate::client::Clock for At {
            fn now(&self) -> u64 {
                self.0
            }
        }
        let policy = crate::RetryPolicy {
            max_retries: 3,
            max_wait: Duration::from_secs(30),
            backoff: Duration::from_secs(1),
            pace: true,
        };
        let okta = Okta::builder(crate::OrgUrl::parse("https://example.okta.com")?)
            .retry(policy)
            .clock(Arc::new(At(1_795_447_063)))
            .build()?;
        let secs = |r: &Reply, attempt| okta.rate_limit_wait(r, attempt).as_secs();
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
        // Missing, garbage, past: backoff 1 s doubled per attempt; the year 2100: capped.
        assert_eq!(secs(&reply(&[]), 1), 2);
        assert_eq!(secs(&reply(&[("x-rate-limit-reset", "abc")]), 2), 4);
        assert_eq!(secs(&reply(&[("x-rate-limit-reset", "100")]), 3), 8);
        assert_eq!(secs(&reply(&[("x-rate-limit-reset", "4102444800")]), 1), 30);
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
    fn http_dates() {
        assert_eq!(
            http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            http_date("Mon, 23 Nov 2026 15:17:43 GMT"),
            Some(1_795_447_063)
        );
        assert_eq!(http_date("yesterday"), None);
    }
}
