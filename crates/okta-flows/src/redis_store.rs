//! The Redis token store: one token per app for a whole fleet (behind the `redis` feature).
//!
//! Redis holds, per entry, a key `okta-flows:entry:<name>` whose value is the sealed entry
//! (AES-256-GCM; Redis never sees a token or a key in clear) and which expires with the token,
//! and while a token is fetched, `okta-flows:lock:<name>` set only if absent, with an expiry and
//! a random owner, deleted only by that owner (a script compares before it deletes).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ring::rand::SecureRandom;

use crate::store::{StoreError, StoreLock, TokenStore};

/// Timeout of each command by default.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(500);

/// How long a lock lasts by default: longer than a token request takes.
const LOCK_TTL: Duration = Duration::from_secs(10);

/// Deletes the lock only if the caller still owns it.
const RELEASE: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// A [`TokenStore`] in Redis (or Valkey), shared by every process and host that uses the same
/// URL: `redis://[user:password@]host[:port][/db]`, `rediss://…` for TLS, `redis+unix:///path`.
///
/// Two parameters of this crate's own may end the URL: `?timeout_ms=500` (connect and command
/// timeouts; the connect timeout is half of it, 250 ms by default) and `lock_ttl_ms=10000`
/// (how long a fetching process holds the lock, and others wait for it).
///
/// ```
/// # #[cfg(feature = "redis")] {
/// let store = okta_flows::RedisStore::open("redis://127.0.0.1:6379/0?lock_ttl_ms=5000").unwrap();
/// assert_eq!(okta_flows::TokenStore::describe(&store), "redis://127.0.0.1:6379/0");
/// # }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    connection: Mutex<Option<redis::Connection>>,
    described: String,
    password: Option<String>,
    connect_timeout: Duration,
    command_timeout: Duration,
    lock_ttl: Duration,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.inner.described)
            .field("lock_ttl", &self.inner.lock_ttl)
            .finish_non_exhaustive()
    }
}

/// Why a Redis URL was refused; never holds its password.
#[derive(Debug, thiserror::Error)]
#[error("the Redis URL is not acceptable: {0}")]
pub struct RedisUrlError(String);

impl RedisStore {
    /// The store at `url`. Nothing is sent until the first token is looked for.
    pub fn open(url: &str) -> Result<RedisStore, RedisUrlError> {
        let mut parsed = url::Url::parse(url).map_err(|e| RedisUrlError(e.to_string()))?;
        let scheme = parsed.scheme();
        if !matches!(
            scheme,
            "redis" | "rediss" | "valkey" | "valkeys" | "redis+unix" | "valkey+unix" | "unix"
        ) {
            return Err(RedisUrlError(format!(
                "the scheme is {scheme:?}; use redis://, rediss:// (TLS) or redis+unix://"
            )));
        }
        let mut timeout = COMMAND_TIMEOUT;
        let mut lock_ttl = LOCK_TTL;
        let mut kept = Vec::new();
        for (name, value) in parsed.query_pairs() {
            let millis = || {
                value
                    .parse::<u64>()
                    .ok()
                    .filter(|&ms| (1..=600_000).contains(&ms))
                    .map(Duration::from_millis)
                    .ok_or_else(|| {
                        RedisUrlError(format!("{name} must be 1 to 600000 milliseconds"))
                    })
            };
            match &*name {
                "timeout_ms" => timeout = millis()?,
                "lock_ttl_ms" => lock_ttl = millis()?,
                _ => kept.push((name.into_owned(), value.into_owned())),
            }
        }
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
        let password = parsed
            .password()
            .map(percent_decoded)
            .filter(|p| !p.is_empty());
        let mut shown = parsed.clone();
        let _ = shown.set_password(None);
        let _ = shown.set_username("");
        shown.set_query(None);
        let client = redis::Client::open(parsed.as_str())
            .map_err(|e| RedisUrlError(scrub(&e.to_string(), password.as_deref())))?;
        Ok(RedisStore {
            inner: Arc::new(Inner {
                client,
                connection: Mutex::new(None),
                described: shown.to_string(),
                password,
                connect_timeout: (timeout / 2).max(Duration::from_millis(1)),
                command_timeout: timeout,
                lock_ttl,
            }),
        })
    }

    /// Connect and command timeouts (by default 250 ms and 500 ms): Redis that does not answer
    /// within them is skipped, and the token fetched without it.
    pub fn timeouts(self, connect: Duration, command: Duration) -> RedisStore {
        self.with(|inner| {
            inner.connect_timeout = connect;
            inner.command_timeout = command;
        })
    }

    /// How long a fetching process holds the lock (by default 10 s): the longest others wait,
    /// and how soon they take over from a holder that died.
    pub fn with_lock_ttl(self, ttl: Duration) -> RedisStore {
        self.with(|inner| inner.lock_ttl = ttl)
    }

    fn with(self, change: impl FnOnce(&mut Inner)) -> RedisStore {
        let mut inner = match Arc::try_unwrap(self.inner) {
            Ok(inner) => inner,
            Err(shared) => Inner {
                client: shared.client.clone(),
                connection: Mutex::new(None),
                described: shared.described.clone(),
                password: shared.password.clone(),
                connect_timeout: shared.connect_timeout,
                command_timeout: shared.command_timeout,
                lock_ttl: shared.lock_ttl,
            },
        };
        change(&mut inner);
        RedisStore {
            inner: Arc::new(inner),
        }
    }
}

