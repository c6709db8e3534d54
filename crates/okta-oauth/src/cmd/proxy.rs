//! `okta-oauth proxy`: the bridge in the foreground, for programs that call Okta with an SSWS
//! token; and the bridge every command starts (`exec` too), with its log and `--learn` file.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result};
use clap::Args;
use okta_flows::bridge::{Bridge, BridgeEvent};
use okta_flows::{Credential, Scope};
use serde_json::json;

use crate::context::Context;
use crate::out::Out;
use crate::service::ServiceOpts;

/// What `proxy` and `exec` share.
#[derive(Debug, Clone, Args)]
pub(crate) struct BridgeOpts {
    /// Append each operation the program uses to this file, once, as a JSON line
    /// (`{"method":"GET","path":"/api/v1/users/{id}"}`): given to `scopes --from`, it names the
    /// scopes the program needs, and to `quickstart --least-privilege --from`, it makes an app
    /// with exactly those
    #[arg(long, value_name = "FILE")]
    pub(crate) learn: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) service: ServiceOpts,
}

/// What `--scopes` means to the bridge.
pub(crate) const FIXED_SCOPES: &str = "Ask for these scopes (space- or comma-separated) for every call, instead of each operation's own from Okta's contract; operations the contract does not know then go on too [default: each operation's own; OKTA_CLIENT_SCOPES and profiles are not read here]";

/// `okta-oauth proxy`.
#[derive(Debug, Args)]
#[command(mut_arg("scopes", |a| a.help(FIXED_SCOPES)))]
pub(crate) struct ProxyCmd {
    #[command(flatten)]
    pub(crate) org: crate::context::OrgOpts,
    /// The port on 127.0.0.1 [default: a free one, printed]
    #[arg(long)]
    port: Option<u16>,
    /// Write the secret callers send (`Authorization: SSWS <secret>`) to this file, mode 0600;
    /// without it, the secret is printed once, with the settings for Okta's SDKs
    #[arg(long, value_name = "FILE")]
    secret_file: Option<PathBuf>,
    #[command(flatten)]
    bridge: BridgeOpts,
}

/// The operations a program used, each written once to the `--learn` file as it is met.
struct Learned {
    file: Mutex<std::fs::File>,
    seen: Mutex<HashSet<(&'static str, &'static str)>>,
}

impl Learned {
    fn open(path: &Path) -> Result<Learned> {
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(path)
            .with_context(|| format!("opening {} to learn into", crate::files::shown(path)))?;
        Ok(Learned {
            file: Mutex::new(file),
            seen: Mutex::new(HashSet::new()),
        })
    }

    /// Writes the operation of `event` if it is new and reached Okta.
    fn note(&self, event: &BridgeEvent) {
        let Some(op) = event.operation.filter(|_| event.refused.is_none()) else {
            return;
        };
        let new = self
            .seen
            .lock()
            .is_ok_and(|mut seen| seen.insert((op.method(), op.template())));
        if new && let Ok(mut file) = self.file.lock() {
            let line = json!({"method": op.method(), "path": op.template()});
            if writeln!(file, "{line}").is_err() {
                crate::out::warn("warning: the --learn file could not be written to");
            }
        }
    }
}

/// One line of the bridge's log: method, path (query values hidden), status, time, scopes, or
/// why it answered itself. Never a secret: the event holds none.
fn log_line(e: &BridgeEvent) -> String {
    let mut line = format!(
        "{} {} {} {} ms",
        e.method,
        e.path,
        e.status,
        e.elapsed.as_millis()
    );
    if !e.scopes.is_empty() {
        line.push(' ');
        line.push_str(&e.scopes.join(" "));
    }
    if let Some(refusal) = e.refused {
        line.push_str(&format!(" refused: {}", refusal.name()));
    }
    if let Some(detail) = &e.detail {
        line.push_str(&format!(" ({detail})"));
    }
    line
}

impl BridgeOpts {
    /// Starts the bridge for the service app: a token per scope set (each operation's own, or
    /// the `--scopes` given, for every request), cached as `token` caches, and the log and
    /// `--learn` file as asked.
    pub(crate) fn start(&self, ctx: &Context, port: Option<u16>, log: bool) -> Result<Bridge> {
        let sources = Arc::new(self.service.sources(ctx)?);
        let learned = self.learn.as_deref().map(Learned::open).transpose()?;
        let mut builder = ctx
            .okta()?
            .bridge(move |scopes: &[Scope]| {
                Ok(Arc::new(sources.make(scopes)) as Arc<dyn Credential>)
            })
            .port(port.unwrap_or(0))
            .on_event(move |e| {
                if log {
                    crate::out::warn(&log_line(e));
                }
                if let Some(learned) = &learned {
                    learned.note(e);
                }
            });
        if let Some(text) = &self.service.scopes {
            let names: Vec<&str> = crate::config::words(text);
            crate::cmd::scopes::check_known(&names)?;
            builder = builder.fixed_scopes(Scope::list(&names)?);
        }
        builder.start().context("starting the bridge")
    }

    /// How the bridge chooses scopes, in words.
    pub(crate) fn scopes_said(&self) -> String {
        match &self.service.scopes {
            Some(fixed) => format!("every call asks for {fixed}"),
            None => "each call asks for its operation's scopes, from Okta's contract".to_owned(),
        }
    }
}

/// The settings Okta's SDKs read that point one at the bridge, in SSWS mode: `token` is the
/// secret (or the shell text that reads it). Okta's Python SDK takes an `http://` org URL only
/// with `OKTA_TESTING_TESTINGDISABLEHTTPSCHECK`; the Node SDK takes one as it is.
pub(crate) fn sdk_settings(url: &str, token: &str) -> [(&'static str, String); 4] {
    [
        ("OKTA_CLIENT_ORGURL", url.to_owned()),
        ("OKTA_CLIENT_TOKEN", token.to_owned()),
        ("OKTA_CLIENT_AUTHORIZATIONMODE", "SSWS".to_owned()),
        ("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true".to_owned()),
    ]
}

impl ProxyCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let bridge = self.bridge.start(ctx, self.port, true)?;
        let org = ctx.okta()?.org().as_str().to_owned();
        let secret = bridge.secret().expose_secret();
        // The secret as the program's shell gets it: read from the file, or printed once.
        let (token, mut shown, advice) = match &self.secret_file {
            Some(path) => {
                crate::files::write_private(path, secret, true)?;
                let absolute = crate::files::absolute(path);
                let file = crate::out::shell_word(&absolute.to_string_lossy());
                let advice = format!(
                    ". A call:\n  curl -H \"Authorization: SSWS $(cat {file})\" {}/api/v1/users?limit=2",
                    bridge.url()
                );
                (
                    format!("\"$(cat {file})\""),
                    json!({"secretFile": absolute}),
                    advice,
                )
            }
            None => (
                secret.to_owned(),
                json!({"secret": secret}),
                "; paste the lines above into the shell of the program to bridge".to_owned(),
            ),
        };
        shown["url"] = json!(bridge.url());
        shown["org"] = json!(org);
        let exports: Vec<String> = sdk_settings(bridge.url(), &token)
            .iter()
            .map(|(name, value)| format!("export {name}={value}"))
            .collect();
        out.data(&exports.join("\n"), &shown);
        out.note(&format!(
            "the bridge to {org} listens on {} ({}){advice}",
            bridge.url(),
            self.bridge.scopes_said(),
        ));
        out.note("each call is logged here; stop with Ctrl-C");
        bridge.wait();
        Ok(())
    }
}
