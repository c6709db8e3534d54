//! `login`: sign a person in to an OIDC app — Authorization Code + PKCE through the browser, or
//! the device grant (RFC 8628) from a host with none — and keep their tokens for `api --user`.
//! The app's client authentication comes from flags, the environment or okta.yaml, never argv.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use okta_flows::{ClientAuth, ClientId, ClientSecret, Fix, ServiceCredentials, UserTokenSource};
use serde_json::json;

use crate::context::{Context, Layers};
use crate::files;
use crate::out::Out;

/// The redirect URI `login` listens on by default, and `app create` registers by default.
pub(crate) const DEFAULT_REDIRECT: &str = "http://127.0.0.1:8765/callback";

/// `--client-auth`: how the app proves itself at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ClientAuthArg {
    /// `client_secret_post`: the secret in the request body (Okta's guide for a web app).
    Post,
    /// `client_secret_basic`: the secret in an `Authorization: Basic` header.
    Basic,
    /// `private_key_jwt`: an assertion signed with --client-key.
    PrivateKey,
    /// None: a public native or single-page app (PKCE alone).
    None,
}

/// The app a person signs in to and how it authenticates.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct LoginClient {
    /// The app's client id [env: OKTA_OAUTH2_CLIENT_ID; okta.yaml: okta.oauth2.clientId;
    /// else OKTA_CLIENT_CLIENTID]
    #[arg(long)]
    pub(crate) client_id: Option<String>,
    /// Read a web app's client secret from this file (`-`: standard input) [env:
    /// OKTA_OAUTH2_CLIENT_SECRET; okta.yaml: okta.oauth2.clientSecret]. Never from argv
    #[arg(long, value_name = "FILE")]
    pub(crate) client_secret_file: Option<PathBuf>,
    /// Authenticate the app with this private key (`private_key_jwt`) instead of a secret
    #[arg(long, value_name = "FILE")]
    pub(crate) client_key: Option<PathBuf>,
    /// How the app authenticates at the token endpoint [default: post with a secret,
    /// private-key with --client-key, none otherwise]
    #[arg(long, value_enum)]
    pub(crate) client_auth: Option<ClientAuthArg>,
}

/// What `ClientAuth` borrows from: the client id and the secret or key, owned.
pub(crate) struct HeldClient {
    pub(crate) client_id: ClientId,
    /// Whether the client id came from the latest sign-in (nothing else named one).
    pub(crate) from_latest_sign_in: bool,
    method: ClientAuthArg,
    secret: Option<ClientSecret>,
    key: Option<ServiceCredentials>,
    pair: Option<Arc<okta_jwk::KeyPair>>,
}

impl HeldClient {
    pub(crate) fn auth(&self) -> ClientAuth<'_> {
        match (self.method, &self.secret, &self.key) {
            (ClientAuthArg::Post, Some(secret), _) => ClientAuth::Secret {
                client_id: &self.client_id,
                secret,
            },
            (ClientAuthArg::Basic, Some(secret), _) => ClientAuth::SecretBasic {
                client_id: &self.client_id,
                secret,
            },
            (ClientAuthArg::PrivateKey, _, Some(key)) => ClientAuth::PrivateKeyJwt(key),
            _ => ClientAuth::Public(&self.client_id),
        }
    }

    /// A token store that refreshes with the same client authentication, its file sealed under
    /// a secret only the app's holder has: derived from the client secret or the private key,
    /// or, for a public app, a random one kept in the OS keyring (else in a 0600 file).
    pub(crate) fn store(&self, ctx: &Context, okta: okta_flows::Okta) -> UserTokenSource {
        let path = sign_in_file(ctx, &okta, &self.client_id);
        let secret = match (&self.secret, &self.pair) {
            (Some(secret), _) => Some(okta_flows::CacheSecret::from_client_secret(secret)),
            (None, Some(pair)) => okta_flows::CacheSecret::from_signer(&**pair),
            (None, None) => path.parent().and_then(|dir| kept_secret(dir).ok()),
        };
        let store = UserTokenSource::new(okta, self.client_id.clone(), path);
        let store = match secret {
            Some(secret) => store.sealed(secret),
            None => store,
        };
        match (self.method, &self.secret, &self.key) {
            (ClientAuthArg::Post, Some(secret), _) => store.with_secret(secret.clone()),
            (ClientAuthArg::Basic, Some(secret), _) => store.with_secret_basic(secret.clone()),
            (ClientAuthArg::PrivateKey, _, Some(_)) => match &self.pair {
                Some(pair) => store.with_private_key(ServiceCredentials::new(
                    self.client_id.clone(),
                    pair.clone(),
                )),
                None => store,
            },
            _ => store,
        }
    }

    fn described(&self) -> &'static str {
        match self.method {
            ClientAuthArg::Post => "client_secret_post",
            ClientAuthArg::Basic => "client_secret_basic",
            ClientAuthArg::PrivateKey => "private_key_jwt",
            ClientAuthArg::None => "none (PKCE)",
        }
    }
}

