//! Commands that talk to an org: `token`, `api`, `app`, `grant`, `role`, `verify`.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use okta_flows::{
    AppId, Caller, ClientId, Credential, Diagnosis, Fix, GrantId, Method, Role, Scope,
    StandardRole, TokenType,
};
use serde_json::{Value, json};
use std::path::PathBuf;

use crate::connect::{AdminOpts, OrgOpts, ServiceOpts};
use crate::files;
use crate::out::Out;

/// `okta-oauth token`.
#[derive(Debug, Args)]
pub(crate) struct TokenCmd {
    #[command(flatten)]
    service: ServiceOpts,
}

impl TokenCmd {
    pub(crate) fn run(&self, org: &OrgOpts, out: &Out) -> Result<()> {
        crate::scopes_cmd::check_known(&self.service.scopes())?;
        if let Some(warning) = org.scope_warning(&self.service.scopes()) {
            out.note(&warning);
        }
        let source = self.service.source(org.okta()?)?;
        let token = source
            .token()
            .context("getting a token with client credentials")?;
        let now = okta_flows::UnixTime::from_system_time(std::time::SystemTime::now());
        let kind = if token.token_type() == TokenType::DPoP {
            "DPoP"
        } else {
            "Bearer"
        };
        out.data(
            token.access_token().expose_secret(),
            &json!({
                "token_type": kind,
                "access_token": token.access_token().expose_secret(),
                "expires_at": token.expires_at().secs(),
                "expires_in": token.expires_at().since(now),
                "scope": token.scopes().join(" "),
                "from_cache": source.tokens_fetched() == 0,
            }),
        );
        if kind == "DPoP" && !out.json {
            out.note("note: this is a DPoP-bound token; every use needs a DPoP proof from its key (okta-oauth api does that)");
        }
        Ok(())
    }
}

/// A diagnosis in words, each fix a command that runs as printed.
fn render_diagnosis(d: &Diagnosis, client: Option<&ClientId>) -> String {
    let call = d.operation.as_deref().unwrap_or("this call");
    let needed = d.needed.join(" ");
    let mut text = String::new();
    let mut grants = Vec::new();
    for fix in &d.fixes {
        match fix {
            Fix::AssignUserRole { role } => text.push_str(&format!(
                "The user's token holds the scope, but the user has no admin role that allows this call. Give them one (with an API token): okta-oauth role assign --user LOGIN {role}"
            )),
            Fix::ExtendCustomRole {
                client,
                permissions,
                resources,
            } => text.push_str(&format!(
                "{call} needs {needed}; the app {client} acts through a custom role, which must hold the permissions {} and whose resource set must hold {}. Make one that does: okta-oauth role custom LABEL --scopes \"{needed}\", then okta-oauth role assign {client} --custom LABEL --resource-set \"LABEL resources\"",
                permissions.join(" "),
                resources.join(" ")
            )),
            Fix::AssignAppRole { client, role } => text.push_str(&format!(
                "{call} needs {needed} and an admin role that allows it; the app has the scope but its role does not. Assign one: okta-oauth role assign {client} {role}"
            )),
            Fix::RequestScopes { scopes } => text.push_str(&format!(
                "{call} needs {needed} (Okta's contract). The app {} holds grants for it: request it (--scopes {}).",
                client.map(ClientId::as_str).unwrap_or("in use"),
                scopes.join(" ")
            )),
            Fix::GrantScope { client, scope } => grants.push((client, scope)),
            _ => {}
        }
    }
    if let Some((client, _)) = grants.first().copied() {
        let missing: Vec<&str> = grants.iter().map(|(_, s)| s.as_str()).collect();
        text.push_str(&format!("{call} needs {needed} (Okta's contract)."));
        if d.grants_read {
            text.push_str(&format!(
                " The app {client} holds no grant for {}. Grant it:",
                missing.join(" ")
            ));
        } else {
            text.push_str(" (No API token is configured, so the app's grants were not read.) If the app lacks the grant:");
        }
        for (client, scope) in &grants {
            text.push_str(&format!("\n  okta-oauth grant add {client} {scope}"));
        }
    }
    text
}

