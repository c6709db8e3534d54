//! `okta-oauth api-tokens`: the org's SSWS API tokens, what is left to move to OAuth.

use std::collections::BTreeMap;

use anyhow::Result;
use clap::Subcommand;
use okta_flows::Credential;
use serde_json::json;

use crate::context::Context;
use crate::out::Out;

/// `okta-oauth api-tokens`.
#[derive(Debug, Subcommand)]
pub(crate) enum ApiTokensCmd {
    /// List the org's SSWS API tokens: name, owner, where each may be used from, when it was
    /// made and when it expires unused (NDJSON with --json). Their values are never shown.
    List,
}

impl ApiTokensCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let (okta, ssws) = ctx.admin()?;
        let cred: &dyn Credential = &ssws;
        match self {
            ApiTokensCmd::List => {
                let tokens = okta.list_api_tokens(cred)?;
                // Each owner's login, read once; an owner that cannot be read shows its id.
                let mut owners: BTreeMap<String, String> = BTreeMap::new();
                for id in tokens.iter().filter_map(|t| t.user_id()) {
                    if !owners.contains_key(id) {
                        let login = okta
                            .find_user(cred, id)
                            .map_or_else(|_| id.to_owned(), |u| u.login);
                        owners.insert(id.to_owned(), login);
                    }
                }
                let dash = |v: Option<&str>| v.unwrap_or("-").to_owned();
                out.list(
                    ["NAME", "OWNER", "NETWORK", "CREATED", "EXPIRES", "ID"],
                    tokens.into_iter().map(|t| {
                        let owner = t
                            .user_id()
                            .map(|id| owners.get(id).cloned().unwrap_or_else(|| id.to_owned()));
                        let row = [
                            t.name().to_owned(),
                            dash(owner.as_deref()),
                            dash(t.network()),
                            dash(t.created()),
                            dash(t.expires_at()),
                            t.id().to_owned(),
                        ];
                        let shown = json!({
                            "id": t.id(), "name": t.name(), "userId": t.user_id(), "owner": owner,
                            "network": t.network(), "clientName": t.client_name(),
                            "created": t.created(), "expiresAt": t.expires_at(),
                            "lastUpdated": t.last_updated(),
                        });
                        (row, shown)
                    }),
                );
            }
        }
        Ok(())
    }
}