impl LoginClient {
    /// The client id: the flag, `OKTA_OAUTH2_CLIENT_ID`, the profile's sign-in app, okta.yaml's
    /// `okta.oauth2.clientId`, and last (for `api --user`) the app of the latest sign-in.
    fn client_id(&self, ctx: &Context, saved: bool) -> Result<(ClientId, bool)> {
        let id = Layers::flag("--client-id", self.client_id.clone())
            .env("OKTA_OAUTH2_CLIENT_ID", |v| v)?
            .profile(ctx, |p| p.login.as_ref().and_then(|l| l.client_id.clone()))
            .yaml(ctx, |c| c.login_client_id.clone())
            .get();
        match id {
            Some(id) => Ok((
                ClientId::new(&id.value)
                    .with_context(|| format!("the sign-in app's client id from {}", id.from))?,
                false,
            )),
            None => saved
                .then(|| latest_sign_in(ctx))
                .flatten()
                .map(|id| (id, true))
                .context(
                    "missing the sign-in app's client id: give --client-id, set OKTA_OAUTH2_CLIENT_ID, or okta.oauth2.clientId in okta.yaml (quickstart --user and app create --type remember it in the profile)",
                ),
        }
    }

    fn secret(&self, ctx: &Context) -> Result<Option<ClientSecret>> {
        let file = self.client_secret_file.clone().or_else(|| {
            crate::env::text("OKTA_OAUTH2_CLIENT_SECRET")
                .ok()
                .flatten()
                .is_none()
                .then(|| {
                    ctx.profile
                        .as_ref()
                        .and_then(|(_, p)| p.login.as_ref()?.client_secret_file.clone())
                })
                .flatten()
        });
        if let Some(path) = &file {
            if let Some(mode) = files::exposed_mode(path) {
                crate::out::warn(&format!(
                    "warning: {} could be read by others (mode {mode:o}); keep a client secret in a file only you can read (chmod 600)",
                    files::shown(path)
                ));
            }
            let text = files::read(path)?;
            let secret = text.trim();
            anyhow::ensure!(
                !secret.is_empty() && !secret.contains(char::is_whitespace),
                "{} holds no client secret (one line of text)",
                files::shown(path)
            );
            return Ok(Some(ClientSecret::new(secret)));
        }
        if let Some(s) = crate::env::text("OKTA_OAUTH2_CLIENT_SECRET")? {
            return Ok(Some(ClientSecret::new(s.trim())));
        }
        Ok(ctx.yaml.login_client_secret.clone())
    }