/// `okta-oauth api`.
#[derive(Debug, Args)]
pub(crate) struct ApiCmd {
    /// HTTP method (GET, POST, PUT, DELETE).
    #[arg(value_parser = crate::scopes_cmd::parse_method)]
    method: Method,
    /// Path on the org, e.g. `/api/v1/users?limit=200`.
    path: String,
    /// JSON body from this file (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// Follow `Link: rel="next"` and print every item as one JSON line (NDJSON).
    #[arg(long)]
    all: bool,
    /// Use the API token (OKTA_CLIENT_TOKEN) instead of a service-app token.
    #[arg(long, conflicts_with = "user")]
    ssws: bool,
    /// Use the signed-in user's token (from okta-oauth login).
    #[arg(long)]
    user: bool,
    #[command(flatten)]
    service: ServiceOpts,
}

impl ApiCmd {
    pub(crate) fn run(&self, org: &OrgOpts, admin: &AdminOpts, out: &Out) -> Result<()> {
        let result = self.call(org, admin, out);
        let Err(e) = result else {
            return result;
        };
        if self.ssws {
            return Err(e);
        }
        match self.diagnosis(org, admin, &e) {
            Some(help) => Err(anyhow::anyhow!("{}\n{help}", crate::out::error_text(&e))),
            None => Err(e),
        }
    }

    /// The operation this call is, in Okta's contract.
    fn operation(&self) -> Option<okta_flows::api_scopes::ApiOperation> {
        okta_flows::api_scopes::operation(self.method, &self.path)
    }

    /// The scopes to ask for: those configured (`--scopes`, `OKTA_CLIENT_SCOPES`, okta.yaml),
    /// else exactly what the operation needs, else `okta.users.read`.
    fn scopes(&self, out: &Out) -> Vec<String> {
        let op = self.operation();
        match (self.service.configured_scopes(), op) {
            (Some(asked), Some(op)) => {
                let missing = op.missing(&asked);
                if !missing.is_empty() {
                    out.note(&format!(
                        "warning: {} {} needs {} (Okta's contract), which the scopes asked for ({}) do not cover",
                        op.method(),
                        op.template(),
                        missing.join(" "),
                        asked.join(" ")
                    ));
                }
                asked
            }
            (Some(asked), None) => asked,
            (None, Some(op)) if op.scope_names().next().is_some() => {
                op.scope_names().map(str::to_owned).collect()
            }
            (None, _) => self.service.scopes(),
        }
    }

    /// What to do about a refusal that scopes or roles explain, as okta-flows diagnoses it
    /// (the app's grants read with the API token when one is configured), in words.
    fn diagnosis(&self, org: &OrgOpts, admin: &AdminOpts, e: &anyhow::Error) -> Option<String> {
        let error = e
            .chain()
            .find_map(|c| c.downcast_ref::<okta_flows::Error>())?;
        let okta = org.okta().ok()?;
        let client;
        let ssws = admin.ssws().ok();
        let caller = if self.user {
            Caller::User
        } else {
            client = self.service.client_id().ok()?;
            Caller::App {
                client: &client,
                admin: ssws.as_ref().map(|s| s as &dyn Credential),
            }
        };
        let found = okta.diagnose_call(error, self.method, &self.path, caller)?;
        Some(render_diagnosis(&found, caller.client()))
    }

    fn call(&self, org: &OrgOpts, admin: &AdminOpts, out: &Out) -> Result<()> {
        let okta = org.okta()?;
        let method = self.method;
        if !self.path.starts_with('/') {
            bail!("the path starts with / (e.g. /api/v1/users)");
        }
        let ssws;
        let source;
        let user;
        let cred: &dyn Credential = if self.ssws {
            ssws = admin.ssws()?;
            &ssws
        } else if self.user {
            user = crate::login_cmd::LoginClient::default()
                .held(true)?
                .store(okta.clone());
            &user
        } else {
            let scopes = self.scopes(out);
            crate::scopes_cmd::check_known(&scopes)?;
            if let Some(warning) = org.scope_warning(&scopes) {
                out.note(&warning);
            }
            source = self.service.source_for(okta.clone(), &scopes)?;
            &source
        };
        if self.all {
            if method != Method::GET {
                bail!("--all follows pages of a GET");
            }
            return list_all(&okta, cred, &self.path, out);
        }
        let body = match &self.data {
            Some(path) => Some(
                serde_json::from_str::<Value>(&files::read_at_most(path, files::MAX_DATA_FILE)?)
                    .context("the --data file is not JSON")?,
            ),
            None => None,
        };
        let response = okta.call(cred, method, &self.path, body.as_ref())?;
        let human = serde_json::to_string_pretty(&response.body)?;
        out.data(&human, &response.body);
        if let Some(next) = response.next {
            out.note(&format!("more results: {next} (use --all to follow)"));
        }
        Ok(())
    }
}

