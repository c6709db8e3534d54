//! One HTTP exchange: no redirects followed, bodies capped, errors parsed.

use std::time::Duration;

use serde_json::Value;

use crate::error::{Error, Problem, Result, hint, safe};
use crate::secrets::ProxyUrl;

/// The largest OAuth JSON answer read (tokens, errors, apps).
pub(crate) const MAX_JSON: usize = 1024 * 1024;
/// The largest page of a list read (200 users with custom profiles).
pub(crate) const MAX_PAGE: usize = 8 * 1024 * 1024;

/// The first value of the header `name` (any case) among `headers`.
pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// An answer, read whole (up to a cap).
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) endpoint: String,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub(crate) fn request_id(&self) -> Option<String> {
        self.header("x-okta-request-id").map(|v| safe(v, 64))
    }

    fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|ct| {
            let media = ct
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            media == "application/json" || media.ends_with("+json")
        })
    }

    /// The rate-limit headers; several values (Okta may send more than one) give the minimum.
    pub(crate) fn rate_limit(&self) -> Option<crate::error::RateLimit> {
        let num = |h: &str| {
            self.header(h).and_then(|v| {
                v.split(',')
                    .filter_map(|x| x.trim().parse::<u64>().ok())
                    .min()
            })
        };
        Some(crate::error::RateLimit {
            limit: num("x-rate-limit-limit")?,
            remaining: num("x-rate-limit-remaining")?,
            reset: num("x-rate-limit-reset").map(okta_assertion::UnixTime),
        })
    }

    /// The body as JSON, requiring `Content-Type: application/json`. The error quotes
    /// the body only for an error status: a 2xx body may hold a token.
    pub(crate) fn json(&self) -> Result<Value> {
        self.json_as()
    }

    /// [`Response::json`] into any type.
    pub(crate) fn json_as<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        self.require_json()?;
        serde_json::from_slice(&self.body).map_err(|e| Error::Unexpected {
            endpoint: self.endpoint.clone(),
            reason: format!("the JSON does not parse ({e})"),
            request_id: self.request_id(),
            source: Some(Box::new(e)),
        })
    }

    /// `Content-Type: application/json`, or the error that says what came instead.
    pub(crate) fn require_json(&self) -> Result<()> {
        if !self.is_json() {
            let excerpt = if (200..300).contains(&self.status) {
                String::new()
            } else {
                format!(
                    ", body begins {:?}",
                    safe(&String::from_utf8_lossy(&self.body), 80)
                )
            };
            return Err(self.unexpected(format!(
                "Content-Type is {:?}, not JSON (HTTP {}{excerpt})",
                safe(self.header("content-type").unwrap_or("absent"), 60),
                self.status,
            )));
        }
        Ok(())
    }

    pub(crate) fn unexpected(&self, reason: String) -> Error {
        Error::Unexpected {
            endpoint: self.endpoint.clone(),
            reason,
            request_id: self.request_id(),
            source: None,
        }
    }

    /// Okta's error, from either body shape and `WWW-Authenticate` (RFC 6750 §3, RFC 9449 §7.1).
    pub(crate) fn problem(&self) -> Error {
        let mut p = Problem {
            status: self.status,
            request_id: self.request_id(),
            ..Problem::default()
        };
        let json = if self.is_json() {
            serde_json::from_slice::<Value>(&self.body).ok()
        } else {
            None
        };
        match &json {
            Some(v) if v.get("errorCode").is_some() => {
                p.code = v["errorCode"].as_str().map(|s| safe(s, 40));
                p.message = v["errorSummary"].as_str().map(|s| safe(s, 300));
                p.causes = v["errorCauses"]
                    .as_array()
                    .map(|c| {
                        c.iter()
                            .filter_map(|e| e["errorSummary"].as_str())
                            .map(|s| safe(s, 300))
                            .collect()
                    })
                    .unwrap_or_default();
            }
            Some(v) if v.get("error").is_some() => {
                p.code = v["error"].as_str().map(|s| safe(s, 40));
                p.message = v["error_description"].as_str().map(|s| safe(s, 300));
            }
            _ => {}
        }
        if let Some(challenge) = self.header("www-authenticate").map(parse_challenge)
            && p.code.is_none()
        {
            p.code = challenge.param("error").map(|s| safe(s, 40));
            p.message = challenge.param("error_description").map(|s| safe(s, 300));
        }
        if p.code.is_none() && json.is_none() && !self.body.is_empty() {
            p.excerpt = Some(safe(&String::from_utf8_lossy(&self.body), 120));
        }
        p.hint = hint(p.code.as_deref(), p.message.as_deref());
        p.rate_limit = self.rate_limit();
        if self.status == 429 {
            return Error::RateLimited {
                endpoint: self.endpoint.clone(),
                reset: self
                    .header("x-rate-limit-reset")
                    .and_then(|r| r.trim().parse().ok())
                    .map(okta_assertion::UnixTime),
                request_id: p.request_id,
            };
        }
        Error::Okta {
            endpoint: self.endpoint.clone(),
            problem: Box::new(p),
        }
    }
}

