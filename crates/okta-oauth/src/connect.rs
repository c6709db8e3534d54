//! How the CLI reaches an org: flags first, then the Okta SDKs' environment variables
//! (`OKTA_CLIENT_ORGURL`, `OKTA_CLIENT_CLIENTID`, `OKTA_CLIENT_PRIVATEKEY`, `OKTA_CLIENT_SCOPES`,
//! `OKTA_CLIENT_TOKEN`). Secrets never come through argv: the API token only from the
//! environment or a file, keys only from files (or inline in the environment).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use okta_flows::{
    AuthServer, AuthServerId, DpopMode, Okta, OrgUrl, ServiceCredentials, SswsToken, TokenRequest,
    TokenSource,
};
use okta_jwk::KeyPair;

use crate::files;

/// Where the org is.
#[derive(Debug, Clone, Args)]
pub(crate) struct OrgOpts {
    /// The org URL, `https://example.okta.com` [env: OKTA_CLIENT_ORGURL]
    #[arg(long, global = true)]
    pub(crate) org: Option<String>,
    /// The authorization server that issues tokens: `org` (the org server, the only one that
    /// mints okta.* scopes) or a custom server's id (`default`, `aus…`); `--org
    /// https://example.okta.com/oauth2/default` says the same [env:
    /// OKTA_OAUTH_AUTHORIZATION_SERVER] [default: org]
    #[arg(long, global = true, value_name = "ID")]
    pub(crate) authorization_server: Option<String>,
    /// Allow `http://` for a loopback org (the local emulator) [env: OKTA_OAUTH_ALLOW_HTTP_LOOPBACK=1]
    #[arg(long, global = true)]
    pub(crate) allow_http_loopback: bool,
    /// Read the passphrase of an encrypted private key from this file [env:
    /// OKTA_OAUTH_KEY_PASSPHRASE; on a terminal it is asked for]
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) passphrase_file: Option<PathBuf>,
    /// Print each HTTP exchange on stderr: method, URL (query values hidden), status, time,
    /// request id, rate limit. Never a header value or a body.
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
}

/// The local Okta org `quickstart` starts when no org is given: 25 users, its state kept in
/// `state_file`, and (for the user half) a scripted sign-in of `login`. Returns the org (it
/// stops when dropped), a client for it, its API token and its URL.
pub(crate) fn local_org(
    state_file: PathBuf,
    login: Option<String>,
    verbose: bool,
    out: &crate::out::Out,
) -> Result<(okta_emulator::Emulator, Okta, SswsToken, String)> {
    let mut config = okta_emulator::Config::default();
    config.users = okta_emulator::SeedUsers { count: 25 };
    config.state_file = Some(state_file);
    if login.is_some() {
        // No person at hand: the local org signs this user in without its page.
        config.default_login = login;
    }
    let org = okta_emulator::Emulator::start(config).context("starting the local Okta org")?;
    let url = org.url().to_owned();
    let okta = client(OrgUrl::dangerous_allow_loopback_http(&url)?, verbose)?;
    let ssws = SswsToken::new(org.admin_token());
    out.step(&format!(
        "no --org given: started a local Okta org (okta-emulator) at {url}"
    ));
    Ok((org, okta, ssws, url))
}

/// A client for `org`, tracing to stderr with `-v`.
pub(crate) fn client(org: OrgUrl, verbose: bool) -> Result<Okta> {
    Ok(builder(org, verbose)?.build()?)
}

fn builder(org: OrgUrl, verbose: bool) -> Result<okta_flows::OktaBuilder> {
    let mut builder =
        Okta::builder(org).user_agent(format!("okta-oauth/{}", env!("CARGO_PKG_VERSION")));
    if let Some(proxy) = proxy()? {
        builder = builder.proxy(proxy);
    }
    if verbose {
        builder = builder.trace(|t: &okta_flows::Trace| crate::out::trace(t));
    }
    Ok(builder)
}