#[allow(clippy::print_stderr, reason = "the progress line")]
fn eprint_progress(pages: usize, items: usize) {
    let (i, p) = (
        if items == 1 { "" } else { "s" },
        if pages == 1 { "" } else { "s" },
    );
    eprint!("\r{items} item{i}, {pages} page{p}…");
}

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
    /// Delete an app.
    Delete {
        /// The app (client) id.
        id: String,
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

impl AppCmd {
    pub(crate) fn run(&self, org: &OrgOpts, admin: &AdminOpts, out: &Out) -> Result<()> {
        let okta = org.okta()?;
        let ssws = admin.ssws()?;
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
                let dpop = if *dpop {
                    okta_flows::DpopBinding::Required
                } else {
                    okta_flows::DpopBinding::NotRequired
                };
                let jwks = okta_jwk::Jwks::new(vec![public]);
                let app = okta.create_service_app(cred, name, &jwks, dpop)?;
                out.data(
                    &format!("created {} ({})", app.client_id(), app.name()),
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
                    vec![crate::login_cmd::DEFAULT_REDIRECT.to_owned()]
                } else {
                    redirect_uris.clone()
                };
                let spec = okta_flows::OidcApp::new(name.as_str(), kind, uris)?;
                // Where the secret goes is settled before the app exists: a secret shown once
                // must not be lost to a path that cannot be written.
                let state = files::state_dir();
                if secret_file.is_none() && kind == okta_flows::OidcAppKind::Web {
                    files::private_dir(&state)?;
                }
                let app = okta.create_oidc_app(cred, &spec)?;
                let mut shown = app.raw().clone();
                let mut human = format!(
                    "created {} {} ({})",
                    spec.kind.application_type(),
                    app.client_id(),
                    app.name()
                );
                if let Some(secret) = app.client_secret() {
                    let path = secret_file.clone().unwrap_or_else(|| {
                        state.join(format!("{}.client-secret", app.client_id()))
                    });
                    files::write_private(&path, &format!("{}\n", secret.expose_secret()), false)
                        .with_context(|| format!("the app {} was created, but its client secret could not be written; make a new one with `okta-oauth api POST /api/v1/apps/{}/credentials/secrets --ssws`", app.client_id(), app.client_id()))?;
                    human.push_str(&format!(
                        "; client secret written to {} (mode 0600). Sign in with: okta-oauth login --client-id {} --client-secret-file {}",
                        path.display(),
                        app.client_id(),
                        path.display()
                    ));
                    shown["client_secret_file"] = json!(path.display().to_string());
                } else {
                    human.push_str(&format!(
                        ". Sign in with: okta-oauth login --client-id {}",
                        app.client_id()
                    ));
                }
                out.data(&human, &shown);
            }
            AppCmd::List => {
                for app in okta.list_apps(cred)? {
                    if out.json {
                        out.line(app.raw());
                    } else {
                        out.data(
                            &format!(
                                "{}  {}  {}  dpop={}",
                                app.client_id(),
                                app.application_type().unwrap_or("?"),
                                app.name(),
                                app.dpop_bound().map_or("?".into(), |d| d.to_string())
                            ),
                            app.raw(),
                        );
                    }
                }
            }
            AppCmd::Get { id } => {
                let app = okta.get_app(cred, &AppId::new(id.as_str())?)?;
                out.data(&serde_json::to_string_pretty(app.raw())?, app.raw());
            }
            AppCmd::Delete { id } => {
                okta.delete_app(cred, &AppId::new(id.as_str())?)?;
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
            AppCmd::Assignments { app } => {
                for who in okta.list_assignments(cred, &AppId::new(app.as_str())?)? {
                    let (kind, id) = match &who {
                        okta_flows::Assignee::User(u) => ("user", u.as_str().to_owned()),
                        okta_flows::Assignee::Group(g) => ("group", g.as_str().to_owned()),
                        _ => ("other", String::new()),
                    };
                    out.data(&format!("{kind}  {id}"), &json!({"type": kind, "id": id}));
                }
            }
        }
        Ok(())
    }
}

