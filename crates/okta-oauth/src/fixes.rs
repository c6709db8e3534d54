//! A [`Fix`] okta-flows decided, in words: each command it names runs as printed.

use okta_flows::Fix;

use crate::context::Context;
use crate::service::ServiceOpts;

/// A fix in words, its commands ready to run as printed.
pub(crate) fn render(
    fix: &Fix,
    ctx: &Context,
    service: Option<&ServiceOpts>,
    user: Option<&str>,
) -> Option<String> {
    Some(match fix {
        Fix::GrantScope { client, scope } => format!("okta-oauth grant add {client} {scope}"),
        Fix::AssignAppRole { client, role } => format!("okta-oauth role assign {client} {role}"),
        Fix::AllowGrantType { client } => format!(
            "allow the authorization code grant in the app's settings (`okta-oauth app get {client}` shows its grant types)"
        ),
        Fix::RegisterRedirectUri {
            uri, registered, ..
        } => {
            let port = registered.iter().find_map(|u| {
                u.strip_prefix("http://127.0.0.1:")
                    .and_then(|r| r.split('/').next())
                    .and_then(|p| p.parse::<u16>().ok())
            });
            match port {
                Some(port) => format!(
                    "add {uri} to the app's sign-in redirect URIs, or sign in on a port it lists:\n  okta-oauth login --port {port}"
                ),
                None => format!("add {uri} to the app's sign-in redirect URIs"),
            }
        }
        Fix::AssignUserToApp { client } => match user {
            Some(login) => format!(
                "only people assigned to the app may sign in (with an API token):\n  okta-oauth app assign {client} --user {}",
                crate::out::shell_word(login)
            ),
            None => format!(
                "only people assigned to the app {client} may sign in (`app assign` with their login)"
            ),
        },
        Fix::UseSignInApp { .. } => "sign in to a web, native or single-page app instead (`app create --type native` makes one that also allows --device)".to_owned(),
        Fix::GiveClientSecret => "the app authenticates with a client secret: give --client-secret-file FILE, OKTA_OAUTH2_CLIENT_SECRET, or okta.oauth2.clientSecret".to_owned(),
        other => token_fix(other, ctx, service)?,
    })
}

/// A token fix in words.
fn token_fix(fix: &Fix, ctx: &Context, service: Option<&ServiceOpts>) -> Option<String> {
    Some(match fix {
        Fix::SignWithRegisteredKey { kid, registered } => {
            let theirs = if registered.is_empty() {
                String::new()
            } else {
                format!(" (its active keys: {})", registered.join(", "))
            };
            let mut text = format!(
                "The app has no active key with kid {kid}{theirs}: sign with one of its keys (--kid, --private-key), or add this key's public part to the app"
            );
            match (
                service.map(|s| s.client_id(ctx)),
                service.and_then(|s| s.key_file(ctx)),
            ) {
                (Some(Ok(client)), Some(file)) => text.push_str(&format!(
                    " (with an API token):\n  okta-oauth keys add {client} --key {}",
                    crate::out::shell_word(&file.to_string_lossy())
                )),
                _ => text.push_str(" (okta-oauth keys add)."),
            }
            text
        }
        Fix::CheckClock { skew: Some(skew) } => format!(
            "The org's clock and this machine's differ by {} s: set this machine's clock (Okta judges the assertion's times by its own).",
            skew.unsigned_abs()
        ),
        Fix::CheckClock { skew: None } => {
            "Check this machine's clock: Okta judges the assertion's times by its own.".to_owned()
        }
        Fix::SendDpopProof => {
            "The app requires DPoP-bound tokens: use --dpop auto (the default) or --dpop always."
                .to_owned()
        }
        _ => return None,
    })
}
