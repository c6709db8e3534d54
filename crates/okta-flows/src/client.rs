//! One `Okta` value per org: its URL, authorization server, HTTP agent and policies.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use okta_assertion::{DpopNonce, Endpoint, OsRandom, UnixTime};

use crate::error::{Error, Result};
use crate::org::OrgUrl;
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

/// Builds an [`Okta`].
#[derive(Clone)]
pub struct OktaBuilder {
    org: OrgUrl,
    server: AuthServer,
    agent: AgentSettings,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
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

    /// An HTTP proxy (`http://host:port`).
    pub fn proxy(mut self, proxy: impl Into<String>) -> OktaBuilder {
        self.agent.proxy = Some(proxy.into());
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> OktaBuilder {
        self.retry = retry;
        self
    }

    /// The clock (tests move it; everyone else keeps the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> OktaBuilder {
        self.clock = clock;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Okta> {
        Ok(Okta {
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

    /// The URL of an endpoint of the chosen authorization server (`token`, `revoke`, …).
    pub fn oauth_endpoint(&self, name: &str) -> Result<Endpoint> {
        let path = match &self.server {
            AuthServer::Org => format!("/oauth2/v1/{name}"),
            AuthServer::Custom(id) => format!("/oauth2/{id}/v1/{name}"),
        };
        Endpoint::parse(self.org.join(&path)?.as_str()).map_err(Error::from)
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