/// `okta-oauth grant`.
#[derive(Debug, Subcommand)]
pub(crate) enum GrantCmd {
    /// Grant an Okta API scope to an app.
    Add {
        /// The app (client) id.
        app: String,
        /// The scope, e.g. okta.users.read.
        scope: String,
    },
    /// List an app's grants.
    List {
        /// The app (client) id.
        app: String,
    },
    /// Revoke a grant.
    Revoke {
        /// The app (client) id.
        app: String,
        /// The grant id (oag…).
        grant: String,
    },
}

impl GrantCmd {
    pub(crate) fn run(&self, org: &OrgOpts, admin: &AdminOpts, out: &Out) -> Result<()> {
        let okta = org.okta()?;
        let ssws = admin.ssws()?;
        let cred: &dyn Credential = &ssws;
        match self {
            GrantCmd::Add { app, scope } => {
                crate::scopes_cmd::check_known(&[scope])?;
                let ensured = okta.ensure_grant(
                    cred,
                    &AppId::new(app.as_str())?,
                    &Scope::new(scope.as_str())?,
                )?;
                let made = ensured.was_made();
                let g = ensured.into_inner();
                out.data(
                    &format!(
                        "{} {} ({})",
                        if made { "granted" } else { "already granted:" },
                        g.scope,
                        g.id
                    ),
                    &json!({"id": g.id.as_str(), "scope": g.scope.as_str(), "already": !made}),
                );
            }
            GrantCmd::List { app } => {
                for g in okta.list_grants(cred, &AppId::new(app.as_str())?)? {
                    out.data(
                        &format!("{}  {}", g.id, g.scope),
                        &json!({"id": g.id.as_str(), "scope": g.scope.as_str()}),
                    );
                }
            }
            GrantCmd::Revoke { app, grant } => {
                okta.revoke_grant(
                    cred,
                    &AppId::new(app.as_str())?,
                    &GrantId::new(grant.as_str())?,
                )?;
                out.data(&format!("revoked {grant}"), &json!({"revoked": grant}));
            }
        }
        Ok(())
    }
}

/// `okta-oauth role`.
#[derive(Debug, Subcommand)]
pub(crate) enum RoleCmd {
    /// Assign an admin role (SUPER_ADMIN, READ_ONLY_ADMIN, …) to a client, or with --user to a
    /// user: a user's own token acts with their roles' permissions.
    Assign {
        /// CLIENT ROLE, or ROLE alone with --user; CLIENT alone (or nothing, with --user) for
        /// --custom.
        #[arg(value_name = "[CLIENT] ROLE", num_args = 0..=2)]
        targets: Vec<String>,
        /// The user (login or id) to give the role to, instead of a client.
        #[arg(long, value_name = "LOGIN")]
        user: Option<String>,
        /// A custom role (id or label) instead of a standard one, with --resource-set.
        #[arg(long, value_name = "ROLE", requires = "resource_set")]
        custom: Option<String>,
        /// The resource set (id or label) the custom role applies to.
        #[arg(long, value_name = "SET", requires = "custom")]
        resource_set: Option<String>,
    },
    /// Make (or find, by label) a least-privilege custom role: the permissions these scopes
    /// need, applied to the users of --group (repeatable) or to every user.
    Custom {
        /// The role's label (its resource set is labelled `LABEL resources`).
        label: String,
        /// The scopes whose actions the role may do.
        #[arg(long, default_value = "okta.users.read")]
        scopes: String,
        /// A group whose users the role applies to (repeat for more) [default: every user].
        #[arg(long = "group", value_name = "ID")]
        groups: Vec<String>,
    },
    /// List a client's admin roles, or with --user a user's.
    List {
        /// The client id (not with --user).
        #[arg(required_unless_present = "user", conflicts_with = "user")]
        client: Option<String>,
        /// The user (login or id).
        #[arg(long, value_name = "LOGIN")]
        user: Option<String>,
    },
}

