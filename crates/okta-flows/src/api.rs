//! Calling Okta's APIs: the right `Authorization`, a DPoP proof per request, rate limits, and
//! lazy pagination over `Link: rel="next"` (checklist C10, C13, C14).

use std::collections::HashSet;
use std::time::Duration;

use okta_assertion::UnixTime;
use serde_json::Value;

use crate::error::{Error, Result, safe};
use crate::shared::Okta;

use crate::method::Method;
use crate::retry::Attempt;
use crate::secrets::SswsToken;
use crate::tokens::{Token, TokenType};
use crate::transport::{MAX_PAGE, Reply};

/// Anything that can authorize a request to Okta's APIs: an API token ([`SswsToken`]), an
/// access token ([`Token`]), a [`TokenSource`](crate::TokenSource) or a signed-in user's
/// [`UserTokenSource`](crate::UserTokenSource), or a type of the caller's own.
pub trait Credential: Send + Sync {
    /// What to send with the next attempt. Called once per attempt, so a source can hand out a
    /// fresh token after a refresh.
    fn authorization(&self) -> Result<Authorization>;

    /// Okta answered 401 to what [`Credential::authorization`] gave: forget anything cached.
    /// The default does nothing.
    fn rejected(&self) {}
}

/// The `Authorization` of one request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Authorization {
    /// `SSWS {token}`: an Okta API token.
    Ssws(SswsToken),
    /// `Bearer {token}`, or `DPoP {token}` with a proof from its key.
    Token(Token),
}

impl Credential for SswsToken {
    fn authorization(&self) -> Result<Authorization> {
        Ok(Authorization::Ssws(self.clone()))
    }
}

impl Credential for Token {
    fn authorization(&self) -> Result<Authorization> {
        Ok(Authorization::Token(self.clone()))
    }
}

impl<C: Credential + ?Sized> Credential for std::sync::Arc<C> {
    fn authorization(&self) -> Result<Authorization> {
        (**self).authorization()
    }
    fn rejected(&self) {
        (**self).rejected();
    }
}

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

/// What to tell the caller to check when a request that changes something gets no clear
/// answer.
const CHECK_CHANGE: &str = "check whether the change was made before repeating it";

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

    fn exchange(
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
        self.with_retries(RS_NONCE_RETRIES, Some(&bucket), |waits| {
            let (authorization, proof) = match cred.authorization()? {
                Authorization::Ssws(s) => (format!("SSWS {}", s.expose_secret()), None),
                Authorization::Token(t) => {
                    let nonce = self.dpop().nonce(&origin);
                    let proof =
                        t.proof_with(method, url.as_str(), self.now(), nonce.as_ref(), self.rng())?;
                    let scheme = match t.token_type() {
                        TokenType::DPoP => "DPoP",
                        _ => "Bearer",
                    };
                    let header = format!("{scheme} {}", t.access_token().expose_secret());
                    (header, proof)
                }
            };
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
                    }
                    return Err(reply.problem());
                }
            })
        })
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
            crate::shared::lock(&self.transport().pace_until)
                .insert(bucket.to_owned(), UnixTime(reset));
        }
    }

    /// How long to wait before a request of `bucket` when the last answer said no requests
    /// are left (C13 pacing). A reset further away than one wait is an error at once: the
    /// request would only be refused.
    pub(crate) fn pace(&self, bucket: &str) -> Result<Duration> {
        let retry = self.transport().retry;
        if !retry.pace {
            return Ok(Duration::ZERO);
        }
        let until = crate::shared::lock(&self.transport().pace_until).remove(bucket);
        let Some(reset) = until.filter(|r| *r >= self.now()) else {
            return Ok(Duration::ZERO);
        };
        let wait = Duration::from_secs(reset.since(self.now()).saturating_add(1));
        if wait > retry.max_wait {
            return Err(Error::RateLimited {
                endpoint: bucket.to_owned(),
                reset: Some(reset),
                request_id: None,
            });
        }
        Ok(wait)
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
        let wait = match (reset, limit) {
            (_, Some(0)) => self.backoff(attempt),
            (Some(reset), _) if reset > server_now => {
                let wait = Duration::from_secs((reset - server_now).saturating_add(1));
                if wait > max_wait {
                    return None;
                }
                wait
            }
            _ => self.backoff(attempt),
        };
        let mut jitter = [0u8; 1];
        let _ = okta_assertion::RandomSource::fill(self.rng(), &mut jitter);
        Some(
            wait.saturating_add(Duration::from_millis(u64::from(jitter[0])))
                .min(max_wait),
        )
    }
}

