//! Named profiles: what `quickstart`, `app create` and `login` set up, remembered so that later
//! commands need no `--org`, `--client-id` or `--private-key` (kubectl's contexts, aws's
//! profiles).
//!
//! They live in `$XDG_CONFIG_HOME/okta-oauth/config.yaml` (else `~/.config/okta-oauth/`), mode
//! 0600, replaced atomically. A profile holds settings and the *paths* of secrets (a key file, a
//! client-secret file, an API-token file), never a secret itself:
//!
//! ```yaml
//! current: example.okta.com
//! profiles:
//!   example.okta.com:
//!     org: https://example.okta.com
//!     client-id: 0oa…
//!     private-key: /home/me/.local/state/okta-oauth/quickstart/example.okta.com/service-key.pem
//!     kid: 3CnTcYqd…
//!     dpop: auto
//!     login:
//!       client-id: 0oa…
//!       client-secret-file: /home/me/…/web-client-secret
//!       port: 8765
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// One profile: an org and the apps used with it.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Profile {
    /// The org URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) org: Option<String>,
    /// `org` or a custom authorization server's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) authorization_server: Option<String>,
    /// `http://` allowed for this (loopback) org.
    #[serde(default, skip_serializing_if = "is_false")]
    pub(crate) allow_http_loopback: bool,
    /// The file the API token is read from (admin commands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) token_file: Option<PathBuf>,
    /// The service app's client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client_id: Option<String>,
    /// The service app's private key file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) private_key: Option<PathBuf>,
    /// The kid the key is registered under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) kid: Option<String>,
    /// The algorithm the key signs with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) alg: Option<String>,
    /// The scopes to ask for by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) scopes: Option<String>,
    /// DPoP at the token endpoint: auto, always or never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) dpop: Option<String>,
    /// The app a person signs in to (`login`, `api --user`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) login: Option<LoginProfile>,
    /// For the local org `quickstart` starts: how to start it again at the same URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) local_org: Option<LocalOrg>,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// The sign-in app of a profile.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct LoginProfile {
    /// Its client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client_id: Option<String>,
    /// The file holding a web app's client secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client_secret_file: Option<PathBuf>,
    /// The loopback port of its redirect URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) port: Option<u16>,
    /// The path of its redirect URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
}

/// The local org of a profile: its state file and port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct LocalOrg {
    /// Its state file (`okta-oauth emulator --state`).
    pub(crate) state: PathBuf,
    /// Its port on 127.0.0.1.
    pub(crate) port: u16,
}

impl LocalOrg {
    /// The command that starts it again.
    pub(crate) fn start_command(&self) -> String {
        format!(
            "okta-oauth emulator --state {} --port {}",
            crate::out::shell_word(&self.state.to_string_lossy()),
            self.port
        )
    }
}

/// The folder of an org: its host (and port), as a file name.
pub(crate) fn org_folder(org: &okta_flows::OrgUrl) -> String {
    let text = org.as_str();
    let host = text.split_once("://").map_or(text, |(_, rest)| rest);
    host.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The port of a loopback URL (`http://127.0.0.1:PORT`).
pub(crate) fn loopback_port(url: &str) -> u16 {
    url.rsplit_once(':')
        .and_then(|(_, p)| p.trim_end_matches('/').parse().ok())
        .unwrap_or(0)
}

/// The profiles file.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profiles {
    /// The profile used when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) current: Option<String>,
    /// Every profile, by name.
    #[serde(default)]
    pub(crate) profiles: BTreeMap<String, Profile>,
}

/// The most read from the profiles file: a few hundred profiles fit many times.
const MAX_FILE: u64 = 256 * 1024;

/// The profiles file: `$XDG_CONFIG_HOME/okta-oauth/config.yaml`, else
/// `~/.config/okta-oauth/config.yaml`; `None` when neither variable is set.
pub(crate) fn path() -> Option<PathBuf> {
    crate::env::path("XDG_CONFIG_HOME")
        .or_else(|| crate::env::path("HOME").map(|h| h.join(".config")))
        .map(|base| base.join("okta-oauth").join("config.yaml"))
}

