//! The bridge (feature `bridge`): a forwarder on loopback that gives any program — Okta's SDKs
//! in SSWS mode, curl, a shell script — scoped, DPoP-bound access to one org. The program sends
//! a plain request with the bridge's secret as its token (`Authorization: SSWS <secret>`); the
//! bridge checks it, asks for a token with exactly the scopes that operation needs (one cached
//! token per scope set), and sends the request on with a fresh DPoP proof. Okta's answer comes
//! back as it is, its `Link`s pointing at the bridge, so the program's pagination stays on it.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = okta_emulator::Emulator::start(okta_emulator::Config::default())?;
//! # let (org_url, api_token) = (emulator.url().to_owned(), emulator.admin_token().to_owned());
//! use std::sync::Arc;
//! use okta_flows::{Credential, Okta, OrgUrl, SswsToken};
//!
//! let okta = Okta::builder(OrgUrl::dangerous_allow_loopback_http(&org_url)?).build()?;
//! // A real bridge makes a `TokenSource` per scope set (`ServiceCredentials`, `TokenRequest`);
//! // this one hands out an API token for brevity.
//! let admin = SswsToken::new(api_token);
//! let bridge = okta
//!     .bridge(move |_scopes| Ok(Arc::new(admin.clone()) as Arc<dyn Credential>))
//!     .start()?;
//! // Any HTTP client now calls `bridge.url()` with `Authorization: SSWS <bridge.secret()>`.
//! assert!(bridge.url().starts_with("http://127.0.0.1:"));
//! # Ok(())
//! # }
//! ```
//!
//! What it refuses, each before the org is contacted ([`Refusal`]): a missing or wrong secret,
//! a `Host` that is not its own (DNS rebinding from a browser), absolute-form targets and
//! `CONNECT`, paths that are not plain or leave the management API (the token endpoint among
//! them), operations Okta's contract names no scopes for (unless a fixed set is given), bodies
//! too large or too slow. Connections, headers, bodies and time are bounded ([`BridgeLimits`]).

pub(crate) mod rules;
mod server;

use std::sync::Arc;
use std::time::Duration;

use crate::api_scopes::ApiOperation;
use crate::error::{Error, Result};
use crate::http::auth::Credential;
use crate::http::client::Okta;
use crate::ids::Scope;
use crate::secrets::BridgeSecret;

pub use rules::Refusal;

/// Makes the credential for a scope set: called once per set the bridge meets (a
/// [`TokenSource`](crate::TokenSource), which then keeps its token fresh for every caller).
pub(crate) type Tokens = Arc<dyn Fn(&[Scope]) -> Result<Arc<dyn Credential>> + Send + Sync>;

/// Told of every request the bridge answers.
pub(crate) type Events = Arc<dyn Fn(&BridgeEvent) + Send + Sync>;

/// What the bridge bounds, each with a default fit for one machine's programs.
#[derive(Debug, Clone, Copy)]
pub struct BridgeLimits {
    connections: usize,
    in_flight: usize,
    header_timeout: Duration,
    body_timeout: Duration,
    max_body: usize,
    max_headers: usize,
    max_header_bytes: usize,
}

impl Default for BridgeLimits {
    fn default() -> BridgeLimits {
        BridgeLimits {
            connections: 512,
            in_flight: 64,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_body: 8 * 1024 * 1024,
            max_headers: 64,
            max_header_bytes: 16 * 1024,
        }
    }
}

impl BridgeLimits {
    /// Open connections at once (default 512); more are closed as they come.
    pub fn connections(mut self, n: usize) -> BridgeLimits {
        self.connections = n.max(1);
        self
    }

    /// Requests sent on to Okta at once (default 64); more wait their turn.
    pub fn in_flight(mut self, n: usize) -> BridgeLimits {
        self.in_flight = n.max(1);
        self
    }

    /// How long a request's head may take to arrive, and an idle connection may stay open
    /// (default 10 s).
    pub fn header_timeout(mut self, t: Duration) -> BridgeLimits {
        self.header_timeout = t;
        self
    }

    /// How long a request's body may take to arrive, and a caller may leave an answer's next
    /// part unread (default 30 s).
    pub fn body_timeout(mut self, t: Duration) -> BridgeLimits {
        self.body_timeout = t;
        self
    }

    /// The largest request body taken, in bytes (default 8 MiB; Okta's management API takes
    /// JSON documents).
    pub fn max_body(mut self, bytes: usize) -> BridgeLimits {
        self.max_body = bytes;
        self
    }

    /// The most header fields in a request (default 64).
    pub fn max_headers(mut self, n: usize) -> BridgeLimits {
        self.max_headers = n.max(1);
        self
    }