impl RoleCmd {
    pub(crate) fn run(&self, org: &OrgOpts, admin: &AdminOpts, out: &Out) -> Result<()> {
        let okta = org.okta()?;
        let ssws = admin.ssws()?;
        let cred: &dyn Credential = &ssws;
        match self {
            RoleCmd::Custom {
                label,
                scopes,
                groups,
            } => {
                let scopes: Vec<&str> =
                    scopes.split([' ', ',']).filter(|s| !s.is_empty()).collect();
                crate::scopes_cmd::check_known(&scopes)?;
                let scopes = Scope::list(&scopes)?;
                let groups = groups
                    .iter()
                    .map(|g| okta_flows::GroupId::new(g.as_str()))
                    .collect::<okta_flows::Result<Vec<_>>>()?;
                let resources = okta_flows::resources_within(okta.org(), &scopes, &groups)?;
                let role = okta.least_privilege_role(cred, label, &scopes, &resources)?;
                let Role::Custom { role, resource_set } = role else {
                    bail!("Okta answered with a role that is not custom");
                };
                out.data(
                    &format!("custom role {role} with the resource set {resource_set}. Assign it: okta-oauth role assign CLIENT --custom {role} --resource-set {resource_set}"),
                    &json!({"role": role.as_str(), "resource_set": resource_set.as_str(), "resources": resources}),
                );
            }
            RoleCmd::Assign {
                targets,
                user,
                custom,
                resource_set,
            } => {
                let (client, role) = match (targets.as_slice(), user, custom) {
                    ([], Some(_), Some(_)) => (None, None),
                    ([client], None, Some(_)) => (Some(client), None),
                    ([role], Some(_), None) => (None, Some(role)),
                    ([client, role], None, None) => (Some(client), Some(role)),
                    ([_, _], Some(_), _) => {
                        bail!("with --user, give the role alone: role assign --user LOGIN ROLE")
                    }
                    (_, _, Some(_)) => bail!(
                        "with --custom, give the client alone (or --user): role assign CLIENT --custom ROLE --resource-set SET"
                    ),
                    _ => bail!(
                        "give the client and the role: role assign CLIENT ROLE (or --user LOGIN ROLE)"
                    ),
                };
                let role = match (role, custom, resource_set) {
                    (Some(r), _, _) => Role::Standard(r.parse::<StandardRole>()?),
                    (None, Some(c), Some(set)) => {
                        let found = okta.find_custom_role(cred, c)?.with_context(|| {
                            format!("no custom role {c:?} (okta-oauth role custom LABEL makes one)")
                        })?;
                        let set = okta
                            .find_resource_set(cred, set)?
                            .with_context(|| format!("no resource set {set:?}"))?;
                        Role::Custom {
                            role: found.id,
                            resource_set: set.id,
                        }
                    }
                    _ => bail!("give a standard role, or --custom ROLE --resource-set SET"),
                };
                let ensured = match (client, user) {
                    (Some(client), _) => {
                        okta.ensure_role(cred, &okta_flows::ClientId::new(client.as_str())?, &role)?
                    }
                    (None, Some(login)) => {
                        let u = okta.find_user(cred, login)?;
                        okta.ensure_user_role(cred, &u.id, &role)?
                    }
                    (None, None) => bail!("give a client or --user"),
                };
                let made = ensured.was_made();
                let r = ensured.into_inner();
                out.data(
                    &format!(
                        "{} {} ({})",
                        if made {
                            "assigned"
                        } else {
                            "already assigned:"
                        },
                        r.role_type,
                        r.id
                    ),
                    &json!({"id": r.id.as_str(), "type": r.role_type, "already": !made}),
                );
            }
            RoleCmd::List { client, user } => {
                let roles = match (client, user) {
                    (_, Some(login)) => {
                        let u = okta.find_user(cred, login)?;
                        okta.list_user_roles(cred, &u.id)?
                    }
                    (Some(client), None) => {
                        okta.list_roles(cred, &okta_flows::ClientId::new(client.as_str())?)?
                    }
                    (None, None) => bail!("give a client id or --user LOGIN"),
                };
                for r in roles {
                    out.data(
                        &format!("{}  {}", r.id, r.role_type),
                        &json!({"id": r.id.as_str(), "type": r.role_type}),
                    );
                }
            }
        }
        Ok(())
    }
}

/// `okta-oauth decode`.
#[derive(Debug, Args)]
pub(crate) struct DecodeCmd {
    /// A file holding the JWT, or `-` for standard input (a JWT is a credential: not an argument).
    #[arg(default_value = "-")]
    file: PathBuf,
}