/// Checks a profile name: letters, digits, `.`, `_` and `-`, 1 to 64 of them (an org's host is
/// one).
pub(crate) fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !ok {
        bail!(
            "{name:?} is not a profile name: use 1 to 64 letters, digits, '.', '_' or '-' (e.g. prod or example.okta.com)"
        );
    }
    Ok(())
}

impl Profiles {
    /// Reads the profiles file; none yet is no profiles.
    pub(crate) fn load() -> Result<Self> {
        match path() {
            Some(p) if p.exists() => Self::read(&p),
            _ => Ok(Self::default()),
        }
    }

    fn read(path: &Path) -> Result<Self> {
        let text = crate::files::read_at_most(path, MAX_FILE)?;
        crate::config::check_shape(&text, path)?;
        let profiles: Self = serde_norway::from_str(&text)
            .with_context(|| format!("{} is not a profiles file", path.display()))?;
        for name in profiles.profiles.keys() {
            check_name(name).with_context(|| format!("in {}", path.display()))?;
        }
        Ok(profiles)
    }

    /// Writes the profiles file (mode 0600, atomically replaced).
    pub(crate) fn save(&self) -> Result<PathBuf> {
        let path = path().context(
            "no folder for the profiles file: set XDG_CONFIG_HOME or HOME (profiles live in $XDG_CONFIG_HOME/okta-oauth/config.yaml)",
        )?;
        if let Some(dir) = path.parent() {
            crate::files::private_dir(dir)?;
        }
        let text = serde_norway::to_string(self).context("writing the profiles")?;
        okta_flows::write_private_file(&path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    /// The profile this run uses: the one named (`--profile`, `OKTA_OAUTH_PROFILE`), which must
    /// exist, else the current one, if any.
    pub(crate) fn active(&self, named: Option<&str>) -> Result<Option<(String, Profile)>> {
        match named {
            Some(name) => match self.profiles.get(name) {
                Some(p) => Ok(Some((name.to_owned(), p.clone()))),
                None => bail!(
                    "there is no profile {name:?} ({}); quickstart, app create or login with --profile {name} makes it",
                    self.names_or_none()
                ),
            },
            None => Ok(self
                .current
                .as_ref()
                .and_then(|n| self.profiles.get(n).map(|p| (n.clone(), p.clone())))),
        }
    }

    /// The names, for a message.
    pub(crate) fn names_or_none(&self) -> String {
        if self.profiles.is_empty() {
            "there are none yet".to_owned()
        } else {
            format!(
                "there are: {}",
                self.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_reads_back_as_written_and_a_misspelt_setting_is_refused() -> Result<()> {
        let mut profiles = Profiles {
            current: Some("prod".to_owned()),
            ..Profiles::default()
        };
        profiles.profiles.insert(
            "prod".to_owned(),
            Profile {
                org: Some("https://example.okta.com".to_owned()),
                client_id: Some("0oa1".to_owned()),
                private_key: Some(PathBuf::from("/keys/k.pem")),
                login: Some(LoginProfile {
                    port: Some(8765),
                    ..LoginProfile::default()
                }),
                ..Profile::default()
            },
        );
        let text = serde_norway::to_string(&profiles)?;
        assert!(text.contains("client-id: 0oa1"), "{text}");
        assert_eq!(serde_norway::from_str::<Profiles>(&text)?, profiles);
        let misspelt = text.replace("client-id", "clientid");
        assert!(serde_norway::from_str::<Profiles>(&misspelt).is_err());
        Ok(())
    }

    #[test]
    fn profile_names_are_words_or_hosts() {
        for good in ["prod", "example.okta.com", "127.0.0.1_8080", "a-b_c"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "a b", "../x", "a/b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
