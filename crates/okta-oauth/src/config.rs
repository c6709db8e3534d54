//! The Okta SDKs' configuration files: `~/.okta/okta.yaml`, then `./.okta.yaml` over it. Flags
//! and `OKTA_CLIENT_*` variables win over both.
//!
//! ```yaml
//! okta:
//!   client:
//!     orgUrl: https://example.okta.com
//!     authorizationMode: PrivateKey
//!     clientId: 0oa…
//!     scopes: [okta.users.read]          # or "okta.users.read okta.apps.read"
//!     privateKey: /path/to/key.pem       # or the PEM / JWK itself
//!     kid: my-key-id                     # also privateKeyId / keyId
//!     token: 00…                         # the API token (keep the file private)
//!     cache: redis://10.0.0.5:6379/0     # a token store shared by a fleet (optional)
//!     proxy:                             # optional; OKTA_CLIENT_PROXY_* win over each part
//!       host: proxy.example.com
//!       port: 3128
//!       username: me
//!       password: …
//!   oauth2:                              # the app a person signs in to (`login`), as Okta's
//!     clientId: 0oa…                     # OIDC SDKs name it; also client-id
//!     clientSecret: …                    # a web app's secret (keep the file private)
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use serde_norway::Value;

okta_jwk::secret_text!(
    /// A secret setting of okta.yaml (an inline private key or its path, a proxy password).
    pub(crate) SecretSetting
);

/// What the files say. The API token, the private key and the proxy password are held in
/// redacting types, so `Debug` never shows them.
#[derive(Debug, Default, Clone)]
pub(crate) struct FileConfig {
    pub(crate) org_url: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) scopes: Option<Vec<String>>,
    pub(crate) private_key: Option<SecretSetting>,
    pub(crate) kid: Option<String>,
    pub(crate) token: Option<okta_flows::SswsToken>,
    pub(crate) proxy: ProxyParts,
    /// `okta.oauth2.clientId`: the sign-in app of `login`.
    pub(crate) login_client_id: Option<String>,
    /// `okta.oauth2.clientSecret`: its client secret.
    pub(crate) login_client_secret: Option<okta_flows::ClientSecret>,
    /// `okta.client.cache`: the shared token store's URL (it may hold a password).
    pub(crate) cache: Option<SecretSetting>,
    /// `okta.client.allowHttpLoopback`: `http://` allowed for a loopback org.
    pub(crate) allow_http_loopback: bool,
    /// The files read, for messages.
    pub(crate) sources: Vec<PathBuf>,
}

/// `okta.client.proxy`: the Okta SDKs' proxy settings.
#[derive(Debug, Default, Clone)]
pub(crate) struct ProxyParts {
    pub(crate) host: Option<String>,
    pub(crate) port: Option<String>,
    pub(crate) username: Option<String>,
    /// Only ever turned into an `okta_flows::ProxyUrl`; never printed.
    pub(crate) password: Option<SecretSetting>,
}

/// The words of a list written as the Okta SDKs write scopes: space- or comma-separated.
pub(crate) fn words(text: &str) -> Vec<&str> {
    text.split([' ', ',']).filter(|s| !s.is_empty()).collect()
}

/// The merged configuration, read once.
pub(crate) fn get() -> Result<&'static FileConfig> {
    static CONFIG: OnceLock<std::result::Result<FileConfig, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| load().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{e}"))
}

fn load() -> Result<FileConfig> {
    let mut config = FileConfig::default();
    let home = crate::env::path("HOME").map(|h| h.join(".okta/okta.yaml"));
    for path in home.into_iter().chain([PathBuf::from(".okta.yaml")]) {
        if path.exists() {
            merge(&mut config, &path)?;
        }
    }
    Ok(config)
}

/// The most read from a configuration file: an okta.yaml is a few hundred bytes.
const MAX_FILE: u64 = 256 * 1024;

/// The deepest block nesting a configuration file may have (okta.yaml needs 4), and the most
/// flow collections (`[…]`, `{…}`) it may open. YAML parsers take time that grows with the
/// square of the depth, so a file in a cloned repository could stall every run: the shape is
/// measured before anything is parsed.
const MAX_DEPTH: usize = 16;
const MAX_FLOW_OPENINGS: usize = 64;

/// Refuses a configuration text nested deeper than [`MAX_DEPTH`] or with more than
/// [`MAX_FLOW_OPENINGS`] `[` and `{`, before it is parsed. The depth is over-counted, never
/// under: block levels (by indentation) and each `- ` or `? ` that opens a nested node on the
/// same line are added up; every `[` and `{` counts, quoted or not.
pub(crate) fn check_shape(text: &str, path: &Path) -> Result<()> {
    let openings = text.chars().filter(|c| matches!(c, '[' | '{')).count();
    if openings > MAX_FLOW_OPENINGS {
        bail!(
            "{} opens {openings} [ or {{ (a configuration file needs a few at most, up to {MAX_FLOW_OPENINGS}); it is not read",
            path.display()
        );
    }
    let mut indents: Vec<usize> = Vec::new();
    for line in text.lines() {
        let body = line.trim_start_matches([' ', '\t']);
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        while indents.last().is_some_and(|&top| top >= indent) {
            indents.pop();
        }
        indents.push(indent);
        let mut rest = body;
        let mut markers = 0;
        while let Some(r) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
            markers += 1;
            rest = r.trim_start_matches(' ');
        }
        let depth = indents.len() + markers;
        if depth > MAX_DEPTH {
            bail!(
                "{} is nested {depth} levels deep; a configuration file needs at most {MAX_DEPTH}, and it is not read",
                path.display()
            );
        }
    }
    Ok(())
}

