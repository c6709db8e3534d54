//! `okta-oauth token`: a service app's access token.

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use okta_flows::TokenType;
use serde_json::json;

use crate::context::Context;
use crate::out::Out;
use crate::service::ServiceOpts;

/// `okta-oauth token`.
#[derive(Debug, Args)]
pub(crate) struct TokenCmd {
    #[command(flatten)]
    pub(crate) org: crate::context::OrgOpts,
    #[command(flatten)]
    service: ServiceOpts,
    /// The signed-in user's access token (from `okta-oauth login`, refreshed when it nears
    /// expiry) instead of the service app's.
    #[arg(long)]
    user: bool,
    /// How to print it: raw (the token alone), header (an `Authorization` header line), json,
    /// or env (shell `export` lines) [default: raw; json with --json]
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// `token --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// The token alone.
    Raw,
    /// `Authorization: Bearer …`.
    Header,
    /// A JSON object: the token, its type, scopes and expiry.
    Json,
    /// `export OKTA_ACCESS_TOKEN=…` and its type and expiry, for `eval`.
    Env,
}

impl TokenCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let okta;
        let source;
        let (token, from_cache) = if self.user {
            okta = ctx.okta()?;
            let user = crate::cmd::login::LoginClient::default()
                .held(ctx, true)?
                .store(ctx, okta.clone());
            (user.token()?, None)
        } else {
            self.service.check(ctx)?;
            let scopes = self.service.scopes(ctx)?;
            crate::cmd::scopes::check_known(&scopes)?;
            if let Some(warning) = ctx.scope_warning(&scopes) {
                out.note(&warning);
            }
            okta = ctx.okta()?;
            source = self.service.source(ctx)?;
            match source.token() {
                Ok(token) => (token, Some(source.tokens_fetched() == 0)),
                Err(e) => return Err(token_refusal(ctx, &okta, &self.service, e)),
            }
        };
        let now = okta_flows::UnixTime::from_system_time(std::time::SystemTime::now());
        let dpop = token.token_type() == TokenType::DPoP;
        let kind = if dpop { "DPoP" } else { "Bearer" };
        let format = match (self.format, out.json) {
            (Some(f), _) => f,
            (None, true) => Format::Json,
            (None, false) => Format::Raw,
        };
        let secret = token.access_token().expose_secret();
        if dpop && matches!(format, Format::Header | Format::Env) {
            bail!(
                "this token is DPoP-bound (the app requires DPoP): Okta refuses it without a DPoP proof signed for each request, so a header or a variable alone would not work. Call through okta-oauth instead: `api` with the same options signs a proof for each call"
            );
        }
        match format {
            Format::Raw => out.raw(secret),
            Format::Header => out.raw(&format!("Authorization: {kind} {secret}")),
            Format::Json => out.line(&json!({
                "token_type": kind,
                "access_token": secret,
                "expires_at": token.expires_at().secs(),
                "expires_in": token.expires_at().since(now),
                "scope": token.scopes().join(" "),
                "from_cache": from_cache,
            })),
            Format::Env => out.raw(&format!(
                "export OKTA_ACCESS_TOKEN={}\nexport OKTA_TOKEN_TYPE={kind}\nexport OKTA_TOKEN_EXPIRES_AT={}\n",
                crate::out::shell_word(secret),
                token.expires_at().secs()
            )),
        }
        if dpop && format == Format::Raw {
            out.note("note: this is a DPoP-bound token; every use needs a DPoP proof from its key (okta-oauth api does that)");
        }
        Ok(())
    }
}

/// A refused token request, with what okta-flows says fixes it.
fn token_refusal(
    ctx: &Context,
    okta: &okta_flows::Okta,
    service: &ServiceOpts,
    e: okta_flows::Error,
) -> anyhow::Error {
    let help = token_fix_text(ctx, okta, service, None, &e);
    let e = anyhow::Error::new(e).context("getting a token with client credentials");
    match help {
        Some(help) => anyhow::anyhow!("{}\n{help}", crate::out::error_text(&e)),
        None => e,
    }
}

/// What okta-flows says fixes a refused token request of the service app, in words (the app's
/// keys read with `admin`, when given); `None` when the error is not a token refusal it knows.
pub(crate) fn token_fix_text(
    ctx: &Context,
    okta: &okta_flows::Okta,
    service: &ServiceOpts,
    admin: Option<&dyn okta_flows::Credential>,
    e: &okta_flows::Error,
) -> Option<String> {
    let creds = service.credentials(ctx).ok()?;
    crate::fixes::render(
        &okta.diagnose_token(e, &creds, admin)?,
        ctx,
        Some(service),
        None,
    )
}
