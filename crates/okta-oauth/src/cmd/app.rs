//! `okta-oauth app`: service and OIDC apps, their secrets and assignments.

use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use okta_flows::{AppId, Credential};
use serde_json::json;
use std::path::PathBuf;

use crate::context::Context;
use crate::files;
use crate::out::Out;

/// `okta-oauth app`.
#[derive(Debug, Subcommand)]
pub(crate) enum AppCmd {
    /// Create an app: a service app (private_key_jwt, client credentials) with the public key of
    /// --key, or the OIDC app a person signs in to (--type web, native or spa).
    Create {
        /// The app's name.
        #[arg(long)]
        name: String,
        /// service: a backend with a key; web: sign-in with a client secret (written to
        /// --secret-file, never printed); native or spa: sign-in with PKCE, no secret.
        #[arg(long = "type", value_enum, default_value_t = AppType::Service)]
        kind: AppType,
        /// A key file (private or public); its public part is registered (service apps).
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
        /// Require DPoP (as Okta's console does for new API service apps).
        #[arg(long)]
        dpop: bool,
        /// A sign-in redirect URI (repeat for more) [default: http://127.0.0.1:8765/callback,
        /// what `login` listens on]
        #[arg(long = "redirect-uri", value_name = "URI")]
        redirect_uris: Vec<String>,
        /// Where a web app's client secret is written, mode 0600 (default: the state folder,
        /// CLIENT_ID.client-secret)
        #[arg(long, value_name = "FILE")]
        secret_file: Option<PathBuf>,
    },
    /// List apps (NDJSON with --json).
    List,
    /// Show one app.
    Get {
        /// The app (client) id.
        id: String,
    },
    /// Delete an app (deactivated first). Asks first on a terminal.
    Delete {
        /// The app (client) id.
        id: String,
        /// Do not ask: delete at once (needed without a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Let a user (by login or id) or a group sign in to the app.
    Assign(AssignArgs),
    /// Take a user's or a group's assignment away.
    Unassign(AssignArgs),
    /// Who may sign in to the app: its users and groups (NDJSON with --json).
    Assignments {
        /// The app (client) id.
        app: String,
    },
}

/// Who `app assign` and `app unassign` are about.
#[derive(Debug, Args)]
pub(crate) struct AssignArgs {
    /// The app (client) id.
    app: String,
    /// The user's login or id.
    #[arg(
        long,
        value_name = "LOGIN",
        required_unless_present = "group",
        conflicts_with = "group"
    )]
    user: Option<String>,
    /// The group's id (00g…).
    #[arg(long, value_name = "ID")]
    group: Option<String>,
}

/// `app create --type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum AppType {
    /// A backend service: client credentials with a private key.
    Service,
    /// A web app: authorization code with a client secret.
    Web,
    /// A native app: authorization code with PKCE (and the device grant).
    Native,
    /// A single-page app: authorization code with PKCE.
    Spa,
}

/// The port of a loopback redirect URI (`http://127.0.0.1:8765/callback`), which `login`
/// listens on.
fn loopback_port(uri: &str) -> Option<u16> {
    let rest = uri.strip_prefix("http://")?;
    let authority = rest.split('/').next()?;
    let (host, port) = authority.rsplit_once(':')?;
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
        .then(|| port.parse().ok())
        .flatten()
}

