//! `okta-oauth scopes`: which Okta API scopes an operation needs, from Okta's own contract.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;
use okta_flows::{Method, api_scopes};
use serde_json::json;

use crate::out::Out;

/// `okta-oauth scopes`.
#[derive(Debug, Args)]
pub(crate) struct ScopesCmd {
    /// The call: `'GET /api/v1/groups'`, or METHOD and PATH as two words (ids and queries may be
    /// concrete: `GET /api/v1/groups/00g1…/users?limit=5`).
    #[arg(value_name = "METHOD PATH", num_args = 0..=2, required_unless_present_any = ["search", "from"])]
    call: Vec<String>,
    /// Every operation whose path or scopes contain this text (NDJSON with --json).
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["call", "from"])]
    search: Option<String>,
    /// The calls a program makes, one a line (`GET /api/v1/users`, or a JSON object with
    /// `method` and `path`; `#` starts a comment): the scopes to grant for them all, and the
    /// permissions of a custom admin role for them (`quickstart --least-privilege --from`
    /// makes that app).
    #[arg(long, value_name = "FILE", conflicts_with = "call")]
    from: Option<PathBuf>,
}

/// The most a `--from` file may hold.
const MAX_FROM_BYTES: u64 = 1 << 20;

/// The operations a `--from` file names, in order, each once; every line that names none is an
/// error, all of them reported at once (`FILE:LINE: …`).
pub(crate) fn operations_from(file: &Path) -> Result<Vec<api_scopes::ApiOperation>> {
    let text = crate::files::read_at_most(file, MAX_FROM_BYTES)?;
    let shown = crate::files::shown(file);
    let mut ops: Vec<api_scopes::ApiOperation> = Vec::new();
    let mut wrong = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let call = if line.starts_with('{') {
            serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| {
                    Some((
                        v.get("method")?.as_str()?.to_owned(),
                        v.get("path")?.as_str()?.to_owned(),
                    ))
                })
        } else {
            line.split_once(char::is_whitespace)
                .map(|(m, p)| (m.to_owned(), p.trim().to_owned()))
        };
        // A line whose first word is no method is no call.
        let call = call.filter(|(m, _)| parse_method(m).is_ok());
        let found = call.as_ref().and_then(|(m, p)| {
            let method = parse_method(m).ok()?;
            api_scopes::operation(method, p)
        });
        match (found, call) {
            (Some(op), _) => {
                if !ops.contains(&op) {
                    ops.push(op);
                }
            }
            (None, Some((m, p))) => wrong.push(format!(
                "{shown}:{}: {} {} is not an operation of Okta's Management API contract",
                n + 1,
                m.to_ascii_uppercase(),
                printable(&p)
            )),
            (None, None) => wrong.push(format!(
                "{shown}:{}: not a call (`GET /api/v1/users`, or {{\"method\": …, \"path\": …}})",
                n + 1
            )),
        }
    }
    if !wrong.is_empty() {
        bail!("{}", wrong.join("\n"));
    }
    if ops.is_empty() {
        bail!("{shown} names no call: write one a line, as `GET /api/v1/users`");
    }
    Ok(ops)
}

/// A path from a `--from` file for a message: at most 120 characters, no control characters,
/// and nothing that looks like a pasted secret.
fn printable(path: &str) -> String {
    if let Some(what) = crate::guard::secret_like(path) {
        return format!("<{what}; not shown>");
    }
    path.chars()
        .take(120)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The scopes to grant for the calls of a `--from` file.
pub(crate) fn scopes_from(file: &Path) -> Result<Vec<&'static str>> {
    Ok(api_scopes::needed_for(&operations_from(file)?))
}

fn show(out: &Out, op: &api_scopes::ApiOperation) {
    let scopes: Vec<&str> = op.scope_names().collect();
    let human = if scopes.is_empty() {
        format!(
            "{} {}  (no OAuth scope: an API token only)",
            op.method(),
            op.template()
        )
    } else {
        format!("{} {}  {}", op.method(), op.template(), scopes.join(" "))
    };
    out.data(
        &human,
        &json!({"method": op.method(), "path": op.template(), "scopes": scopes}),
    );
}