impl Inner {
    /// Runs `command` on the connection (made on first use); a failed connection is dropped, so
    /// the next command connects again.
    fn run<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, StoreError> {
        let mut slot = crate::client::lock(&self.connection);
        if slot.is_none() {
            let connection = self
                .client
                .get_connection_with_timeout(self.connect_timeout)
                .map_err(|e| self.error(&e))?;
            connection
                .set_read_timeout(Some(self.command_timeout))
                .and_then(|()| connection.set_write_timeout(Some(self.command_timeout)))
                .map_err(|e| self.error(&e))?;
            *slot = Some(connection);
        }
        let Some(connection) = slot.as_mut() else {
            // INVARIANT: the slot was filled just above.
            return Err(StoreError::new(self.described.clone(), "no connection"));
        };
        let answer = command.query::<T>(connection);
        if answer.is_err() {
            *slot = None;
        }
        answer.map_err(|e| self.error(&e))
    }

    fn error(&self, e: &redis::RedisError) -> StoreError {
        let reason = if e.is_timeout() {
            format!(
                "no answer within {} ms",
                self.command_timeout.max(self.connect_timeout).as_millis()
            )
        } else {
            scrub(&e.to_string(), self.password.as_deref())
        };
        StoreError::new(self.described.clone(), reason)
    }
}

/// Removes a password from a message, should a library ever put it there.
fn scrub(message: &str, password: Option<&str>) -> String {
    match password {
        Some(p) if p.len() >= 3 => message.replace(p, "[redacted]"),
        _ => message.to_owned(),
    }
}

fn percent_decoded(text: &str) -> String {
    url::form_urlencoded::parse(format!("p={text}").as_bytes())
        .next()
        .map_or_else(String::new, |(_, v)| v.into_owned())
}

fn entry_key(name: &str) -> String {
    format!("okta-flows:entry:{name}")
}

fn lock_key(name: &str) -> String {
    format!("okta-flows:lock:{name}")
}

impl TokenStore for RedisStore {
    fn load(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.run(redis::cmd("GET").arg(entry_key(name)))
    }

    fn save(
        &self,
        name: &str,
        sealed: &[u8],
        now: okta_assertion::UnixTime,
        expires_at: okta_assertion::UnixTime,
    ) -> Result<(), StoreError> {
        let Some(seconds) = expires_at.secs().checked_sub(now.secs()).filter(|&s| s > 0) else {
            return Ok(());
        };
        self.inner.run::<()>(
            redis::cmd("SET")
                .arg(entry_key(name))
                .arg(sealed)
                .arg("EX")
                .arg(seconds),
        )
    }

    fn remove(&self, name: &str) -> Result<(), StoreError> {
        self.inner.run::<()>(redis::cmd("DEL").arg(entry_key(name)))
    }

    fn lock(&self, name: &str) -> Result<Option<StoreLock>, StoreError> {
        let mut owner = [0u8; 16];
        ring::rand::SystemRandom::new()
            .fill(&mut owner)
            .map_err(|_| StoreError::new(self.describe(), "no random source for the lock"))?;
        let owner = okta_jwk::__private::base64url::encode(owner);
        let key = lock_key(name);
        let millis = u64::try_from(self.inner.lock_ttl.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let taken: Option<String> = self.inner.run(
            redis::cmd("SET")
                .arg(&key)
                .arg(&owner)
                .arg("NX")
                .arg("PX")
                .arg(millis),
        )?;
        if taken.is_none() {
            return Ok(None);
        }
        let inner = self.inner.clone();
        Ok(Some(StoreLock::new(move || {
            // A release that fails leaves the lock to expire.
            let _ = inner.run::<i64>(redis::cmd("EVAL").arg(RELEASE).arg(1).arg(&key).arg(&owner));
        })))
    }

    fn lock_ttl(&self) -> Duration {
        self.inner.lock_ttl
    }

    fn describe(&self) -> String {
        self.inner.described.clone()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

    use super::*;

    #[test]
    fn urls_are_described_without_credentials_and_checked() {
        let store = RedisStore::open(
            "redis://user:s3cr3t-pass@10.0.0.5:6380/2?timeout_ms=100&lock_ttl_ms=2000",
        )
        .unwrap();
        assert_eq!(store.describe(), "redis://10.0.0.5:6380/2");
        assert_eq!(TokenStore::lock_ttl(&store), Duration::from_millis(2000));
        assert!(!format!("{store:?}").contains("s3cr3t"));
        let err = RedisStore::open("http://127.0.0.1:6379").unwrap_err();
        assert!(err.to_string().contains("redis://"), "{err}");
        let err = RedisStore::open("redis://127.0.0.1?lock_ttl_ms=0").unwrap_err();
        assert!(err.to_string().contains("lock_ttl_ms"), "{err}");
        assert_eq!(
            scrub("AUTH failed for s3cr3t-pass", Some("s3cr3t-pass")),
            "AUTH failed for [redacted]"
        );
    }
}
