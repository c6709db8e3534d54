//! One run's settings, resolved once: the command line's flags, then the environment, then the
//! profile, then Okta's `okta.yaml`. Commands ask the [`Context`] and never read a flag, a
//! variable or a file of settings themselves, so the order is the same everywhere.

use std::cell::OnceCell;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use clap::Args;
use okta_flows::{AuthServer, AuthServerId, Okta, OrgUrl, SswsToken};

use crate::config::FileConfig;
use crate::profile::{Profile, Profiles};

/// Defines a struct of the options that say where the org is and how to reach it, each
/// option `global` within the command that takes them as given (the options of `app` reach
/// `app list`). The top level takes them too (`okta-oauth --org URL token`), not globally, so
/// that a command that talks to no org (`keygen`, `completions`) does not list them.
macro_rules! org_options {
    ($(#[$meta:meta])* $name:ident, global = $global:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Args)]
        pub(crate) struct $name {
            /// Use this profile's org, app and key (see `okta-oauth profile`) [env:
            /// OKTA_OAUTH_PROFILE] [default: the current profile]
            #[arg(long, global = $global, value_name = "NAME")]
            pub(crate) profile: Option<String>,
            /// The org URL, `https://example.okta.com` [env: OKTA_CLIENT_ORGURL]
            #[arg(long, global = $global)]
            pub(crate) org: Option<String>,
            /// The authorization server that issues tokens: `org` (the org server, the only
            /// one that mints okta.* scopes) or a custom server's id (`default`, `aus…`);
            /// `--org https://example.okta.com/oauth2/default` says the same [env:
            /// OKTA_OAUTH_AUTHORIZATION_SERVER] [default: org]
            #[arg(long, global = $global, value_name = "ID")]
            pub(crate) authorization_server: Option<String>,
            /// Allow `http://` for a loopback org (the local emulator) [env:
            /// OKTA_OAUTH_ALLOW_HTTP_LOOPBACK=1; profile: allow-http-loopback; okta.yaml:
            /// okta.client.allowHttpLoopback]
            #[arg(long, global = $global)]
            pub(crate) allow_http_loopback: bool,
            /// Read the passphrase of an encrypted private key from this file [env:
            /// OKTA_OAUTH_KEY_PASSPHRASE; on a terminal it is asked for]
            #[arg(long, global = $global, value_name = "FILE")]
            pub(crate) passphrase_file: Option<PathBuf>,
            /// Print each HTTP exchange on stderr: method, URL (query values hidden), status,
            /// time, request id, rate limit. Never a header value or a body.
            #[arg(short, long, global = $global)]
            pub(crate) verbose: bool,
            /// Read the API token from this file (otherwise from OKTA_CLIENT_TOKEN; never from
            /// argv)
            #[arg(long, global = $global, value_name = "FILE")]
            pub(crate) token_file: Option<PathBuf>,
        }
    };
}

org_options!(
    /// Where the org is and how to reach it: the options of a command that talks to an org.
    OrgOpts,
    global = false
);

org_options!(
    /// [`OrgOpts`] for a command with subcommands (`app`, `grant`): given to it, they reach
    /// every one of its subcommands.
    GroupOrgOpts,
    global = true
);

impl From<GroupOrgOpts> for OrgOpts {
    fn from(g: GroupOrgOpts) -> OrgOpts {
        OrgOpts {
            profile: g.profile,
            org: g.org,
            authorization_server: g.authorization_server,
            allow_http_loopback: g.allow_http_loopback,
            passphrase_file: g.passphrase_file,
            verbose: g.verbose,
            token_file: g.token_file,
        }
    }
}

impl OrgOpts {
    /// These options with `command`'s over them: what follows the command's name wins over
    /// what came before it.
    pub(crate) fn under(self, command: OrgOpts) -> OrgOpts {
        OrgOpts {
            profile: command.profile.or(self.profile),
            org: command.org.or(self.org),
            authorization_server: command.authorization_server.or(self.authorization_server),
            allow_http_loopback: command.allow_http_loopback || self.allow_http_loopback,
            passphrase_file: command.passphrase_file.or(self.passphrase_file),
            verbose: command.verbose || self.verbose,
            token_file: command.token_file.or(self.token_file),
        }
    }
}

/// The passphrase option of a command that reads keys but talks to no org (`jwks`, `convert`).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct KeyOpts {
    /// Read the passphrase of an encrypted private key from this file [env:
    /// OKTA_OAUTH_KEY_PASSPHRASE; on a terminal it is asked for]
    #[arg(long, value_name = "FILE")]
    pub(crate) passphrase_file: Option<PathBuf>,
}

