//! The emulator's command line, shared by the `okta-emulator` binary and `okta-oauth emulator`.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line front end"
)]

use std::io::Write;
use std::path::PathBuf;

use crate::{Config, DpopPolicy, Emulator, FaultRule, RateLimits, SeedUsers, ServerLimits};
use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};

/// A local Okta org on 127.0.0.1 for tests and demos: OAuth for Okta service apps, DPoP, user
/// sign-in with PKCE, the users API, rate limits and fault injection.
///
/// Point an Okta SDK or okta-oauth at the printed URL, with the printed SSWS token (or the one
/// in --write-token-file) for the management API.
#[derive(Debug, Parser)]
#[command(name = "okta-emulator", version, about, long_about)]
pub struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// How many users /api/v1/users lists (user 0 is admin@example.com).
    #[arg(long, default_value_t = 25)]
    pub users: usize,
    /// DPoP for service apps: each app's setting (new service apps require it, as in Okta's
    /// console), always, or never.
    #[arg(long, value_enum, default_value_t = Dpop::PerApp)]
    pub dpop: Dpop,
    /// Requests per minute: OAUTH,USERS,MANAGEMENT (e.g. 2000,1200,1200).
    #[arg(long, value_name = "OAUTH,USERS,MANAGEMENT", value_parser = parse_limits)]
    pub rate_limit: Option<RateLimits>,
    /// Inject a fault: `ROUTE:FAULT[:TRIGGER]`, e.g. `users:503:next=2` or `token:nonce-missing:always`.
    /// Repeat for more.
    #[arg(long = "fault", visible_alias = "faults", value_name = "RULE", value_parser = parse_fault)]
    pub faults: Vec<FaultRule>,
    /// Write the SSWS admin token to this file (mode 0600) instead of printing it.
    #[arg(long, value_name = "FILE")]
    pub write_token_file: Option<PathBuf>,
    /// Seed ids, tokens and nonces for a reproducible org.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Keep the admin token and the apps in this file (mode 0600) so the org survives restarts.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Clock skew allowed on assertion and proof times, in seconds.
    #[arg(long, default_value_t = 5)]
    pub leeway: u64,
    /// Seconds a request may take from its first byte to the end of its body; a slower one gets
    /// 408 and its connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,
    /// Open connections at most; beyond it a new connection is closed at once.
    #[arg(long, value_name = "N", default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
    /// How users sign in at /oauth2/v1/authorize: `page` serves a sign-in form (every user's
    /// password is the emulator's user password); a login (`admin@example.com`) signs that user
    /// in at once with no page, for scripts. Apps still need the user assigned, as in Okta.
    #[arg(long, value_name = "page|LOGIN", default_value = "page")]
    pub sign_in: String,
    /// Read the password every user signs in with from this file (default: Emulator-Passw0rd).
    #[arg(long, value_name = "FILE")]
    pub user_password_file: Option<PathBuf>,
    /// Seconds a device authorization asks its client to wait between polls (RFC 8628).
    #[arg(long, value_name = "SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub device_interval: u64,
}

fn parse_fault(text: &str) -> Result<FaultRule, crate::FaultError> {
    text.parse()
}

fn parse_limits(text: &str) -> Result<RateLimits, String> {
    let n: Vec<u32> = text
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{e}"))?;
    match n[..] {
        [oauth, users, management] => Ok(RateLimits {
            oauth,
            users,
            management,
        }),
        _ => Err("three numbers: OAUTH,USERS,MANAGEMENT".to_owned()),
    }
}

/// `--dpop`: how service apps require DPoP.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Dpop {
    /// Each app's own setting.
    PerApp,
    /// Every service app requires DPoP.
    Required,
    /// No app requires DPoP.
    Optional,
}

/// Runs the emulator with these arguments until the process is stopped.
pub fn run(args: &Args) -> Result<()> {
    let mut config = Config {
        port: args.port,
        users: SeedUsers { count: args.users },
        dpop: match args.dpop {
            Dpop::PerApp => DpopPolicy::PerApp,
            Dpop::Required => DpopPolicy::Required,
            Dpop::Optional => DpopPolicy::Optional,
        },
        leeway: args.leeway,
        seed: args.seed,
        state_file: args.state.clone(),
        limits: ServerLimits {
            request_timeout: std::time::Duration::from_secs(args.request_timeout),
            max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
            ..ServerLimits::default()
        },
        default_login: (args.sign_in != "page").then(|| args.sign_in.clone()),
        device_interval: args.device_interval,
        // No one reads a running org's events: keep none (a long run's memory stays flat).
        event_log: 0,
        ..Config::default()
    };
    if let Some(path) = &args.user_password_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the user password from {}", path.display()))?;
        let password = text.trim_end_matches(['\r', '\n']);
        anyhow::ensure!(
            !password.is_empty() && password.len() <= 256,
            "{}: the user password must be 1 to 256 bytes on its first line",
            path.display()
        );
        config.user_password = password.to_owned();
    }
    if let Some(limits) = args.rate_limit {
        config.rate_limits = limits;
    }
    config.faults = args.faults.clone();
    let org = Emulator::start(config).context("starting the emulator")?;
    println!("okta-emulator listening on {}", org.url());
    match &args.write_token_file {
        Some(path) => {
            let line = format!("{}\n", org.admin_token());
            crate::files::write_private(path, line.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            println!("SSWS admin token written to {} (mode 0600)", path.display());
        }
        None => println!("SSWS admin token: {}", org.admin_token()),
    }
    std::io::stdout().flush()?;
    loop {
        std::thread::park();
    }
}
