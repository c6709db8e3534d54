//! One `Okta` value per org: its URL, authorization server, HTTP agent and policies.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use okta_assertion::{DpopNonce, Endpoint, OsRandom, UnixTime};

use crate::error::{Error, Result};
use crate::org::OrgUrl;
use crate::secrets::ProxyUrl;
use crate::transport::{AgentSettings, agent};

/// Where the client reads the time (seconds since the Unix epoch).
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

/// Which authorization server issues tokens. Only the org server can mint Okta API scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthServer {
    /// The org authorization server: `{org}/oauth2/v1/…` (the default).
    Org,
    /// A custom authorization server: `{org}/oauth2/{id}/v1/…`.
    Custom(String),
}

/// How rate limits and transient failures are retried (checklist C13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt, for 429 and for 503/504 on idempotent requests.
    pub max_retries: u32,
    /// The longest single wait.
    pub max_wait: Duration,
    /// The first wait of the exponential backoff used when `X-Rate-Limit-Reset` is missing or
    /// unusable (then doubled each time, up to `max_wait`).
    pub backoff: Duration,
    /// Wait for the reset before a request when the last answer said no requests are left.
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

/// The endpoints an authorization server publishes in its metadata (RFC 8414, OpenID
/// Connect Discovery).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// `issuer`: may differ from the org URL (custom URL domains); read it, never derive it.
    pub issuer: String,
    /// `token_endpoint`.
    pub token_endpoint: Endpoint,
    /// `revocation_endpoint`.
    pub revocation_endpoint: Option<Endpoint>,
    /// `introspection_endpoint`.
    pub introspection_endpoint: Option<Endpoint>,
    /// `authorization_endpoint`.
    pub authorization_endpoint: Option<Endpoint>,
    /// `jwks_uri`: the keys that sign ID tokens.
    pub jwks_uri: Option<Endpoint>,
}

/// One HTTP exchange, as reported to a tracer: no header values, no bodies, nothing secret.
#[derive(Debug, Clone)]
pub struct Trace {
    /// The method.
    pub method: String,
    /// The URL without its query string's values: `https://org/api/v1/users?after=…&limit=…`.
    pub url: String,
    /// The status, when an answer came.
    pub status: Option<u16>,
    /// How long the exchange took.
    pub elapsed: std::time::Duration,
    /// `X-Okta-Request-Id`.
    pub request_id: Option<String>,
    /// The rate-limit headers.
    pub rate_limit: Option<crate::error::RateLimit>,
}

/// Receives a [`Trace`] after every exchange.
pub type Tracer = Arc<dyn Fn(&Trace) + Send + Sync>;

/// Builds an [`Okta`].
#[derive(Clone)]
pub struct OktaBuilder {
    tracer: Option<Tracer>,
    discovery: Option<Discovery>,
    org: OrgUrl,
    server: AuthServer,
    agent: AgentSettings,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for OktaBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OktaBuilder")
            .field("org", &self.org.as_str())
            .field("server", &self.server)
            .field("retry", &self.retry)
            .field("discovered", &self.discovery.is_some())
            .finish_non_exhaustive()
    }
}

impl OktaBuilder {
    /// Which authorization server issues tokens (default: the org server).
    pub fn authorization_server(mut self, server: AuthServer) -> OktaBuilder {
        self.server = server;
        self
    }

    /// Connect timeout (default 10 s) and total timeout per request (default 30 s).
    pub fn timeouts(mut self, connect: Duration, total: Duration) -> OktaBuilder {
        self.agent.connect_timeout = connect;
        self.agent.timeout = total;
        self
    }