/// The proxy: each part from `OKTA_CLIENT_PROXY_{HOST,PORT,USERNAME,PASSWORD}`, else from
/// okta.yaml's `okta.client.proxy`. None when no host is set.
fn proxy() -> Result<Option<okta_flows::ProxyUrl>> {
    let file = crate::config::get()
        .ok()
        .map(|c| c.proxy.clone())
        .unwrap_or_default();
    let part = |name: &str, from_file: Option<String>| {
        std::env::var(format!("OKTA_CLIENT_PROXY_{name}"))
            .ok()
            .filter(|v| !v.is_empty())
            .or(from_file)
    };
    let host = part("HOST", file.host);
    let port = part("PORT", file.port);
    let user = part("USERNAME", file.username);
    let password = part(
        "PASSWORD",
        file.password.map(|p| p.expose_secret().to_owned()),
    );
    let Some(host) = host else {
        if port.is_some() || user.is_some() || password.is_some() {
            bail!(
                "a proxy port, username or password is set but no proxy host (OKTA_CLIENT_PROXY_HOST or okta.client.proxy.host)"
            );
        }
        return Ok(None);
    };
    let port = port
        .map(|p| {
            p.parse::<u16>()
                .with_context(|| format!("the proxy port {p:?} is not a port number"))
        })
        .transpose()?;
    let credentials = match (&user, &password) {
        (Some(u), Some(p)) => Some((u.as_str(), p.as_str())),
        (None, None) => None,
        _ => bail!("a proxy needs both a username and a password, or neither"),
    };
    Ok(Some(okta_flows::ProxyUrl::from_parts(
        &host,
        port,
        credentials,
    )?))
}

impl OrgOpts {
    pub(crate) fn org_text(&self) -> Option<String> {
        self.org
            .clone()
            .or_else(|| std::env::var("OKTA_CLIENT_ORGURL").ok())
            .or_else(|| crate::config::get().ok().and_then(|c| c.org_url.clone()))
            .filter(|s| !s.is_empty())
    }

    pub(crate) fn okta(&self) -> Result<Okta> {
        let text = self
            .org_text()
            .context("no org: give --org https://example.okta.com or set OKTA_CLIENT_ORGURL")?;
        let (org_text, server) = self.server(&text)?;
        let org = self
            .org_url(org_text)
            .with_context(|| format!("the org URL {text:?}"))?;
        let mut builder = builder(org, self.verbose)?;
        if let Some(id) = server {
            builder = builder.authorization_server(AuthServer::Custom(id));
        }
        Ok(builder.build()?)
    }

    /// The org part of `text` and the custom authorization server, if one is chosen: by
    /// `--authorization-server`, `OKTA_OAUTH_AUTHORIZATION_SERVER`, or an org URL ending in
    /// `/oauth2/{id}` (the issuer of a custom server).
    fn server<'t>(&self, text: &'t str) -> Result<(&'t str, Option<AuthServerId>)> {
        let (org, from_url) = OrgUrl::split_issuer(text);
        let named = self.authorization_server.clone().or_else(|| {
            std::env::var("OKTA_OAUTH_AUTHORIZATION_SERVER")
                .ok()
                .filter(|v| !v.is_empty())
        });
        let id = match (named.as_deref(), from_url) {
            (Some(a), Some(b)) if a != b => bail!(
                "the org URL names the authorization server {b:?} but --authorization-server says {a:?}"
            ),
            (Some("org"), _) | (None, None) => return Ok((org, None)),
            (Some(id), _) | (None, Some(id)) => id,
        };
        let id =
            AuthServerId::new(id).with_context(|| format!("the authorization server id {id:?}"))?;
        Ok((org, Some(id)))
    }

    /// A warning when a custom authorization server is asked for scopes it will refuse.
    pub(crate) fn scope_warning(&self, scopes: &[String]) -> Option<String> {
        let text = self.org_text()?;
        let (_, Some(id)) = self.server(&text).ok()? else {
            return None;
        };
        let refused = AuthServer::Custom(id.clone()).refused_scopes(scopes);
        (!refused.is_empty()).then(|| {
            format!(
                "warning: only the org authorization server mints Okta API scopes ({}); the custom server {id} will refuse them. Leave out --authorization-server to use the org server",
                refused.join(" ")
            )
        })
    }

    fn org_url(&self, text: &str) -> okta_flows::Result<OrgUrl> {
        let loopback = self.allow_http_loopback
            || std::env::var("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK").is_ok_and(|v| v == "1");
        if loopback {
            OrgUrl::dangerous_allow_loopback_http(text)
        } else {
            OrgUrl::parse(text)
        }
    }

    /// A client for the origin of `url` (a JWKS URL, which may be on another host than the org:
    /// nothing secret is sent to fetch it). https only, as for an org.
    pub(crate) fn client_for(&self, url: &str) -> Result<Okta> {
        // `scheme://host[:port]`: the part before the path.
        let parts: Vec<&str> = url.splitn(4, '/').collect();
        let origin = match parts.as_slice() {
            [scheme, "", host, ..] if !host.is_empty() => format!("{scheme}//{host}"),
            _ => bail!("{url:?} is not an https:// URL"),
        };
        let org = self
            .org_url(&origin)
            .with_context(|| format!("the JWKS URL {url:?}"))?;
        client(org, self.verbose)
    }
}

