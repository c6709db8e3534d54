//! Where tokens are kept between runs: the [`TokenStore`] trait, and the file store.
//!
//! A store sees entry names (hashes that name no org, client or scope) and sealed bytes
//! (AES-256-GCM, see [`crate::CacheSecret`]); it never sees a token or a key in clear, whatever
//! store it is.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use okta_assertion::UnixTime;
use okta_jwk::__private::base64url;
use serde::{Deserialize, Serialize};

/// Why a store could not answer: it is down, slow, full or refused the command. Holds no entry
/// and no credential of the store (a Redis password is never in it).
#[derive(Debug, Clone)]
pub struct StoreError {
    store: String,
    reason: String,
    cause: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.store, self.reason)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl StoreError {
    /// An error of the store described as `store` (as [`TokenStore::describe`] says).
    pub fn new(store: impl Into<String>, reason: impl Into<String>) -> StoreError {
        StoreError {
            store: store.into(),
            reason: reason.into(),
            cause: None,
        }
    }

    /// An error of the store described as `store`, caused by `source` (an `io::Error`, whose
    /// kind a caller can then read): the reason is its text.
    pub fn caused_by(
        store: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> StoreError {
        StoreError {
            store: store.into(),
            reason: source.to_string(),
            cause: Some(Arc::new(source)),
        }
    }

    /// Which store failed.
    pub fn store(&self) -> &str {
        &self.store
    }

    /// What failed.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// A store's lock on one entry name, released when dropped.
#[must_use = "the lock is released when this is dropped"]
pub struct StoreLock(Option<Box<dyn FnOnce() + Send>>);

impl StoreLock {
    /// A lock that `release` gives up (it is called once, on drop).
    pub fn new(release: impl FnOnce() + Send + 'static) -> StoreLock {
        StoreLock(Some(Box::new(release)))
    }

    /// A lock with nothing to release (a store that cannot lock: its callers still work, each
    /// fetching its own token).
    pub fn unlocked() -> StoreLock {
        StoreLock(None)
    }
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            release();
        }
    }
}

impl std::fmt::Debug for StoreLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreLock")
    }
}