pub(crate) fn pages<'a>(okta: &'a Okta, cred: &'a dyn Credential, path: &str) -> Pages<'a> {
    let first = okta.org_url().join(path);
    let prefix = first
        .as_ref()
        .map(|u| u.path().to_owned())
        .unwrap_or_default();
    Pages {
        okta,
        cred,
        next: Some(first),
        path: prefix,
        seen: HashSet::new(),
        pages: 0,
        items: 0,
        max_pages: 100_000,
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

/// A lazy walk over a paginated list (C14). Each item is one page; a failure after the first
/// page says how much was fetched, and ends the walk.
pub struct Pages<'a> {
    okta: &'a Okta,
    cred: &'a dyn Credential,
    next: Option<Result<url::Url>>,
    path: String,
    seen: HashSet<String>,
    pages: usize,
    items: usize,
    max_pages: usize,
}

impl std::fmt::Debug for Pages<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("path", &self.path)
            .field("pages", &self.pages)
            .field("items", &self.items)
            .finish_non_exhaustive()
    }
}

impl<'a> Pages<'a> {
    /// Stops after this many pages with an error (default 100 000).
    pub fn max_pages(mut self, n: usize) -> Self {
        self.max_pages = n;
        self
    }

    /// The items of every page, one by one, fetching the next page when the last item of the
    /// current one has been taken. An error ends the walk.
    pub fn items(self) -> Items<'a> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
        }
    }

    fn fail<T>(&mut self, e: Error) -> Option<Result<T>> {
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

impl Pages<'_> {
    /// Fetches the next page and parses its items as `T`.
    fn next_page<T: serde::de::DeserializeOwned>(&mut self) -> Option<Result<Vec<T>>> {
        self.next_with(
            |response| {
                let response = &response;
                match response.json_as::<Vec<T>>() {
                    Ok(items) => Ok(items),
                    // Read again only to say what it was instead of a list.
                    Err(e) => match response.json() {
                        Ok(Value::Array(_)) | Err(_) => Err(e),
                        Ok(_) => {
                            Err(response.unexpected("a list page must be a JSON array".into()))
                        }
                    },
                }
            },
            Vec::len,
        )
    }

    /// Fetches the next page with its items unparsed.
    fn next_raw(&mut self) -> Option<Result<RawPage>> {
        self.next_with(
            |response| {
                // The same checks as a parsed page: JSON by its Content-Type, then an array.
                response.require_json()?;
                Ok(RawPage {
                    body: response.body,
                    endpoint: response.endpoint,
                })
            },
            // Counted by the caller, which splits the page.
            |_| 0,
        )
    }

    /// Fetches the next page, follows its `Link`, and parses it with `parse`.
    fn next_with<P>(
        &mut self,
        parse: impl FnOnce(crate::transport::Reply) -> Result<P>,
        count: impl Fn(&P) -> usize,
    ) -> Option<Result<P>> {
        let url = match self.next.take()? {
            Ok(url) => url,
            Err(e) => return self.fail(e),
        };
        if self.pages >= self.max_pages {
            return self.fail(Error::TooManyPages {
                max: self.max_pages,
            });
        }
        if !self.seen.insert(url.as_str().to_owned()) {
            return self.fail(Error::PageLoop);
        }
        let response = match self.okta.exchange(self.cred, &Method::GET, &url, None, "") {
            Ok(r) => r,
            Err(e) => return self.fail(e),
        };
        let next = match links(&response.all("link"), &response.endpoint) {
            Ok(l) => l.into_iter().find(|(rel, _)| rel == "next").map(|(_, u)| u),
            Err(e) => return self.fail(e),
        };
        let items = match parse(response) {
            Ok(items) => items,
            Err(e) => return self.fail(e),
        };
        if let Some(next) = next {
            self.next = Some(match url::Url::parse(&next) {
                Ok(u) if self.okta.org_url().same_origin(&u) && u.path() == self.path => Ok(u),
                _ => Err(Error::ForeignLink {
                    link: safe(&next, 100),
                }),
            });
        }
        self.pages += 1;
        self.items += count(&items);
        Some(Ok(items))
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_page()
    }
}

impl<'a> Pages<'a> {
    /// The pages with each item as the server wrote it, for a caller that passes items on (a
    /// listing written out) and would otherwise parse each into a `Value` only to format it
    /// again. Each page's `Content-Type` is checked as it arrives; [`RawPage::items`] checks
    /// that it is a JSON array.
    pub fn raw(self) -> RawPages<'a> {
        RawPages { pages: self }
    }
}

/// The pages of a paginated list with their items unparsed ([`Pages::raw`]).
#[derive(Debug)]
pub struct RawPages<'a> {
    pages: Pages<'a>,
}

/// One page of a list as the server sent it ([`RawPages`]): its body is read and its
/// `Content-Type` checked; [`RawPage::items`] checks that it is a JSON array and splits it. The
/// walk asks for the next page before this one is split, so the two overlap.
pub struct RawPage {
    body: Vec<u8>,
    endpoint: String,
}

