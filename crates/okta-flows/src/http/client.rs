//! One `Okta`'s state, shared by its clones: the transport, what it learned about DPoP, the
//! discovered endpoints, the org, the authorization server, the clock and the random source;
//! read through accessors. Its public methods are in `okta.rs`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use okta_assertion::{DpopNonce, OsRandom, UnixTime};

use crate::http::policy::RetryPolicy;
use crate::http::trace::Tracer;
use crate::org::OrgUrl;
use crate::settings::{AuthServer, Clock, Discovery};

/// A client for one Okta org. Cheap to clone (the clones share one connection pool, one nonce
/// cache and one pacing state); all methods take `&self`.
#[derive(Clone)]
pub struct Okta {
    shared: Arc<Shared>,
}

/// What every clone of an [`Okta`] shares.
struct Shared {
    transport: Transport,
    dpop: DpopState,
    discovery: Option<Discovery>,
    org: OrgUrl,
    server: AuthServer,
    clock: Arc<dyn Clock>,
    rng: OsRandom,
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
    /// A client from its parts (the builder's).
    pub(crate) fn new(
        transport: Transport,
        discovery: Option<Discovery>,
        org: OrgUrl,
        server: AuthServer,
        clock: Arc<dyn Clock>,
    ) -> Okta {
        Okta {
            shared: Arc::new(Shared {
                transport,
                dpop: DpopState::default(),
                discovery,
                org,
                server,
                clock,
                rng: OsRandom::new(),
            }),
        }
    }

    /// The org.
    pub(crate) fn org_url(&self) -> &OrgUrl {
        &self.shared.org
    }

    /// The authorization server tokens are asked of.
    pub(crate) fn server(&self) -> &AuthServer {
        &self.shared.server
    }

    /// The server's metadata, when it was discovered.
    pub(crate) fn discovered(&self) -> Option<&Discovery> {
        self.shared.discovery.as_ref()
    }

    /// The HTTP side.
    pub(crate) fn transport(&self) -> &Transport {
        &self.shared.transport
    }

    /// What this client learned about DPoP.
    pub(crate) fn dpop(&self) -> &DpopState {
        &self.shared.dpop
    }

    /// The random source (states, nonces, jitter, PKCE).
    pub(crate) fn rng(&self) -> &OsRandom {
        &self.shared.rng
    }

    /// Now, by the client's clock.
    pub(crate) fn now(&self) -> UnixTime {
        self.shared.clock.now()
    }
}
