//! `okta-oauth auth status` (who am I, with what) and `okta-oauth logout` (revoke at the org,
//! forget here).

use anyhow::Result;
use clap::{Args, Subcommand};
use okta_flows::{ClientAuth, Okta, TokenType, UnixTime};
use serde_json::{Value, json};

use crate::context::Context;
use crate::out::Out;
use crate::service::ServiceOpts;

/// `okta-oauth auth`.
#[derive(Debug, Subcommand)]
pub(crate) enum AuthCmd {
    /// The profile, org and apps in use, the service app's cached token (type, scopes,
    /// expiry) and the signed-in user's. Asks Okta nothing.
    Status(StatusArgs),
}

/// `auth status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    service: ServiceOpts,
}

/// `okta-oauth logout`.
#[derive(Debug, Args)]
pub(crate) struct LogoutCmd {
    #[command(flatten)]
    pub(crate) org: crate::context::OrgOpts,
    #[command(flatten)]
    service: ServiceOpts,
}

impl AuthCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let AuthCmd::Status(args) = self;
        let org = ctx.org_setting()?;
        let mut report = json!({
            "profile": ctx.profile_name(),
            "org": org.as_ref().map(|s| json!({"url": s.value, "from": s.from.to_string()})),
        });
        let mut lines = vec![match ctx.profile_name() {
            Some(name) => format!("profile:      {name}"),
            None => "profile:      none (okta-oauth profile list)".to_owned(),
        }];
        lines.push(match &org {
            Some(s) => format!("org:          {} (from {})", s.value, s.from),
            None => format!("org:          missing: {}", Context::NO_ORG),
        });
        let okta = match org {
            Some(_) => Some(ctx.okta()?),
            None => None,
        };
        let now = UnixTime::from_system_time(std::time::SystemTime::now());
        // The service app.
        match (args.service.client_id(ctx), &okta) {
            (Ok(client), Some(_)) => {
                lines.push(format!("service app:  {client}"));
                let scopes = args.service.scopes(ctx)?;
                let cached = args
                    .service
                    .source_for(ctx, &scopes)
                    .and_then(|s| Ok(s.cached()?));
                let token = match cached {
                    Ok(Some(t)) => {
                        let kind = kind(t.token_type());
                        lines.push(format!(
                            "  token:      {kind}, {}, {}",
                            t.scopes().join(" "),
                            expires(t.expires_at(), now)
                        ));
                        json!({"token_type": kind, "scopes": t.scopes(), "expires_at": t.expires_at().secs()})
                    }
                    Ok(None) => {
                        lines.push(format!(
                            "  token:      none cached for {} (okta-oauth token gets one)",
                            scopes.join(" ")
                        ));
                        Value::Null
                    }
                    Err(e) => {
                        lines.push(format!("  token:      {}", crate::out::error_text(&e)));
                        Value::Null
                    }
                };
                report["service_app"] = json!({"client_id": client.as_str(), "token": token});
            }
            _ => lines.push(
                "service app:  none set (--client-id, OKTA_CLIENT_CLIENTID, or a profile)"
                    .to_owned(),
            ),
        }
        // The sign-in app.
        let held = crate::cmd::login::LoginClient::default().held(ctx, true);
        match (held, &okta) {
            (Ok(client), Some(okta)) => {
                lines.push(format!("sign-in app:  {}", client.client_id));
                let status = client.store(ctx, okta.clone()).status();
                match &status {
                    Some(s) => lines.push(format!(
                        "  signed in:  {}{}, {}{}",
                        s.user
                            .as_deref()
                            .map(|u| format!("{u}, "))
                            .unwrap_or_default(),
                        s.scopes.join(" "),
                        expires(s.expires_at, now),
                        if s.refresh {
                            ", refresh token kept"
                        } else {
                            ""
                        }
                    )),
                    None => lines.push("  signed in:  no (okta-oauth login)".to_owned()),
                }
                report["sign_in_app"] = json!({
                    "client_id": client.client_id.as_str(),
                    "signed_in": status.as_ref().map(|s| json!({"user": s.user, "scopes": s.scopes, "expires_at": s.expires_at.secs(), "refresh_token": s.refresh})),
                });
            }
            _ => lines.push("sign-in app:  none set".to_owned()),
        }
        let unknown = crate::env::unknown_okta_variables();
        if !unknown.is_empty() {
            lines.push(format!(
                "note: {} {} not read by okta-oauth (misspelt?)",
                unknown.join(", "),
                if unknown.len() == 1 { "is" } else { "are" }
            ));
            report["unread_variables"] = json!(unknown);
        }
        out.data(&lines.join("\n"), &report);
        Ok(())
    }
}

impl LogoutCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let okta = ctx.okta()?;
        let mut said = Vec::new();
        let mut failures = Vec::new();
        if let Ok(client) = crate::cmd::login::LoginClient::default().held(ctx, true) {
            match client.store(ctx, okta.clone()).sign_out() {
                Ok(true) => said.push(format!(
                    "signed out of {} (tokens revoked at the org and forgotten here)",
                    client.client_id
                )),
                Ok(false) => said.push(format!("not signed in to {}", client.client_id)),
                Err(e) => failures.push(format!(
                    "the sign-in to {} is forgotten here, but revoking it at the org failed: {e}",
                    client.client_id
                )),
            }
        }
        if self.service.check(ctx).is_ok() {
            let scopes = self.service.scopes(ctx)?;
            let source = self.service.source_for(ctx, &scopes)?;
            let cached = source.cached()?;
            source.invalidate();
            match cached {
                Some(token) => {
                    let creds = self.service.credentials(ctx)?;
                    match revoke(&okta, &creds, token.access_token().expose_secret()) {
                        Ok(()) => said.push(format!(
                            "revoked and forgot the service app's token for {}",
                            scopes.join(" ")
                        )),
                        Err(e) => failures.push(format!(
                            "the service app's token is forgotten here, but revoking it at the org failed: {e}"
                        )),
                    }
                }
                None => said.push(format!(
                    "no service app token cached for {}",
                    scopes.join(" ")
                )),
            }
        }
        if said.is_empty() && failures.is_empty() {
            anyhow::bail!(
                "nothing to log out of: no sign-in app and no service app is set (see `okta-oauth auth status`)"
            );
        }
        out.data(&said.join("\n"), &json!({"done": said, "failed": failures}));
        if !failures.is_empty() {
            anyhow::bail!("{}", failures.join("\n"));
        }
        Ok(())
    }
}

fn revoke(okta: &Okta, creds: &okta_flows::ServiceCredentials, token: &str) -> Result<()> {
    Ok(okta.revoke(
        ClientAuth::PrivateKeyJwt(creds),
        token,
        Some("access_token"),
    )?)
}

fn kind(t: TokenType) -> &'static str {
    if t == TokenType::DPoP {
        "DPoP"
    } else {
        "Bearer"
    }
}

/// "expires in 54 min", "expired 3 min ago", with the local time.
fn expires(at: UnixTime, now: UnixTime) -> String {
    let when = crate::out::utc_time(at);
    if at > now {
        let secs = at.since(now);
        format!("expires in {} ({when})", crate::out::duration(secs))
    } else {
        format!(
            "expired {} ago ({when})",
            crate::out::duration(now.since(at))
        )
    }
}
