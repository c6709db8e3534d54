//! `okta-oauth token`: a service app's access token.

use anyhow::{Context, Result};
use clap::Args;
use okta_flows::TokenType;
use serde_json::json;

use crate::connect::{OrgOpts, ServiceOpts};
use crate::out::Out;

/// `okta-oauth token`.
#[derive(Debug, Args)]
pub(crate) struct TokenCmd {
    #[command(flatten)]
    service: ServiceOpts,
}

impl TokenCmd {
    pub(crate) fn run(&self, org: &OrgOpts, out: &Out) -> Result<()> {
        crate::cmd::scopes::check_known(&self.service.scopes())?;
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