    /// The client and its authentication, checked against each other.
    pub(crate) fn held(&self, ctx: &Context, saved: bool) -> Result<HeldClient> {
        let (client_id, from_latest_sign_in) = self.client_id(ctx, saved)?;
        let secret = self.secret(ctx)?;
        let pair = match &self.client_key {
            Some(path) => Some(Arc::new(files::private_key(path)?)),
            None => None,
        };
        let key = pair
            .as_ref()
            .map(|p| ServiceCredentials::new(client_id.clone(), p.clone()));
        let method = match (self.client_auth, &secret, &key) {
            (Some(m), ..) => m,
            (None, _, Some(_)) => ClientAuthArg::PrivateKey,
            (None, Some(_), None) => ClientAuthArg::Post,
            (None, None, None) => ClientAuthArg::None,
        };
        match method {
            ClientAuthArg::Post | ClientAuthArg::Basic if secret.is_none() => anyhow::bail!(
                "--client-auth {} needs the app's client secret: give --client-secret-file FILE, set OKTA_OAUTH2_CLIENT_SECRET, or okta.oauth2.clientSecret in okta.yaml",
                if method == ClientAuthArg::Post {
                    "post"
                } else {
                    "basic"
                }
            ),
            ClientAuthArg::PrivateKey if key.is_none() => {
                anyhow::bail!("--client-auth private-key needs --client-key FILE")
            }
            _ => {}
        }
        Ok(HeldClient {
            client_id,
            from_latest_sign_in,
            method,
            secret,
            key,
            pair,
        })
    }
}

/// `okta-oauth login`.
#[derive(Debug, Args)]
pub(crate) struct LoginCmd {
    #[command(flatten)]
    pub(crate) org: crate::context::OrgOpts,
    #[command(flatten)]
    pub(crate) client: LoginClient,
    /// The loopback port of the redirect URI registered with the app [profile: login.port]
    /// [default: 8765]
    #[arg(long)]
    pub(crate) port: Option<u16>,
    /// The path of the redirect URI [profile: login.path] [default: /callback]
    #[arg(long)]
    pub(crate) path: Option<String>,
    /// Scopes to ask for.
    #[arg(long, default_value = "openid offline_access okta.users.read")]
    pub(crate) scopes: String,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 300)]
    pub(crate) timeout: u64,
    /// Do not try to open a browser (print the URL only).
    #[arg(long)]
    pub(crate) no_browser: bool,
    /// Sign in without a browser on this host: print a URL and a code to enter on any device
    /// (the device authorization grant, RFC 8628; the app must allow it: native apps).
    #[arg(long, conflicts_with_all = ["port", "path", "no_browser"])]
    pub(crate) device: bool,
}