/// A parsed `WWW-Authenticate` challenge (one scheme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub(crate) scheme: String,
    pub(crate) params: Vec<(String, String)>,
}

impl Challenge {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses `Scheme k="v", k2=token, …` (RFC 9110 §11.6.1), tolerating what Okta sends.
pub(crate) fn parse_challenge(header: &str) -> Challenge {
    let header = header.trim();
    let (scheme, mut rest) = header.split_once(' ').unwrap_or((header, ""));
    let mut params = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        let Some((name, after)) = rest.split_once('=') else {
            break;
        };
        let name = name.trim().to_owned();
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            value.push(next);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            (value, &quoted[end.min(quoted.len())..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        params.push((name, value));
        rest = remaining;
    }
    Challenge {
        scheme: scheme.to_owned(),
        params,
    }
}

/// Timeouts and identity of the HTTP agent.
#[derive(Debug, Clone)]
pub(crate) struct AgentSettings {
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) proxy: Option<ProxyUrl>,
}

impl AgentSettings {
    /// Refuses settings that could only fail later, inside the HTTP client: a zero or
    /// unbounded timeout, a `User-Agent` that is not a valid header value (RFC 9110 §5.5).
    pub(crate) fn check(&self) -> Result<()> {
        for (what, timeout) in [
            ("the connect timeout", self.connect_timeout),
            ("the total timeout", self.timeout),
        ] {
            if !crate::http::policy::is_sane(timeout) {
                return Err(Error::InvalidInput {
                    what,
                    reason: "it must be more than zero and at most a day",
                });
            }
        }
        let visible = |c: char| c == ' ' || c == '\t' || c.is_ascii_graphic();
        if self.user_agent.is_empty() || !self.user_agent.chars().all(visible) {
            return Err(Error::InvalidInput {
                what: "the User-Agent",
                reason: "it must be printable ASCII, without line breaks or control characters",
            });
        }
        Ok(())
    }
}

pub(crate) fn agent(s: &AgentSettings) -> Result<ureq::Agent> {
    s.check()?;
    let proxy = match &s.proxy {
        Some(p) => Some(
            ureq::Proxy::new(p.expose_secret()).map_err(|_| Error::InvalidInput {
                what: "the proxy URL",
                reason: "ureq does not accept it as a proxy (http, https, socks4, socks5)",
            })?,
        ),
        None => None,
    };
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(s.connect_timeout))
        .timeout_global(Some(s.timeout))
        .user_agent(s.user_agent.as_str())
        .proxy(proxy)
        .build();
    Ok(ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        CachingResolver::default(),
    ))
}

/// How long a resolved name is reused.
const RESOLVED_FOR: Duration = Duration::from_secs(30);

/// ureq resolves the host again for every request, even one sent on a kept-alive connection,
/// and with a timeout set it does so in a new thread each time (measured: a thread per page of
/// a listing). This resolver answers IP literals at once and keeps a name's addresses for
/// [`RESOLVED_FOR`], asking ureq's own resolver (with its timeout) otherwise.
#[derive(Debug, Default)]
struct CachingResolver {
    inner: ureq::unversioned::resolver::DefaultResolver,
    cache: std::sync::Mutex<
        std::collections::HashMap<
            String,
            (
                std::time::Instant,
                ureq::unversioned::resolver::ResolvedSocketAddrs,
            ),
        >,
    >,
}

