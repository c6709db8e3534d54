//! A service app's credentials — client id, private key, kid and alg, scopes, DPoP, token
//! caches — each resolved through the run's [`Context`] (flag, environment, profile,
//! okta.yaml). Keys never come through argv: only from files, or inline in the environment or
//! okta.yaml.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};
use okta_flows::{DpopMode, ServiceCredentials, TokenRequest, TokenSource};
use okta_jwk::KeyPair;

use crate::context::{Context, Layers, Setting, Source};
use crate::files;

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
    /// DPoP at the token endpoint [profile: dpop] [default: auto]
    #[arg(long, value_enum)]
    pub(crate) dpop: Option<Dpop>,
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
    /// The scopes, as configured (`--scopes`, `OKTA_CLIENT_SCOPES`, the profile, okta.yaml),
    /// else `okta.users.read`.
    pub(crate) fn scopes(&self, ctx: &Context) -> Result<Vec<String>> {
        Ok(self
            .configured_scopes(ctx)?
            .unwrap_or_else(|| vec!["okta.users.read".to_owned()]))
    }

    /// The scopes someone configured, if anyone did.
    pub(crate) fn configured_scopes(&self, ctx: &Context) -> Result<Option<Vec<String>>> {
        let Some(text) = Layers::flag("--scopes", self.scopes.clone())
            .env("OKTA_CLIENT_SCOPES", |v| v)?
            .profile(ctx, |p| p.scopes.clone())
            .yaml(ctx, |c| c.scopes.as_ref().map(|s| s.join(" ")))
            .get()
        else {
            return Ok(None);
        };
        let list: Vec<String> = crate::config::words(&text.value)
            .into_iter()
            .map(str::to_owned)
            .collect();
        Ok((!list.is_empty()).then_some(list))
    }

    fn client_id_setting(&self, ctx: &Context) -> Result<Option<Setting<String>>> {
        Ok(Layers::flag("--client-id", self.client_id.clone())
            .env("OKTA_CLIENT_CLIENTID", |v| v)?
            .profile(ctx, |p| p.client_id.clone())
            .yaml(ctx, |c| c.client_id.clone())
            .get())
    }

    /// What to give when no client id is set.
    const NO_CLIENT_ID: &'static str = "the service app's client id: give --client-id, set OKTA_CLIENT_CLIENTID, or okta.client.clientId in okta.yaml";
    /// What to give when no private key is set.
    const NO_KEY: &'static str = "the service app's private key: give --private-key FILE, set OKTA_CLIENT_PRIVATEKEY, or okta.client.privateKey in okta.yaml";

    /// Checks that the org, the client id and the private key are set, naming every one
    /// missing at once.
    pub(crate) fn check(&self, ctx: &Context) -> Result<()> {
        let mut missing = Vec::new();
        if ctx.org_setting()?.is_none() {
            missing.push(Context::NO_ORG);
        }
        if self.client_id_setting(ctx)?.is_none() {
            missing.push(Self::NO_CLIENT_ID);
        }
        if self.key_setting(ctx)?.is_none() {
            missing.push(Self::NO_KEY);
        }
        crate::context::missing(&missing)
    }

    /// The client id.
    pub(crate) fn client_id(&self, ctx: &Context) -> Result<okta_assertion::ClientId> {
        let id = self
            .client_id_setting(ctx)?
            .with_context(|| format!("missing {}", Self::NO_CLIENT_ID))?;
        okta_assertion::ClientId::new(&id.value)
            .with_context(|| format!("the client id from {}", id.from))
    }

    /// The private key.
    pub(crate) fn key(&self, ctx: &Context) -> Result<KeyPair> {
        let (text, kid, alg) = self.key_parts(ctx)?;
        text.parse(kid, alg)
    }

    /// Where the key comes from: a path (flag, profile) or a path or the key itself
    /// (environment, okta.yaml).
    fn key_setting(&self, ctx: &Context) -> Result<Option<Setting<KeySetting>>> {
        Ok(Layers::flag(
            "--private-key",
            self.private_key.clone().map(KeySetting::Path),
        )
        .env("OKTA_CLIENT_PRIVATEKEY", |v| {
            KeySetting::Text(KeySource::new(v))
        })?
        .profile(ctx, |p| p.private_key.clone().map(KeySetting::Path))
        .yaml(ctx, |c| {
            c.private_key
                .as_ref()
                .map(|k| KeySetting::Text(KeySource::new(k.expose_secret())))
        })
        .get())
    }

    /// The key's text, and the kid and alg to sign with. A kid or alg from the flags or the
    /// environment applies to any key; one from the profile or okta.yaml only to the key that
    /// layer names (a kid belongs to its key).
    fn key_parts(
        &self,
        ctx: &Context,
    ) -> Result<(KeyText, Option<okta_jwk::Kid>, Option<okta_jwk::Algorithm>)> {
        let key = self
            .key_setting(ctx)?
            .with_context(|| format!("missing {}", Self::NO_KEY))?;
        let text = key.value.read()?;
        let kid = Layers::flag("--kid", self.kid.clone()).env("OKTA_CLIENT_KID", |v| v)?;
        let alg = Layers::flag("--alg", self.alg.clone());
        let (kid, alg) = match &key.from {
            Source::Profile(_) => (
                kid.profile(ctx, |p| p.kid.clone()),
                alg.profile(ctx, |p| p.alg.clone()),
            ),
            Source::OktaYaml => (kid.yaml(ctx, |c| c.kid.clone()), alg),
            _ => (kid, alg),
        };
        let kid = kid
            .get()
            .map(|k| {
                okta_jwk::Kid::new(k.value).with_context(|| format!("the kid from {}", k.from))
            })
            .transpose()?;
        let alg = alg
            .get()
            .map(|a| {
                a.value
                    .parse()
                    .with_context(|| format!("the alg {:?} from {}", a.value, a.from))
            })
            .transpose()?;
        Ok((text, kid, alg))
    }

    /// The key's file, when the key comes from one (not inline).
    pub(crate) fn key_file(&self, ctx: &Context) -> Option<PathBuf> {
        match self.key_setting(ctx).ok()??.value.read().ok()? {
            KeyText::File(path, _) => Some(path),
            KeyText::Inline(_) => None,
        }
    }

    /// DPoP at the token endpoint: `--dpop`, else the profile's, else auto.
    fn dpop(&self, ctx: &Context) -> Result<DpopMode> {
        let from_profile = match &ctx.profile {
            Some((name, p)) => p
                .dpop
                .as_deref()
                .map(|d| {
                    Dpop::from_str(d, true).map_err(|_| {
                        anyhow::anyhow!("profile {name}: dpop {d:?} is not auto, always or never")
                    })
                })
                .transpose()?,
            None => None,
        };
        Ok(match self.dpop.or(from_profile).unwrap_or(Dpop::Auto) {
            Dpop::Auto => DpopMode::Auto,
            Dpop::Always => DpopMode::Always,
            Dpop::Never => DpopMode::Never,
        })
    }

    /// The credentials. The key file is read now but parsed only if a token must be signed:
    /// a run served by the token cache never starts the crypto library (docs/benchmarks.md).
    pub(crate) fn credentials(&self, ctx: &Context) -> Result<ServiceCredentials> {
        Ok(self.resolve(ctx, false)?.credentials())
    }

    /// A token source for the configured scopes, persisted unless `--token-cache none`.
    pub(crate) fn source(&self, ctx: &Context) -> Result<TokenSource> {
        self.source_for(ctx, &self.scopes(ctx)?)
    }

    /// A token source for these scopes (a token per scope set, each cached).
    pub(crate) fn source_for(&self, ctx: &Context, scopes: &[String]) -> Result<TokenSource> {
        Ok(self.sources(ctx)?.make(&okta_flows::Scope::list(scopes)?))
    }

    /// Everything a token source needs, resolved once: [`Sources::make`] then gives one per
    /// scope set (the bridge meets new sets as callers make new calls).
    pub(crate) fn sources(&self, ctx: &Context) -> Result<Sources> {
        self.resolve(ctx, true)
    }

    /// The app's settings, with the token file and shared cache when `stores`.
    fn resolve(&self, ctx: &Context, stores: bool) -> Result<Sources> {
        self.check(ctx)?;
        let mode = self.dpop(ctx)?;
        let (text, kid, alg) = self.key_parts(ctx)?;
        let file = self
            .token_cache
            .clone()
            .unwrap_or_else(|| files::state_dir().join("tokens.json"));
        let file = if !stores || file == std::path::Path::new("none") {
            None
        } else {
            if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                files::private_dir(dir)?;
            }
            if let Some(mode) = files::exposed_mode(&file) {
                crate::out::warn(&format!(
                    "warning: {} could be read by others (mode {mode:o}): its tokens are not used, and it is rewritten with mode 600",
                    file.display()
                ));
            }
            Some(file)
        };
        Ok(Sources {
            okta: ctx.okta()?,
            client_id: self.client_id(ctx)?,
            key: Arc::new(text),
            kid,
            alg,
            mode,
            file,
            shared: if stores { self.shared(ctx)? } else { None },
        })
    }

    /// The shared token store (Redis), when one is configured.
    fn shared(&self, ctx: &Context) -> Result<Option<Arc<dyn okta_flows::TokenStore>>> {
        let Some(setting) = Layers::flag("--shared-cache", self.shared_cache.clone())
            .env("OKTA_CLIENT_CACHE", |v| v)?
            .yaml(ctx, |c| {
                c.cache.as_ref().map(|u| u.expose_secret().to_owned())
            })
            .get()
        else {
            return Ok(None);
        };
        let url = setting.value;
        if url == "none" {
            return Ok(None);
        }
        let from = match &setting.from {
            Source::OktaYaml => "okta.client.cache".to_owned(),
            other => other.to_string(),
        };
        let store =
            okta_flows::RedisStore::open(&url).map_err(|e| anyhow::anyhow!("{from}: {e}"))?;
        if setting.from == Source::Flag("--shared-cache") && url_has_password(&url) {
            bail!(
                "--shared-cache: the URL holds a password, which others could read in the process list; give it in OKTA_CLIENT_CACHE or okta.client.cache instead ({} without it)",
                okta_flows::TokenStore::describe(&store)
            );
        }
        Ok(Some(Arc::new(store)))
    }
}

