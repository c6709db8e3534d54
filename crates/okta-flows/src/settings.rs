//! What an [`Okta`](crate::Okta) is set up with: its clock, authorization server, retry policy,
//! discovered endpoints and tracer; and the names of the OAuth endpoints.

use std::sync::Arc;
use std::time::Duration;

use okta_assertion::{Endpoint, UnixTime};

use crate::error::{Error, Result};
use crate::ids::AuthServerId;
use crate::method::Method;

/// Where the client reads the time.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> UnixTime;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
#[allow(
    clippy::exhaustive_structs,
    reason = "a unit type: it has no fields to add"
)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        UnixTime::from_system_time(std::time::SystemTime::now())
    }
}

/// Which authorization server issues tokens. Only the org server can mint Okta API scopes
/// (`okta.*`); a custom server mints the scopes it defines.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthServer {
    /// The org authorization server: `{org}/oauth2/v1/…` (the default).
    Org,
    /// A custom authorization server: `{org}/oauth2/{id}/v1/…`.
    Custom(AuthServerId),
}

impl AuthServer {
    /// The scopes of `scopes` this server will refuse: only the org authorization server mints
    /// Okta API scopes (`okta.*`); a custom server answers them with `invalid_scope`.
    pub fn refused_scopes<'a, S: AsRef<str>>(&self, scopes: &'a [S]) -> Vec<&'a str> {
        match self {
            AuthServer::Org => Vec::new(),
            AuthServer::Custom(_) => scopes
                .iter()
                .map(AsRef::as_ref)
                .filter(|s| s.starts_with("okta."))
                .collect(),
        }
    }
}

/// The OAuth endpoints of an authorization server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthEndpoint {
    /// `/v1/authorize` (RFC 6749 §3.1).
    Authorize,
    /// `/v1/token` (RFC 6749 §3.2): the audience of a client assertion sent there.
    Token,
    /// `/v1/revoke` (RFC 7009).
    Revoke,
    /// `/v1/introspect` (RFC 7662).
    Introspect,
    /// `/v1/keys`: the keys that sign the server's tokens.
    Keys,
    /// `/v1/device/authorize`: the device authorization endpoint (RFC 8628 §3.1).
    DeviceAuthorize,
}

impl OAuthEndpoint {
    /// The end of Okta's fixed path (`token`, `device/authorize`).
    pub fn path_segment(self) -> &'static str {
        match self {
            OAuthEndpoint::Authorize => "authorize",
            OAuthEndpoint::Token => "token",
            OAuthEndpoint::Revoke => "revoke",
            OAuthEndpoint::Introspect => "introspect",
            OAuthEndpoint::Keys => "keys",
            OAuthEndpoint::DeviceAuthorize => "device/authorize",
        }
    }
}

/// How rate limits and transient failures are retried (checklist C13).
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
        if self.max_wait > crate::transport::LONGEST || self.backoff > crate::transport::LONGEST {
            return Err(Error::InvalidInput {
                what: "the retry policy",
                reason: "max_wait and backoff must be at most a day",
            });
        }
        Ok(())
    }
}

/// The endpoints an authorization server publishes in its metadata (RFC 8414, OpenID
/// Connect Discovery).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    /// `device_authorization_endpoint` (RFC 8628 §4).
    pub device_authorization_endpoint: Option<Endpoint>,
}

impl Discovery {
    pub(crate) fn endpoint(&self, which: OAuthEndpoint) -> Option<&Endpoint> {
        match which {
            OAuthEndpoint::Token => Some(&self.token_endpoint),
            OAuthEndpoint::Revoke => self.revocation_endpoint.as_ref(),
            OAuthEndpoint::Introspect => self.introspection_endpoint.as_ref(),
            OAuthEndpoint::Authorize => self.authorization_endpoint.as_ref(),
            OAuthEndpoint::Keys => self.jwks_uri.as_ref(),
            OAuthEndpoint::DeviceAuthorize => self.device_authorization_endpoint.as_ref(),
        }
    }
}

/// One HTTP exchange, as reported to a tracer: no header values, no bodies, nothing secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Trace {
    /// The method.
    pub method: Method,
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

pub(crate) type Tracer = Arc<dyn Fn(&Trace) + Send + Sync>;