impl ureq::unversioned::resolver::Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let port = uri.port_u16().or_else(|| match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        let host = uri
            .host()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'));
        // Through a proxy, ureq resolves the proxy: leave that to it.
        let direct = config.proxy().is_none();
        if let (Some(host), Some(port), true) = (host, port, direct) {
            if let Ok(ip) = host.parse::<std::net::IpAddr>() {
                let mut found = self.empty();
                found.push(std::net::SocketAddr::new(ip, port));
                return Ok(found);
            }
            let key = format!("{host}:{port}");
            if let Some((at, found)) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned())
                && at.elapsed() < RESOLVED_FOR
            {
                return Ok(found);
            }
            let found = self.inner.resolve(uri, config, timeout)?;
            if let Ok(mut cache) = self.cache.lock() {
                cache.insert(key, (std::time::Instant::now(), found.clone()));
            }
            return Ok(found);
        }
        self.inner.resolve(uri, config, timeout)
    }
}

/// An answer whose body is still to be read: the status and headers, and the body as it
/// arrives (a forwarded answer streams it on; [`send`] reads it up to a cap).
pub(crate) struct Opened {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: ureq::Body,
    pub(crate) endpoint: String,
    /// The HTTP proxy the request went through (`host:port`), for errors.
    proxy: Option<String>,
}

/// Sends one request and returns the answer's head, its body unread. Redirects are not
/// followed (the agent has none), and a 3xx is returned like any answer.
pub(crate) fn open(
    agent: &ureq::Agent,
    method: &crate::http::method::Method,
    url: &url::Url,
    headers: &[(&str, &str)],
    body: Option<(&str, Vec<u8>)>,
) -> Result<Opened> {
    let endpoint = format!("{method} {}", url.path());
    let mut builder = ureq::http::Request::builder()
        .method(method.to_http())
        .uri(url.as_str());
    for (n, v) in headers {
        builder = builder.header(*n, *v);
    }
    let (content_type, bytes) = body.unwrap_or(("", Vec::new()));
    if !content_type.is_empty() {
        builder = builder.header("Content-Type", content_type);
    }
    let request = builder.body(bytes).map_err(|_| Error::InvalidInput {
        what: "the request",
        reason: "a header name or value is not valid HTTP",
    })?;
    let proxy = agent
        .config()
        .proxy()
        .map(|p| format!("{}:{}", p.host(), p.port()));
    let target = match agent.config().proxy() {
        Some(p) => (p.host().to_owned(), p.port()),
        None => (
            url.host_str().unwrap_or_default().to_owned(),
            url.port_or_known_default().unwrap_or(443),
        ),
    };
    let response = agent
        .run(request)
        .map_err(|e| match never_sent(&e, &target) {
            Some(reason) => Error::Unreachable {
                endpoint: endpoint.clone(),
                host: match &proxy {
                    Some(p) => format!("the proxy {p}"),
                    None => target.0.clone(),
                },
                reason,
                source: Box::new(e),
            },
            None => Error::Transport {
                endpoint: endpoint.clone(),
                proxy: proxy.clone(),
                source: Box::new(e),
            },
        })?;
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    Ok(Opened {
        status,
        headers,
        body: response.into_body(),
        endpoint,
        proxy,
    })
}

/// Sends one request and reads the answer up to `max_body` bytes. 3xx is an error.
pub(crate) fn send(
    agent: &ureq::Agent,
    method: &crate::http::method::Method,
    url: &url::Url,
    headers: &[(&str, &str)],
    body: Option<(&str, Vec<u8>)>,
    max_body: usize,
) -> Result<Reply> {
    let Opened {
        status,
        headers,
        body: mut unread,
        endpoint,
        proxy,
    } = open(agent, method, url, headers, body)?;
    if (300..400).contains(&status) {
        let location = headers
            .iter()
            .find(|(n, _)| n == "location")
            .map(|(_, v)| safe(v, 120))
            .unwrap_or_default();
        return Err(Error::Redirect {
            endpoint,
            status,
            location,
        });
    }
    let body = unread
        .with_config()
        .limit(max_body as u64 + 1)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => Error::Unexpected {
                endpoint: endpoint.clone(),
                reason: format!("the body is larger than {max_body} bytes"),
                request_id: None,
                source: None,
            },
            other => Error::Transport {
                endpoint: endpoint.clone(),
                proxy,
                source: Box::new(other),
            },
        })?;
    if body.len() > max_body {
        return Err(Error::Unexpected {
            endpoint,
            reason: format!("the body is larger than {max_body} bytes"),
            request_id: None,
            source: None,
        });
    }
    Ok(Reply {
        status,
        headers,
        body,
        endpoint,
    })
}

