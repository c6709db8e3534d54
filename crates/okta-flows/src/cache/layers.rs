//! The token cache: a token source's stores, nearest first (a file, then Redis), each entry
//! sealed, named by a hash of everything that makes the token (org, server, client, scopes,
//! signing key), and fetched by one process for all while it holds each store's lock.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use okta_assertion::UnixTime;
use okta_jwk::PrivateJwk;
use serde::{Deserialize, Serialize};

use crate::cache::store::{StoreError, TokenStore};
use crate::digest::sha256_b64;
use crate::error::{Error, Result};
use crate::http::auth::{BoundKey, Token, TokenType};
use crate::http::client::Okta;
use crate::oauth::tokens::{ServiceCredentials, TokenRequest};
use crate::seal::CacheSecret;
use crate::secrets::AccessToken;
use crate::settings::AuthServer;

/// One saved token, as sealed.
#[derive(Serialize, Deserialize)]
struct Entry {
    access_token: String,
    token_type: String,
    expires_at: u64,
    scopes: Vec<String>,
    /// The private JWK of the DPoP key the token is bound to.
    dpop_key: Option<String>,
}

/// What an earlier run learnt of an app and its org's DPoP, kept so that a cold run after it
/// sends its first token request as the last one succeeded: with a proof when the app requires
/// one, and with the org's last nonce (RFC 9449 §8: a nonce the server may accept again).
#[derive(Serialize, Deserialize, Default, Clone)]
struct DpopHint {
    /// The app requires DPoP (the token endpoint said so, or it issued a DPoP token).
    #[serde(default)]
    required: bool,
    /// The org's last `DPoP-Nonce`, and when it was seen (seconds since the epoch).
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    nonce_seen: u64,
}

/// A saved nonce older than this is not offered (Okta changes its nonce daily).
const NONCE_KEPT: u64 = 24 * 3600;

/// How long an app's DPoP hint is kept after the last fetch.
const HINT_KEPT: u64 = 30 * 24 * 3600;

/// How long a store that failed is left alone before it is tried again.
const DOWN_FOR: Duration = Duration::from_secs(30);

/// How often a process waiting for another's fetch looks for its token.
const POLL: Duration = Duration::from_millis(20);

/// Reports a store's failure (once per store and source).
pub(crate) type Report = Arc<dyn Fn(&StoreError) + Send + Sync>;

struct Layer {
    store: Arc<dyn TokenStore>,
    down_until: Mutex<Option<Instant>>,
    reported: AtomicBool,
}

/// A token source's stores, nearest first.
#[derive(Default)]
pub(crate) struct Layers {
    layers: Vec<Layer>,
    report: Option<Report>,
}

/// What one lookup is for.
struct Ask<'a> {
    okta: &'a Okta,
    creds: &'a ServiceCredentials,
    secret: &'a CacheSecret,
    name: String,
    margin: u64,
}

impl Layers {
    pub(crate) fn push(&mut self, store: Arc<dyn TokenStore>) {
        self.layers.push(Layer {
            store,
            down_until: Mutex::new(None),
            reported: AtomicBool::new(false),
        });
    }

