//! `okta-oauth scopes`: which Okta API scopes an operation needs, from Okta's own contract.

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
    #[arg(value_name = "METHOD PATH", num_args = 0..=2, required_unless_present = "search")]
    call: Vec<String>,
    /// Every operation whose path or scopes contain this text (NDJSON with --json).
    #[arg(long, value_name = "TEXT", conflicts_with = "call")]
    search: Option<String>,
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