/// A command with subcommands, and the org options given to it.
#[derive(Debug, Args)]
pub(crate) struct Grouped<T: clap::Subcommand> {
    #[command(flatten)]
    pub(crate) org: GroupOrgOpts,
    #[command(subcommand)]
    pub(crate) command: T,
}

/// Where a setting came from, for messages and `profile show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// A profile.
    Profile(String),
    /// Okta's okta.yaml.
    OktaYaml,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(flag) => f.write_str(flag),
            Source::Env(name) => f.write_str(name),
            Source::Profile(name) => write!(f, "profile {name}"),
            Source::OktaYaml => f.write_str("okta.yaml"),
        }
    }
}

/// A setting and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Setting<T> {
    pub(crate) value: T,
    pub(crate) from: Source,
}

/// The first of a setting's layers that has it: flag, environment, profile, okta.yaml.
pub(crate) struct Layers<T> {
    found: Option<Setting<T>>,
}

impl<T> Layers<T> {
    pub(crate) fn flag(name: &'static str, value: Option<T>) -> Self {
        Self {
            found: value.map(|value| Setting {
                value,
                from: Source::Flag(name),
            }),
        }
    }

    fn or(mut self, value: impl FnOnce() -> Option<T>, from: impl FnOnce() -> Source) -> Self {
        if self.found.is_none() {
            self.found = value().map(|value| Setting {
                value,
                from: from(),
            });
        }
        self
    }

    /// The variable `name`, parsed from its text.
    pub(crate) fn env(self, name: &'static str, parse: impl FnOnce(String) -> T) -> Result<Self> {
        if self.found.is_some() {
            return Ok(self);
        }
        let value = crate::env::text(name)?.map(parse);
        Ok(self.or(|| value, || Source::Env(name)))
    }

    /// The profile's value.
    pub(crate) fn profile(self, ctx: &Context, get: impl FnOnce(&Profile) -> Option<T>) -> Self {
        match &ctx.profile {
            Some((name, p)) => self.or(|| get(p), || Source::Profile(name.clone())),
            None => self,
        }
    }

    /// okta.yaml's value.
    pub(crate) fn yaml(self, ctx: &Context, get: impl FnOnce(&FileConfig) -> Option<T>) -> Self {
        self.or(|| get(ctx.yaml), || Source::OktaYaml)
    }

    pub(crate) fn get(self) -> Option<Setting<T>> {
        self.found
    }
}

/// One run's context.
pub(crate) struct Context {
    pub(crate) flags: OrgOpts,
    /// The profile named by `--profile` or `OKTA_OAUTH_PROFILE`.
    named: Option<String>,
    /// The profile this run uses (named, or the current one), with its name.
    pub(crate) profile: Option<(String, Profile)>,
    /// Okta's okta.yaml files, merged.
    pub(crate) yaml: &'static FileConfig,
    okta: OnceCell<Okta>,
}

