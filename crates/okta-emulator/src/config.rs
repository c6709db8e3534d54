//! What the emulated org looks like and how strict it is. Every point Okta's documents leave
//! open is a setting here, with the default documented in `docs/emulator.md`.

use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::faults::FaultRule;

/// How DPoP is required of service apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DpopPolicy {
    /// Every service app requires DPoP, whatever it was created with.
    Required,
    /// No app requires DPoP (a proof that is sent is still checked and binds the token).
    Optional,
    /// Each app's own `dpop_bound_access_tokens` (the default). Service apps made like the Admin
    /// Console makes them ([`crate::Emulator::seed_service_app`]) require DPoP, as Okta's console
    /// does since February 2024; apps made through DCR or the Apps API do not unless they say
    /// `dpop_bound_access_tokens: true`, as Okta's API defaults to off.
    PerApp,
}

/// The error for a client-credentials request none of whose scopes is granted (Okta's texts
/// and RFC 6749 §5.2 differ: both are offered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoScopeError {
    /// 400 `invalid_scope` with the generic description (the default).
    InvalidScope,
    /// 400 `access_denied` "Policy evaluation succeeded, but all the requested scopes were rejected."
    AccessDenied,
}

/// How redirect URIs of loopback addresses are matched (exactly, as Okta does, or on any port,
/// as RFC 8252 §7.3 allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectMatch {
    /// Exactly as registered (the default).
    Exact,
    /// RFC 8252 §7.3: any port for `http://127.0.0.1` and `http://[::1]`.
    AnyLoopbackPort,
}

/// The shape of `GET /api/v1/apps/{id}/credentials/jwks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwksListShape {
    /// `{"jwks":{"keys":[…]}}`, an example of an older version of Okta's documentation.
    Wrapped,
    /// `{"keys":[…]}`.
    Keys,
    /// `[…]`: the array of keys of Okta's Management API contract, which Okta's SDKs parse (the
    /// default).
    Array,
}

/// Requests allowed per 60-second window, per bucket (Okta's org-wide limits by endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// `/oauth2/v1/token` and the other OAuth endpoints.
    pub oauth: u32,
    /// `/api/v1/users`.
    pub users: u32,
    /// Everything else under `/api/v1` and `/oauth2/v1/clients`.
    pub management: u32,
}

impl Default for RateLimits {
    fn default() -> RateLimits {
        RateLimits {
            oauth: 2000,
            users: 1200,
            management: 1200,
        }
    }
}

/// What one client may hold of the server: connections, time and threads.
///
/// Every read is also bounded in bytes: a request head to 40 KiB, a body to 1 MiB (declared or
/// chunked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// The time from a request's first byte to the end of its body (default 10 s); a slower
    /// request gets `408` and its connection is closed.
    pub request_timeout: std::time::Duration,
    /// How long a kept-alive connection may wait for its next request (default 60 s).
    pub idle_timeout: std::time::Duration,
    /// Open connections at most (default 4096); beyond it a new connection is closed at once.
    pub max_connections: usize,
    /// Threads running handlers at most (default 64); more requests wait for one.
    pub handler_threads: usize,
}

impl Default for ServerLimits {
    fn default() -> ServerLimits {
        ServerLimits {
            request_timeout: std::time::Duration::from_secs(10),
            idle_timeout: std::time::Duration::from_secs(60),
            max_connections: 4096,
            handler_threads: 64,
        }
    }
}

/// A user of the org.
#[derive(Debug, Clone)]
pub struct SeedUsers {
    /// How many users `/api/v1/users` lists (generated on demand, so thousands cost nothing).
    pub count: usize,
}

/// The password of every user of a default org, for the sign-in and activation pages.
pub const DEFAULT_PASSWORD: &str = "Emulator-Passw0rd";