/// A place tokens are kept between runs and shared between processes: a file on one host
/// ([`FileStore`]), or Redis for a fleet (`RedisStore`, behind the `redis` feature).
///
/// [`crate::TokenSource`] does the rest: it names each entry by a hash of what makes the token
/// (org, authorization server, client, scopes, signing key), seals it, checks it on the way back
/// (an entry it cannot open is a miss, and is replaced), and holds the store's lock while it
/// fetches so that one process fetches for all. An error from a store is never fatal: the source
/// goes on without it.
///
/// A store of your own (a database, memcached) implements five methods; what it is handed is
/// already sealed:
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Mutex;
/// use okta_flows::{StoreError, StoreLock, TokenStore, UnixTime};
///
/// #[derive(Default)]
/// struct InMemory(Mutex<HashMap<String, Vec<u8>>>);
///
/// impl TokenStore for InMemory {
///     fn load(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
///         Ok(self.0.lock().unwrap().get(name).cloned())
///     }
///     fn save(&self, name: &str, sealed: &[u8], _now: UnixTime, _until: UnixTime) -> Result<(), StoreError> {
///         self.0.lock().unwrap().insert(name.to_owned(), sealed.to_vec());
///         Ok(())
///     }
///     fn remove(&self, name: &str) -> Result<(), StoreError> {
///         self.0.lock().unwrap().remove(name);
///         Ok(())
///     }
///     // One process: the source's own single-flight is enough.
///     fn lock(&self, _name: &str) -> Result<Option<StoreLock>, StoreError> {
///         Ok(Some(StoreLock::unlocked()))
///     }
///     fn describe(&self) -> String {
///         "memory".into()
///     }
/// }
/// # let _ = InMemory::default();
/// ```
pub trait TokenStore: Send + Sync {
    /// The sealed entry saved under `name`, if there is one.
    fn load(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Saves a sealed entry under `name` until `expires_at` (by the caller's clock, which reads
    /// `now`); the store may forget it sooner.
    fn save(
        &self,
        name: &str,
        sealed: &[u8],
        now: UnixTime,
        expires_at: UnixTime,
    ) -> Result<(), StoreError>;

    /// Forgets the entry under `name`.
    fn remove(&self, name: &str) -> Result<(), StoreError>;

    /// Takes the lock on `name` for at most [`TokenStore::lock_ttl`]: `Some` when this caller
    /// holds it, `None` when another does (the caller then waits for the entry, polling
    /// [`TokenStore::load`] and retrying the lock, for at most twice `lock_ttl`: time for a dead
    /// holder's lock to expire and for the next holder to fetch). A lock whose holder dies must free itself
    /// (a file lock with the process, a Redis lock at its expiry).
    fn lock(&self, name: &str) -> Result<Option<StoreLock>, StoreError>;

    /// How long a lock outlives a holder that died, and so how soon others take over from it
    /// (default 10 s).
    fn lock_ttl(&self) -> Duration {
        Duration::from_secs(10)
    }

    /// How long others wait for a holder before they fetch without the lock (default twice
    /// [`TokenStore::lock_ttl`]; a store that renews its locks while the holder lives waits
    /// longer than a token request takes).
    fn lock_wait(&self) -> Duration {
        self.lock_ttl().saturating_mul(2)
    }

    /// The store in messages: a path, or a URL without its password.
    fn describe(&self) -> String;
}

/// The file store: one file (mode 0600, replaced atomically) holding every entry, and
/// `<file>.lock` locked across processes while a token is fetched.
#[derive(Debug, Clone)]
pub struct FileStore {
    path: PathBuf,
}

/// The file's contents.
#[derive(Serialize, Deserialize, Default)]
struct Contents {
    /// 2 since entries are sealed; a file of version 1 (tokens in clear) is read as empty and
    /// replaced on the next write.
    version: u32,
    #[serde(default)]
    entries: BTreeMap<String, Saved>,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    /// base64url of the sealed entry.
    sealed: String,
    expires_at: u64,
}

const FILE_VERSION: u32 = 2;

/// The largest token cache file read (thousands of entries).
const MAX_CACHE_FILE: u64 = 8 * 1024 * 1024;

impl FileStore {
    /// The store in this file.
    pub fn new(path: impl Into<PathBuf>) -> FileStore {
        FileStore { path: path.into() }
    }

    /// What the file holds. A file others may read is not used (its entries may have been
    /// copied), and the next write replaces it with a 0600 one.
    fn read(&self) -> Contents {
        match crate::files::read_private_file(&self.path, MAX_CACHE_FILE) {
            crate::files::PrivateRead::Bytes(bytes) => serde_json::from_slice::<Contents>(&bytes)
                .ok()
                .filter(|c| c.version == FILE_VERSION)
                .unwrap_or_default(),
            _ => Contents::default(),
        }
    }

    fn write(&self, contents: &Contents) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(contents).map_err(|e| self.error(e))?;
        crate::files::write_private_file(&self.path, &bytes).map_err(|e| self.error(e))
    }

    fn error(&self, e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        StoreError::caused_by(self.describe(), e)
    }
}

impl TokenStore for FileStore {
    fn load(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .read()
            .entries
            .get(name)
            .and_then(|s| base64url::decode(&s.sealed)))
    }

    /// Called with the lock held (the file's lock covers every entry).
    fn save(
        &self,
        name: &str,
        sealed: &[u8],
        now: UnixTime,
        expires_at: UnixTime,
    ) -> Result<(), StoreError> {
        let mut contents = self.read();
        contents.version = FILE_VERSION;
        contents.entries.retain(|_, s| s.expires_at > now.secs());
        contents.entries.insert(
            name.to_owned(),
            Saved {
                sealed: base64url::encode(sealed),
                expires_at: expires_at.secs(),
            },
        );
        self.write(&contents)
    }

    fn remove(&self, name: &str) -> Result<(), StoreError> {
        let _lock = crate::files::lock_file(&self.path);
        let mut contents = self.read();
        if contents.entries.remove(name).is_some() {
            self.write(&contents)?;
        }
        Ok(())
    }

    /// Waits for the file's lock (a holder that dies releases it with its process). Without a
    /// lock file (a read-only folder) callers still work, just without single-flight.
    fn lock(&self, _name: &str) -> Result<Option<StoreLock>, StoreError> {
        Ok(Some(match crate::files::lock_file(&self.path) {
            Some(file) => StoreLock::new(move || drop(file)),
            None => StoreLock::unlocked(),
        }))
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}
