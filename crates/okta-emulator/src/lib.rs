//! A local Okta org on loopback, as strict as Okta and saying what Okta says: OAuth for Okta
//! service apps (DCR, grants, roles, app keys, client credentials with `private_key_jwt` and
//! DPoP), user sign-in (Authorization Code + PKCE, browserless), the users API with real
//! pagination, rate limits and fault injection. Built for tests and demos; shares no code with
//! the okta-oauth client crates.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use okta_emulator::{Config, Emulator, SeedApp};
//!
//! let org = Emulator::start(Config::default())?;
//! assert!(org.url().starts_with("http://127.0.0.1:"));
//! let public_jwk = serde_json::json!({
//!     "kty": "EC", "crv": "P-256", "kid": "k1",
//!     "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
//!     "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
//! });
//! let client_id = org
//!     .seed_service_app(SeedApp::new("demo", vec![public_jwk]).scopes(&["okta.users.read"]).role("READ_ONLY_ADMIN"))?;
//! assert!(client_id.starts_with("0oa"));
//! // Stops when `org` is dropped.
//! # Ok(())
//! # }
//! ```

#[cfg(feature = "cli")]
pub mod cli;
// Generated; the emulator reads its table, not its version.
#[allow(dead_code)]
mod catalog;
mod clock;
mod config;
mod errors;
mod event;
mod faults;
mod files;
mod filter;
mod http;
mod inject;
mod jose;
mod org;
mod pipeline;
mod routes;
mod server;
mod users;

use std::sync::{Arc, OnceLock};

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{
    Config, DEFAULT_PASSWORD, DpopPolicy, JwksListShape, NoScopeError, RateLimits, RedirectMatch,
    SeedUsers, ServerLimits,
};
pub use event::Event;
pub use faults::{Fault, FaultError, FaultRoute, FaultRule, Probability, Reset, Trigger};

use org::{App, Grant, Org, Role};

/// What can stop the emulator from starting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The token-signing keys could not be made.
    #[error("cannot make the org's token-signing keys: {0}")]
    Keys(String),
    /// The state file could not be read (its `io::ErrorKind` is the source's).
    #[error("cannot read the state file {}: {source}", path.display())]
    StateRead {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The state file is not one this emulator wrote.
    #[error("the state file {} does not parse: {source}", path.display())]
    StateParse {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// A seeded app was refused (the message is the emulator's answer).
    #[error("the app was refused: {0}")]
    Seed(String),
    /// A seeded app names an admin role Okta does not have (`READ_ONLY_ADMN`).
    #[error(
        "{role:?} is not one of Okta's standard admin roles (SUPER_ADMIN, ORG_ADMIN, APP_ADMIN, USER_ADMIN, HELP_DESK_ADMIN, READ_ONLY_ADMIN, MOBILE_ADMIN, API_ACCESS_MANAGEMENT_ADMIN, REPORT_ADMIN, GROUP_MEMBERSHIP_ADMIN)"
    )]
    UnknownRole {
        /// The role as given.
        role: String,
    },
    /// A seeded app is granted a scope Okta's org authorization server does not have.
    #[error("{scope:?} is not an Okta API scope the org authorization server grants")]
    UnknownScope {
        /// The scope as given.
        scope: String,
    },
}

/// A service app to create without going through the API.
#[derive(Debug, Clone)]
pub struct SeedApp {
    name: String,
    jwks: Vec<serde_json::Value>,
    dpop: Option<bool>,
    scopes: Vec<String>,
    roles: Vec<String>,
}

impl SeedApp {
    /// A service app (`private_key_jwt`, client credentials) with these public JWKs.
    pub fn new(name: &str, jwks: Vec<serde_json::Value>) -> SeedApp {
        SeedApp {
            name: name.to_owned(),
            jwks,
            dpop: None,
            scopes: Vec::new(),
            roles: Vec::new(),
        }
    }

    /// Whether it requires DPoP (default: the org's policy).
    pub fn dpop(mut self, required: bool) -> SeedApp {
        self.dpop = Some(required);
        self
    }

