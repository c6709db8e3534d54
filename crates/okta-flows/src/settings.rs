//! What an [`Okta`](crate::Okta) is set up with: its clock, authorization server, retry policy,
//! discovered endpoints and tracer; and the names of the OAuth endpoints.

use okta_assertion::{Endpoint, UnixTime};

use crate::ids::AuthServerId;

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