impl std::fmt::Debug for RawPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // What a page holds is the org's data: its size, not its text.
        f.debug_struct("RawPage")
            .field("endpoint", &self.endpoint)
            .field("bytes", &self.body.len())
            .finish()
    }
}

impl RawPage {
    /// Each item's JSON text, in order, borrowed from the page (no copy, nothing parsed into a
    /// `Value`). Fails when the page is not a JSON array.
    pub fn items(&self) -> Result<Vec<&str>> {
        let unexpected = |reason: String| Error::Unexpected {
            endpoint: self.endpoint.clone(),
            reason,
            request_id: None,
            source: None,
        };
        let text = std::str::from_utf8(&self.body)
            .map_err(|_| unexpected("a list page must be a JSON array (it is not UTF-8)".into()))?;
        let items: Vec<&serde_json::value::RawValue> =
            serde_json::from_str(text).map_err(|e| Error::Unexpected {
                endpoint: self.endpoint.clone(),
                reason: format!("a list page must be a JSON array ({e})"),
                request_id: None,
                source: Some(Box::new(e)),
            })?;
        Ok(items
            .into_iter()
            .map(serde_json::value::RawValue::get)
            .collect())
    }
}

impl Iterator for RawPages<'_> {
    type Item = Result<RawPage>;

    fn next(&mut self) -> Option<Self::Item> {
        self.pages.next_raw()
    }
}

/// The items of a paginated list, one by one ([`Pages::items`]).
#[derive(Debug)]
pub struct Items<'a> {
    pages: Pages<'a>,
    current: std::vec::IntoIter<Value>,
}

impl Iterator for Items<'_> {
    type Item = Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(Ok(item));
            }
            match self.pages.next()? {
                Ok(page) => self.current = page.into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Parses `Link` header values (several lines and comma-joined), returning `(rel, url)` pairs.
pub(crate) fn links(values: &[&str], endpoint: &str) -> Result<Vec<(String, String)>> {
    let malformed = || Error::MalformedLink {
        endpoint: endpoint.to_owned(),
    };
    let mut out = Vec::new();
    for value in values {
        let mut rest = value.trim();
        while !rest.is_empty() {
            let Some(after) = rest.strip_prefix('<') else {
                return Err(malformed());
            };
            let Some((target, tail)) = after.split_once('>') else {
                return Err(malformed());
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

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to Unix seconds. Every number comes
/// from the server: out of range (a year of 9223372036854775807, a 61st minute), it is `None`.
pub(crate) fn http_date(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts[..] else {
        return None;
    };
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = i64::try_from(months.iter().position(|x| *x == month)?).ok()? + 1;
    let (d, y): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<i64> = time
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [h, mi, s] = hms[..] else { return None };
    // RFC 9110 §5.6.7: a four-digit year; the fields in their ranges (60 for a leap second).
    if !(1970..=9999).contains(&y)
        || !(1..=31).contains(&d)
        || !(0..24).contains(&h)
        || !(0..60).contains(&mi)
        || !(0..=60).contains(&s)
    {
        return None;
    }
    // Days from civil (Howard Hinnant); with the ranges above nothing here can overflow.
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
        let separate = links(
            &[
                "<https://o/api/v1/users?limit=2>; rel=\"self\"",
                "<https://o/api/v1/users?after=x&limit=2>; rel=\"next\"",
            ],
            "GET /api/v1/users",
        )?;
        assert_eq!(
            separate[1],
            (
                "next".to_owned(),
                "https://o/api/v1/users?after=x&limit=2".to_owned()
            )
        );
        let joined = links(
            &["<https://o/a?x=1,2>; rel=\"self\", <https://o/a?after=y>; rel=next"],
            "GET /a",
        )?;
        assert_eq!(
            joined,
            vec![
                ("self".to_owned(), "https://o/a?x=1,2".to_owned()),
                ("next".to_owned(), "https://o/a?after=y".to_owned())
            ]
        );
        assert!(links(&["https://o/a; rel=next"], "GET /a").is_err());
        assert!(links(&["<https://o/a"], "GET /a").is_err());
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
        // Out of range, as a hostile server may send (issue 13: these overflowed).
        assert_eq!(
            http_date("Sun, 06 Nov 9223372036854775807 08:49:37 GMT"),
            None
        );
        assert_eq!(http_date("Sun, 99999999999 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(http_date("Sun, 06 Nov 1994 99999999999:49:37 GMT"), None);
        assert_eq!(http_date("Sun, 06 Nov -5 08:49:37 GMT"), None);
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
                crate::shared::lock(&okta.transport().pace_until).get("/api/v1/users"),
                Some(&UnixTime(u64::MAX))
            );
        }
        Ok(())
    }
}
