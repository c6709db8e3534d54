//! The environment variables the CLI reads, each read here and nowhere else.
//!
//! An empty variable counts as unset (`OKTA_CLIENT_TOKEN= okta-oauth …` turns a setting off, as
//! in the Okta SDKs). A variable that is set but is not UTF-8 text is never silently ignored: the
//! setting it is read for fails naming the variable, and a variable read only as a hint (the
//! display for a browser) is reported once as a warning.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{Result, bail};

/// Every variable the CLI reads: the Okta SDKs' `OKTA_CLIENT_*` and `OKTA_OAUTH2_*`, the CLI's
/// own `OKTA_OAUTH_*`, and the system's.
pub(crate) const READ: &[&str] = &[
    "OKTA_CLIENT_ORGURL",
    "OKTA_CLIENT_CLIENTID",
    "OKTA_CLIENT_PRIVATEKEY",
    "OKTA_CLIENT_KID",
    "OKTA_CLIENT_SCOPES",
    "OKTA_CLIENT_TOKEN",
    "OKTA_CLIENT_CACHE",
    "OKTA_CLIENT_PROXY_HOST",
    "OKTA_CLIENT_PROXY_PORT",
    "OKTA_CLIENT_PROXY_USERNAME",
    "OKTA_CLIENT_PROXY_PASSWORD",
    "OKTA_OAUTH2_CLIENT_ID",
    "OKTA_OAUTH2_CLIENT_SECRET",
    "OKTA_OAUTH_PROFILE",
    "OKTA_OAUTH_AUTHORIZATION_SERVER",
    "OKTA_OAUTH_ALLOW_HTTP_LOOPBACK",
    "OKTA_OAUTH_KEY_PASSPHRASE",
    "XDG_CONFIG_HOME",
    "XDG_STATE_HOME",
    "HOME",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "PATH",
    "NO_PROXY",
    "no_proxy",
];

/// The text of `name`, or `None` when it is unset or empty. Set but not UTF-8: an error naming
/// the variable (its value is not shown: it may be a secret).
pub(crate) fn text(name: &str) -> Result<Option<String>> {
    debug_assert!(READ.contains(&name), "{name} is not listed in env::READ");
    match std::env::var_os(name) {
        None => Ok(None),
        Some(value) if value.is_empty() => Ok(None),
        Some(value) => match value.into_string() {
            Ok(text) => Ok(Some(text)),
            Err(_) => bail!(
                "{name} is set but is not UTF-8 text, so it cannot be used; fix it or unset it"
            ),
        },
    }
}

/// A path from `name` (any bytes a path may hold), or `None` when it is unset or empty.
pub(crate) fn path(name: &str) -> Option<PathBuf> {
    debug_assert!(READ.contains(&name), "{name} is not listed in env::READ");
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Whether `name` is set to anything at all.
pub(crate) fn is_set(name: &str) -> bool {
    debug_assert!(READ.contains(&name), "{name} is not listed in env::READ");
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// A switch: `1`, `true` or `yes` turn it on; `0`, `false`, `no` or unset leave it off;
/// anything else is an error naming the variable.
pub(crate) fn switch(name: &str) -> Result<bool> {
    match text(name)?
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(other) => bail!("{name}={other:?} is neither 1 (on) nor 0 (off)"),
    }
}

/// The `OKTA_*` variables set in this process that the CLI does not read: likely misspellings
/// (`OKTA_CLIENT_ORG_URL`), named so that a setting is not lost silently.
pub(crate) fn unknown_okta_variables() -> Vec<String> {
    unknown_among(std::env::vars_os().map(|(k, _)| k))
}

fn unknown_among(names: impl Iterator<Item = OsString>) -> Vec<String> {
    let mut unknown: Vec<String> = names
        .map(|k| k.to_string_lossy().into_owned())
        .filter(|k| k.starts_with("OKTA_CLIENT_") || k.starts_with("OKTA_OAUTH"))
        .filter(|k| !READ.contains(&k.as_str()))
        // Read by Okta's SDKs, not by this tool: not a misspelling.
        .filter(|k| {
            !matches!(
                k.as_str(),
                "OKTA_CLIENT_AUTHORIZATIONMODE"
                    | "OKTA_CLIENT_CONNECTIONTIMEOUT"
                    | "OKTA_CLIENT_REQUESTTIMEOUT"
                    | "OKTA_CLIENT_RATELIMIT_MAXRETRIES"
                    | "OKTA_OAUTH2_ISSUER"
                    | "OKTA_OAUTH2_REDIRECT_URI"
            )
        })
        .collect();
    unknown.sort();
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_okta_variables_are_found_and_the_sdks_own_are_not() {
        let names = [
            "OKTA_CLIENT_ORG_URL",
            "OKTA_CLIENT_ORGURL",
            "OKTA_CLIENT_AUTHORIZATIONMODE",
            "OKTA_OAUTH_PROFLE",
            "PATH",
        ]
        .map(OsString::from);
        assert_eq!(
            unknown_among(names.into_iter()),
            ["OKTA_CLIENT_ORG_URL", "OKTA_OAUTH_PROFLE"]
        );
    }
}