/// The Okta API token for admin commands.
#[derive(Debug, Clone, Args)]
pub(crate) struct AdminOpts {
    /// Read the API token from this file (otherwise from OKTA_CLIENT_TOKEN; never from argv)
    #[arg(long, value_name = "FILE", global = true)]
    pub(crate) token_file: Option<PathBuf>,
}

impl AdminOpts {
    pub(crate) fn ssws(&self) -> Result<SswsToken> {
        let token = match &self.token_file {
            Some(path) => Some(SswsToken::new(files::read(path)?.trim())),
            None => std::env::var("OKTA_CLIENT_TOKEN")
                .ok()
                .map(SswsToken::new)
                .or_else(|| crate::config::get().ok().and_then(|c| c.token.clone())),
        };
        match token {
            Some(token) if !token.expose_secret().is_empty() => Ok(token),
            _ => bail!(
                "no API token: set OKTA_CLIENT_TOKEN, give --token-file FILE, or okta.client.token in okta.yaml"
            ),
        }
    }
}

/// A service app's credentials.
#[derive(Debug, Clone, Args)]
pub(crate) struct ServiceOpts {
    /// The service app's client id [env: OKTA_CLIENT_CLIENTID]
    #[arg(long)]
    pub(crate) client_id: Option<String>,
    /// Its private key (PEM or JWK file) [env: OKTA_CLIENT_PRIVATEKEY: a path or the key itself]
    #[arg(long, value_name = "FILE")]
    pub(crate) private_key: Option<PathBuf>,
    /// The kid the key is registered under, when its file does not say (a PEM) [env:
    /// OKTA_CLIENT_KID; okta.yaml: kid, privateKeyId or keyId] [default: the key's own kid, or
    /// its RFC 7638 thumbprint]
    #[arg(long)]
    pub(crate) kid: Option<String>,
    /// The algorithm to sign with, when its file does not say (RS384 or RS512 for an RSA PEM)
    /// [default: the key's own alg, or RS256 / the curve's]
    #[arg(long)]
    pub(crate) alg: Option<String>,
    /// Scopes, space- or comma-separated [env: OKTA_CLIENT_SCOPES]
    #[arg(long)]
    pub(crate) scopes: Option<String>,
    /// DPoP at the token endpoint.
    #[arg(long, value_enum, default_value_t = Dpop::Auto)]
    pub(crate) dpop: Dpop,
    /// Keep tokens in this file between runs (default: the okta-oauth state folder; `none` to
    /// keep nothing)
    #[arg(long, value_name = "FILE")]
    pub(crate) token_cache: Option<PathBuf>,
    /// Share tokens with every process and host that uses this Redis, one token request for
    /// the fleet: redis://HOST:PORT/DB, rediss:// for TLS [env: OKTA_CLIENT_CACHE; okta.yaml:
    /// okta.client.cache]. Entries are encrypted under a key derived from the private key. A
    /// URL with a password is refused here (argv is visible to others): give it in the
    /// environment or okta.yaml
    #[arg(long, value_name = "URL")]
    pub(crate) shared_cache: Option<String>,
}

