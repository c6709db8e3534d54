//! The token cache file: mode 0600, replaced atomically, locked across processes, keyed by
//! everything that makes a token (org, server, client, scopes, signing key).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use okta_assertion::UnixTime;
use okta_jwk::__private::base64url;
use okta_jwk::PrivateJwk;
use serde::{Deserialize, Serialize};

use crate::client::{AuthServer, Okta};
use crate::error::Result;
use crate::secrets::AccessToken;
use crate::tokens::{BoundKey, ServiceCredentials, Token, TokenRequest, TokenType};

/// One saved token. Written only to a 0600 file.
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

#[derive(Serialize, Deserialize, Default)]
struct Contents {
    version: u32,
    tokens: BTreeMap<String, Entry>,
    /// Per org and client (a hash of both), kept when its tokens expire.
    #[serde(default)]
    dpop: BTreeMap<String, DpopHint>,
}

/// A saved nonce older than this is not offered (Okta changes its nonce daily).
const NONCE_KEPT: u64 = 24 * 3600;

/// The largest token cache file read (thousands of entries).
const MAX_CACHE_FILE: u64 = 8 * 1024 * 1024;

pub(crate) struct FileCache {
    path: PathBuf,
}

impl FileCache {
    pub(crate) fn new(path: PathBuf) -> FileCache {
        FileCache { path }
    }

    /// The entry name: a hash of what makes the token, so the file names no client or scope.
    fn key(okta: &Okta, creds: &ServiceCredentials, request: &TokenRequest) -> String {
        let server = match &okta.shared.server {
            AuthServer::Org => String::new(),
            AuthServer::Custom(id) => id.to_string(),
        };
        let mut scopes: Vec<&str> = request.requested().iter().map(|s| s.as_str()).collect();
        scopes.sort_unstable();
        let identity = format!(
            "{}\n{server}\n{}\n{}\n{}",
            okta.shared.org.as_str(),
            creds.client_id().as_str(),
            scopes.join(" "),
            creds.key_identity().as_str()
        );
        sha256_b64(identity.as_bytes())
    }

    /// The name of an app's DPoP hint: a hash of the org, the server and the client.
    fn hint_key(okta: &Okta, creds: &ServiceCredentials) -> String {
        let server = match &okta.shared.server {
            AuthServer::Org => String::new(),
            AuthServer::Custom(id) => id.to_string(),
        };
        let identity = format!(
            "dpop\n{}\n{server}\n{}",
            okta.shared.org.as_str(),
            creds.client_id().as_str()
        );
        sha256_b64(identity.as_bytes())
    }

    /// The cached token if it is good for `margin` more seconds; otherwise `fetch` one (holding
    /// the lock, so other processes wait for it instead of fetching their own) and save it.
    pub(crate) fn get_or_fetch(
        &self,
        okta: &Okta,
        creds: &ServiceCredentials,
        request: &TokenRequest,
        margin: u64,
        fetch: impl FnOnce() -> Result<Token>,
    ) -> Result<Token> {
        let key = FileCache::key(okta, creds, request);
        let _lock = self.lock();
        let mut contents = self.read();
        let now = okta.now().secs();
        if let Some(token) = contents
            .tokens
            .get(&key)
            .and_then(|e| restore(e, now, margin))
        {
            return Ok(token);
        }
        let hint_key = FileCache::hint_key(okta, creds);
        let origin = okta.shared.org.as_str().to_owned();
        if let Some(hint) = contents.dpop.get(&hint_key) {
            if hint.required {
                okta.shared.dpop.set_required(creds.client_id().as_str());
            }
            if okta.shared.dpop.nonce(&origin).is_none()
                && now.saturating_sub(hint.nonce_seen) < NONCE_KEPT
            {
                okta.shared
                    .dpop
                    .remember_nonce(&origin, hint.nonce.as_deref());
            }
        }
        let token = fetch()?;
        let required = token.token_type() == TokenType::DPoP
            || okta.shared.dpop.is_required(creds.client_id().as_str());
        let hint = DpopHint {
            required,
            nonce: okta
                .shared
                .dpop
                .nonce(&origin)
                .map(|n| n.as_str().to_owned()),
            nonce_seen: now,
        };
        contents.dpop.insert(hint_key, hint);
        contents.tokens.retain(|_, e| e.expires_at > now);
        contents.tokens.insert(key, save(&token, creds));
        contents.version = 1;
        // A cache that cannot be written costs a token request next time, nothing more.
        let _ = self.write(&contents);
        Ok(token)
    }

    pub(crate) fn forget(&self, okta: &Okta, creds: &ServiceCredentials, request: &TokenRequest) {
        let _lock = self.lock();
        let mut contents = self.read();
        if contents
            .tokens
            .remove(&FileCache::key(okta, creds, request))
            .is_some()
        {
            let _ = self.write(&contents);
        }
    }

    fn lock(&self) -> Option<File> {
        lock_file(&self.path)
    }

    /// What the file holds. A file others may read is not used: its tokens may have been copied,
    /// and the next write replaces it with a 0600 one.
    fn read(&self) -> Contents {
        match crate::files::read_private_file(&self.path, MAX_CACHE_FILE) {
            crate::files::PrivateRead::Bytes(bytes) => {
                serde_json::from_slice(&bytes).unwrap_or_default()
            }
            _ => Contents::default(),
        }
    }

    fn write(&self, contents: &Contents) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(contents).map_err(std::io::Error::other)?;
        crate::files::write_private_file(&self.path, &bytes)
    }
}

/// An exclusive lock on `<file>.lock`, released when dropped. Without a lock file (a read-only
/// folder), callers still work, just without cross-process single-flight.
pub(crate) fn lock_file(path: &Path) -> Option<File> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(PathBuf::from(name)).ok()?;
    file.lock().ok()?;
    Some(file)
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

fn save(token: &Token, creds: &ServiceCredentials) -> Entry {
    Entry {
        access_token: token.access_token().expose_secret().to_owned(),
        token_type: if token.token_type() == TokenType::DPoP {
            "DPoP"
        } else {
            "Bearer"
        }
        .to_owned(),
        expires_at: token.expires_at().secs(),
        scopes: token.scopes().to_vec(),
        dpop_key: creds
            .dpop_private()
            .filter(|_| token.token_type() == TokenType::DPoP)
            .map(|p| p.expose_secret().to_owned()),
    }
}

/// base64url(SHA-256(bytes)): how cache entries and deferred keys are named.
pub(crate) fn sha256_b64(bytes: &[u8]) -> String {
    base64url::encode(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}
