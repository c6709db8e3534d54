//! `okta-oauth grant`: an app's Okta API scope grants.

use anyhow::Result;
use clap::Subcommand;
use okta_flows::{AppId, Credential, GrantId, Scope};
use serde_json::json;

use crate::context::Context;
use crate::out::Out;

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
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let (okta, ssws) = ctx.admin()?;
        let cred: &dyn Credential = &ssws;
        match self {
            GrantCmd::Add { app, scope } => {
                crate::cmd::scopes::check_known(&[scope])?;
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