    /// The `User-Agent` (default `okta-flows/VERSION`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> OktaBuilder {
        self.agent.user_agent = user_agent.into();
        self
    }

    /// A proxy for every request (`http://host:port`, with `user:password@` when it asks for
    /// them; `https://`, `socks5://` too). Without one, no proxy is used: the environment's
    /// `HTTPS_PROXY` is not read. A loopback org is always reached directly.
    pub fn proxy(mut self, proxy: ProxyUrl) -> OktaBuilder {
        self.agent.proxy = Some(proxy);
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> OktaBuilder {
        self.retry = retry;
        self
    }

    /// Reports every HTTP exchange (method, URL without query values, status, timing, request
    /// id, rate limit) to `tracer`; for `-v` output.
    pub fn trace(mut self, tracer: Tracer) -> OktaBuilder {
        self.tracer = Some(tracer);
        self
    }

    /// The clock (tests move it; everyone else keeps the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> OktaBuilder {
        self.clock = clock;
        self
    }

    /// Reads the authorization server's metadata now and uses its endpoints from then on
    /// (instead of Okta's fixed paths), refusing endpoints outside the org's origin.
    pub fn discover(mut self) -> Result<OktaBuilder> {
        let found = self.clone().build()?.discover()?;
        self.discovery = Some(found);
        Ok(self)
    }

    /// Builds the client.
    pub fn build(mut self) -> Result<Okta> {
        if self.org.is_loopback() {
            // The org is on this machine (the emulator): a proxy could not reach it.
            self.agent.proxy = None;
        }
        Ok(Okta {
            tracer: self.tracer,
            discovery: self.discovery,
            agent: agent(&self.agent)?,
            org: self.org,
            server: self.server,
            retry: self.retry,
            clock: self.clock,
            rng: OsRandom::new(),
            nonces: Mutex::new(HashMap::new()),
            needs_dpop: Mutex::new(HashSet::new()),
            pace_until: Mutex::new(HashMap::new()),
        })
    }
}

/// A client for one Okta org. Cheap to share (`Arc<Okta>`); all methods take `&self`.
pub struct Okta {
    pub(crate) tracer: Option<Tracer>,
    pub(crate) discovery: Option<Discovery>,
    pub(crate) org: OrgUrl,
    pub(crate) server: AuthServer,
    pub(crate) agent: ureq::Agent,
    pub(crate) retry: RetryPolicy,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) rng: OsRandom,
    /// The last `DPoP-Nonce` seen per origin (RFC 9449 §8.2).
    pub(crate) nonces: Mutex<HashMap<String, DpopNonce>>,
    /// Client ids the token endpoint told us require DPoP.
    pub(crate) needs_dpop: Mutex<HashSet<String>>,
    /// Per rate-limit bucket (the path), when the window resets if no requests are left.
    pub(crate) pace_until: Mutex<HashMap<String, u64>>,
}