    /// The largest request head, in bytes (default 16 KiB; at least 8 KiB).
    pub fn max_header_bytes(mut self, bytes: usize) -> BridgeLimits {
        self.max_header_bytes = bytes.max(8 * 1024);
        self
    }
}

/// One request the bridge answered: what a log line says. No secret is in it, and a query's
/// values are not (they may name people).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BridgeEvent {
    /// The method, as the caller sent it.
    pub method: String,
    /// The path, with each query value shown as `…`.
    pub path: String,
    /// The operation of Okta's contract it is, when it is one.
    pub operation: Option<ApiOperation>,
    /// The scopes of the token it was sent with (empty when refused before that).
    pub scopes: Vec<String>,
    /// The status the caller got.
    pub status: u16,
    /// From the request's head to the answer's head.
    pub elapsed: Duration,
    /// Why the bridge answered itself, when it did.
    pub refused: Option<Refusal>,
    /// What went wrong, in words, for a request that got no token or no answer.
    pub detail: Option<String>,
}

/// Builds a [`Bridge`]: [`Okta::bridge`].
#[must_use = "a bridge does nothing until it is started"]
pub struct BridgeBuilder {
    okta: Okta,
    tokens: Tokens,
    port: u16,
    secret: Option<BridgeSecret>,
    fixed: Option<Vec<Scope>>,
    limits: BridgeLimits,
    events: Option<Events>,
}

impl std::fmt::Debug for BridgeBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BridgeBuilder")
            .field("org", &self.okta.org_url().as_str())
            .field("port", &self.port)
            .field("fixed", &self.fixed)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl BridgeBuilder {
    pub(crate) fn new(okta: Okta, tokens: Tokens) -> BridgeBuilder {
        BridgeBuilder {
            okta,
            tokens,
            port: 0,
            secret: None,
            fixed: None,
            limits: BridgeLimits::default(),
            events: None,
        }
    }

    /// The port on 127.0.0.1 (default 0: any free one, [`Bridge::url`] says which).
    pub fn port(mut self, port: u16) -> BridgeBuilder {
        self.port = port;
        self
    }

    /// The secret callers send (default: 32 random bytes, base64url).
    pub fn secret(mut self, secret: BridgeSecret) -> BridgeBuilder {
        self.secret = Some(secret);
        self
    }

    /// Ask for these scopes for every request, instead of each operation's own from Okta's
    /// contract; operations the contract does not know are then forwarded too.
    pub fn fixed_scopes(mut self, scopes: Vec<Scope>) -> BridgeBuilder {
        self.fixed = Some(scopes);
        self
    }

    /// The bounds (default [`BridgeLimits::default`]).
    pub fn limits(mut self, limits: BridgeLimits) -> BridgeBuilder {
        self.limits = limits;
        self
    }

    /// Called with every request answered, from the bridge's threads.
    pub fn on_event(mut self, f: impl Fn(&BridgeEvent) + Send + Sync + 'static) -> BridgeBuilder {
        self.events = Some(Arc::new(f));
        self
    }

    /// Listens, and serves from threads of its own until the [`Bridge`] is stopped or dropped.
    pub fn start(self) -> Result<Bridge> {
        let secret = match self.secret {
            Some(s) if s.expose_secret().trim().len() >= 16 => s,
            Some(_) => {
                return Err(Error::InvalidInput {
                    what: "the bridge's secret",
                    reason: "it must be at least 16 characters",
                });
            }
            None => {
                let mut bytes = [0u8; 32];
                okta_assertion::RandomSource::fill(self.okta.rng(), &mut bytes).map_err(|_| {
                    Error::InvalidInput {
                        what: "the bridge's secret",
                        reason: "the system's random source failed",
                    }
                })?;
                BridgeSecret::new(okta_jwk::__private::base64url::encode(bytes))
            }
        };
        server::start(server::Setup {
            okta: self.okta,
            tokens: self.tokens,
            port: self.port,
            secret,
            fixed: self.fixed,
            limits: self.limits,
            events: self.events,
        })
    }
}

/// A running bridge. Dropping it stops it.
pub struct Bridge {
    url: String,
    secret: BridgeSecret,
    running: server::Running,
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Bridge {
    /// Where callers send their requests: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// What callers send as their token.
    pub fn secret(&self) -> &BridgeSecret {
        &self.secret
    }

    /// Blocks until the bridge stops: never, unless its thread fails.
    pub fn wait(mut self) {
        self.running.wait();
    }

    /// Stops listening and ends the connections.
    pub fn stop(self) {
        drop(self);
    }
}