impl Context {
    /// Resolves the profile and reads okta.yaml. A profile named that does not exist is an
    /// error, unless this command makes profiles (`creates`: quickstart, app create, login).
    pub(crate) fn new(flags: OrgOpts, creates: bool) -> Result<Self> {
        let yaml = crate::config::get()?;
        let named = match &flags.profile {
            Some(name) => Some(name.clone()),
            None => crate::env::text("OKTA_OAUTH_PROFILE")?,
        };
        if let Some(name) = &named {
            crate::profile::check_name(name)?;
        }
        let profiles = Profiles::load()?;
        let profile = match profiles.active(named.as_deref()) {
            Err(_) if creates => None,
            other => other?,
        };
        Ok(Self {
            flags,
            named,
            profile,
            yaml,
            okta: OnceCell::new(),
        })
    }

    /// The profile named by `--profile` or `OKTA_OAUTH_PROFILE`, if one is.
    pub(crate) fn named_profile(&self) -> Option<&str> {
        self.named.as_deref()
    }

    /// The profile's name, if one is used.
    pub(crate) fn profile_name(&self) -> Option<&str> {
        self.profile.as_ref().map(|(n, _)| n.as_str())
    }

    /// The org as given (it may end in `/oauth2/{server}`).
    pub(crate) fn org_setting(&self) -> Result<Option<Setting<String>>> {
        Ok(Layers::flag("--org", self.flags.org.clone())
            .env("OKTA_CLIENT_ORGURL", |v| v)?
            .profile(self, |p| p.org.clone())
            .yaml(self, |c| c.org_url.clone())
            .get()
            .filter(|s| !s.value.is_empty()))
    }

    /// The authorization server named on the command line or in the environment (not one a
    /// profile holds already): what a command that sets something up remembers.
    pub(crate) fn authorization_server_given(&self) -> Option<String> {
        self.server_setting()
            .ok()
            .flatten()
            .filter(|s| matches!(s.from, Source::Flag(_) | Source::Env(_)))
            .map(|s| s.value)
    }

    /// The org's text, if one is set anywhere.
    pub(crate) fn org_text(&self) -> Result<Option<String>> {
        Ok(self.org_setting()?.map(|s| s.value))
    }

    /// What to give when no org is set.
    pub(crate) const NO_ORG: &'static str = "the org: give --org https://example.okta.com, set OKTA_CLIENT_ORGURL, or pick a profile (okta-oauth profile list)";

    /// The client for the org (made once per run).
    pub(crate) fn okta(&self) -> Result<Okta> {
        if let Some(okta) = self.okta.get() {
            return Ok(okta.clone());
        }
        let setting = self
            .org_setting()?
            .with_context(|| format!("missing {}", Self::NO_ORG))?;
        let text = &setting.value;
        let (org_text, server) = self.server(text)?;
        let org = self
            .org_url(org_text)
            .with_context(|| format!("the org URL {text:?} (from {})", setting.from))?;
        let mut builder = crate::connect::builder(org, self.flags.verbose)?;
        if let Some(id) = server {
            builder = builder.authorization_server(AuthServer::Custom(id));
        }
        let okta = builder.build()?;
        Ok(self.okta.get_or_init(|| okta).clone())
    }

    /// The authorization server setting, if any.
    fn server_setting(&self) -> Result<Option<Setting<String>>> {
        Ok(Layers::flag(
            "--authorization-server",
            self.flags.authorization_server.clone(),
        )
        .env("OKTA_OAUTH_AUTHORIZATION_SERVER", |v| v)?
        .profile(self, |p| p.authorization_server.clone())
        .get())
    }