impl std::fmt::Debug for Okta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Okta")
            .field("org", &self.org.as_str())
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl Okta {
    /// A builder for the org at `org`.
    pub fn builder(org: OrgUrl) -> OktaBuilder {
        OktaBuilder {
            tracer: None,
            discovery: None,
            org,
            server: AuthServer::Org,
            agent: AgentSettings {
                connect_timeout: Duration::from_secs(10),
                timeout: Duration::from_secs(30),
                user_agent: format!("okta-flows/{}", env!("CARGO_PKG_VERSION")),
                proxy: None,
            },
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The org URL.
    pub fn org(&self) -> &OrgUrl {
        &self.org
    }

    /// The URL of an endpoint of the chosen authorization server (`token`, `revoke`, …): from
    /// discovery when it was read, else Okta's fixed path.
    pub fn oauth_endpoint(&self, name: &str) -> Result<Endpoint> {
        if let Some(d) = &self.discovery {
            let found = match name {
                "token" => Some(&d.token_endpoint),
                "revoke" => d.revocation_endpoint.as_ref(),
                "introspect" => d.introspection_endpoint.as_ref(),
                "authorize" => d.authorization_endpoint.as_ref(),
                "keys" => d.jwks_uri.as_ref(),
                _ => None,
            };
            if let Some(e) = found {
                return Ok(e.clone());
            }
        }
        let path = match &self.server {
            AuthServer::Org => format!("/oauth2/v1/{name}"),
            AuthServer::Custom(id) => format!("/oauth2/{id}/v1/{name}"),
        };
        Endpoint::parse(self.org.join(&path)?.as_str()).map_err(Error::from)
    }

    /// Fetches the authorization server's metadata: RFC 8414
    /// (`/.well-known/oauth-authorization-server`), else OpenID Connect Discovery.
    pub fn discover(&self) -> Result<Discovery> {
        let base = match &self.server {
            AuthServer::Org => String::new(),
            AuthServer::Custom(id) => format!("/oauth2/{id}"),
        };
        let mut last = None;
        for doc in ["oauth-authorization-server", "openid-configuration"] {
            let url = self.org.join(&format!("{base}/.well-known/{doc}"))?;
            let reply = self.send(
                "GET",
                &url,
                &[("Accept", "application/json")],
                None,
                crate::transport::MAX_JSON,
            )?;
            if reply.status == 404 {
                last = Some(reply.problem());
                continue;
            }
            if reply.status != 200 {
                return Err(reply.problem());
            }
            let v = reply.json()?;
            let endpoint = |name: &str| -> Result<Option<Endpoint>> {
                let Some(text) = v.get(name).and_then(serde_json::Value::as_str) else {
                    return Ok(None);
                };
                let e = Endpoint::parse(text)?;
                if !self.org.same_origin(e.url()) {
                    return Err(reply.unexpected(format!(
                        "{name} is on another origin ({}); not used",
                        crate::error::safe(text, 100)
                    )));
                }
                Ok(Some(e))
            };
            let token_endpoint = endpoint("token_endpoint")?
                .ok_or_else(|| reply.unexpected("the metadata has no token_endpoint".into()))?;
            return Ok(Discovery {
                issuer: v
                    .get("issuer")
                    .and_then(serde_json::Value::as_str)
                    .map(|s| crate::error::safe(s, 200))
                    .unwrap_or_default(),
                token_endpoint,
                revocation_endpoint: endpoint("revocation_endpoint")?,
                introspection_endpoint: endpoint("introspection_endpoint")?,
                authorization_endpoint: endpoint("authorization_endpoint")?,
                jwks_uri: endpoint("jwks_uri")?,
            });
        }
        Err(last.unwrap_or(Error::Config("no discovery document")))
    }

    /// One exchange through the agent, reported to the tracer.
    pub(crate) fn send(
        &self,
        method: &str,
        url: &url::Url,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
        max_body: usize,
    ) -> Result<crate::transport::Reply> {
        let start = std::time::Instant::now();
        let result = crate::transport::send(&self.agent, method, url, headers, body, max_body);
        if let Some(tracer) = &self.tracer {
            let mut shown = url.clone();
            shown.set_query(None);
            let mut shown = shown.to_string();
            if url.query().is_some() {
                let keys: Vec<String> = url.query_pairs().map(|(k, _)| format!("{k}=…")).collect();
                shown = format!("{shown}?{}", keys.join("&"));
            }
            let (status, request_id, rate_limit) = match &result {
                Ok(r) => (Some(r.status), r.request_id(), r.rate_limit()),
                Err(e) => (e.status(), None, None),
            };
            tracer(&Trace {
                method: method.to_owned(),
                url: shown.to_string(),
                status,
                elapsed: start.elapsed(),
                request_id,
                rate_limit,
            });
        }
        result
    }

    pub(crate) fn now(&self) -> UnixTime {
        UnixTime(self.clock.now())
    }

    pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Remembers a `DPoP-Nonce` from any answer of `origin`.
    pub(crate) fn remember_nonce(&self, origin: &str, value: Option<&str>) {
        if let Some(nonce) = value.and_then(|v| DpopNonce::new(v.trim()).ok()) {
            Okta::lock(&self.nonces).insert(origin.to_owned(), nonce);
        }
    }

    pub(crate) fn nonce(&self, origin: &str) -> Option<DpopNonce> {
        Okta::lock(&self.nonces).get(origin).cloned()
    }
}