    pub(crate) fn on_failure(&mut self, report: Report) {
        self.report = Some(report);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// The cached token if it is good for `margin` more seconds in the nearest store that has
    /// one (copied into the nearer stores); otherwise `fetch` one, holding every store's lock so
    /// other processes wait for it instead of fetching their own, and save it in every store.
    pub(crate) fn get_or_fetch(
        &self,
        okta: &Okta,
        creds: &ServiceCredentials,
        request: &TokenRequest,
        margin: u64,
        fetch: &mut dyn FnMut() -> Result<Token>,
    ) -> Result<Token> {
        asking(okta, creds, request, margin, |ask| {
            self.through(0, ask, fetch)
        })
    }

    /// The cached token good for `margin` more seconds in the nearest store that has one,
    /// without fetching, locking or copying anything.
    pub(crate) fn cached(
        &self,
        okta: &Okta,
        creds: &ServiceCredentials,
        request: &TokenRequest,
        margin: u64,
    ) -> Result<Option<Token>> {
        asking(okta, creds, request, margin, |ask| {
            for layer in self.layers.iter().filter(|l| self.usable(l)) {
                match self.lookup(&*layer.store, ask) {
                    Ok(Some(token)) => return Ok(Some(token)),
                    Ok(None) => {}
                    Err(e) => self.failed(layer, &e),
                }
            }
            Ok(None)
        })
    }

    /// Forgets the token in every store (after Okta said it is invalid).
    pub(crate) fn forget(&self, okta: &Okta, creds: &ServiceCredentials, request: &TokenRequest) {
        let name = entry_name(okta, creds, request);
        for layer in &self.layers {
            if self.usable(layer)
                && let Err(e) = layer.store.remove(&name)
            {
                self.failed(layer, &e);
            }
        }
    }

    fn through(
        &self,
        at: usize,
        ask: &Ask<'_>,
        fetch: &mut dyn FnMut() -> Result<Token>,
    ) -> Result<Token> {
        let Some(layer) = self.layers.get(at) else {
            return self.fetch(ask, fetch);
        };
        if !self.usable(layer) {
            return self.through(at + 1, ask, fetch);
        }
        let store = &*layer.store;
        // Long enough for a live holder to fetch, or a dead holder's lock to expire and the
        // next holder to fetch.
        let deadline = Instant::now() + store.lock_wait();
        loop {
            match self.lookup(store, ask) {
                Ok(Some(token)) => return Ok(token),
                Ok(None) => {}
                Err(e) => {
                    self.failed(layer, &e);
                    return self.through(at + 1, ask, fetch);
                }
            }
            match store.lock(&ask.name) {
                Ok(Some(lock)) => {
                    // Another process may have saved it between the look and the lock.
                    if let Ok(Some(token)) = self.lookup(store, ask) {
                        return Ok(token);
                    }
                    let token = self.through(at + 1, ask, fetch)?;
                    if let Some(sealed) = seal_token(ask, &token)
                        && let Err(e) =
                            store.save(&ask.name, &sealed, ask.okta.now(), token.expires_at())
                    {
                        self.failed(layer, &e);
                    }
                    drop(lock);
                    return Ok(token);
                }
                Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
                // The holder is slow or gone: fetch without this store's single-flight.
                Ok(None) => return self.through(at + 1, ask, fetch),
                Err(e) => {
                    self.failed(layer, &e);
                    return self.through(at + 1, ask, fetch);
                }
            }
        }
    }

    /// A token from `store` good for the margin; `None` for no entry, an entry sealed under
    /// another key or tampered with, or an expired one.
    fn lookup(&self, store: &dyn TokenStore, ask: &Ask<'_>) -> Result<Option<Token>, StoreError> {
        let Some(sealed) = store.load(&ask.name)? else {
            return Ok(None);
        };
        let now = ask.okta.now().secs();
        Ok(ask
            .secret
            .open(&ask.name, &sealed)
            .and_then(|plain| serde_json::from_slice::<Entry>(&plain).ok())
            .and_then(|e| restore(&e, now, ask.margin)))
    }

    /// The fetch itself, sent as the app's DPoP hint says, whose hint is then saved.
    fn fetch(&self, ask: &Ask<'_>, fetch: &mut dyn FnMut() -> Result<Token>) -> Result<Token> {
        let okta = ask.okta;
        let client = ask.creds.client_id().as_str();
        let hint_name = hint_name(okta, ask.creds);
        let origin = okta.org_url().as_str().to_owned();
        let now = okta.now().secs();
        if let Some(hint) = self.hint(&hint_name, ask.secret) {
            if hint.required {
                okta.dpop().set_required(client);
            }
            if okta.dpop().nonce(&origin).is_none()
                && now.saturating_sub(hint.nonce_seen) < NONCE_KEPT
            {
                okta.dpop().remember_nonce(&origin, hint.nonce.as_deref());
            }
        }
        let token = fetch()?;
        let hint = DpopHint {
            required: token.token_type() == TokenType::DPoP || okta.dpop().is_required(client),
            nonce: okta.dpop().nonce(&origin).map(|n| n.as_str().to_owned()),
            nonce_seen: now,
        };
        let sealed = serde_json::to_vec(&hint)
            .ok()
            .and_then(|plain| ask.secret.seal(&hint_name, &plain));
        if let Some(sealed) = sealed {
            for layer in self.layers.iter().filter(|l| self.usable(l)) {
                let until = UnixTime(now.saturating_add(HINT_KEPT));
                if let Err(e) = layer.store.save(&hint_name, &sealed, okta.now(), until) {
                    self.failed(layer, &e);
                }
            }
        }
        Ok(token)
    }

    /// The app's DPoP hint from the nearest store that has one.
    fn hint(&self, name: &str, secret: &CacheSecret) -> Option<DpopHint> {
        self.layers
            .iter()
            .filter(|l| self.usable(l))
            .find_map(|layer| {
                let sealed = match layer.store.load(name) {
                    Ok(sealed) => sealed?,
                    Err(e) => {
                        self.failed(layer, &e);
                        return None;
                    }
                };
                let plain = secret.open(name, &sealed)?;
                serde_json::from_slice(&plain).ok()
            })
    }

    fn usable(&self, layer: &Layer) -> bool {
        let mut down = crate::http::client::lock(&layer.down_until);
        match *down {
            Some(until) if Instant::now() < until => false,
            Some(_) => {
                *down = None;
                true
            }
            None => true,
        }
    }

    /// Leaves a failed store alone for a while, and says so the first time.
    fn failed(&self, layer: &Layer, e: &StoreError) {
        *crate::http::client::lock(&layer.down_until) = Some(Instant::now() + DOWN_FOR);
        if !layer.reported.swap(true, Ordering::SeqCst)
            && let Some(report) = &self.report
        {
            report(e);
        }
    }
}

/// The entry name: a hash of what makes the token, so no store sees a client or a scope.
/// Runs `f` with what the stores are asked for this request: its entry's name and the secret
/// entries are sealed under.
fn asking<R>(
    okta: &Okta,
    creds: &ServiceCredentials,
    request: &TokenRequest,
    margin: u64,
    f: impl FnOnce(&Ask<'_>) -> Result<R>,
) -> Result<R> {
    let secret = creds.cache_secret()?.ok_or(Error::CacheSecretNeeded)?;
    f(&Ask {
        okta,
        creds,
        secret: &secret,
        name: entry_name(okta, creds, request),
        margin,
    })
}

fn entry_name(okta: &Okta, creds: &ServiceCredentials, request: &TokenRequest) -> String {
    let mut scopes: Vec<&str> = request.requested().iter().map(|s| s.as_str()).collect();
    scopes.sort_unstable();
    let identity = format!(
        "{}\n{}\n{}\n{}\n{}",
        okta.org_url().as_str(),
        server(okta),
        creds.client_id().as_str(),
        scopes.join(" "),
        creds.key_identity().as_str()
    );
    sha256_b64(identity.as_bytes())
}

/// The name of an app's DPoP hint: a hash of the org, the server and the client.
fn hint_name(okta: &Okta, creds: &ServiceCredentials) -> String {
    let identity = format!(
        "dpop\n{}\n{}\n{}",
        okta.org_url().as_str(),
        server(okta),
        creds.client_id().as_str()
    );
    sha256_b64(identity.as_bytes())
}

fn server(okta: &Okta) -> String {
    match okta.server() {
        AuthServer::Org => String::new(),
        AuthServer::Custom(id) => id.to_string(),
    }
}

fn restore(e: &Entry, now: u64, margin: u64) -> Option<Token> {
    if e.expires_at <= now.saturating_add(margin) {
        return None;
    }
    let (kind, dpop) = match (e.token_type.as_str(), &e.dpop_key) {
        ("DPoP", Some(jwk)) => (
            TokenType::DPoP,
            Some(BoundKey::saved(PrivateJwk::new(jwk.as_str()))),
        ),
        ("Bearer", None) => (TokenType::Bearer, None),
        _ => return None,
    };
    Some(Token::from_parts(
        AccessToken::new(e.access_token.as_str()),
        kind,
        UnixTime(e.expires_at),
        e.scopes.clone(),
        dpop,
    ))
}

fn seal_token(ask: &Ask<'_>, token: &Token) -> Option<Vec<u8>> {
    let entry = Entry {
        access_token: token.access_token().expose_secret().to_owned(),
        token_type: if token.token_type() == TokenType::DPoP {
            "DPoP"
        } else {
            "Bearer"
        }
        .to_owned(),
        expires_at: token.expires_at().secs(),
        scopes: token.scopes().to_vec(),
        dpop_key: token
            .saved_dpop_key()
            .or_else(|| ask.creds.dpop_private())
            .filter(|_| token.token_type() == TokenType::DPoP)
            .map(|p| p.expose_secret().to_owned()),
    };
    let plain = okta_jwk::__private::Zeroizing::new(serde_json::to_vec(&entry).ok()?);
    ask.secret.seal(&ask.name, &plain)
}