impl DecodeCmd {
    pub(crate) fn run(&self, out: &Out) -> Result<()> {
        let jwt = files::read(&self.file)?;
        let decoded = okta_assertion::Unverified::decode(jwt.trim())?;
        let json = json!({"verified": false, "header": decoded.header, "claims": decoded.claims});
        let human = format!(
            "UNVERIFIED: the signature was not checked (use okta-oauth verify)\nheader: {}\nclaims: {}",
            serde_json::to_string_pretty(&decoded.header)?,
            serde_json::to_string_pretty(&decoded.claims)?
        );
        out.data(&human, &json);
        Ok(())
    }
}

/// `okta-oauth verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyCmd {
    /// A file holding the JWT, or `-` for standard input.
    #[arg(default_value = "-")]
    file: PathBuf,
    /// The JWKS: a file, or a URL on the org (its `jwks_uri`).
    #[arg(long, value_name = "FILE|URL")]
    jwks: String,
    /// Allowed algorithms, comma-separated.
    #[arg(long, default_value = "RS256,ES256")]
    alg: String,
    /// Required `iss`.
    #[arg(long)]
    issuer: Option<String>,
    /// Required `aud`.
    #[arg(long)]
    audience: Option<String>,
}

impl VerifyCmd {
    pub(crate) fn run(&self, org: &OrgOpts, out: &Out) -> Result<()> {
        let jwt = files::read(&self.file)?;
        let jwks = if self.jwks.starts_with("http://") || self.jwks.starts_with("https://") {
            org.client_for(&self.jwks)?.fetch_jwks_at(&self.jwks)?
        } else {
            okta_jwk::Jwks::from_json(&files::read(std::path::Path::new(&self.jwks))?)?
        };
        let algs = self
            .alg
            .split(',')
            .map(|a| a.trim().parse::<okta_jwk::Algorithm>())
            .collect::<Result<Vec<_>, _>>()?;
        let now = okta_assertion::UnixTime::from_system_time(std::time::SystemTime::now());
        let mut validation = okta_assertion::Validation::at(now).leeway(60);
        if let Some(i) = &self.issuer {
            validation = validation.issuer(i.clone());
        }
        if let Some(a) = &self.audience {
            validation = validation.audience(a.clone());
        }
        let verified =
            okta_assertion::Verifier::new(&algs).verify(jwt.trim(), &jwks, &validation)?;
        out.data(
            &format!("valid: signed with {} by a key of the JWKS; claims checked\n{}", verified.alg(), serde_json::to_string_pretty(verified.claims())?),
            &json!({"verified": true, "alg": verified.alg().as_str(), "header": verified.header(), "claims": verified.claims()}),
        );
        Ok(())
    }
}

/// `api GET PATH --all`: every item of every page as NDJSON. Items are written as the server
/// sent them (not parsed and formatted again), a page in one write, and the next page is fetched
/// while the current one is written (at most two pages in memory).
fn list_all(
    okta: &okta_flows::Okta,
    cred: &dyn okta_flows::Credential,
    path: &str,
    out: &Out,
) -> Result<()> {
    let progress = out.stderr_is_terminal();
    std::thread::scope(|scope| -> Result<()> {
        let (send, receive) = std::sync::mpsc::sync_channel(1);
        let fetcher = scope.spawn(move || {
            for page in okta.pages(cred, path).raw() {
                let failed = page.is_err();
                if send.send(page).is_err() || failed {
                    break;
                }
            }
        });
        let (mut pages, mut items) = (0, 0);
        let mut buf = Vec::new();
        for page in receive {
            let page = page?;
            let page = page.items()?;
            buf.clear();
            for text in page.iter().copied() {
                // NDJSON needs one line per item: a server that pretty-prints gets reformatted.
                if text.contains('\n') {
                    let value: Value = serde_json::from_str(text)?;
                    serde_json::to_writer(&mut buf, &value)?;
                } else {
                    buf.extend_from_slice(text.as_bytes());
                }
                buf.push(b'\n');
            }
            out.lines_bytes(&buf);
            items += page.len();
            pages += 1;
            if progress {
                eprint_progress(pages, items);
            }
        }
        let _ = fetcher.join();
        Ok(())
    })?;
    if progress {
        out.note("");
    }
    Ok(())
}
