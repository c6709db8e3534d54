//! `okta-oauth keys`: an app's keys: list, add, activate, deactivate, delete, rotate.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use clap::Subcommand;
use okta_flows::{AppId, AppKeyId, Credential, DpopMode};
use serde_json::json;

use crate::context::Context;
use crate::files;
use crate::out::Out;

/// `okta-oauth keys`: an app's signing keys.
#[derive(Debug, Subcommand)]
pub(crate) enum KeysCmd {
    /// List the app's keys.
    List {
        /// The app (client) id.
        app: String,
    },
    /// Add the public part of a key file (it needs a kid; okta-oauth keygen sets one).
    Add {
        /// The app (client) id.
        app: String,
        /// The key file.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Add it inactive.
        #[arg(long)]
        inactive: bool,
    },
    /// Activate a key (by Okta's key id, pks…).
    Activate {
        /// The app (client) id.
        app: String,
        /// Okta's key id.
        key_id: String,
    },
    /// Deactivate a key.
    Deactivate {
        /// The app (client) id.
        app: String,
        /// Okta's key id.
        key_id: String,
    },
    /// Delete an inactive key.
    Delete {
        /// The app (client) id.
        app: String,
        /// Okta's key id.
        key_id: String,
    },
    /// Rotate to a new key: add it, prove a token with it, then deactivate the others (kept,
    /// so one can be activated again). Safe to run again after an interruption. Asks first on
    /// a terminal.
    Rotate {
        /// The app (client) id.
        app: String,
        /// The new private key file.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Scopes for the proof token.
        #[arg(long, default_value = "okta.users.read")]
        scopes: String,
        /// Delete the old keys too, instead of keeping them inactive.
        #[arg(long)]
        delete_old: bool,
        /// Do not ask: rotate at once (needed without a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

impl KeysCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let (okta, ssws) = ctx.admin()?;
        let cred: &dyn Credential = &ssws;
        let show = |k: &okta_flows::AppKey| {
            out.data(
                &format!(
                    "{}  kid={}  {}",
                    k.id,
                    k.kid.as_deref().unwrap_or("-"),
                    if k.active { "ACTIVE" } else { "INACTIVE" }
                ),
                k.raw(),
            );
        };
        match self {
            KeysCmd::List { app } => out.list(
                ["KEY ID", "KID", "STATUS"],
                okta.list_app_keys(cred, &AppId::new(app.as_str())?)?
                    .iter()
                    .map(|k| {
                        (
                            [
                                k.id.to_string(),
                                k.kid.clone().unwrap_or_else(|| "-".to_owned()),
                                if k.active { "ACTIVE" } else { "INACTIVE" }.to_owned(),
                            ],
                            k.raw().clone(),
                        )
                    }),
            ),
            KeysCmd::Add { app, key, inactive } => {
                let any = files::any_key(key, None)?;
                files::entering(&any, key)?;
                let public = any.public_jwk().clone();
                let public = if public.kid().is_some() {
                    public
                } else {
                    public.with_thumbprint_kid()
                };
                show(&okta.add_app_key(cred, &AppId::new(app.as_str())?, &public, !inactive)?);
            }
            KeysCmd::Activate { app, key_id } => show(&okta.set_app_key_active(
                cred,
                &AppId::new(app.as_str())?,
                &AppKeyId::new(key_id.as_str())?,
                true,
            )?),
            KeysCmd::Deactivate { app, key_id } => show(&okta.set_app_key_active(
                cred,
                &AppId::new(app.as_str())?,
                &AppKeyId::new(key_id.as_str())?,
                false,
            )?),
            KeysCmd::Delete { app, key_id } => {
                okta.delete_app_key(
                    cred,
                    &AppId::new(app.as_str())?,
                    &AppKeyId::new(key_id.as_str())?,
                )?;
                out.data(&format!("deleted {key_id}"), &json!({"deleted": key_id}));
            }
            KeysCmd::Rotate {
                app,
                key,
                scopes,
                delete_old,
                yes,
            } => {
                let new_key = files::private_key(key)?;
                files::entering_pair(&new_key, key)?;
                crate::out::confirm(
                    &format!(
                        "Rotate {app} to the key {} (kid {}), then {} its other keys?",
                        files::shown(key),
                        new_key.kid(),
                        if *delete_old {
                            "deactivate and delete"
                        } else {
                            "deactivate"
                        }
                    ),
                    *yes,
                )?;
                let new_key = Arc::new(new_key);
                let scopes = crate::config::words(scopes);
                let scopes = okta_flows::Scope::list(&scopes)?;
                let r = okta.rotate_app_key(
                    cred,
                    &AppId::new(app.as_str())?,
                    new_key,
                    &scopes,
                    DpopMode::Auto,
                    if *delete_old {
                        okta_flows::Retire::Delete
                    } else {
                        okta_flows::Retire::Deactivate
                    },
                )?;
                let list = |ids: &[AppKeyId]| match ids {
                    [] => "none".to_owned(),
                    ids => ids
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                let mut human = format!(
                    "rotated {app}: the new key was {}; it signs tokens.\n  deactivated: {}",
                    if r.added { "added" } else { "there already" },
                    list(&r.deactivated)
                );
                if *delete_old {
                    human.push_str(&format!("\n  deleted:     {}", list(&r.deleted)));
                } else if !r.deactivated.is_empty() {
                    human.push_str("\n  (kept inactive: `keys activate` brings one back, `keys delete` removes it)");
                }
                out.data(
                    &human,
                    &json!({"added": r.added, "activated": r.activated, "deactivated": r.deactivated, "deleted": r.deleted}),
                );
            }
        }
        Ok(())
    }
}