fn merge(config: &mut FileConfig, path: &Path) -> Result<()> {
    let text = crate::files::read_at_most(path, MAX_FILE)?;
    check_shape(&text, path)?;
    let value: Value = serde_norway::from_str(&text)
        .with_context(|| format!("{} is not valid YAML", path.display()))?;
    let client = value.get("okta").and_then(|o| o.get("client"));
    let text_of = |name: &str| {
        client
            .and_then(|c| c.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let take = |slot: &mut Option<String>, value: Option<String>| {
        if value.is_some() {
            *slot = value;
        }
    };
    take(&mut config.org_url, text_of("orgUrl"));
    take(&mut config.client_id, text_of("clientId"));
    if let Some(key) = text_of("privateKey") {
        config.private_key = Some(SecretSetting::new(key));
    }
    take(
        &mut config.kid,
        text_of("kid")
            .or_else(|| text_of("privateKeyId"))
            .or_else(|| text_of("keyId")),
    );
    match client.and_then(|c| c.get("allowHttpLoopback")) {
        None => {}
        Some(Value::Bool(b)) => config.allow_http_loopback = *b,
        Some(_) => bail!(
            "{}: okta.client.allowHttpLoopback must be true or false",
            path.display()
        ),
    }
    if let Some(url) = text_of("cache") {
        config.cache = Some(SecretSetting::new(url));
    }
    if let Some(token) = text_of("token") {
        config.token = Some(okta_flows::SswsToken::new(token));
    }
    let oauth2 = value.get("okta").and_then(|o| o.get("oauth2"));
    let oauth2_text = |names: &[&str]| {
        names.iter().find_map(|n| {
            oauth2
                .and_then(|c| c.get(*n))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
    };
    take(
        &mut config.login_client_id,
        oauth2_text(&["clientId", "client-id"]),
    );
    if let Some(secret) = oauth2_text(&["clientSecret", "client-secret"]) {
        config.login_client_secret = Some(okta_flows::ClientSecret::new(secret));
    }
    if let Some(proxy) = client.and_then(|c| c.get("proxy")) {
        let Value::Mapping(_) = proxy else {
            anyhow::bail!(
                "{}: okta.client.proxy must be a mapping (host, port, username, password)",
                path.display()
            );
        };
        let part = |name: &str| match proxy.get(name) {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            None | Some(Value::Null) => Ok(None),
            Some(_) => Err(anyhow::anyhow!(
                "{}: okta.client.proxy.{name} must be text",
                path.display()
            )),
        };
        take(&mut config.proxy.host, part("host")?);
        take(&mut config.proxy.port, part("port")?);
        take(&mut config.proxy.username, part("username")?);
        if let Some(password) = part("password")? {
            config.proxy.password = Some(SecretSetting::new(password));
        }
    }
    match client.and_then(|c| c.get("scopes")) {
        Some(Value::Sequence(list)) => {
            config.scopes = Some(
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            )
        }
        Some(Value::String(s)) => {
            config.scopes = Some(words(s).into_iter().map(str::to_owned).collect())
        }
        Some(_) => anyhow::bail!(
            "{}: okta.client.scopes must be a list or a string",
            path.display()
        ),
        None => {}
    }
    if let Some(mode) = text_of("authorizationMode")
        && !matches!(mode.as_str(), "PrivateKey" | "SSWS")
    {
        anyhow::bail!(
            "{}: okta.client.authorizationMode {mode:?} is not supported (PrivateKey or SSWS)",
            path.display()
        );
    }
    config.sources.push(path.to_owned());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_secret_of_the_file() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("okta-oauth-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("okta.yaml");
        std::fs::write(
            &path,
            "okta:\n  oauth2:\n    clientId: 0oaweb\n    clientSecret: WEB-SECRET\n  client:\n    orgUrl: https://example.okta.com\n    token: 00ssws-SECRET-token\n    privateKey: \"-----BEGIN PRIVATE KEY-----\\nKEY-SECRET\\n-----END PRIVATE KEY-----\"\n    proxy:\n      host: proxy.corp\n      username: me\n      password: PROXY-SECRET\n",
        )?;
        let mut config = FileConfig::default();
        merge(&mut config, &path)?;
        std::fs::remove_dir_all(&dir)?;
        let shown = format!("{config:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("example.okta.com"), "{shown}");
        assert_eq!(config.login_client_id.as_deref(), Some("0oaweb"));
        assert_eq!(
            config
                .login_client_secret
                .as_ref()
                .map(okta_flows::ClientSecret::expose_secret),
            Some("WEB-SECRET")
        );
        assert_eq!(
            config
                .token
                .as_ref()
                .map(okta_flows::SswsToken::expose_secret),
            Some("00ssws-SECRET-token")
        );
        Ok(())
    }
}