    /// Okta scopes granted to it.
    pub fn scopes(mut self, scopes: &[&str]) -> SeedApp {
        self.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// An admin role assigned to it (`SUPER_ADMIN`, `READ_ONLY_ADMIN`, …).
    pub fn role(mut self, role: &str) -> SeedApp {
        self.roles.push(role.to_owned());
        self
    }
}

/// A running emulated org. Stops when dropped.
pub struct Emulator {
    org: Arc<Org>,
    url: String,
    _server: server::Server,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Two RSA keys per process, shared by every emulator in it: generating RSA keys is slow, and
/// tests start many orgs.
fn process_keys() -> Result<&'static [Vec<u8>], Error> {
    static KEYS: OnceLock<Result<Vec<Vec<u8>>, String>> = OnceLock::new();
    KEYS.get_or_init(|| (0..2).map(|_| jose::SigningKey::generate_der()).collect())
        .as_deref()
        .map_err(|e| Error::Keys(e.clone()))
}

impl Emulator {
    /// Starts an org on 127.0.0.1 (port 0 picks a free one).
    pub fn start(config: Config) -> Result<Emulator, Error> {
        let port = config.port;
        let limits = config.limits;
        let ders = process_keys()?;
        // Bind first so the base URL (and so the issuer) is known before anything is signed.
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))
            .map_err(|source| Error::Bind { port, source })?;
        let real_port = listener
            .local_addr()
            .map_err(|source| Error::Bind { port, source })?
            .port();
        drop(listener);
        let url = format!("http://127.0.0.1:{real_port}");
        let rng = clock::Random::new(config.seed);
        let signing = ders
            .iter()
            .map(|der| jose::SigningKey::from_der(rng.base62(43), der))
            .collect::<Result<Vec<_>, _>>()
            .map_err(Error::Keys)?;
        let saved = match &config.state_file {
            Some(path) if path.exists() => {
                let bytes = std::fs::read(path).map_err(|source| Error::StateRead {
                    path: path.clone(),
                    source,
                })?;
                Some(
                    serde_json::from_slice(&bytes).map_err(|source| Error::StateParse {
                        path: path.clone(),
                        source,
                    })?,
                )
            }
            _ => None,
        };
        let org = Arc::new(Org::new(config, url.clone(), signing, saved));
        let (server, _) =
            server::Server::start(real_port, org.clone(), limits).map_err(|source| {
                Error::Bind {
                    port: real_port,
                    source,
                }
            })?;
        Ok(Emulator {
            org,
            url,
            _server: server,
        })
    }

    /// The org URL (`http://127.0.0.1:PORT`): its issuer and the base of every endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SSWS admin API token.
    pub fn admin_token(&self) -> &str {
        &self.org.admin_token
    }

    /// The first half of a browser's part in a sign-in with the scripted login
    /// ([`Config::default_login`]): opens `authorize_url` (a URL of this org) in-process and
    /// returns where the org redirects (the client's redirect URI with `code` and `state`, or
    /// with `error`). For demos and tests with no person at hand; with no scripted login the
    /// org serves its sign-in page instead, and this says so.
    pub fn sign_in_redirect(&self, authorize_url: &str) -> Result<String, String> {
        let parsed = url::Url::parse(authorize_url).map_err(|e| format!("{e}"))?;
        if !authorize_url.starts_with(&self.url) {
            return Err("not a URL of this org".to_owned());
        }
        let req = http::Req {
            method: "GET".to_owned(),
            path: parsed.path().to_owned(),
            query: parsed.query().map(str::to_owned),
            headers: Vec::new(),
            body: Vec::new(),
            request_id: self.org.new_request_id(),
        };
        let resp = pipeline::handle(&self.org, &req);
        resp.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("location"))
            .map(|(_, v)| v.clone())
            .ok_or_else(|| {
                let body = String::from_utf8_lossy(resp.body_bytes());
                let said = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["error_description"].as_str().map(str::to_owned))
                    .unwrap_or_else(|| "no redirect (is a scripted login configured?)".to_owned());
                format!("the org answered {}: {said}", resp.status)
            })
    }

    /// The second half: the browser following that redirect to the client's loopback
    /// listener (`http://127.0.0.1:PORT/…` only). Returns the status the listener answered.
    pub fn follow_redirect(&self, location: &str) -> Result<u16, String> {
        let location = location.to_owned();
        let back = url::Url::parse(&location).map_err(|e| format!("{e}"))?;
        let host = back.host_str().unwrap_or_default();
        if back.scheme() != "http" || !matches!(host, "127.0.0.1" | "[::1]" | "localhost") {
            return Err("the redirect URI is not a loopback http:// URI".to_owned());
        }
        let port = back.port_or_known_default().unwrap_or(80);
        let mut stream = std::net::TcpStream::connect((host.trim_matches(['[', ']']), port))
            .map_err(|e| format!("connecting to {host}:{port}: {e}"))?;
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
        let path = match back.query() {
            Some(q) => format!("{}?{q}", back.path()),
            None => back.path().to_owned(),
        };
        use std::io::{Read as _, Write as _};
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
        )
        .map_err(|e| format!("{e}"))?;
        let mut answer = Vec::new();
        let _ = stream.take(64 * 1024).read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer);
        text.split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| "the redirect URI's listener did not answer HTTP".to_owned())
    }

    /// The requests so far, oldest first: the latest [`Config::event_log`] of them.
    pub fn events(&self) -> Vec<Event> {
        self.org.state().events.iter().cloned().collect()
    }

    /// The body of `GET /api/v1/users?limit=LIMIT` from user index `start`, written by the
    /// listing's direct writer, or (`via_values`) built as `serde_json::Value`s first as pages
    /// were before. For the emulator's benchmark and the test that holds the two equal; not a
    /// stable API.
    #[doc(hidden)]
    pub fn users_page_body(&self, start: usize, limit: usize, via_values: bool) -> Vec<u8> {
        let writer = if via_values {
            routes::Writer::Values
        } else {
            routes::Writer::Direct
        };
        routes::page_bytes(&self.org, start, limit, writer)
    }

    /// Forgets the events so far.
    pub fn clear_events(&self) {
        self.org.state().events.clear();
    }

    /// Adds a fault rule.
    pub fn inject(&self, rule: FaultRule) {
        self.org.faults.add(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.org.faults.clear();
    }

    /// The DPoP nonce the token endpoint currently wants.
    pub fn dpop_nonce(&self) -> String {
        routes::dpop::current_nonce(&self.org)
    }

    /// Creates a service app directly, as an admin would in the console; returns its client id.
    /// Refuses a role or scope Okta does not have ([`Error::UnknownRole`],
    /// [`Error::UnknownScope`]) before anything is made.
    pub fn seed_service_app(&self, seed: SeedApp) -> Result<String, Error> {
        if let Some(role) = seed
            .roles
            .iter()
            .find(|r| routes::resource::role_label(r).is_none())
        {
            return Err(Error::UnknownRole { role: role.clone() });
        }
        if let Some(scope) = seed
            .scopes
            .iter()
            .find(|s| !routes::OKTA_SCOPES.contains(&s.as_str()))
        {
            return Err(Error::UnknownScope {
                scope: scope.clone(),
            });
        }
        let jwks = serde_json::json!({"keys": seed.jwks});
        let keys = routes::check_jwks(&self.org, &jwks)
            .map_err(|r| Error::Seed(String::from_utf8_lossy(r.body_bytes()).into_owned()))?;
        let now = self.org.now();
        let id = self.org.rng.okta_id("0oa");
        let dpop_bound = match self.org.config.dpop {
            DpopPolicy::Required => true,
            DpopPolicy::Optional => false,
            DpopPolicy::PerApp => seed.dpop.unwrap_or(true),
        };
        let app = App {
            id: id.clone(),
            name: seed.name,
            application_type: "service".to_owned(),
            auth_method: "private_key_jwt".to_owned(),
            grant_types: vec!["client_credentials".to_owned()],
            response_types: vec!["token".to_owned()],
            redirect_uris: Vec::new(),
            client_secret: None,
            keys,
            dpop_bound,
            active: true,
            secrets: Vec::new(),
            updated: 0,
            assigned_users: Default::default(),
            assigned_groups: Default::default(),
            kept_settings: Default::default(),
            pkce_required: None,
            grants: seed
                .scopes
                .into_iter()
                .map(|scope| Grant {
                    id: self.org.rng.okta_id("oag"),
                    scope,
                    created: now,
                })
                .collect(),
            roles: seed
                .roles
                .into_iter()
                .map(|kind| Role {
                    id: self.org.rng.okta_id("ra1"),
                    kind,
                    created: now,
                    custom: None,
                })
                .collect(),
            created: now,
            via_dcr: false,
        };
        self.org.state().apps.insert(id.clone(), app);
        self.org.save_now();
        Ok(id)
    }

    /// Adds a new token-signing key and signs with it from now on; the old keys stay published.
    pub fn rotate_signing_key(&self) -> Result<(), Error> {
        let der = jose::SigningKey::generate_der().map_err(Error::Keys)?;
        let key = jose::SigningKey::from_der(self.org.rng.base62(43), &der).map_err(Error::Keys)?;
        let mut keys = self
            .org
            .signing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        keys.push(key);
        if keys.len() > 3 {
            keys.remove(0);
        }
        Ok(())
    }
}

/// The README's examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
