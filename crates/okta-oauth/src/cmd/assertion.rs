//! `okta-oauth assertion`: a signed client assertion (`private_key_jwt`), for another client.

use anyhow::Result;
use clap::Args;
use okta_assertion::{ClientAssertionBuilder, OsRandom, UnixTime};
use okta_flows::OAuthEndpoint;
use serde_json::json;

use crate::context::Context;
use crate::out::Out;
use crate::service::ServiceOpts;

/// `okta-oauth assertion`: print a signed client assertion (a credential for 5 minutes).
#[derive(Debug, Args)]
pub(crate) struct AssertionCmd {
    #[command(flatten)]
    pub(crate) org: crate::context::OrgOpts,
    #[command(flatten)]
    service: ServiceOpts,
    /// The endpoint the assertion is for: token (default), revoke or introspect.
    #[arg(long, default_value = "token")]
    endpoint: String,
}

impl AssertionCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        self.service.check(ctx)?;
        let okta = ctx.okta()?;
        let which = match self.endpoint.as_str() {
            "token" => OAuthEndpoint::Token,
            "revoke" => OAuthEndpoint::Revoke,
            "introspect" => OAuthEndpoint::Introspect,
            other => anyhow::bail!(
                "--endpoint {other:?}: a client assertion is for token, revoke or introspect"
            ),
        };
        let endpoint = okta.oauth_endpoint(which)?;
        let key = self.service.key(ctx)?;
        let now = UnixTime::from_system_time(std::time::SystemTime::now());
        let jwt = ClientAssertionBuilder::new(self.service.client_id(ctx)?, endpoint.clone())
            .sign(&key, now, &OsRandom::new())?;
        out.data(jwt.expose_secret(), &json!({"client_assertion": jwt.expose_secret(), "client_assertion_type": okta_assertion::CLIENT_ASSERTION_TYPE, "aud": endpoint.as_str()}));
        Ok(())
    }
}