impl LoginCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let okta = ctx.okta()?;
        let client = self.client.held(ctx, false)?;
        let (default_port, default_path) = remembered_redirect(ctx);
        let port = self.port.unwrap_or(default_port);
        let path = self.path.clone().unwrap_or(default_path);
        let scopes = crate::config::words(&self.scopes);
        crate::cmd::scopes::check_known(&scopes)?;
        let scopes = okta_flows::Scope::list(&scopes)?;
        // With an API token, the app is checked first: a sign-in that cannot work fails now,
        // naming why, instead of leaving the person at an error page while this waits.
        let ssws = ctx.ssws().ok();
        let admin = ssws.as_ref().map(|s| s as &dyn okta_flows::Credential);
        let explain = |e: okta_flows::Error| explain(e, &client, ctx, &okta, &scopes, admin);
        let tokens = if self.device {
            if let Some(admin) = admin {
                refuse_failed(
                    ctx,
                    okta.check_sign_in_app(&client.client_id, "", None, Some(admin))
                        .into_iter()
                        .filter(|c| {
                            c.fixes
                                .iter()
                                .any(|f| matches!(f, okta_flows::Fix::UseSignInApp { .. }))
                        })
                        .collect(),
                )?;
            }
            let device = okta
                .start_device_sign_in(client.auth(), &scopes)
                .map_err(explain)?;
            out.note(&format!(
                "To sign in, open\n\n  {}\n\nand enter the code {}{} (it expires in {} min).",
                device.verification_uri(),
                device.user_code(),
                device
                    .verification_uri_complete()
                    .map(|u| format!(", or open {u}"))
                    .unwrap_or_default(),
                device.expires_in().as_secs().div_ceil(60)
            ));
            okta.finish_device_sign_in(device, client.auth(), &mut std::thread::sleep)
                .map_err(explain)?
        } else {
            let sign_in = okta.start_sign_in(&client.client_id, port, &path, &scopes)?;
            match admin {
                Some(admin) => refuse_failed(
                    ctx,
                    okta.check_sign_in_app(
                        &client.client_id,
                        sign_in.redirect_uri(),
                        None,
                        Some(admin),
                    ),
                )?,
                None => okta.check_sign_in_request(&sign_in).map_err(explain)?,
            }
            out.note(&format!(
                "Sign in at:\n\n  {}\n\n(redirect URI to register with the app: {}; client authentication: {})",
                sign_in.url(),
                sign_in.redirect_uri(),
                client.described()
            ));
            if !self.no_browser && crate::browser::open_browser(sign_in.url()) {
                out.note("Opened your browser.");
            }
            okta.finish_sign_in(sign_in, client.auth(), Duration::from_secs(self.timeout))
                .map_err(explain)?
        };
        let store = client.store(ctx, okta.clone());
        if let Some(dir) = sign_in_file(ctx, &okta, &client.client_id).parent() {
            files::private_dir(dir)?;
        }
        store.store(&tokens)?;
        let secret_file = self
            .client
            .client_secret_file
            .clone()
            .filter(|p| p != std::path::Path::new("-"));
        crate::cmd::profile::remember(
            ctx,
            &crate::cmd::profile::name_for_org(ctx, &okta),
            |p| {
                crate::cmd::profile::set_org(p, ctx, &okta);
                let login = p.login.get_or_insert_with(Default::default);
                login.client_id = Some(client.client_id.as_str().to_owned());
                if let Some(file) = &secret_file {
                    login.client_secret_file = Some(files::absolute(file));
                }
                if !self.device {
                    login.port = Some(port);
                    login.path = (path != "/callback").then(|| path.clone());
                }
            },
            out,
        );
        let who = tokens.id_claims.as_ref().and_then(|c| {
            c.get("preferred_username")
                .or(c.get("sub"))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        });
        out.data(
            &format!("signed in{}; tokens kept in {} (mode 0600)", who.as_ref().map(|w| format!(" as {w}")).unwrap_or_default(), sign_in_file(ctx, &okta, &client.client_id).display()),
            &json!({"signed_in": true, "user": who, "client_id": client.client_id.as_str(), "scopes": tokens.access.scopes(), "refresh_token": tokens.refresh.is_some()}),
        );
        Ok(())
    }
}

/// Fails when a check of the sign-in app failed, with every failure and its fix.
fn refuse_failed(ctx: &Context, checks: Vec<okta_flows::Check>) -> Result<()> {
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| c.outcome == okta_flows::Outcome::Failed)
        .map(|c| {
            let mut text = format!("{}: {}", c.name, c.detail);
            for fix in c
                .fixes
                .iter()
                .filter_map(|f| crate::fixes::render(f, ctx, None, None))
            {
                text.push_str(&format!("\n  fix: {}", fix.replace('\n', "\n  ")));
            }
            text
        })
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    anyhow::bail!(
        "this sign-in cannot work, so it was not started:\n{}",
        failed.join("\n")
    )
}

/// What to do about the sign-in failures people meet first, as okta-flows diagnoses them.
fn explain(
    e: okta_flows::Error,
    client: &HeldClient,
    ctx: &Context,
    okta: &okta_flows::Okta,
    scopes: &[okta_flows::Scope],
    admin: Option<&dyn okta_flows::Credential>,
) -> anyhow::Error {
    let grants: Vec<String> = okta
        .diagnose_sign_in_scopes(&e, &client.client_id, scopes, admin)
        .iter()
        .filter_map(|f| crate::fixes::render(f, ctx, None, None))
        .collect();
    if !grants.is_empty() {
        return anyhow::anyhow!(
            "{e}\nThe app holds no grant for a scope asked for. Grant it (with an API token):\n  {}",
            grants.join("\n  ")
        );
    }
    let id = client.client_id.as_str();
    let sent_secret = client.method != ClientAuthArg::None;
    let hint = match okta_flows::diagnose_sign_in(&e, &client.client_id, sent_secret) {
        Some(Fix::AssignUserToApp { .. }) => Some(format!(
            "only people assigned to the app {id} may sign in: assign this user first (`app assign` with their login, with an API token)"
        )),
        Some(Fix::GiveClientSecret) => Some(format!(
            "{id} refused a sign-in without a client secret: a web app needs its secret (--client-secret-file FILE, OKTA_OAUTH2_CLIENT_SECRET, or okta.oauth2.clientSecret in okta.yaml); a service app (client credentials) is not one people sign in to, and the device grant needs a native app (app create --type native). With an API token set, login says which it is"
        )),
        Some(Fix::AllowGrantType { .. }) => Some(format!(
            "the app does not allow this grant: `okta-oauth app get {id}` shows its grant types (the device grant needs a native app)"
        )),
        _ => None,
    };
    match hint {
        Some(h) => anyhow::anyhow!("{e}; hint: {h}"),
        None => anyhow::Error::new(e),
    }
}