/// Everything about an emulated org. Start from [`Config::default`] and set what differs
/// (`config.users = SeedUsers { count: 100 }`): fields may be added in a minor release.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Port on 127.0.0.1; 0 picks a free one (the default).
    pub port: u16,
    /// Seeded users.
    pub users: SeedUsers,
    /// DPoP for service apps.
    pub dpop: DpopPolicy,
    /// Clock skew allowed on assertion and proof times, in seconds (default 5).
    pub leeway: u64,
    /// The error when no scope asked for is granted.
    pub no_scope_error: NoScopeError,
    /// How loopback redirect URIs are matched.
    pub redirect_match: RedirectMatch,
    /// The shape of an app's key listing (default: the contract's array).
    pub jwks_list_shape: JwksListShape,
    /// Bind the token to a DPoP proof sent to an app that does not require DPoP (default
    /// true, as RFC 9449 allows).
    pub bind_optional_dpop: bool,
    /// Compare `htu` with the percent-decoded request path, as Okta appears to (default
    /// false: RFC 3986 normalisation only).
    pub htu_okta_compat: bool,
    /// Accept `Authorization: SSWS<token>` with no space, as Okta's Python SDK sends it
    /// (default true: the official SDK works against real orgs; false refuses it as RFC 9110's
    /// `credentials` grammar would).
    pub ssws_without_space: bool,
    /// Accept the token endpoint's URL as `aud` of assertions sent to revoke and introspect
    /// (default true; Okta's text says "the endpoint invoked", which is also accepted).
    pub aud_allow_token_endpoint: bool,
    /// Requests per minute.
    pub rate_limits: RateLimits,
    /// How often the DPoP nonce changes, in seconds (Okta: 24 h); old nonces stay valid for
    /// three periods (Okta: 72 h).
    pub nonce_period: u64,
    /// Scripted sign-in: the login of the user `/oauth2/v1/authorize` signs in at once, with no
    /// page, when no `login_hint` is given (a `login_hint` picks another user). `None` serves
    /// the sign-in page instead, where a person (or a WebDriver) types a login and
    /// [`Config::user_password`].
    pub default_login: Option<String>,
    /// The password every user of the org signs in with on the sign-in page and the device
    /// activation page (default `Emulator-Passw0rd`: the emulator is a local test org).
    pub user_password: String,
    /// The polling interval a device authorization asks for, in seconds (default 5, RFC 8628
    /// §3.2); each `slow_down` adds 5.
    pub device_interval: u64,
    /// The SSWS admin token; a random one when `None`.
    pub admin_token: Option<String>,
    /// Seed for ids, tokens and nonces, for reproducible runs; OS randomness when `None`.
    pub seed: Option<u64>,
    /// Injected faults.
    pub faults: Vec<FaultRule>,
    /// Keep the admin token and the apps (keys, grants, roles) in this file, written with mode
    /// 0600 after every change, so a demo org survives restarts.
    pub state_file: Option<std::path::PathBuf>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Bounds on connections, time and threads.
    pub limits: ServerLimits,
    /// How many of the latest requests [`crate::Emulator::events`] keeps (default 10 000; the
    /// oldest is forgotten first, so a long run's memory stays flat). 0 keeps none: the
    /// command line's org, which no one reads events from.
    pub event_log: usize,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("port", &self.port)
            .field("users", &self.users.count)
            .field("dpop", &self.dpop)
            .field("leeway", &self.leeway)
            .field("rate_limits", &self.rate_limits)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "[redacted]"),
            )
            .field("faults", &self.faults.len())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            port: 0,
            users: SeedUsers { count: 25 },
            dpop: DpopPolicy::PerApp,
            leeway: 5,
            no_scope_error: NoScopeError::InvalidScope,
            redirect_match: RedirectMatch::Exact,
            jwks_list_shape: JwksListShape::Array,
            ssws_without_space: true,
            bind_optional_dpop: true,
            htu_okta_compat: false,
            aud_allow_token_endpoint: true,
            rate_limits: RateLimits::default(),
            nonce_period: 24 * 3600,
            default_login: Some("admin@example.com".to_owned()),
            user_password: DEFAULT_PASSWORD.to_owned(),
            device_interval: 5,
            admin_token: None,
            seed: None,
            faults: Vec::new(),
            state_file: None,
            clock: Arc::new(SystemClock),
            limits: ServerLimits::default(),
            event_log: 10_000,
        }
    }
}