/// `--dpop`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Dpop {
    /// Use DPoP when the app turns out to require it.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ServiceOpts {
    /// The scopes, as configured (`--scopes`, `OKTA_CLIENT_SCOPES`, okta.yaml), else
    /// `okta.users.read`.
    pub(crate) fn scopes(&self) -> Vec<String> {
        self.configured_scopes()
            .unwrap_or_else(|| vec!["okta.users.read".to_owned()])
    }

    /// The scopes someone configured, if anyone did.
    pub(crate) fn configured_scopes(&self) -> Option<Vec<String>> {
        let text = self
            .scopes
            .clone()
            .or_else(|| std::env::var("OKTA_CLIENT_SCOPES").ok())
            .or_else(|| {
                crate::config::get()
                    .ok()
                    .and_then(|c| c.scopes.clone())
                    .map(|s| s.join(" "))
            })?;
        let list: Vec<String> = text
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        (!list.is_empty()).then_some(list)
    }

    /// The client id, from the flag or `OKTA_CLIENT_CLIENTID`.
    pub(crate) fn client_id(&self) -> Result<okta_assertion::ClientId> {
        let id = self
            .client_id
            .clone()
            .or_else(|| std::env::var("OKTA_CLIENT_CLIENTID").ok())
            .or_else(|| crate::config::get().ok().and_then(|c| c.client_id.clone()));
        let id = id.context("no client id: give --client-id, set OKTA_CLIENT_CLIENTID, or okta.client.clientId in okta.yaml")?;
        Ok(okta_assertion::ClientId::new(id)?)
    }

    /// The private key, from the flag or `OKTA_CLIENT_PRIVATEKEY` (a path or the key itself).
    pub(crate) fn key(&self) -> Result<KeyPair> {
        self.key_text()?
            .parse(self.configured_kid()?, self.configured_alg()?)
    }

    /// The kid to sign with: `--kid`, else `OKTA_CLIENT_KID`, else okta.yaml's kid
    /// (privateKeyId, keyId) for the key okta.yaml names; `None` keeps the key's own.
    fn configured_kid(&self) -> Result<Option<okta_jwk::Kid>> {
        let from_file = || {
            self.private_key
                .is_none()
                .then(|| crate::config::get().ok().and_then(|c| c.kid.clone()))
                .flatten()
        };
        let kid = self
            .kid
            .clone()
            .or_else(|| {
                std::env::var("OKTA_CLIENT_KID")
                    .ok()
                    .filter(|k| !k.is_empty())
            })
            .or_else(from_file);
        kid.map(|k| okta_jwk::Kid::new(k).context("the kid to sign with"))
            .transpose()
    }

    /// `--alg`, checked.
    fn configured_alg(&self) -> Result<Option<okta_jwk::Algorithm>> {
        self.alg
            .as_deref()
            .map(|a| a.parse().with_context(|| format!("--alg {a:?}")))
            .transpose()
    }

    fn key_text(&self) -> Result<KeyText> {
        if let Some(path) = &self.private_key {
            return Ok(KeyText::File(
                path.clone(),
                KeySource::new(files::read(path)?),
            ));
        }
        let value = std::env::var("OKTA_CLIENT_PRIVATEKEY")
            .ok()
            .or_else(|| {
                crate::config::get()
                    .ok()
                    .and_then(|c| c.private_key.as_ref())
                    .map(|k| k.expose_secret().to_owned())
            })
            .context("no private key: give --private-key FILE, set OKTA_CLIENT_PRIVATEKEY, or okta.client.privateKey in okta.yaml")?;
        let trimmed = value.trim_start();
        if trimmed.starts_with("-----BEGIN") || trimmed.starts_with('{') {
            // Inline, as the Okta SDKs allow; `\n` escapes are common in environment values.
            return Ok(KeyText::Inline(KeySource::new(
                okta_jwk::unescape_newlines(&value),
            )));
        }
        if let Some(what) = crate::guard::secret_like(&value).or_else(|| {
            (value.contains('\n') || value.len() > 4096).then_some("text that is not a path")
        }) {
            bail!(
                "the configured private key (OKTA_CLIENT_PRIVATEKEY or okta.client.privateKey) looks like {what}, but neither a PEM key (with its -----BEGIN line) nor a JWK (a JSON object); it is not shown. Give the whole PEM or JWK, or a path to a key file"
            );
        }
        let path = PathBuf::from(value);
        let text = KeySource::new(files::read(&path)?);
        Ok(KeyText::File(path, text))
    }

    /// The key's file, when the key comes from one (not inline).
    pub(crate) fn key_file(&self) -> Option<PathBuf> {
        match self.key_text().ok()? {
            KeyText::File(path, _) => Some(path),
            KeyText::Inline(_) => None,
        }
    }

    /// The credentials. The key file is read now but parsed only if a token must be signed:
    /// a run served by the token cache never starts the crypto library (docs/benchmarks.md).
    pub(crate) fn credentials(&self) -> Result<ServiceCredentials> {
        let mode = match self.dpop {
            Dpop::Auto => DpopMode::Auto,
            Dpop::Always => DpopMode::Always,
            Dpop::Never => DpopMode::Never,
        };
        let text = Arc::new(self.key_text()?);
        let kid = self.configured_kid()?;
        let alg = self.configured_alg()?;
        let loaded = text.clone();
        let signer = okta_flows::LazySigner::from_encoded_key(text.text().as_bytes(), move || {
            let signer: Arc<dyn okta_jwk::Signer> = Arc::new(loaded.parse(kid.clone(), alg)?);
            Ok(signer)
        });
        let id = self.client_id()?;
        Ok(ServiceCredentials::lazy(id, signer).dpop(mode))
    }

    /// A token source for the configured scopes, persisted unless `--token-cache none`.
    pub(crate) fn source(&self, okta: Okta) -> Result<TokenSource> {
        self.source_for(okta, &self.scopes())
    }

    /// A token source for these scopes (a token per scope set, each cached).
    pub(crate) fn source_for(&self, okta: Okta, scopes: &[String]) -> Result<TokenSource> {
        let source = TokenSource::new(okta, self.credentials()?, TokenRequest::scopes(scopes)?);
        let path = self
            .token_cache
            .clone()
            .unwrap_or_else(|| files::state_dir().join("tokens.json"));
        if path == std::path::Path::new("none") {
            return self.shared(source);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            files::private_dir(dir)?;
        }
        if let Some(mode) = files::exposed_mode(&path) {
            crate::out::warn(&format!(
                "warning: {} could be read by others (mode {mode:o}): its tokens are not used, and it is rewritten with mode 600",
                path.display()
            ));
        }
        self.shared(source.persist_to(path))
    }

    /// Adds the shared token store (Redis) when one is configured.
    fn shared(&self, source: TokenSource) -> Result<TokenSource> {
        let (url, from) = match &self.shared_cache {
            Some(url) => (url.clone(), "--shared-cache"),
            None => match std::env::var("OKTA_CLIENT_CACHE")
                .ok()
                .filter(|u| !u.is_empty())
            {
                Some(url) => (url, "OKTA_CLIENT_CACHE"),
                None => match crate::config::get().ok().and_then(|c| c.cache.clone()) {
                    Some(url) => (url.expose_secret().to_owned(), "okta.client.cache"),
                    None => return Ok(source),
                },
            },
        };
        if url == "none" {
            return Ok(source);
        }
        let store =
            okta_flows::RedisStore::open(&url).map_err(|e| anyhow::anyhow!("{from}: {e}"))?;
        if from == "--shared-cache" && url_has_password(&url) {
            bail!(
                "--shared-cache: the URL holds a password, which others could read in the process list; give it in OKTA_CLIENT_CACHE or okta.client.cache instead ({} without it)",
                okta_flows::TokenStore::describe(&store)
            );
        }
        Ok(source
            .store(Arc::new(store))
            .on_store_failure(|e| {
                static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
                if !SAID.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    crate::out::warn(&format!(
                        "warning: the shared token cache {} failed ({}); tokens are fetched and kept without it",
                        e.store(),
                        e.reason()
                    ));
                }
            }))
    }
}