/// The redirect port and path `login` uses when none is given: the profile's, else 8765 and
/// `/callback`.
pub(crate) fn remembered_redirect(ctx: &Context) -> (u16, String) {
    let remembered = ctx.profile.as_ref().and_then(|(_, p)| p.login.as_ref());
    (
        remembered.and_then(|l| l.port).unwrap_or(8765),
        remembered
            .and_then(|l| l.path.clone())
            .unwrap_or_else(|| "/callback".to_owned()),
    )
}

/// Where `login` keeps a user's tokens: one file per profile (or org, without one) and app, so
/// that a sign-in to one app never replaces another's.
pub(crate) fn sign_in_file(ctx: &Context, okta: &okta_flows::Okta, client: &ClientId) -> PathBuf {
    sign_in_dir(ctx, okta).join(format!("{}.json", client.as_str()))
}

fn sign_in_dir(ctx: &Context, okta: &okta_flows::Okta) -> PathBuf {
    let slot = match ctx.profile_name() {
        Some(name) => format!("profile-{name}"),
        None => format!("org-{}", crate::profile::org_folder(okta.org())),
    };
    files::state_dir().join("sign-ins").join(slot)
}

/// The app of the latest sign-in of this profile (or org), if any: the newest file's name.
fn latest_sign_in(ctx: &Context) -> Option<ClientId> {
    let okta = ctx.okta().ok()?;
    let newest = std::fs::read_dir(sign_in_dir(ctx, &okta))
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .filter(|(_, p)| p.extension().is_some_and(|x| x == "json"))
        .max_by_key(|(t, _)| *t)?;
    ClientId::new(newest.1.file_stem()?.to_str()?).ok()
}

/// The random secret a public app's sign-ins in `dir` are sealed under: kept in the OS keyring
/// (the entry named by the folder), made on first use; where no keyring can keep it, in
/// `dir/.sign-in-key` (mode 0600).
fn kept_secret(dir: &std::path::Path) -> Result<okta_flows::CacheSecret> {
    let fresh = || -> Result<Vec<u8>> {
        let mut bytes = vec![0u8; 32];
        okta_assertion::RandomSource::fill(&okta_assertion::OsRandom::new(), &mut bytes)?;
        Ok(bytes)
    };
    let entry = keyring::Entry::new("okta-oauth sign-ins", &dir.to_string_lossy());
    if let Ok(entry) = &entry {
        match entry.get_secret() {
            Ok(bytes) => return Ok(okta_flows::CacheSecret::from_bytes(&bytes)?),
            Err(keyring::Error::NoEntry) => {
                let bytes = fresh()?;
                if entry.set_secret(&bytes).is_ok() && entry.get_secret().is_ok_and(|b| b == bytes)
                {
                    return Ok(okta_flows::CacheSecret::from_bytes(&bytes)?);
                }
            }
            Err(_) => {}
        }
    }
    let file = dir.join(".sign-in-key");
    if !file.exists() {
        files::private_dir(dir)?;
        let hex: String = fresh()?.iter().map(|b| format!("{b:02x}")).collect();
        files::write_private(&file, &hex, false)?;
    }
    Ok(okta_flows::CacheSecret::from_file(&file)?)
}