    /// The org part of `text` and the custom authorization server, if one is chosen: by
    /// `--authorization-server` (or its variable or profile setting), or an org URL ending in
    /// `/oauth2/{id}` (the issuer of a custom server).
    fn server<'t>(&self, text: &'t str) -> Result<(&'t str, Option<AuthServerId>)> {
        let (org, from_url) = OrgUrl::split_issuer(text);
        let named = self.server_setting()?;
        let id = match (&named, from_url) {
            (Some(a), Some(b)) if a.value != b => bail!(
                "the org URL names the authorization server {b:?} but {} says {:?}",
                a.from,
                a.value
            ),
            (Some(a), _) if a.value == "org" => return Ok((org, None)),
            (None, None) => return Ok((org, None)),
            (Some(a), _) => a.value.as_str(),
            (None, Some(id)) => id,
        };
        let id =
            AuthServerId::new(id).with_context(|| format!("the authorization server id {id:?}"))?;
        Ok((org, Some(id)))
    }

    /// A warning when a custom authorization server is asked for scopes it will refuse, naming
    /// where the server was chosen.
    pub(crate) fn scope_warning(&self, scopes: &[String]) -> Option<String> {
        let text = self.org_text().ok()??;
        let (_, Some(id)) = self.server(&text).ok()? else {
            return None;
        };
        let refused = AuthServer::Custom(id.clone()).refused_scopes(scopes);
        if refused.is_empty() {
            return None;
        }
        let fix = match self.server_setting().ok().flatten() {
            Some(s) => format!(
                "Use the org server: --authorization-server org (the custom server comes from {})",
                s.from
            ),
            None => format!(
                "Use the org server: leave /oauth2/{id} out of the org URL (--org {})",
                OrgUrl::split_issuer(&text).0
            ),
        };
        Some(format!(
            "warning: only the org authorization server mints Okta API scopes ({}); the custom server {id} will refuse them. {fix}",
            refused.join(" ")
        ))
    }

    /// Whether `http://` is allowed for a loopback org, and where that was said.
    pub(crate) fn loopback(&self) -> Result<bool> {
        Ok(self.flags.allow_http_loopback
            || crate::env::switch("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK")?
            || self
                .profile
                .as_ref()
                .is_some_and(|(_, p)| p.allow_http_loopback)
            || self.yaml.allow_http_loopback)
    }

    fn org_url(&self, text: &str) -> Result<OrgUrl> {
        if self.loopback()? {
            return Ok(OrgUrl::dangerous_allow_loopback_http(text)?);
        }
        match OrgUrl::parse(text) {
            Ok(url) => Ok(url),
            Err(e) if text.starts_with("http://") && OrgUrl::dangerous_allow_loopback_http(text).is_ok() => {
                Err(anyhow::Error::new(e).context(
                    "http:// is allowed only for a loopback org, and only when asked for: add --allow-http-loopback, set OKTA_OAUTH_ALLOW_HTTP_LOOPBACK=1, or allow-http-loopback: true in the profile",
                ))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A client for the origin of `url` (a JWKS URL, which may be on another host than the org:
    /// nothing secret is sent to fetch it). https only, as for an org.
    pub(crate) fn client_for(&self, url: &str) -> Result<Okta> {
        // `scheme://host[:port]`: the part before the path.
        let parts: Vec<&str> = url.splitn(4, '/').collect();
        let origin = match parts.as_slice() {
            [scheme, "", host, ..] if !host.is_empty() => format!("{scheme}//{host}"),
            _ => bail!("{url:?} is not an https:// URL"),
        };
        let org = self
            .org_url(&origin)
            .with_context(|| format!("the JWKS URL {url:?}"))?;
        crate::connect::client(org, self.flags.verbose)
    }

    /// Where the API token comes from, if anywhere: `--token-file`, `OKTA_CLIENT_TOKEN`, the
    /// profile's token file, okta.yaml.
    pub(crate) fn ssws_setting(&self) -> Result<Option<Setting<SswsToken>>> {
        let read = |path: &PathBuf| -> Result<SswsToken> {
            Ok(SswsToken::new(crate::files::read(path)?.trim()))
        };
        if let Some(path) = &self.flags.token_file {
            return Ok(Some(Setting {
                value: read(path)?,
                from: Source::Flag("--token-file"),
            }));
        }
        if let Some(token) = crate::env::text("OKTA_CLIENT_TOKEN")? {
            return Ok(Some(Setting {
                value: SswsToken::new(token),
                from: Source::Env("OKTA_CLIENT_TOKEN"),
            }));
        }
        if let Some((name, p)) = &self.profile
            && let Some(path) = &p.token_file
        {
            let token = read(path).with_context(|| {
                format!("the API token file of profile {name} ({})", path.display())
            })?;
            return Ok(Some(Setting {
                value: token,
                from: Source::Profile(name.clone()),
            }));
        }
        Ok(self.yaml.token.clone().map(|value| Setting {
            value,
            from: Source::OktaYaml,
        }))
    }

    /// What to give when no API token is set.
    pub(crate) const NO_TOKEN: &'static str = "an API token: set OKTA_CLIENT_TOKEN, give --token-file FILE, or okta.client.token in okta.yaml";

    /// The API token, for admin commands.
    pub(crate) fn ssws(&self) -> Result<SswsToken> {
        match self.ssws_setting()? {
            Some(s) if !s.value.expose_secret().is_empty() => Ok(s.value),
            Some(s) => bail!("the API token from {} is empty", s.from),
            None => bail!("missing {}", Self::NO_TOKEN),
        }
    }

    /// How a dry run describes the API token its admin steps would send.
    pub(crate) fn planned_admin(&self) -> &'static str {
        match self.ssws_setting() {
            Ok(Some(_)) => "SSWS <the API token, redacted>",
            _ => "SSWS <missing: set OKTA_CLIENT_TOKEN or give --token-file>",
        }
    }

    /// The org and the API token an admin command needs; both missing are named at once.
    pub(crate) fn admin(&self) -> Result<(Okta, SswsToken)> {
        let mut missing = Vec::new();
        if self.org_setting()?.is_none() {
            missing.push(Self::NO_ORG);
        }
        if self.ssws_setting()?.is_none() {
            missing.push(Self::NO_TOKEN);
        }
        crate::context::missing(&missing)?;
        Ok((self.okta()?, self.ssws()?))
    }
}

/// Fails naming every missing setting at once (none missing: `Ok`).
pub(crate) fn missing(what: &[&str]) -> Result<()> {
    match what {
        [] => Ok(()),
        [one] => bail!("missing {one}"),
        many => bail!(
            "missing {} settings:\n{}",
            many.len(),
            many.iter()
                .map(|m| format!("  - {m}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// The folder of the embedded local org, and its profile's name.
pub(crate) const LOCAL: &str = "local";
/// Where quickstart runs: a real org, or the local one it starts.
pub(crate) enum Target {
    /// The org set by a flag, the environment, a profile or okta.yaml.
    Org { text: String },
    /// The local org, on this port (0: a free one).
    Local { port: u16 },
}

impl Target {
    /// The local org when no org is set, or when the profile's org is the local one (its
    /// remembered port unless `port` says otherwise); else the org set.
    pub(crate) fn of(ctx: &Context, port: Option<u16>) -> Result<Self> {
        let org = ctx.org_setting()?;
        let remembered = ctx.profile.as_ref().and_then(|(_, p)| p.local_org.as_ref());
        match (org, remembered) {
            (None, _) => Ok(Target::Local {
                port: port.unwrap_or(0),
            }),
            (Some(s), Some(local)) if matches!(s.from, Source::Profile(_)) => Ok(Target::Local {
                port: port.unwrap_or(local.port),
            }),
            (Some(s), _) => {
                if port.is_some() {
                    bail!(
                        "--port is the port of the local org quickstart starts when no org is given; the org here is {} (from {})",
                        s.value,
                        s.from
                    );
                }
                Ok(Target::Org { text: s.value })
            }
        }
    }

    /// Whether this is the local org.
    pub(crate) fn is_local(&self) -> bool {
        matches!(self, Target::Local { .. })
    }
}

/// The profile a run records into when none is named: `local`, or the org's host.
pub(crate) fn default_profile_name(target: &Target, okta: &okta_flows::Okta) -> String {
    match target {
        Target::Local { .. } => LOCAL.to_owned(),
        Target::Org { .. } => crate::profile::org_folder(okta.org()),
    }
}

/// The local org's API token, next to its state.
pub(crate) const SSWS_TOKEN_FILE: &str = "ssws-token";
