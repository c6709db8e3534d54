//! `okta-oauth profile`: the remembered orgs, apps and keys (list, show, use, delete), and how
//! `quickstart`, `app create` and `login` remember what they set up.

use anyhow::{Context as _, Result, bail};
use clap::Subcommand;
use serde_json::{Value, json};

use crate::context::Context;
use crate::out::Out;
use crate::profile::{Profile, Profiles};

/// `okta-oauth profile`.
#[derive(Debug, Subcommand)]
pub(crate) enum ProfileCmd {
    /// Every profile, the current one marked `*` (NDJSON with --json).
    List,
    /// One profile's settings (default: the one this run uses). Paths of secrets only, never a
    /// secret.
    Show {
        /// The profile [default: the one this run uses]
        name: Option<String>,
    },
    /// Make a profile the current one: commands use it when no --profile or
    /// OKTA_OAUTH_PROFILE names another.
    Use {
        /// The profile.
        name: String,
    },
    /// Forget a profile (its key and secret files are left where they are).
    Delete {
        /// The profile.
        name: String,
    },
}

impl ProfileCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let mut profiles = Profiles::load()?;
        match self {
            ProfileCmd::List => {
                if profiles.profiles.is_empty() {
                    out.note("no profiles yet: `okta-oauth quickstart` makes one");
                }
                let mut rows = vec![[
                    " ".to_owned(),
                    "NAME".to_owned(),
                    "ORG".to_owned(),
                    "CLIENT ID".to_owned(),
                    "SIGN-IN APP".to_owned(),
                ]];
                for (name, p) in &profiles.profiles {
                    let current = profiles.current.as_deref() == Some(name.as_str());
                    if out.json {
                        out.line(&json!({"name": name, "current": current, "org": p.org, "client_id": p.client_id, "login_client_id": p.login.as_ref().and_then(|l| l.client_id.clone())}));
                        continue;
                    }
                    let dash = || "-".to_owned();
                    rows.push([
                        if current { "*" } else { " " }.to_owned(),
                        name.clone(),
                        p.org.clone().unwrap_or_else(dash),
                        p.client_id.clone().unwrap_or_else(dash),
                        p.login
                            .as_ref()
                            .and_then(|l| l.client_id.clone())
                            .unwrap_or_else(dash),
                    ]);
                }
                if !out.json && rows.len() > 1 {
                    out.raw(&crate::out::table_text(&rows));
                }
            }
            ProfileCmd::Show { name } => {
                let name = match name {
                    Some(n) => n.clone(),
                    None => ctx.profile_name().map(str::to_owned).context(
                        "no profile is in use: name the one to show (`okta-oauth profile list` lists them)",
                    )?,
                };
                let Some(profile) = profiles.profiles.get(&name) else {
                    bail!(
                        "there is no profile {name:?} ({})",
                        profiles.names_or_none()
                    );
                };
                let current = profiles.current.as_deref() == Some(name.as_str());
                let mut value = serde_json::to_value(profile)?;
                if let Value::Object(map) = &mut value {
                    map.insert("name".into(), name.clone().into());
                    map.insert("current".into(), current.into());
                }
                let text = serde_norway::to_string(profile)?;
                out.data(
                    &format!(
                        "profile {name}{}\n{}",
                        if current { " (current)" } else { "" },
                        text.trim_end()
                    ),
                    &value,
                );
            }
            ProfileCmd::Use { name } => {
                if !profiles.profiles.contains_key(name) {
                    bail!(
                        "there is no profile {name:?} ({})",
                        profiles.names_or_none()
                    );
                }
                profiles.current = Some(name.clone());
                let path = profiles.save()?;
                out.data(
                    &format!("now using profile {name} ({})", path.display()),
                    &json!({"current": name}),
                );
            }
            ProfileCmd::Delete { name } => {
                if profiles.profiles.remove(name).is_none() {
                    bail!(
                        "there is no profile {name:?} ({})",
                        profiles.names_or_none()
                    );
                }
                if profiles.current.as_deref() == Some(name.as_str()) {
                    profiles.current = None;
                }
                profiles.save()?;
                out.data(
                    &format!("forgot profile {name} (its key and secret files are left in place)"),
                    &json!({"deleted": name}),
                );
            }
        }
        Ok(())
    }
}

/// Records what a command set up into a profile and makes it the current one: the profile
/// `--profile` or `OKTA_OAUTH_PROFILE` names, else `default_name`. `edit` changes the profile
/// (a new one starts empty). Returns the profile's name, or `None` when there is nowhere to
/// keep profiles or the file cannot be written (said on stderr: the command's work is done,
/// and what it prints as advice then carries every setting itself).
pub(crate) fn remember(
    ctx: &Context,
    default_name: &str,
    edit: impl FnOnce(&mut Profile),
    out: &Out,
) -> Option<String> {
    let name = ctx
        .named_profile()
        .map_or_else(|| default_name.to_owned(), str::to_owned);
    let saved = (|| -> Result<std::path::PathBuf> {
        crate::profile::check_name(&name)?;
        let mut profiles = Profiles::load()?;
        edit(profiles.profiles.entry(name.clone()).or_default());
        profiles.current = Some(name.clone());
        profiles.save()
    })();
    match saved {
        Ok(path) => {
            out.step(&format!(
                "remembered as profile {name} in {} (now the current profile)",
                path.display()
            ));
            Some(name)
        }
        Err(e) => {
            out.note(&format!(
                "note: not remembered as a profile ({}); later commands need the settings below",
                crate::out::error_text(&e)
            ));
            None
        }
    }
}

/// The profile a command at `okta`'s org records into when none is named: the profile in use
/// when it is for this org, else the org's host.
pub(crate) fn name_for_org(ctx: &Context, okta: &okta_flows::Okta) -> String {
    match &ctx.profile {
        Some((name, p)) if p.org.as_deref().is_some_and(|o| same_org(o, okta)) => name.clone(),
        _ => crate::profile::org_folder(okta.org()),
    }
}

/// Whether the org text `text` (which may name an authorization server) is `okta`'s org.
fn same_org(text: &str, okta: &okta_flows::Okta) -> bool {
    let (org, _) = okta_flows::OrgUrl::split_issuer(text);
    org.trim_end_matches('/') == okta.org().as_str().trim_end_matches('/')
}

/// Sets a profile's org to `okta`'s, unless it already names it (with its authorization
/// server, perhaps), and the authorization server given on the command line or in the
/// environment; a loopback org is allowed `http://`.
pub(crate) fn set_org(p: &mut Profile, ctx: &Context, okta: &okta_flows::Okta) {
    if !p.org.as_deref().is_some_and(|o| same_org(o, okta)) {
        p.org = Some(okta.org().as_str().trim_end_matches('/').to_owned());
    }
    if let Some(server) = ctx.authorization_server_given() {
        p.authorization_server = Some(server);
    }
    if okta.org().is_loopback() {
        p.allow_http_loopback = true;
    }
}
