//! `okta-oauth api`: one call to Okta's APIs (or every page of a list), and what to do when it is refused.

use anyhow::{Context as _, Result, bail};
use clap::Args;
use okta_flows::{Caller, ClientId, Credential, Diagnosis, Fix, Method};
use serde_json::Value;
use std::path::PathBuf;

use crate::context::Context;
use crate::files;
use crate::out::Out;
use crate::service::ServiceOpts;

/// A diagnosis in words, each fix a command that runs as printed. `user` is who signed in, for
/// a call with their token, when known.
fn render_diagnosis(d: &Diagnosis, client: Option<&ClientId>, user: Option<&str>) -> String {
    let call = d.operation.as_deref().unwrap_or("this call");
    let needed = d.needed.join(" ");
    let mut text = String::new();
    let mut grants = Vec::new();
    for fix in &d.fixes {
        match fix {
            Fix::AssignUserRole { role } => text.push_str(&match user {
                Some(login) => format!(
                    "The user's token holds the scope, but the user has no admin role that allows this call. Give them one (with an API token):\n  okta-oauth role assign --user {} {role}",
                    crate::out::shell_word(login)
                ),
                None => format!(
                    "The user's token holds the scope, but the user has no admin role that allows this call. Give them one (with an API token): `role assign --user` with their login and {role}."
                ),
            }),
            Fix::ExtendCustomRole {
                client,
                permissions,
                resources,
            } => {
                let label = format!("{needed} for {client}");
                let set = format!("{label} resources");
                text.push_str(&format!(
                    "{call} needs {needed}; the app {client} acts through a custom role, which must hold the permissions {} and whose resource set must hold {}. Give it one that does:\n  okta-oauth role custom {} --scopes {}\n  okta-oauth role assign {client} --custom {} --resource-set {}",
                    permissions.join(" "),
                    resources.join(" "),
                    crate::out::shell_word(&label),
                    crate::out::shell_word(&needed),
                    crate::out::shell_word(&label),
                    crate::out::shell_word(&set),
                ));
            }
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
    #[command(flatten)]
    pub(crate) org: crate::context::OrgOpts,
    /// HTTP method (GET, POST, PUT, DELETE).
    #[arg(value_parser = crate::cmd::scopes::parse_method)]
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
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let result = self.call(ctx, out);
        let Err(e) = result else {
            return result;
        };
        if self.ssws {
            return Err(e);
        }
        match self.help(ctx, &e) {
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
    fn scopes(&self, ctx: &Context, out: &Out) -> Result<Vec<String>> {
        let op = self.operation();
        Ok(match (self.service.configured_scopes(ctx)?, op) {
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
            (None, _) => self.service.scopes(ctx)?,
        })
    }

    /// What to do about a refusal, as okta-flows diagnoses it (the app's grants and keys read
    /// with the API token when one is configured), in words: a refused token request of the
    /// service app, else a call that scopes or roles explain.
    fn help(&self, ctx: &Context, e: &anyhow::Error) -> Option<String> {
        let error = e
            .chain()
            .find_map(|c| c.downcast_ref::<okta_flows::Error>())?;
        let okta = ctx.okta().ok()?;
        let ssws = ctx.ssws().ok();
        let admin = ssws.as_ref().map(|s| s as &dyn Credential);
        if self.user {
            let held = crate::cmd::login::LoginClient::default()
                .held(ctx, true)
                .ok();
            if let okta_flows::Error::SignIn(_) = error {
                let login = match &held {
                    Some(client) if !client.from_latest_sign_in => "okta-oauth login".to_owned(),
                    Some(client) => format!("okta-oauth login --client-id {}", client.client_id),
                    None => "okta-oauth login".to_owned(),
                };
                return Some(format!("Sign in again:\n  {login}"));
            }
            let who = held
                .and_then(|c| c.store(ctx, okta.clone()).status())
                .and_then(|s| s.user);
            let found = okta.diagnose_call(error, self.method, &self.path, Caller::User)?;
            return Some(render_diagnosis(&found, None, who.as_deref()));
        }
        if let Some(help) =
            crate::cmd::token::token_fix_text(ctx, &okta, &self.service, admin, error)
        {
            return Some(help);
        }
        let client = self.service.client_id(ctx).ok()?;
        let caller = Caller::App {
            client: &client,
            admin,
        };
        let found = okta.diagnose_call(error, self.method, &self.path, caller)?;
        Some(render_diagnosis(&found, Some(&client), None))
    }

    /// A listing that stopped part way: what was printed, why it stopped, and the command that
    /// goes on from the page that was not fetched.
    fn stopped(&self, stop: Stopped) -> anyhow::Error {
        let Stopped {
            error,
            pages,
            items,
        } = stop;
        let Some(okta_flows::Error::Pagination {
            resume: Some(resume),
            source,
            ..
        }) = error.downcast_ref::<okta_flows::Error>()
        else {
            return error;
        };
        let mut again = format!(
            "okta-oauth api GET {} --all",
            crate::out::shell_word(resume)
        );
        if self.ssws {
            again.push_str(" --ssws");
        }
        if self.user {
            again.push_str(" --user");
        }
        if let Some(scopes) = &self.service.scopes {
            again.push_str(&format!(" --scopes {}", crate::out::shell_word(scopes)));
        }
        anyhow::anyhow!(
            "the listing stopped after {items} item{} in {pages} page{} (all printed above): {source}\nTo go on from where it stopped:\n  {again}",
            if items == 1 { "" } else { "s" },
            if pages == 1 { "" } else { "s" },
        )
    }

    fn call(&self, ctx: &Context, out: &Out) -> Result<()> {
        if !self.ssws && !self.user {
            self.service.check(ctx)?;
        }
        let okta = ctx.okta()?;
        let method = self.method;
        if !self.path.starts_with('/') {
            bail!("the path starts with / (e.g. /api/v1/users)");
        }
        let ssws;
        let source;
        let user;
        let cred: &dyn Credential = if self.ssws {
            ssws = ctx.ssws()?;
            &ssws
        } else if self.user {
            user = crate::cmd::login::LoginClient::default()
                .held(ctx, true)?
                .store(ctx, okta.clone());
            &user
        } else {
            let scopes = self.scopes(ctx, out)?;
            crate::cmd::scopes::check_known(&scopes)?;
            if let Some(warning) = ctx.scope_warning(&scopes) {
                out.note(&warning);
            }
            source = self.service.source_for(ctx, &scopes)?;
            &source
        };
        if self.all {
            if method != Method::GET {
                bail!("--all follows pages of a GET");
            }
            return list_all(&okta, cred, &self.path, out).map_err(|stop| self.stopped(stop));
        }
        let body = match &self.data {
            Some(path) => Some(
                serde_json::from_str::<Value>(&files::read_at_most(path, files::MAX_DATA_FILE)?)
                    .context("the --data file is not JSON")?,
            ),
            None => None,
        };
        let response = okta.call(cred, method, &self.path, body.as_ref())?;
        if response.body.is_null() {
            // No content (a 204 to a DELETE): nothing to print, as curl and gh print nothing.
            if !out.json {
                out.note(&format!("done: HTTP {}, no content", response.status));
            }
            return Ok(());
        }
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

/// `api GET PATH --all`: every item of every page as NDJSON. Items are written as the server
/// sent them (not parsed and formatted again), a page in one write, and the next page is fetched
/// while the current one is written (at most two pages in memory).
/// A listing that stopped part way, with what it had printed.
struct Stopped {
    error: anyhow::Error,
    pages: usize,
    items: usize,
}

fn list_all(
    okta: &okta_flows::Okta,
    cred: &dyn okta_flows::Credential,
    path: &str,
    out: &Out,
) -> std::result::Result<(), Stopped> {
    let progress = out.stderr_is_terminal();
    let (mut pages, mut items) = (0, 0);
    let walked = std::thread::scope(|scope| -> Result<()> {
        let (send, receive) = std::sync::mpsc::sync_channel(1);
        let fetcher = scope.spawn(move || {
            for page in okta.pages(cred, path).raw() {
                let failed = page.is_err();
                if send.send(page).is_err() || failed {
                    break;
                }
            }
        });
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
    });
    if progress {
        out.note("");
    }
    walked.map_err(|error| Stopped {
        error,
        pages,
        items,
    })
}
