//! One `Okta` value per org: its URL, authorization server, HTTP agent and policies.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use okta_assertion::{DpopNonce, Endpoint, OsRandom, UnixTime};

use crate::error::{Error, Result};
use crate::method::Method;
use crate::org::OrgUrl;
use crate::secrets::ProxyUrl;
use crate::settings::{
    AuthServer, Clock, Discovery, OAuthEndpoint, RetryPolicy, SystemClock, Trace, Tracer,
};
use crate::transport::{AgentSettings, agent};

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
    pub fn trace(mut self, tracer: impl Fn(&Trace) + Send + Sync + 'static) -> OktaBuilder {
        self.tracer = Some(Arc::new(tracer));
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

    /// Builds the client. Fails with [`Error::InvalidInput`] for a `User-Agent` that is not a
    /// valid header value, a zero timeout, or a timeout or retry wait of more than a day.
    pub fn build(mut self) -> Result<Okta> {
        self.retry.check()?;
        if self.org.is_loopback() {
            // The org is on this machine (the emulator): a proxy could not reach it.
            self.agent.proxy = None;
        }
        Ok(Okta {
            shared: Arc::new(Shared {
                transport: Transport {
                    agent: agent(&self.agent)?,
                    tracer: self.tracer,
                    retry: self.retry,
                    pace_until: Mutex::new(HashMap::new()),
                },
                dpop: DpopState::default(),
                discovery: self.discovery,
                org: self.org,
                server: self.server,
                clock: self.clock,
                rng: OsRandom::new(),
            }),
        })
    }
}

/// A client for one Okta org. Cheap to clone (the clones share one connection pool, one nonce
/// cache and one pacing state); all methods take `&self`.
#[derive(Clone)]
pub struct Okta {
    pub(crate) shared: Arc<Shared>,
}

/// What every clone of an [`Okta`] shares.
pub(crate) struct Shared {
    pub(crate) transport: Transport,
    pub(crate) dpop: DpopState,
    pub(crate) discovery: Option<Discovery>,
    pub(crate) org: OrgUrl,
    pub(crate) server: AuthServer,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) rng: OsRandom,
}

/// The HTTP side: the agent, the tracer, the retry policy and the pacing per bucket.
pub(crate) struct Transport {
    pub(crate) agent: ureq::Agent,
    pub(crate) tracer: Option<Tracer>,
    pub(crate) retry: RetryPolicy,
    /// Per rate-limit bucket (the path), when the window resets if no requests are left.
    pub(crate) pace_until: Mutex<HashMap<String, UnixTime>>,
}

/// What this client learned about DPoP: the last nonce per origin, and which clients need it.
#[derive(Default)]
pub(crate) struct DpopState {
    /// The last `DPoP-Nonce` seen per origin (RFC 9449 §8.2).
    nonces: Mutex<HashMap<String, DpopNonce>>,
    /// Client ids known to require DPoP (the token endpoint said so, or the app's settings did).
    required: Mutex<HashSet<String>>,
}

impl DpopState {
    /// Remembers a `DPoP-Nonce` from any answer of `origin`.
    pub(crate) fn remember_nonce(&self, origin: &str, value: Option<&str>) {
        if let Some(nonce) = value.and_then(|v| DpopNonce::new(v.trim()).ok()) {
            lock(&self.nonces).insert(origin.to_owned(), nonce);
        }
    }

    pub(crate) fn nonce(&self, origin: &str) -> Option<DpopNonce> {
        lock(&self.nonces).get(origin).cloned()
    }

    pub(crate) fn set_required(&self, client_id: &str) {
        lock(&self.required).insert(client_id.to_owned());
    }

    pub(crate) fn is_required(&self, client_id: &str) -> bool {
        lock(&self.required).contains(client_id)
    }
}

/// Locks a mutex, taking the data of a poisoned one (every critical section here leaves its
/// data consistent).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl std::fmt::Debug for Okta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Okta")
            .field("org", &self.shared.org.as_str())
            .field("server", &self.shared.server)
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
        &self.shared.org
    }

    /// The URL of an endpoint of the chosen authorization server: from discovery when it was
    /// read, else Okta's fixed path.
    pub fn oauth_endpoint(&self, which: OAuthEndpoint) -> Result<Endpoint> {
        if let Some(e) = self
            .shared
            .discovery
            .as_ref()
            .and_then(|d| d.endpoint(which))
        {
            return Ok(e.clone());
        }
        let name = which.path_segment();
        let path = match &self.shared.server {
            AuthServer::Org => format!("/oauth2/v1/{name}"),
            AuthServer::Custom(id) => format!("/oauth2/{id}/v1/{name}"),
        };
        Endpoint::parse(self.shared.org.join(&path)?.as_str()).map_err(|source| Error::Claim {
            what: "the OAuth endpoint URL",
            source,
        })
    }

    /// The authorization server this client asks for tokens.
    pub fn authorization_server(&self) -> &AuthServer {
        &self.shared.server
    }

    /// Fetches the authorization server's metadata: RFC 8414
    /// (`/.well-known/oauth-authorization-server`), else OpenID Connect Discovery.
    pub fn discover(&self) -> Result<Discovery> {
        let base = match &self.shared.server {
            AuthServer::Org => String::new(),
            AuthServer::Custom(id) => format!("/oauth2/{id}"),
        };
        let mut last = None;
        for doc in ["oauth-authorization-server", "openid-configuration"] {
            let url = self.shared.org.join(&format!("{base}/.well-known/{doc}"))?;
            let reply = self.send(
                &Method::GET,
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
                let e = Endpoint::parse(text).map_err(|source| Error::Claim {
                    what: "an endpoint URL in the server's metadata",
                    source,
                })?;
                if !self.shared.org.same_origin(e.url()) {
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
                device_authorization_endpoint: endpoint("device_authorization_endpoint")?,
            });
        }
        Err(last.unwrap_or_else(|| Error::Unexpected {
            endpoint: "GET /.well-known/…".into(),
            reason: "no metadata document".into(),
            request_id: None,
            source: None,
        }))
    }

    /// One exchange through the agent, reported to the tracer.
    pub(crate) fn send(
        &self,
        method: &Method,
        url: &url::Url,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
        max_body: usize,
    ) -> Result<crate::transport::Reply> {
        let start = std::time::Instant::now();
        let t = &self.shared.transport;
        let result = crate::transport::send(&t.agent, method, url, headers, body, max_body);
        if let Some(tracer) = &t.tracer {
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
                method: *method,
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
        self.shared.clock.now()
    }
}
