//! `okta-oauth exec -- CMD ARGS…`: a program run with the bridge started for its lifetime, on a
//! free port with a fresh secret, and the environment Okta's SDKs read set to use it (SSWS
//! mode); the program's exit status, and the signals sent to okta-oauth, pass through.

use std::ffi::OsString;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::Args;

use crate::cmd::proxy::BridgeOpts;
use crate::context::Context;
use crate::out::Out;

/// `okta-oauth exec`.
#[derive(Debug, Args)]
#[command(mut_arg("scopes", |a| a.help(crate::cmd::proxy::FIXED_SCOPES)))]
pub(crate) struct ExecCmd {
    #[command(flatten)]
    pub(crate) org: crate::context::OrgOpts,
    /// Log each call the program makes on stderr (method, path, status, time, scopes)
    #[arg(long)]
    log: bool,
    #[command(flatten)]
    bridge: BridgeOpts,
    /// The program to run, and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    command: Vec<OsString>,
}

/// The Okta SDKs' settings a program could otherwise pick up instead of the bridge's: the
/// service app's own (its key must not reach the program), and those that choose another mode.
const UNSET: [&str; 12] = [
    "OKTA_CLIENT_CLIENTID",
    "OKTA_CLIENT_PRIVATEKEY",
    "OKTA_CLIENT_KID",
    "OKTA_CLIENT_PRIVATEKEYID",
    "OKTA_CLIENT_SCOPES",
    "OKTA_CLIENT_CACHE",
    "OKTA_CLIENT_PROXY_HOST",
    "OKTA_CLIENT_PROXY_PORT",
    "OKTA_CLIENT_PROXY_USERNAME",
    "OKTA_CLIENT_PROXY_PASSWORD",
    "OKTA_OAUTH2_CLIENT_SECRET",
    "OKTA_OAUTH_KEY_PASSPHRASE",
];

impl ExecCmd {
    /// Runs the program; its exit code is okta-oauth's. A program ended by a signal ends
    /// okta-oauth by the same signal.
    pub(crate) fn run(&self, ctx: &Context, _out: &Out) -> Result<ExitCode> {
        let Some((program, args)) = self.command.split_first() else {
            // INVARIANT: clap requires at least one word after `--`.
            bail!("no program to run was given after --");
        };
        let bridge = self.bridge.start(ctx, None, self.log)?;
        let mut command = std::process::Command::new(program);
        command.args(args);
        for name in UNSET {
            command.env_remove(name);
        }
        // The SDKs' settings, and no HTTP proxy between the program and the bridge.
        command.envs(crate::cmd::proxy::sdk_settings(
            bridge.url(),
            bridge.secret().expose_secret(),
        ));
        for name in ["NO_PROXY", "no_proxy"] {
            let kept = crate::env::text(name)?.filter(|v| !v.trim().is_empty());
            let value = match kept {
                Some(v) => format!("{v},127.0.0.1,localhost"),
                None => "127.0.0.1,localhost".to_owned(),
            };
            command.env(name, value);
        }
        let shown = program.to_string_lossy().into_owned();
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("running {shown}: no such program (is it on PATH?)")
            }
            Err(e) => return Err(anyhow::Error::new(e).context(format!("running {shown}"))),
        };
        let forwarding = signals::forward_to(&child)?;
        let status = child
            .wait()
            .with_context(|| format!("waiting for {shown}"))?;
        drop(forwarding);
        drop(bridge);
        Ok(signals::exit_as(status))
    }
}

#[cfg(unix)]
mod signals {
    //! SIGTERM and SIGHUP sent to okta-oauth go to the program; SIGINT and SIGQUIT, which a
    //! terminal sends to the whole foreground group, reach it already and only stop okta-oauth
    //! from ending before it.

    use std::os::unix::process::ExitStatusExt as _;
    use std::process::ExitCode;

    use anyhow::{Context as _, Result};
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

    /// Forwards while it lives.
    pub(super) struct Forwarding(signal_hook::iterator::Handle);

    impl Drop for Forwarding {
        fn drop(&mut self) {
            self.0.close();
        }
    }

    pub(super) fn forward_to(child: &std::process::Child) -> Result<Forwarding> {
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
            .context("listening for signals")?;
        let handle = signals.handle();
        let pid = rustix::process::Pid::from_child(child);
        std::thread::spawn(move || {
            for signal in signals.forever() {
                let sent = match signal {
                    SIGTERM => Some(rustix::process::Signal::TERM),
                    SIGHUP => Some(rustix::process::Signal::HUP),
                    _ => None,
                };
                if let Some(sent) = sent {
                    let _ = rustix::process::kill_process(pid, sent);
                }
            }
        });
        Ok(Forwarding(handle))
    }

    /// The program's exit code, or its signal raised again here.
    pub(super) fn exit_as(status: std::process::ExitStatus) -> ExitCode {
        if let Some(signal) = status.signal() {
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            // A signal whose default is not to end the process: the shell's convention.
            return ExitCode::from(128u8.saturating_add(u8::try_from(signal).unwrap_or(127)));
        }
        ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        )
    }
}

#[cfg(not(unix))]
mod signals {
    use std::process::ExitCode;

    use anyhow::Result;

    pub(super) struct Forwarding;

    pub(super) fn forward_to(_: &std::process::Child) -> Result<Forwarding> {
        Ok(Forwarding)
    }

    pub(super) fn exit_as(status: std::process::ExitStatus) -> ExitCode {
        ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        )
    }
}