/// Whether a URL carries a password (`redis://:PASSWORD@host`, `redis://user:PASSWORD@host`).
fn url_has_password(url: &str) -> bool {
    url.split_once("://")
        .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or(""))
        .and_then(|authority| authority.rsplit_once('@'))
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

okta_jwk::secret_text!(
    /// A private key's text as read (PEM or JWK), before parsing.
    pub(crate) KeySource
);

/// A private key's text: from a file, or inline in the environment or okta.yaml.
enum KeyText {
    File(PathBuf, KeySource),
    Inline(KeySource),
}

impl KeyText {
    fn text(&self) -> &str {
        match self {
            KeyText::File(_, text) | KeyText::Inline(text) => text.expose_secret(),
        }
    }

    fn parse(
        &self,
        kid: Option<okta_jwk::Kid>,
        alg: Option<okta_jwk::Algorithm>,
    ) -> Result<KeyPair> {
        let text = self.text();
        let key = match self {
            KeyText::File(path, _) => files::parse_private_key(text, path)?,
            KeyText::Inline(_) => {
                files::parse_private_key(text, std::path::Path::new("OKTA_CLIENT_PRIVATEKEY"))
                    .context("reading the inline private key")?
            }
        };
        let key = match alg {
            Some(alg) => key.with_algorithm(alg)?,
            None => key,
        };
        Ok(match kid {
            Some(kid) => key.with_kid(kid),
            None => key,
        })
    }
}