impl AppCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let (okta, ssws) = ctx.admin()?;
        let cred: &dyn Credential = &ssws;
        match self {
            AppCmd::Create {
                name,
                kind: AppType::Service,
                key,
                dpop,
                ..
            } => {
                let path = key
                    .as_ref()
                    .context("a service app needs --key FILE (its public key is registered)")?;
                let key = files::any_key(path, None)?;
                files::entering(&key, path)?;
                let public = key.public_jwk().clone();
                let public = if public.kid().is_some() {
                    public
                } else {
                    public.with_thumbprint_kid()
                };
                let dpop_required = *dpop;
                let dpop = if *dpop {
                    okta_flows::DpopBinding::Required
                } else {
                    okta_flows::DpopBinding::NotRequired
                };
                let kid = public.kid().map(|k| k.as_str().to_owned());
                let jwks = okta_jwk::Jwks::new(vec![public]);
                let app = okta.create_service_app(cred, name, &jwks, dpop)?;
                let private = matches!(key, okta_jwk::AnyKey::Private(_));
                let remembered = crate::cmd::profile::remember(
                    ctx,
                    &crate::cmd::profile::name_for_org(ctx, &okta),
                    |p| {
                        crate::cmd::profile::set_org(p, ctx, &okta);
                        p.client_id = Some(app.client_id().as_str().to_owned());
                        // An app made to require DPoP: proofs from the first token request on.
                        p.dpop = dpop_required.then(|| "always".to_owned());
                        if private {
                            p.private_key = Some(files::absolute(path));
                            p.kid = kid.clone();
                            p.alg = None;
                        }
                    },
                    out,
                );
                let next = match (&remembered, private) {
                    (Some(_), true) => " Get a token with: okta-oauth token".to_owned(),
                    _ => String::new(),
                };
                out.data(
                    &format!("created {} ({}).{next}", app.client_id(), app.name()),
                    app.raw(),
                );
            }
            AppCmd::Create {
                name,
                kind,
                key,
                dpop,
                redirect_uris,
                secret_file,
            } => {
                if key.is_some() || *dpop {
                    bail!(
                        "--key and --dpop are for service apps; a {kind:?} app signs people in (see `okta-oauth login`)"
                    );
                }
                let kind = match kind {
                    AppType::Web => okta_flows::OidcAppKind::Web,
                    AppType::Native => okta_flows::OidcAppKind::Native,
                    _ => okta_flows::OidcAppKind::Spa,
                };
                let uris = if redirect_uris.is_empty() {
                    vec![crate::cmd::login::DEFAULT_REDIRECT.to_owned()]
                } else {
                    redirect_uris.clone()
                };
                let spec = okta_flows::OidcApp::new(name.as_str(), kind, uris)?;
                // Where the secret goes is settled before the app exists: a secret shown once
                // must not be lost to a path that cannot be written.
                let state = files::state_dir();
                if kind == okta_flows::OidcAppKind::Web {
                    match secret_file {
                        None => files::private_dir(&state)?,
                        Some(path) => files::check_new_file(path, "the client secret")?,
                    }
                }
                let port = spec.redirect_uris.iter().find_map(|u| loopback_port(u));
                let app = okta.create_oidc_app(cred, &spec)?;
                let mut shown = app.raw().clone();
                let mut human = format!(
                    "created {} {} ({})",
                    spec.kind.application_type(),
                    app.client_id(),
                    app.name()
                );
                let mut written = None;
                if let Some(secret) = app.client_secret() {
                    let path = secret_file.clone().unwrap_or_else(|| {
                        state.join(format!("{}.client-secret", app.client_id()))
                    });
                    files::write_private(&path, &format!("{}\n", secret.expose_secret()), false)
                        .with_context(|| format!("the app {} was created, but its client secret could not be written; make a new one with `okta-oauth api POST /api/v1/apps/{}/credentials/secrets --ssws`", app.client_id(), app.client_id()))?;
                    human.push_str(&format!(
                        "; client secret written to {} (mode 0600)",
                        path.display()
                    ));
                    shown["client_secret_file"] = json!(path.display().to_string());
                    written = Some(files::absolute(&path));
                }
                let remembered = crate::cmd::profile::remember(
                    ctx,
                    &crate::cmd::profile::name_for_org(ctx, &okta),
                    |p| {
                        crate::cmd::profile::set_org(p, ctx, &okta);
                        p.login = Some(crate::profile::LoginProfile {
                            client_id: Some(app.client_id().as_str().to_owned()),
                            client_secret_file: written.clone(),
                            port,
                            path: None,
                        });
                    },
                    out,
                );
                let login = match remembered {
                    Some(_) => "okta-oauth login".to_owned(),
                    None => {
                        let mut line = format!(
                            "okta-oauth login --org {}{} --client-id {}",
                            crate::out::shell_word(okta.org().as_str().trim_end_matches('/')),
                            if okta.org().is_loopback() {
                                " --allow-http-loopback"
                            } else {
                                ""
                            },
                            app.client_id()
                        );
                        if let Some(path) = &written {
                            line.push_str(&format!(
                                " --client-secret-file {}",
                                crate::out::shell_word(&path.to_string_lossy())
                            ));
                        }
                        if let Some(port) = port {
                            line.push_str(&format!(" --port {port}"));
                        }
                        line
                    }
                };
                human.push_str(&format!(
                    ".\nOnly people assigned to it may sign in (`app assign` with their login). Then sign in with:\n  {login}"
                ));
                shown["sign_in"] = json!(login);
                out.data(&human, &shown);
            }
            AppCmd::List => out.list(
                ["CLIENT ID", "TYPE", "NAME", "DPOP"],
                okta.list_apps(cred)?.into_iter().map(|app| {
                    let dpop = match app.dpop_bound() {
                        Some(true) => "required",
                        Some(false) => "-",
                        None => "?",
                    };
                    (
                        [
                            app.client_id().to_string(),
                            app.application_type().unwrap_or("?").to_owned(),
                            app.name().to_owned(),
                            dpop.to_owned(),
                        ],
                        app.raw().clone(),
                    )
                }),
            ),
            AppCmd::Get { id } => {
                let app = okta.get_app(cred, &AppId::new(id.as_str())?)?;
                out.data(&serde_json::to_string_pretty(app.raw())?, app.raw());
            }
            AppCmd::Delete { id, yes } => {
                let app_id = AppId::new(id.as_str())?;
                let name = if *yes {
                    String::new()
                } else {
                    format!(" ({})", okta.get_app(cred, &app_id)?.name())
                };
                crate::out::confirm(&format!("Delete the app {id}{name}?"), *yes)?;
                okta.delete_app(cred, &app_id)?;
                out.data(&format!("deleted {id}"), &json!({"deleted": id}));
            }
            AppCmd::Assign(AssignArgs { app, user, group })
            | AppCmd::Unassign(AssignArgs { app, user, group }) => {
                let app_id = AppId::new(app.as_str())?;
                let who = match (user, group) {
                    (Some(login), _) => okta_flows::Assignee::User(okta.find_user(cred, login)?.id),
                    (None, Some(g)) => {
                        okta_flows::Assignee::Group(okta_flows::GroupId::new(g.as_str())?)
                    }
                    (None, None) => bail!("give --user LOGIN or --group ID"),
                };
                let shown = match &who {
                    okta_flows::Assignee::User(u) => {
                        format!("user {}", user.as_deref().unwrap_or(u.as_str()))
                    }
                    okta_flows::Assignee::Group(g) => format!("group {g}"),
                    _ => "it".to_owned(),
                };
                if matches!(self, AppCmd::Assign(_)) {
                    match &who {
                        okta_flows::Assignee::User(u) => okta.assign_user(cred, &app_id, u)?,
                        okta_flows::Assignee::Group(g) => okta.assign_group(cred, &app_id, g)?,
                        _ => bail!("an assignee this version does not know"),
                    }
                    out.data(
                        &format!("assigned {shown} to {app}: they may sign in"),
                        &json!({"assigned": shown, "app": app}),
                    );
                } else {
                    okta.unassign(cred, &app_id, &who)?;
                    out.data(
                        &format!("unassigned {shown} from {app}"),
                        &json!({"unassigned": shown, "app": app}),
                    );
                }
            }
            AppCmd::Assignments { app } => out.list(
                ["TYPE", "ID"],
                okta.list_assignments(cred, &AppId::new(app.as_str())?)?
                    .into_iter()
                    .map(|who| {
                        let (kind, id) = match &who {
                            okta_flows::Assignee::User(u) => ("user", u.as_str().to_owned()),
                            okta_flows::Assignee::Group(g) => ("group", g.as_str().to_owned()),
                            _ => ("other", String::new()),
                        };
                        (
                            [kind.to_owned(), id.clone()],
                            json!({"type": kind, "id": id}),
                        )
                    }),
            ),
        }
        Ok(())
    }
}