impl crate::http::client::Okta {
    /// One exchange through the agent, reported to the tracer.
    pub(crate) fn send(
        &self,
        method: &crate::http::method::Method,
        url: &url::Url,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
        max_body: usize,
    ) -> Result<Reply> {
        let start = std::time::Instant::now();
        let result = send(
            &self.transport().agent,
            method,
            url,
            headers,
            body,
            max_body,
        );
        let (status, request_id, rate_limit) = match &result {
            Ok(r) => (Some(r.status), r.request_id(), r.rate_limit()),
            Err(e) => (e.status(), None, None),
        };
        self.trace(method, url, start, status, request_id, rate_limit);
        result
    }

    /// Tells the tracer, if there is one, of an exchange: the URL with its query's values
    /// hidden (they may name people).
    pub(crate) fn trace(
        &self,
        method: &crate::http::method::Method,
        url: &url::Url,
        start: std::time::Instant,
        status: Option<u16>,
        request_id: Option<String>,
        rate_limit: Option<crate::error::RateLimit>,
    ) {
        let Some(tracer) = &self.transport().tracer else {
            return;
        };
        let mut shown = url.clone();
        shown.set_query(None);
        let mut shown = shown.to_string();
        if url.query().is_some() {
            let keys: Vec<String> = url.query_pairs().map(|(k, _)| format!("{k}=…")).collect();
            shown = format!("{shown}?{}", keys.join("&"));
        }
        tracer(&crate::http::trace::Trace {
            method: *method,
            url: shown,
            status,
            elapsed: start.elapsed(),
            request_id,
            rate_limit,
        });
    }
}

/// Why a request that failed before any answer was certainly never sent, if it was not: the
/// host has no address (it is resolved again to tell: a failed lookup and a failed connection
/// both come back as I/O errors), or it refused the connection. `None` when the request may
/// have reached the host (a reset, a timeout, TLS after the connection).
fn never_sent(e: &ureq::Error, (host, port): &(String, u16)) -> Option<&'static str> {
    use std::net::ToSocketAddrs as _;
    let io_kind = match e {
        ureq::Error::HostNotFound => return Some("has no address (DNS)"),
        ureq::Error::ConnectionFailed => return Some("refused the connection"),
        ureq::Error::Io(io) => io.kind(),
        _ => return None,
    };
    if io_kind == std::io::ErrorKind::ConnectionRefused {
        return Some("refused the connection");
    }
    let resolves = (host.as_str(), *port)
        .to_socket_addrs()
        .is_ok_and(|mut addrs| addrs.next().is_some());
    (!resolves).then_some("has no address (DNS)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_okta_challenges() {
        let h = r#"DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", authorization_uri="http://org/oauth2/v1/authorize", realm="http://org", scope="okta.users.read", error="invalid_dpop_proof", error_description="'htu' claim in the DPoP proof JWT is invalid.", resource="/api/v1/users""#;
        let c = parse_challenge(h);
        assert_eq!(c.scheme, "DPoP");
        assert_eq!(c.param("algs"), Some("RS256 RS384 RS512 ES256 ES384 ES512"));
        assert_eq!(c.param("error"), Some("invalid_dpop_proof"));
        assert_eq!(
            c.param("error_description"),
            Some("'htu' claim in the DPoP proof JWT is invalid.")
        );
        assert_eq!(c.param("resource"), Some("/api/v1/users"));
        let c = parse_challenge(r#"Bearer realm=x, error="a\"b", scope=okta.groups.read"#);
        assert_eq!(
            (c.param("realm"), c.param("error"), c.param("scope")),
            (Some("x"), Some("a\"b"), Some("okta.groups.read"))
        );
        assert_eq!(parse_challenge("Bearer").params.len(), 0);
        let c = parse_challenge(r#"Bearer error="unterminated"#);
        assert_eq!(c.param("error"), Some("unterminated"));
    }
}
