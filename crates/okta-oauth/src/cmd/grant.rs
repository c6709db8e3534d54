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
    /// Revoke a grant, named by its scope (okta.users.read) or its id (oag…).
    Revoke {
        /// The app (client) id.
        app: String,
        /// The scope granted, or the grant's id.
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
                out.list(
                    ["GRANT ID", "SCOPE"],
                    okta.list_grants(cred, &AppId::new(app.as_str())?)?
                        .into_iter()
                        .map(|g| {
                            (
                                [g.id.to_string(), g.scope.to_string()],
                                json!({"id": g.id.as_str(), "scope": g.scope.as_str()}),
                            )
                        }),
                );
            }
            GrantCmd::Revoke { app, grant } => {
                let app_id = AppId::new(app.as_str())?;
                let (id, scope) = if grant.contains('.') {
                    let scope = Scope::new(grant.as_str())?;
                    let held = okta.list_grants(cred, &app_id)?;
                    let found = held.iter().find(|g| g.scope == scope).map(|g| g.id.clone());
                    match found {
                        Some(id) => (id, Some(scope)),
                        None => anyhow::bail!(
                            "{app} holds no grant for {grant} (it holds: {})",
                            if held.is_empty() {
                                "none".to_owned()
                            } else {
                                held.iter()
                                    .map(|g| g.scope.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            }
                        ),
                    }
                } else {
                    (GrantId::new(grant.as_str())?, None)
                };
                okta.revoke_grant(cred, &app_id, &id)?;
                let what = match &scope {
                    Some(s) => format!("{s} ({id})"),
                    None => id.to_string(),
                };
                out.data(
                    &format!("revoked {what} from {app}"),
                    &json!({"revoked": id.as_str(), "scope": scope.as_ref().map(Scope::as_str)}),
                );
            }
        }
        Ok(())
    }
}
