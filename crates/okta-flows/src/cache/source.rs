//! A token source: one token for every thread of a program, and with stores, for every run of
//! it on this host (a file) or across a fleet (Redis).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::cache::store::{FileStore, StoreError, TokenStore};
use crate::error::{Error, Result};
use crate::http::auth::Token;
use crate::http::client::Okta;
use crate::oauth::tokens::{ServiceCredentials, TokenRequest};

/// How long a caller waits for another caller's fetch by default: two total request timeouts
/// (a token request and its nonce retry) and a little more.
const DEFAULT_PATIENCE: Duration = Duration::from_secs(75);

/// The longest margin: an hour, the life of every access token of Okta's org authorization
/// server (the one that mints Okta API scopes).
const LONGEST_MARGIN: u64 = 3600;

/// A token cache for one set of credentials and scopes: reuses the token until `margin` seconds
/// before it expires, and refreshes it once however many threads ask at the same moment.
pub struct TokenSource {
    stores: crate::cache::layers::Layers,
    okta: Okta,
    creds: ServiceCredentials,
    request: TokenRequest,
    margin: u64,
    patience: Duration,
    state: Mutex<SourceState>,
    ready: Condvar,
    fetched: AtomicU64,
}

#[derive(Default)]
struct SourceState {
    token: Option<Token>,
    fetching: bool,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("creds", &self.creds)
            .field("fetched", &self.fetched)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// A source refreshing 60 seconds before expiry.
    pub fn new(okta: Okta, creds: ServiceCredentials, request: TokenRequest) -> TokenSource {
        TokenSource {
            stores: crate::cache::layers::Layers::default(),
            okta,
            creds,
            request,
            margin: 60,
            patience: DEFAULT_PATIENCE,
            state: Mutex::new(SourceState::default()),
            ready: Condvar::new(),
            fetched: AtomicU64::new(0),
        }
    }

    /// Also keeps the token in this file (mode 0600, replaced atomically, locked across
    /// processes), so separate runs of a program share one token until it nears expiry. A
    /// DPoP-bound token is saved with its DPoP key. The same as
    /// `.store(Arc::new(FileStore::new(path)))`.
    pub fn persist_to(self, path: impl Into<std::path::PathBuf>) -> TokenSource {
        self.store(Arc::new(FileStore::new(path)))
    }

    /// Also keeps the token in `store`, after the stores given before it: a file, then Redis for
    /// a fleet. A token is looked for in each store in turn, copied into the nearer ones when
    /// found further away, and fetched by one process for all (the one holding every store's
    /// lock) when none has it. Every entry is sealed (AES-256-GCM) under a key derived from
    /// the private key, or the credentials' configured cache secret; without either, `token`
    /// fails with [`Error::CacheSecretNeeded`](crate::Error::CacheSecretNeeded). A store that
    /// fails is skipped for 30 seconds and reported once ([`TokenSource::on_store_failure`]).
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> TokenSource {
        self.stores.push(store);
        self
    }

    /// Calls `report` the first time each store fails (down, slow, full): the token is then
    /// fetched or found without it, and the program goes on.
    pub fn on_store_failure(
        mut self,
        report: impl Fn(&StoreError) + Send + Sync + 'static,
    ) -> TokenSource {
        self.stores.on_failure(Arc::new(report));
        self
    }

    /// Refresh this many seconds before expiry (default 60). Refuses an hour or more with
    /// [`Error::InvalidInput`]: Okta's org authorization server issues tokens for an hour, so
    /// the cache would never keep one. A token that comes back living no longer than the margin
    /// (a custom server's short policy) fails with [`Error::MarginTooLong`].
    pub fn margin(mut self, seconds: u64) -> Result<TokenSource> {
        if seconds >= LONGEST_MARGIN {
            return Err(Error::InvalidInput {
                what: "the token cache margin",
                reason: "it must be under an hour, the life of a token of Okta's org authorization server",
            });
        }
        self.margin = seconds;
        Ok(self)
    }

    /// How long a caller waits while another caller of this source fetches a token (default
    /// 75 s), before failing with [`Error::FetchTimedOut`]: a signer that hangs (a stuck KMS)
    /// must not block every thread of the program. Refuses zero and more than a day.
    pub fn wait_at_most(mut self, patience: Duration) -> Result<TokenSource> {
        if !crate::http::policy::is_sane(patience) {
            return Err(Error::InvalidInput {
                what: "the wait for another caller's fetch",
                reason: "it must be more than zero and at most a day",
            });
        }
        self.patience = patience;
        Ok(self)
    }

