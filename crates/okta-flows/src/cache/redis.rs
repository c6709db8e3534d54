//! The Redis token store: one token per app for a whole fleet (behind the `redis` feature).
//!
//! Redis holds, per entry, a key `okta-flows:entry:<name>` whose value is the sealed entry
//! (AES-256-GCM; Redis never sees a token or a key in clear) and which expires with the token,
//! and while a token is fetched, `okta-flows:lock:<name>` set only if absent, with an expiry and
//! a random owner, deleted only by that owner (a script compares before it deletes).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ring::rand::SecureRandom;

use crate::cache::store::{StoreError, StoreLock, TokenStore};

/// Timeout of each command by default.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(500);

/// How long a lock outlives its holder by default: the holder renews it every third of this while
/// it lives, so one that dies stalls the others about this long.
const LOCK_TTL: Duration = Duration::from_secs(2);

/// How long the others wait for a live holder (renewing its lock) before fetching without it:
/// longer than a token request takes.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Deletes the lock only if the caller still owns it.
const RELEASE: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// Extends the lock by ARGV[2] ms only if the caller still owns it.
const RENEW: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

/// A [`TokenStore`] in Redis (or Valkey), shared by every process and host that uses the same
/// URL: `redis://[user:password@]host[:port][/db]`, `rediss://…` for TLS, `redis+unix:///path`;
/// a Redis Cluster as `redis+cluster://host:port,host:port` (`rediss+cluster://` for TLS); the
/// master of Redis Sentinels as `redis+sentinel://[user:password@]host:26379,…/MASTER[/DB]`
/// (the credentials are the master's; each Sentinel is asked in turn within the timeouts, and
/// the server it names must answer `ROLE` as a master).
///
/// Parameters of this crate's own may end the URL: `?timeout_ms=500` (the command timeout; the
/// connect timeout is half of it, 250 ms by default), `lock_ttl_ms=2000` (how long the lock of a
/// fetching process outlives it: the process renews it every third of that while it lives, so a
/// holder that dies stalls the others about that long; they wait up to 30 s for a live one), and
/// for TLS `ca_file=/path/ca.pem` (the CA
/// certificates to check the servers against instead of the system's).
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
    target: Target,
    connection: Mutex<Option<Connection>>,
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

/// Where the store is.
#[derive(Clone)]
enum Target {
    /// One server.
    Single(redis::Client),
    /// A Redis Cluster, from any of its nodes.
    Cluster(redis::cluster::ClusterClient),
    /// The master a set of Sentinels names: asked of each in turn, within the timeouts.
    Sentinel {
        sentinels: Vec<redis::Client>,
        service: String,
        /// The master's URL, `{}` standing for its `host:port`.
        master: String,
        /// The CA certificates (PEM) its TLS servers are checked against, when not the system's.
        ca: Option<Vec<u8>>,
    },
}

enum Connection {
    Single(redis::Connection),
    Cluster(Box<redis::cluster::ClusterConnection>),
}

/// Why a Redis URL was refused; never holds its password.
#[derive(Debug, thiserror::Error)]
#[error("the Redis URL is not acceptable: {0}")]
pub struct RedisUrlError(String);

