//! Commands that talk to an org: `token`, `api`, `app`, `grant`, `role`, `verify`.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use okta_flows::{AppId, Credential, GrantId, Method, Role, Scope, StandardRole, TokenType};
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

/// `okta-oauth api`.
#[derive(Debug, Args)]
pub(crate) struct ApiCmd {
    /// HTTP method (GET, POST, PUT, DELETE).
    method: String,
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
    #[command(flatten)]
    admin: AdminOpts,
}

impl ApiCmd {
    pub(crate) fn run(&self, org: &OrgOpts, out: &Out) -> Result<()> {
        let okta = org.okta()?;
        let method = self.method.to_ascii_uppercase();
        if !["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&method.as_str()) {
            bail!("unsupported method {:?}", self.method);
        }
        let method = Method::from_bytes(method.as_bytes())?;
        if !self.path.starts_with('/') {
            bail!("the path starts with / (e.g. /api/v1/users)");
        }
        let ssws;
        let source;
        let user;
        let cred: &dyn Credential = if self.ssws {
            ssws = self.admin.ssws()?;
            &ssws
        } else if self.user {
            user = okta_flows::UserTokenSource::new(
                okta.clone(),
                self.service.client_id()?,
                crate::more_cmd::user_tokens_path(),
            );
            &user
        } else {
            if let Some(warning) = org.scope_warning(&self.service.scopes()) {
                out.note(&warning);
            }
            source = self.service.source(okta.clone())?;
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
    /// Create a service app (private_key_jwt, client credentials) with the public key of FILE.
    Create {
        /// The app's name.
        #[arg(long)]
        name: String,
        /// A key file (private or public); its public part is registered.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Require DPoP (as Okta's console does for new API service apps).
        #[arg(long)]
        dpop: bool,
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
}

impl AppCmd {
    pub(crate) fn run(&self, org: &OrgOpts, admin: &AdminOpts, out: &Out) -> Result<()> {
        let okta = org.okta()?;
        let ssws = admin.ssws()?;
        let cred: &dyn Credential = &ssws;
        match self {
            AppCmd::Create { name, key, dpop } => {
                let path = key;
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
            AppCmd::List => {
                for app in okta.list_apps(cred)? {
                    if out.json {
                        out.line(app.raw());
                    } else {
                        out.data(
                            &format!(
                                "{}  {}  dpop={}",
                                app.client_id(),
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
                let g = okta.add_grant(
                    cred,
                    &AppId::new(app.as_str())?,
                    &Scope::new(scope.as_str())?,
                )?;
                out.data(
                    &format!("granted {} ({})", g.scope, g.id),
                    &json!({"id": g.id.as_str(), "scope": g.scope.as_str()}),
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
    /// Assign an admin role (SUPER_ADMIN, READ_ONLY_ADMIN, …) to a client.
    Assign {
        /// The client id.
        client: String,
        /// The role type.
        role: String,
    },
    /// List a client's admin roles.
    List {
        /// The client id.
        client: String,
    },
}

impl RoleCmd {
    pub(crate) fn run(&self, org: &OrgOpts, admin: &AdminOpts, out: &Out) -> Result<()> {
        let okta = org.okta()?;
        let ssws = admin.ssws()?;
        let cred: &dyn Credential = &ssws;
        match self {
            RoleCmd::Assign { client, role } => {
                let role = Role::Standard(role.parse::<StandardRole>()?);
                let client = okta_flows::ClientId::new(client.as_str())?;
                let r = okta.assign_role(cred, &client, &role)?;
                out.data(
                    &format!("assigned {} ({})", r.role_type, r.id),
                    &json!({"id": r.id.as_str(), "type": r.role_type}),
                );
            }
            RoleCmd::List { client } => {
                let client = okta_flows::ClientId::new(client.as_str())?;
                for r in okta.list_roles(cred, &client)? {
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