    /// How many tokens this source has requested from Okta.
    pub fn tokens_fetched(&self) -> u64 {
        self.fetched.load(Ordering::SeqCst)
    }

    /// A valid token: the cached one, or a new one fetched by exactly one of the callers.
    ///
    /// Should the fetch panic (a signer's bug), the waiting callers are woken and one of them
    /// fetches in turn: none is left waiting.
    pub fn token(&self) -> Result<Token> {
        let mut state = crate::http::client::lock(&self.state);
        let started = Instant::now();
        loop {
            if let Some(t) = &state.token
                && t.expires_at() > self.okta.now().plus(self.margin)
                && self.creds.suits(t)
            {
                return Ok(t.clone());
            }
            if !state.fetching {
                break;
            }
            let waited = started.elapsed();
            let Some(left) = self.patience.checked_sub(waited).filter(|l| !l.is_zero()) else {
                return Err(Error::FetchTimedOut { waited });
            };
            state = self
                .ready
                .wait_timeout(state, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        state.fetching = true;
        drop(state);
        let mut guard = Fetching {
            source: self,
            token: None,
        };
        let fetch = &mut || {
            self.fetched.fetch_add(1, Ordering::SeqCst);
            self.okta.client_credentials(&self.creds, &self.request)
        };
        let mut result = if self.stores.is_empty() {
            fetch()
        } else {
            self.stores
                .get_or_fetch(&self.okta, &self.creds, &self.request, self.margin, fetch)
        };
        if let Ok(t) = &result
            && !self.creds.suits(t)
        {
            // A store held a token of another DPoP mode (`--dpop never` after a DPoP run).
            self.stores.forget(&self.okta, &self.creds, &self.request);
            result = if self.stores.is_empty() {
                fetch()
            } else {
                self.stores
                    .get_or_fetch(&self.okta, &self.creds, &self.request, self.margin, fetch)
            };
        }
        if let Ok(t) = &result {
            let lifetime = t.expires_at().since(self.okta.now());
            if lifetime <= self.margin {
                drop(guard);
                return Err(Error::MarginTooLong {
                    margin: self.margin,
                    lifetime,
                });
            }
            guard.token = Some(t.clone());
        }
        drop(guard);
        result
    }

    /// The token this source would hand out now without asking Okta: the one in memory or in
    /// the nearest store, if it is good for the margin; `None` when [`TokenSource::token`]
    /// would fetch one. Nothing is fetched, locked or written.
    pub fn cached(&self) -> Result<Option<Token>> {
        if let Some(t) = &crate::http::client::lock(&self.state).token
            && t.expires_at() > self.okta.now().plus(self.margin)
            && self.creds.suits(t)
        {
            return Ok(Some(t.clone()));
        }
        if self.stores.is_empty() {
            return Ok(None);
        }
        Ok(self
            .stores
            .cached(&self.okta, &self.creds, &self.request, self.margin)?
            .filter(|t| self.creds.suits(t)))
    }

    /// Forgets the cached token (after Okta said it is invalid), in memory and in every store.
    pub fn invalidate(&self) {
        crate::http::client::lock(&self.state).token = None;
        self.stores.forget(&self.okta, &self.creds, &self.request);
    }

    /// The client this source serves.
    pub fn okta(&self) -> &Okta {
        &self.okta
    }
}

/// Ends a fetch of [`TokenSource::token`] however it ends (a result or a panic): clears the
/// flag, keeps a new token, and wakes the waiters.
struct Fetching<'a> {
    source: &'a TokenSource,
    token: Option<Token>,
}

impl Drop for Fetching<'_> {
    fn drop(&mut self) {
        let mut state = crate::http::client::lock(&self.source.state);
        state.fetching = false;
        if let Some(t) = self.token.take() {
            state.token = Some(t);
        }
        self.source.ready.notify_all();
    }
}

impl crate::http::auth::Credential for TokenSource {
    fn authorization(&self) -> Result<crate::http::auth::Authorization> {
        Ok(crate::http::auth::Authorization::Token(self.token()?))
    }

    fn rejected(&self) {
        self.invalidate();
    }

    fn renewable(&self) -> bool {
        true
    }
}