impl RedisStore {
    /// The store at `url`. Nothing is sent until the first token is looked for.
    pub fn open(url: &str) -> Result<RedisStore, RedisUrlError> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| RedisUrlError("it has no scheme (redis://…)".into()))?;
        let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut timeout = COMMAND_TIMEOUT;
        let mut lock_ttl = LOCK_TTL;
        let mut ca_file = None;
        let mut kept = Vec::new();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
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
                "ca_file" => ca_file = Some(value.into_owned()),
                // The redis crate's own: the protocol anywhere, and for a Unix socket the
                // database and the credentials. It ignores every other name, so a misspelt
                // parameter would be dropped without a word.
                "protocol" => kept.push((name.into_owned(), value.into_owned())),
                "db" | "user" | "pass" if scheme.ends_with("+unix") || scheme == "unix" => {
                    kept.push((name.into_owned(), value.into_owned()));
                }
                other => {
                    return Err(RedisUrlError(format!(
                        "unknown parameter {:?}: this crate's are timeout_ms, lock_ttl_ms and \
                         ca_file; Redis's are protocol, and db, user and pass for a Unix socket",
                        safe_name(other)
                    )));
                }
            }
        }
        let kept: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(kept)
            .finish();
        let (authority, path) = before_query
            .find('/')
            .map_or((before_query, ""), |at| before_query.split_at(at));
        let (userinfo, hosts) = authority.rsplit_once('@').unwrap_or(("", authority));
        let password = userinfo
            .split_once(':')
            .map(|(_, p)| percent_decoded(p))
            .filter(|p| !p.is_empty());
        let scrubbed =
            |e: redis::RedisError| RedisUrlError(scrub(&e.to_string(), password.as_deref()));
        if ca_file.is_some() && !scheme.starts_with("rediss") && !scheme.starts_with("valkeys") {
            return Err(RedisUrlError(
                "ca_file is for TLS: use rediss:// (or rediss+cluster://, rediss+sentinel://)"
                    .into(),
            ));
        }
        let ca = match &ca_file {
            Some(path) => Some(read_ca(std::path::Path::new(path))?),
            None => None,
        };
        let open = |url: &str| client_for(url, ca.as_ref());
        let at = if userinfo.is_empty() {
            String::new()
        } else {
            format!("{userinfo}@")
        };
        let (target, described) = match scheme {
            "redis" | "rediss" | "valkey" | "valkeys" | "redis+unix" | "valkey+unix" | "unix" => {
                let mut whole = format!("{scheme}://{before_query}");
                if !kept.is_empty() {
                    whole = format!("{whole}?{kept}");
                }
                let mut shown =
                    url::Url::parse(&whole).map_err(|e| RedisUrlError(e.to_string()))?;
                let _ = shown.set_password(None);
                let _ = shown.set_username("");
                shown.set_query(None);
                let client = open(whole.as_str()).map_err(scrubbed)?;
                (Target::Single(client), shown.to_string())
            }
            "redis+cluster" | "rediss+cluster" | "valkey+cluster" | "valkeys+cluster" => {
                let base = scheme.trim_end_matches("+cluster");
                let nodes: Vec<String> = node_list(hosts)?
                    .iter()
                    .map(|h| format!("{base}://{at}{h}"))
                    .collect();
                let mut builder = redis::cluster::ClusterClientBuilder::new(nodes)
                    .connection_timeout((timeout / 2).max(Duration::from_millis(1)))
                    .response_timeout(timeout);
                if let Some(root) = &ca {
                    builder = builder.certs(tls_roots(root));
                }
                let client = builder.build().map_err(scrubbed)?;
                (Target::Cluster(client), format!("{scheme}://{hosts}"))
            }
            "redis+sentinel" | "rediss+sentinel" => {
                let base = scheme.trim_end_matches("+sentinel");
                let mut segments = path.split('/').filter(|s| !s.is_empty());
                let service = segments.next().ok_or_else(|| {
                    RedisUrlError(
                        "a Sentinel URL names the master after the hosts: redis+sentinel://HOST:26379,…/MASTER[/DB]".into(),
                    )
                })?;
                let db = segments.next().unwrap_or("0");
                if db.parse::<u16>().is_err() || segments.next().is_some() {
                    return Err(RedisUrlError(
                        "after the master's name comes only the database number".into(),
                    ));
                }
                let sentinels = node_list(hosts)?
                    .iter()
                    .map(|h| open(format!("{base}://{h}").as_str()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(scrubbed)?;
                (
                    Target::Sentinel {
                        sentinels,
                        service: service.to_owned(),
                        master: format!("{base}://{at}{{}}/{db}"),
                        ca: ca.clone(),
                    },
                    format!("{scheme}://{hosts}/{service}/{db}"),
                )
            }
            other => {
                return Err(RedisUrlError(format!(
                    "the scheme is {other:?}; use redis://, rediss:// (TLS), redis+unix://, redis+cluster:// or redis+sentinel://"
                )));
            }
        };
        Ok(RedisStore {
            inner: Arc::new(Inner {
                target,
                connection: Mutex::new(None),
                described,
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

    /// How long the lock of a fetching process outlives it (by default 2 s; renewed every third
    /// of it while the process lives): how soon the others take over from a holder that died.
    pub fn with_lock_ttl(self, ttl: Duration) -> RedisStore {
        self.with(|inner| inner.lock_ttl = ttl)
    }

    fn with(self, change: impl FnOnce(&mut Inner)) -> RedisStore {
        let mut inner = match Arc::try_unwrap(self.inner) {
            Ok(inner) => inner,
            Err(shared) => Inner {
                target: shared.target.clone(),
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
        let mut slot = crate::http::client::lock(&self.connection);
        let connection = match slot.take() {
            Some(connection) => slot.insert(connection),
            None => slot.insert(self.connect().map_err(|e| self.error(&e))?),
        };
        let answer = match connection {
            Connection::Single(c) => command.query::<T>(c),
            Connection::Cluster(c) => command.query::<T>(&mut **c),
        };
        if answer.is_err() {
            *slot = None;
        }
        answer.map_err(|e| self.error(&e))
    }

    fn connect(&self) -> redis::RedisResult<Connection> {
        match &self.target {
            Target::Single(client) => self.single(client).map(Connection::Single),
            Target::Cluster(client) => {
                let connection = client.get_connection()?;
                connection.set_read_timeout(Some(self.command_timeout))?;
                connection.set_write_timeout(Some(self.command_timeout))?;
                Ok(Connection::Cluster(Box::new(connection)))
            }
            Target::Sentinel {
                sentinels,
                service,
                master,
                ca,
            } => {
                let mut last = None;
                for sentinel in sentinels {
                    match self.master_of(sentinel, service, master, ca.as_ref()) {
                        Ok(connection) => return Ok(Connection::Single(connection)),
                        Err(e) => last = Some(e),
                    }
                }
                Err(last.unwrap_or_else(|| {
                    redis::RedisError::from((redis::ErrorKind::InvalidClientConfig, "no Sentinel"))
                }))
            }
        }
    }

    /// A connection with this store's timeouts.
    fn single(&self, client: &redis::Client) -> redis::RedisResult<redis::Connection> {
        let connection = client.get_connection_with_timeout(self.connect_timeout)?;
        connection.set_read_timeout(Some(self.command_timeout))?;
        connection.set_write_timeout(Some(self.command_timeout))?;
        Ok(connection)
    }

    /// Asks one Sentinel for the master of `service`, connects to it, and checks that it is one
    /// (a Sentinel may answer with a master it has not yet seen demoted).
    fn master_of(
        &self,
        sentinel: &redis::Client,
        service: &str,
        master: &str,
        ca: Option<&Vec<u8>>,
    ) -> redis::RedisResult<redis::Connection> {
        let mut asked = self.single(sentinel)?;
        let address: Option<(String, u16)> = redis::cmd("SENTINEL")
            .arg("get-master-addr-by-name")
            .arg(service)
            .query(&mut asked)?;
        let Some((host, port)) = address else {
            return Err(redis::RedisError::from((
                redis::ErrorKind::InvalidClientConfig,
                "the Sentinel knows no such master",
            )));
        };
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host
        };
        let url = master.replace("{}", &format!("{host}:{port}"));
        let mut connection = self.single(&client_for(&url, ca)?)?;
        let role: Vec<redis::Value> = redis::cmd("ROLE").query(&mut connection)?;
        match role.first() {
            Some(redis::Value::BulkString(r)) if r == b"master" => Ok(connection),
            _ => Err(redis::RedisError::from((
                redis::ErrorKind::InvalidClientConfig,
                "the server the Sentinel named is not a master (yet)",
            ))),
        }
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

/// A client for `url`, checking TLS servers against `ca` when given (else the system's CAs).
fn client_for(url: &str, ca: Option<&Vec<u8>>) -> redis::RedisResult<redis::Client> {
    match ca {
        Some(root) => redis::Client::build_with_tls(url, tls_roots(root)),
        None => redis::Client::open(url),
    }
}

fn tls_roots(root: &[u8]) -> redis::TlsCertificates {
    redis::TlsCertificates {
        client_tls: None,
        root_cert: Some(root.to_vec()),
    }
}

/// A parameter's name as given, cut short and without control characters, for an error.
fn safe_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// The CA certificates of `?ca_file=`: PEM, at most 1 MiB.
fn read_ca(path: &std::path::Path) -> Result<Vec<u8>, RedisUrlError> {
    use std::io::Read as _;
    let refuse = |why: String| RedisUrlError(format!("ca_file {}: {why}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| refuse(e.to_string()))?;
    if !file
        .metadata()
        .map_err(|e| refuse(e.to_string()))?
        .is_file()
    {
        return Err(refuse("not a file".into()));
    }
    let mut pem = Vec::new();
    file.take(1024 * 1024 + 1)
        .read_to_end(&mut pem)
        .map_err(|e| refuse(e.to_string()))?;
    if pem.len() > 1024 * 1024 || !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(refuse(
            "not a PEM file of certificates (at most 1 MiB)".into(),
        ));
    }
    Ok(pem)
}

/// `host:port,host:port` as a list, each checked to be there.
fn node_list(hosts: &str) -> Result<Vec<&str>, RedisUrlError> {
    let nodes: Vec<&str> = hosts.split(',').map(str::trim).collect();
    if nodes.iter().any(|n| n.is_empty()) {
        return Err(RedisUrlError(
            "list the nodes as HOST:PORT,HOST:PORT with none empty".into(),
        ));
    }
    Ok(nodes)
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
        // The lease: renewed while this process lives, so it outlives a holder that died by
        // `lock_ttl` at most, however long the fetch takes.
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let renewer = {
            let (inner, key, owner) = (self.inner.clone(), key.clone(), owner.clone());
            let every = (self.inner.lock_ttl / 3).max(Duration::from_millis(1));
            std::thread::Builder::new()
                .name("okta-flows-lock-lease".into())
                .spawn(move || {
                    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                        stopped.recv_timeout(every)
                    {
                        let renewed = inner.run::<i64>(
                            redis::cmd("EVAL")
                                .arg(RENEW)
                                .arg(1)
                                .arg(&key)
                                .arg(&owner)
                                .arg(millis),
                        );
                        // Lost (expired and taken) or Redis gone: the others go on without it.
                        if !matches!(renewed, Ok(1)) {
                            return;
                        }
                    }
                })
        };
        let inner = self.inner.clone();
        Ok(Some(StoreLock::new(move || {
            drop(stop);
            if let Ok(renewer) = renewer {
                let _ = renewer.join();
            }
            // A release that fails leaves the lock to expire.
            let _ = inner.run::<i64>(redis::cmd("EVAL").arg(RELEASE).arg(1).arg(&key).arg(&owner));
        })))
    }

    fn lock_ttl(&self) -> Duration {
        self.inner.lock_ttl
    }

    fn lock_wait(&self) -> Duration {
        LOCK_WAIT.max(self.inner.lock_ttl.saturating_mul(2))
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
        let cluster =
            RedisStore::open("redis+cluster://:pw-1234@10.0.0.1:7000,10.0.0.2:7000").unwrap();
        assert_eq!(
            cluster.describe(),
            "redis+cluster://10.0.0.1:7000,10.0.0.2:7000"
        );
        let sentinel =
            RedisStore::open("redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/svc/3").unwrap();
        assert_eq!(
            sentinel.describe(),
            "redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/svc/3"
        );
        for (bad, says) in [
            ("redis+sentinel://10.0.0.1:26379", "names the master"),
            ("redis+sentinel://10.0.0.1:26379/svc/x", "database number"),
            ("redis+cluster://10.0.0.1:7000,,10.0.0.2:7000", "none empty"),
            (
                "redis://127.0.0.1?ca_file=/etc/hostname",
                "ca_file is for TLS",
            ),
            ("rediss://127.0.0.1?ca_file=/etc/hostname", "not a PEM file"),
            (
                "rediss://127.0.0.1?ca_file=/nonexistent/ca.pem",
                "ca_file /nonexistent/ca.pem",
            ),
            ("127.0.0.1:6379", "no scheme"),
            // On main a misspelt parameter went to the redis crate, which ignores it: the
            // command timeout stayed 500 ms without a word.
            (
                "redis://127.0.0.1?timout_ms=5",
                "unknown parameter \"timout_ms\"",
            ),
            ("redis://127.0.0.1?db=2", "unknown parameter \"db\""),
            ("redis://127.0.0.1?protocol=resp9", "protocol"),
        ] {
            let err = RedisStore::open(bad).unwrap_err().to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
        assert_eq!(
            scrub("AUTH failed for s3cr3t-pass", Some("s3cr3t-pass")),
            "AUTH failed for [redacted]"
        );
    }
}