/// A service app's token sources, one per scope set, from settings resolved once.
pub(crate) struct Sources {
    okta: okta_flows::Okta,
    client_id: okta_assertion::ClientId,
    key: Arc<KeyText>,
    kid: Option<okta_jwk::Kid>,
    alg: Option<okta_jwk::Algorithm>,
    mode: DpopMode,
    file: Option<PathBuf>,
    shared: Option<Arc<dyn okta_flows::TokenStore>>,
}

impl Sources {
    /// The credentials; the key is parsed only when a token must be signed.
    pub(crate) fn credentials(&self) -> ServiceCredentials {
        let (loaded, kid, alg) = (self.key.clone(), self.kid.clone(), self.alg);
        let signer =
            okta_flows::LazySigner::from_encoded_key(self.key.text().as_bytes(), move || {
                let signer: Arc<dyn okta_jwk::Signer> = Arc::new(loaded.parse(kid.clone(), alg)?);
                Ok(signer)
            });
        ServiceCredentials::lazy(self.client_id.clone(), signer).dpop(self.mode)
    }

    /// A token source for `scopes`, kept in the token file and the shared cache.
    pub(crate) fn make(&self, scopes: &[okta_flows::Scope]) -> TokenSource {
        let mut source = TokenSource::new(
            self.okta.clone(),
            self.credentials(),
            TokenRequest::new(scopes.to_vec()),
        );
        if let Some(file) = &self.file {
            source = source.persist_to(file.clone());
        }
        let Some(store) = &self.shared else {
            return source;
        };
        source.store(store.clone()).on_store_failure(|e| {
            static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
            if !SAID.swap(true, std::sync::atomic::Ordering::SeqCst) {
                crate::out::warn(&format!(
                    "warning: the shared token cache {} failed ({}); tokens are fetched and kept without it",
                    e.store(),
                    e.reason()
                ));
            }
        })
    }
}

/// Where a private key is: a path, or text that is the key itself or a path (the Okta SDKs'
/// `OKTA_CLIENT_PRIVATEKEY` and `okta.client.privateKey` take either).
enum KeySetting {
    Path(PathBuf),
    Text(KeySource),
}

impl KeySetting {
    fn read(&self) -> Result<KeyText> {
        let value = match self {
            KeySetting::Path(path) => {
                return Ok(KeyText::File(
                    path.clone(),
                    KeySource::new(files::read(path)?),
                ));
            }
            KeySetting::Text(text) => text.expose_secret(),
        };
        let trimmed = value.trim_start();
        if trimmed.starts_with("-----BEGIN") || trimmed.starts_with('{') {
            // Inline, as the Okta SDKs allow; `\n` escapes are common in environment values.
            return Ok(KeyText::Inline(KeySource::new(
                okta_jwk::unescape_newlines(value),
            )));
        }
        if let Some(what) = crate::guard::secret_like(value).or_else(|| {
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
