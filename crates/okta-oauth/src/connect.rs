//! How the CLI reaches an org: the HTTP client (with the Okta SDKs' proxy settings) and the
//! local org `quickstart` starts.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use okta_flows::{Okta, OrgUrl, SswsToken};

/// The local Okta org `quickstart` starts when no org is given: 25 users on `port` of
/// 127.0.0.1 (0: a free one; a busy one: a free one, said on stderr), its state kept in
/// `state_file`, and (for the user half) a scripted sign-in of `login`. Returns the org (it
/// stops when dropped), a client for it, its API token and its URL.
pub(crate) fn local_org(
    state_file: PathBuf,
    login: Option<String>,
    port: u16,
    verbose: bool,
    out: &crate::out::Out,
) -> Result<(okta_emulator::Emulator, Okta, SswsToken, String)> {
    let mut config = okta_emulator::Config::default();
    config.users = okta_emulator::SeedUsers { count: 25 };
    config.state_file = Some(state_file);
    config.port = port;
    // Nothing reads the local org's request log.
    config.event_log = 0;
    if login.is_some() {
        // No person at hand: the local org signs this user in without its page.
        config.default_login = login;
    }
    let started = match okta_emulator::Emulator::start(config.clone()) {
        Err(e) if port != 0 => {
            out.note(&format!(
                "port {port} is taken ({e}); the local org takes a free one, and the profile remembers it"
            ));
            config.port = 0;
            okta_emulator::Emulator::start(config)
        }
        other => other,
    };
    let org = started.context("starting the local Okta org")?;
    let url = org.url().to_owned();
    let okta = client(OrgUrl::dangerous_allow_loopback_http(&url)?, verbose)?;
    let ssws = SswsToken::new(org.admin_token());
    out.step(&format!(
        "no --org given: started a local Okta org (okta-emulator) at {url}"
    ));
    Ok((org, okta, ssws, url))
}

/// A client for `org`, tracing to stderr with `-v`.
pub(crate) fn client(org: OrgUrl, verbose: bool) -> Result<Okta> {
    Ok(builder(org, verbose)?.build()?)
}

pub(crate) fn builder(org: OrgUrl, verbose: bool) -> Result<okta_flows::OktaBuilder> {
    let mut builder =
        Okta::builder(org).user_agent(format!("okta-oauth/{}", env!("CARGO_PKG_VERSION")));
    if let Some(proxy) = proxy()? {
        builder = builder.proxy(proxy);
    }
    if verbose {
        builder = builder.trace(|t: &okta_flows::Trace| crate::out::trace(t));
    }
    Ok(builder)
}

/// The proxy: each part from `OKTA_CLIENT_PROXY_{HOST,PORT,USERNAME,PASSWORD}`, else from
/// okta.yaml's `okta.client.proxy`. None when no host is set.
fn proxy() -> Result<Option<okta_flows::ProxyUrl>> {
    let file = crate::config::get()
        .ok()
        .map(|c| c.proxy.clone())
        .unwrap_or_default();
    let part = |name: &'static str, from_file: Option<String>| -> Result<Option<String>> {
        Ok(crate::env::text(name)?.or(from_file))
    };
    let host = part("OKTA_CLIENT_PROXY_HOST", file.host)?;
    let port = part("OKTA_CLIENT_PROXY_PORT", file.port)?;
    let user = part("OKTA_CLIENT_PROXY_USERNAME", file.username)?;
    let password = part(
        "OKTA_CLIENT_PROXY_PASSWORD",
        file.password.map(|p| p.expose_secret().to_owned()),
    )?;
    let Some(host) = host else {
        if port.is_some() || user.is_some() || password.is_some() {
            bail!(
                "a proxy port, username or password is set but no proxy host (OKTA_CLIENT_PROXY_HOST or okta.client.proxy.host)"
            );
        }
        return Ok(None);
    };
    let port = port
        .map(|p| {
            p.parse::<u16>()
                .with_context(|| format!("the proxy port {p:?} is not a port number"))
        })
        .transpose()?;
    let credentials = match (&user, &password) {
        (Some(u), Some(p)) => Some((u.as_str(), p.as_str())),
        (None, None) => None,
        _ => bail!("a proxy needs both a username and a password, or neither"),
    };
    Ok(Some(okta_flows::ProxyUrl::from_parts(
        &host,
        port,
        credentials,
    )?))
}
