//! Okta's service-app guide end to end: a key, a service app with a grant and an admin role, a
//! DPoP-bound token, and every user. Against a real org with `OKTA_CLIENT_ORGURL` and
//! `OKTA_CLIENT_TOKEN` set; otherwise against a local emulator it starts.
//!
//! ```text
//! cargo run -p okta-flows --example paved_path
//! ```
#![allow(clippy::print_stdout, reason = "an example program")]

use std::sync::Arc;

use okta_flows::{Okta, OrgUrl, Scope, ServiceAppPlan, ServiceCredentials, SswsToken, jwk};
use okta_flows::{StandardRole, TokenRequest, TokenSource};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (org, admin, _local) = org_and_admin_token()?;
    let okta = Okta::builder(org).build()?;
    let key = Arc::new(jwk::KeyPair::generate(jwk::KeySpec::Ec(jwk::Curve::P256))?);
    let jwks = jwk::Jwks::new(vec![key.public_jwk().clone()]);
    let scopes = vec![Scope::new("okta.users.read")?];
    let role = StandardRole::ReadOnlyAdmin.into();
    let plan = ServiceAppPlan::new("paved-path example", jwks, scopes.clone(), role);
    let app = plan.run(&okta, &admin, |step| println!("{step:?}"))?.app;
    let creds = ServiceCredentials::for_app(&app, key);
    let tokens = TokenSource::new(okta.clone(), creds, TokenRequest::new(scopes));
    for user in okta.pages(&tokens, "/api/v1/users?limit=200").items() {
        println!("{}", user?["profile"]["login"]);
    }
    Ok(())
}

/// The org and API token of the environment, or a local emulator's (kept running while held).
fn org_and_admin_token()
-> Result<(OrgUrl, SswsToken, Option<okta_emulator::Emulator>), Box<dyn std::error::Error>> {
    if let (Ok(org), Ok(token)) = (
        std::env::var("OKTA_CLIENT_ORGURL"),
        std::env::var("OKTA_CLIENT_TOKEN"),
    ) {
        return Ok((OrgUrl::parse(&org)?, SswsToken::new(token), None));
    }
    let emulator = okta_emulator::Emulator::start(okta_emulator::Config::default())?;
    let org = OrgUrl::dangerous_allow_loopback_http(emulator.url())?;
    Ok((org, SswsToken::new(emulator.admin_token()), Some(emulator)))
}