impl ScopesCmd {
    pub(crate) fn run(&self, out: &Out) -> Result<()> {
        if let Some(file) = &self.from {
            return from_file(file, out);
        }
        if let Some(term) = &self.search {
            let found = api_scopes::search(term);
            if found.is_empty() {
                bail!(
                    "no operation of Okta's contract ({}) mentions {term:?}",
                    api_scopes::CONTRACT
                );
            }
            for op in &found {
                show(out, op);
            }
            return Ok(());
        }
        let (method, path) = match self.call.as_slice() {
            [one] => match one.trim().split_once(' ') {
                Some((m, p)) => (m.to_owned(), p.trim().to_owned()),
                None => {
                    bail!("give the method and the path: okta-oauth scopes 'GET /api/v1/groups'")
                }
            },
            [m, p] => (m.clone(), p.clone()),
            _ => bail!("give the method and the path: okta-oauth scopes 'GET /api/v1/groups'"),
        };
        match api_scopes::operation(parse_method(&method)?, &path) {
            Some(op) => {
                show(out, &op);
                Ok(())
            }
            None => bail!(
                "{} {path} is not an operation of Okta's Management API contract ({}); `okta-oauth scopes --search {}` lists what is",
                method.to_ascii_uppercase(),
                api_scopes::CONTRACT,
                crate::out::shell_word(search_word(&path))
            ),
        }
    }
}

/// `scopes --from FILE`: each call's operation and scopes, then the scopes to grant for them all,
/// a custom role's permissions for those, and the command that makes such an app.
fn from_file(file: &Path, out: &Out) -> Result<()> {
    let ops = operations_from(file)?;
    let scopes = api_scopes::needed_for(&ops);
    let typed: Vec<okta_flows::Scope> = scopes
        .iter()
        .filter_map(|s| okta_flows::Scope::new(*s).ok())
        .collect();
    let permissions = okta_flows::permissions_for(&typed)?;
    let mut human = String::new();
    for op in &ops {
        let names: Vec<&str> = op.scope_names().collect();
        human.push_str(&format!(
            "{} {}  {}\n",
            op.method(),
            op.template(),
            if names.is_empty() {
                "(no OAuth scope: an API token only)".to_owned()
            } else {
                names.join(" ")
            }
        ));
    }
    let make = format!(
        "okta-oauth quickstart --least-privilege --from {}",
        crate::out::shell_word(&file.to_string_lossy())
    );
    human.push_str(&format!(
        "\nscopes: {}\ncustom role permissions: {}\nan app with exactly these:\n  {make}",
        scopes.join(" "),
        permissions.join(" ")
    ));
    out.data(
        &human,
        &json!({
            "operations": ops.iter().map(|op| json!({
                "method": op.method(), "path": op.template(),
                "scopes": op.scope_names().collect::<Vec<_>>()
            })).collect::<Vec<_>>(),
            "scopes": scopes,
            "permissions": permissions,
            "next": make,
        }),
    );
    Ok(())
}

/// Refuses an Okta scope the contract does not know, with the one most likely meant. Names
/// outside `okta.*` (OpenID Connect's, a custom server's) are left to the server.
pub(crate) fn check_known<S: AsRef<str>>(scopes: &[S]) -> Result<()> {
    for s in scopes {
        let s = s.as_ref();
        if s.starts_with("okta.") && !api_scopes::is_known(s) {
            match api_scopes::suggestion(s) {
                Some(meant) => bail!(
                    "{s} is not an Okta API scope: did you mean {meant}? (`okta-oauth scopes --search {}` lists them)",
                    s.split('.').nth(1).unwrap_or("users")
                ),
                None => bail!(
                    "{s} is not an Okta API scope of Okta's contract ({}); `okta-oauth scopes --search {}` lists them",
                    api_scopes::CONTRACT,
                    crate::out::shell_word(
                        s.split('.')
                            .nth(1)
                            .filter(|w| !w.is_empty())
                            .unwrap_or("users")
                    )
                ),
            }
        }
    }
    Ok(())
}

/// The word of a path to search the contract for: its first segment after `/api/v1/` (or the
/// path's first), `users` when there is none.
fn search_word(path: &str) -> &str {
    let rest = path.trim_start_matches('/');
    let rest = rest
        .strip_prefix("api/v1/")
        .or_else(|| rest.strip_prefix("oauth2/v1/"))
        .unwrap_or(rest);
    rest.split(['/', '?'])
        .find(|w| !w.is_empty() && !w.starts_with('{'))
        .unwrap_or("users")
}

/// A method as typed: `get` is `GET`; only the five Okta's APIs use.
pub(crate) fn parse_method(text: &str) -> Result<Method> {
    let method: Method = text.to_ascii_uppercase().parse()?;
    if [Method::HEAD, Method::OPTIONS].contains(&method) {
        bail!("unsupported method {text:?}: Okta's APIs use GET, POST, PUT, PATCH and DELETE");
    }
    Ok(method)
}
