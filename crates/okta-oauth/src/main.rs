//! `okta-oauth`: OAuth for Okta from the command line.

#![allow(clippy::print_stderr, reason = "the last word of a failed run")]

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};

mod browser;
mod cmd;
mod config;
mod connect;
mod context;
mod env;
mod files;
mod fixes;
mod guard;
mod help;
mod jq;
mod lazy;
mod out;
mod profile;
mod service;

use context::{Context, Grouped, OrgOpts};
use lazy::{Lazy, Used};

/// Scoped OAuth 2.0 tokens for Okta's management APIs, instead of all-powerful API tokens:
/// keys and JWKS, service apps, grants and admin roles, client-credentials tokens with DPoP, API
/// calls, and a local Okta org to try it all.
///
/// Start with `okta-oauth quickstart`: with no --org it runs the whole path against a local
/// Okta org, on this machine, with no account.
#[derive(Debug, Parser)]
#[command(
    name = "okta-oauth",
    version,
    about,
    long_about,
    propagate_version = true
)]
struct Cli {
    /// Print results as JSON (one JSON value per line for lists).
    #[arg(long, global = true)]
    json: bool,
    /// Filter each JSON result with this jq expression (implies --json): `--jq .profile.login`;
    /// strings come out as text, as with `jq -r`
    #[arg(long, global = true, value_name = "EXPR")]
    jq: Option<String>,
    #[command(flatten)]
    org: OrgOpts,
    // Last, so that `Used` sees the options above (see `lazy::parse`).
    #[command(subcommand)]
    command: Used<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The whole path, idempotently: key, JWKS, app, grants, admin role, token, first users.
    #[command(after_help = help::QUICKSTART)]
    Quickstart(Lazy<cmd::quickstart::Quickstart>),
    /// Make a key pair: private key to a 0600 file, public JWKS to stdout.
    #[command(after_help = help::KEYGEN)]
    Keygen(Lazy<cmd::keygen::Keygen>),
    /// A public JWKS from key files (private or public, PEM or JWK).
    #[command(after_help = help::JWKS)]
    Jwks(Lazy<cmd::jwks::JwksCmd>),
    /// Convert a key between JWK and PEM (PKCS#8, PKCS#1, SEC1, SPKI).
    #[command(after_help = help::CONVERT)]
    Convert(Lazy<cmd::convert::Convert>),
    /// The RFC 7638 thumbprint of a key.
    #[command(after_help = help::THUMBPRINT)]
    Thumbprint(Lazy<cmd::thumbprint::Thumbprint>),
    /// Apps: service apps and the OIDC apps people sign in to; create, list, get, delete, assign
    /// users and groups (API token).
    #[command(after_help = help::APP)]
    App(Lazy<Grouped<cmd::app::AppCmd>>),
    /// Okta API scope grants of an app (API token).
    #[command(after_help = help::GRANT)]
    Grant(Lazy<Grouped<cmd::grant::GrantCmd>>),
    /// Admin roles of an app or a user (API token).
    #[command(after_help = help::ROLE)]
    Role(Lazy<Grouped<cmd::role::RoleCmd>>),
    /// An app's signing keys: list, add, activate, deactivate, delete, rotate (API token).
    #[command(after_help = help::KEYS)]
    Keys(Lazy<Grouped<cmd::keys::KeysCmd>>),
    /// The org's SSWS API tokens, what is left to move to OAuth: who owns each, from where it
    /// may be used, when it expires unused (API token).
    #[command(after_help = help::API_TOKENS)]
    ApiTokens(Lazy<Grouped<cmd::api_tokens::ApiTokensCmd>>),
    /// Print a signed client assertion (private_key_jwt) for the token, revoke or introspect endpoint.
    #[command(after_help = help::ASSERTION)]
    Assertion(Lazy<cmd::assertion::AssertionCmd>),
    /// Get an access token with client credentials (cached between runs).
    #[command(after_help = help::TOKEN)]
    Token(Lazy<cmd::token::TokenCmd>),
    /// Call any Okta API with a service-app token (or --ssws).
    #[command(after_help = help::API)]
    Api(Lazy<cmd::api::ApiCmd>),
    /// A bridge on loopback for programs that call Okta with an SSWS token (Okta's SDKs, curl,
    /// scripts): each call goes on with a scoped, DPoP-bound token of the service app.
    #[command(after_help = help::PROXY)]
    Proxy(Lazy<cmd::proxy::ProxyCmd>),
    /// Run a program with the bridge for its lifetime and Okta's SDKs set to use it (SSWS
    /// mode): `okta-oauth exec -- python3 list_users.py`.
    #[command(after_help = help::EXEC)]
    Exec(Lazy<cmd::exec::ExecCmd>),
    /// Sign a user in (Authorization Code + PKCE, or --device); `api --user` then uses their token.
    #[command(after_help = help::LOGIN)]
    Login(Lazy<cmd::login::LoginCmd>),
    /// Which Okta API scopes a call needs (`scopes 'GET /api/v1/groups'`, `scopes --search
    /// groups`), from Okta's own contract.
    #[command(after_help = help::SCOPES)]
    Scopes(Lazy<cmd::scopes::ScopesCmd>),
    /// Show a JWT's header and claims, unverified.
    #[command(after_help = help::DECODE)]
    Decode(Lazy<cmd::decode::DecodeCmd>),
    /// Verify a JWT against a JWKS file or URL.
    #[command(after_help = help::VERIFY)]
    Verify(Lazy<cmd::verify::VerifyCmd>),
    /// Who you are here: the profile, org and apps in use, and the cached and signed-in tokens
    /// (type, scopes, expiry).
    #[command(after_help = help::AUTH)]
    Auth(Lazy<Grouped<cmd::auth::AuthCmd>>),
    /// Check everything at once, each with its fix: the settings, the org (reachable, its
    /// clock), the service app (key, grants, role, DPoP, a token) and the sign-in app (type,
    /// redirect URI, the user's assignment).
    #[command(after_help = help::DOCTOR)]
    Doctor(Lazy<cmd::doctor::DoctorCmd>),
    /// Sign out: revoke the signed-in user's tokens and the service app's cached token at the
    /// org, and forget them here.
    #[command(after_help = help::LOGOUT)]
    Logout(Lazy<cmd::auth::LogoutCmd>),
    /// Remembered orgs, apps and keys: list, show, use, delete (quickstart, app create and login
    /// remember what they set up).
    #[command(after_help = help::PROFILE)]
    Profile(Lazy<Grouped<cmd::profile::ProfileCmd>>),
    /// Run the local Okta org until interrupted.
    #[command(after_help = help::EMULATOR)]
    Emulator(Lazy<okta_emulator::cli::Args>),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = help::COMPLETIONS)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one per command into --dir, as `cargo xtask dist`
    /// ships them.
    #[command(hide = true)]
    Man {
        /// Write okta-oauth.1 and a page per command (okta-oauth-app.1, …) into this folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

impl Command {
    /// The org options given after the command's name (none for a command that talks to no org).
    fn org_options(&self) -> OrgOpts {
        match self {
            Command::Quickstart(c) => c.org.clone(),
            Command::Api(c) => c.org.clone(),
            Command::Proxy(c) => c.org.clone(),
            Command::Exec(c) => c.org.clone(),
            Command::Token(c) => c.org.clone(),
            Command::Assertion(c) => c.org.clone(),
            Command::Login(c) => c.org.clone(),
            Command::Verify(c) => c.org.clone(),
            Command::Doctor(c) => c.org.clone(),
            Command::Logout(c) => c.org.clone(),
            Command::App(c) => c.org.clone().into(),
            Command::Grant(c) => c.org.clone().into(),
            Command::Role(c) => c.org.clone().into(),
            Command::Keys(c) => c.org.clone().into(),
            Command::ApiTokens(c) => c.org.clone().into(),
            Command::Auth(c) => c.org.clone().into(),
            Command::Profile(c) => c.org.clone().into(),
            _ => OrgOpts::default(),
        }
    }

    /// The key options of a command that reads keys but talks to no org.
    fn key_options(&self) -> Option<context::KeyOpts> {
        match self {
            Command::Jwks(c) => Some(c.keys.clone()),
            Command::Convert(c) => Some(c.keys.clone()),
            Command::Thumbprint(c) => Some(c.keys.clone()),
            _ => None,
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some((position, what)) = guard::secret_argument(&args) {
        eprintln!(
            "error: argument {position} looks like {what}, which is not shown here. Secrets are never taken from the command line (the shell history and `ps` would keep them): put it in a file and pass the file's path, or `-` to read standard input"
        );
        return ExitCode::from(2);
    }
    let cli: Cli = lazy::parse(args);
    // The org options may come before the command's name or after it; after wins.
    let org = cli.org.clone().under(cli.command.0.org_options());
    if let Some(path) = org
        .passphrase_file
        .clone()
        .or_else(|| cli.command.0.key_options().and_then(|k| k.passphrase_file))
    {
        files::set_passphrase_file(path);
    }
    let jq = match cli.jq.as_deref().map(jq::Jq::compile).transpose() {
        Ok(jq) => jq,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let out = out::Out {
        json: cli.json || jq.is_some(),
        jq,
    };
    // Commands that set something up may name a profile that does not exist yet: they make it.
    let creates = matches!(
        &cli.command.0,
        Command::Quickstart(_) | Command::Login(_) | Command::App(_)
    );
    let ctx = match Context::new(org, creates) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("error: {}", out::error_text(&e));
            return ExitCode::from(1);
        }
    };
    let ctx = &ctx;
    let result = match &cli.command.0 {
        Command::Quickstart(c) => c.run(ctx, &out),
        Command::Keygen(c) => c.run(&out),
        Command::Jwks(c) => c.run(&out),
        Command::Convert(c) => c.run(&out),
        Command::Thumbprint(c) => c.run(&out),
        Command::App(c) => c.command.run(ctx, &out),
        Command::Grant(c) => c.command.run(ctx, &out),
        Command::Role(c) => c.command.run(ctx, &out),
        Command::Keys(c) => c.command.run(ctx, &out),
        Command::ApiTokens(c) => c.command.run(ctx, &out),
        Command::Assertion(c) => c.run(ctx, &out),
        Command::Login(c) => c.run(ctx, &out),
        Command::Token(c) => c.run(ctx, &out),
        Command::Api(c) => c.run(ctx, &out),
        Command::Proxy(c) => c.run(ctx, &out),
        Command::Exec(c) => match c.run(ctx, &out) {
            Ok(code) => return code,
            Err(e) => Err(e),
        },
        Command::Scopes(c) => c.run(&out),
        Command::Decode(c) => c.run(&out),
        Command::Verify(c) => c.run(ctx, &out),
        Command::Profile(c) => c.command.run(ctx, &out),
        Command::Auth(c) => c.command.run(ctx, &out),
        Command::Logout(c) => c.run(ctx, &out),
        Command::Doctor(c) => c.run(ctx, &out),
        Command::Emulator(args) => okta_emulator::cli::run(args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            lazy::define_everything_now();
            clap_complete::generate(*shell, &mut Cli::command(), "okta-oauth", &mut script);
            out.raw(&String::from_utf8_lossy(&script));
            Ok(())
        }
        Command::Man { dir: Some(dir) } => {
            lazy::define_everything_now();
            std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(Cli::command(), dir))
                .map_err(|e| {
                    anyhow::Error::new(e)
                        .context(format!("writing the man pages into {}", dir.display()))
                })
                .map(|()| out.note(&format!("wrote the man pages into {}", dir.display())))
        }
        Command::Man { dir: None } => {
            let mut page = Vec::new();
            lazy::define_everything_now();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => {
                    out.raw(&String::from_utf8_lossy(&page));
                    Ok(())
                }
                Err(e) => Err(anyhow::Error::new(e).context("writing the man page")),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.note(&format!("error: {}", out::error_text(&e)));
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use clap::{CommandFactory as _, Parser as _};

    use super::{Cli, lazy};

    fn words(line: &str) -> Vec<OsString> {
        std::iter::once("okta-oauth")
            .chain(line.split_whitespace())
            .map(OsString::from)
            .collect()
    }

    /// The subcommands clap is given for `line`.
    fn given(line: &str) -> Vec<String> {
        let args = words(line);
        let cmd = lazy::with_arguments(&args, Cli::command);
        cmd.get_subcommands()
            .map(|sc| sc.get_name().to_owned())
            .collect()
    }

    #[test]
    fn a_run_gives_clap_only_the_subcommand_it_names() {
        let token = ["token".to_owned()];
        for line in [
            "token --client-id 0oa1 --private-key k.pem",
            "--org https://example.okta.com token",
            "--org=https://example.okta.com -v --json token",
            "--passphrase-file p --authorization-server default token --json",
            "--token-file t token",
        ] {
            assert_eq!(given(line), token, "{line}");
        }
        assert_eq!(given("api GET /api/v1/users"), ["api"]);
        // Words that are values of the top-level options are not subcommands.
        assert_eq!(given("--org api token"), token);
        assert_eq!(given("--token-file keygen token"), token);
        // No subcommand named, or none that exists: clap is given none, the parse fails and the
        // whole tree parses again.
        for line in [
            "",
            "--json",
            "tokn",
            "-- token",
            "help token",
            "--org token",
        ] {
            assert!(given(line).is_empty(), "{line}");
        }
        // Outside a run, every subcommand.
        assert_eq!(
            Cli::command().get_subcommands().count(),
            given("").len() + 26
        );
    }

    /// `line` parsed with clap given one subcommand, then with all of them.
    fn both_parses(line: &str) -> (Result<Cli, clap::Error>, Result<Cli, clap::Error>) {
        let args = words(line);
        let one = lazy::with_arguments(&args, || Cli::try_parse_from(&args));
        (one, Cli::try_parse_from(&args))
    }

    #[test]
    fn one_subcommand_parses_as_all() {
        for line in [
            "token --client-id 0oa1 --private-key k.pem --scopes okta.users.read",
            "--org https://example.okta.com token --client-id 0oa1 --private-key k.pem --json",
            "-v token --client-id 0oa1 --private-key k.pem --dpop always",
            "api GET /api/v1/users --all --org https://example.okta.com",
            "app list --token-file t",
            "keygen --kty EC --json",
            "--json scopes --search groups",
            "decode eyJhbGciOiJub25lIn0.e30.",
            "emulator --port 0 --users 3",
        ] {
            match both_parses(line) {
                (Ok(one), Ok(all)) => assert_eq!(format!("{one:?}"), format!("{all:?}"), "{line}"),
                (one, all) => panic!("{line}: one subcommand {one:?}, all of them {all:?}"),
            }
        }
    }

    #[test]
    fn the_version_of_one_subcommand_reads_as_with_all() {
        for line in [
            "-V",
            "--version",
            "token -V",
            "--json token --version",
            "app list -V",
        ] {
            match both_parses(line) {
                (Err(one), Err(all)) => {
                    assert_eq!(one.kind(), clap::error::ErrorKind::DisplayVersion, "{line}");
                    assert_eq!(one.kind(), all.kind(), "{line}");
                    assert_eq!(one.to_string(), all.to_string(), "{line}");
                }
                (one, all) => panic!("{line}: one subcommand {one:?}, all of them {all:?}"),
            }
        }
    }
}
