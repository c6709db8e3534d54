//! Project automation, run as `cargo xtask <command>`.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports on its terminal"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

mod bench;
mod ci;
mod dist;
mod fixtures;
mod interop;
mod peers;
mod release;

const HELP: &str = "\
cargo xtask <command>

Commands:
  ci                 fmt check, clippy -D warnings, tests, docs -D warnings, interop: what CI runs
  fixtures           re-derive tests/fixtures/keys from its source keys (needs openssl, python3)
  fixtures --new-keys  also generate new source keys with openssl first
  bench [--all]      the command-line figures beside their references, into docs/benchmarks.md
                     (--all: then every cargo bench of the workspace)
  dist               release binaries, README, licence, changelog and docs in a tarball + SHA-256
  release X.Y.Z      on a clean tree: bump the version, date the CHANGELOG's unreleased section,
                     run ci, commit and tag vX.Y.Z (undone when ci fails; nothing is pushed)
  interop            cross-check keys and signatures with OpenSSL, Python jwcrypto/PyJWT, node jose
                     (installs the pinned peers into .interop/ on first use)
";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["ci"] => ci::run(),
        ["fixtures"] => fixtures::run(false),
        ["fixtures", "--new-keys"] => fixtures::run(true),
        ["interop"] => interop::run(),
        ["dist"] => dist::run_dist(),
        ["bench"] | ["bench", "--all"] => bench::run_all(),
        ["release", version] => release::run_release(version),
        [] | ["help" | "--help" | "-h"] => {
            eprint!("{HELP}");
            Ok(())
        }
        other => {
            eprint!("{HELP}");
            bail!("unknown xtask command: {other:?}")
        }
    }
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Builds the two binaries, `okta-oauth` and `okta-emulator`, in release mode.
fn build_release() -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(&cargo)
        .args([
            "build",
            "--release",
            "--locked",
            "-p",
            "okta-oauth",
            "-p",
            "okta-emulator",
        ])
        .current_dir(root()))
}

/// Runs a command, failing with its name when it fails.
fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("$ {}", show(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("starting {}", show(cmd)))?;
    if !status.success() {
        bail!("{} failed ({status})", show(cmd));
    }
    Ok(())
}

/// Runs a command and returns its stdout, failing with its stderr when it fails.
fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("starting {}", show(cmd)))?;
    if !out.status.success() {
        bail!(
            "{} failed ({}): {}",
            show(cmd),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).with_context(|| format!("{} printed non-UTF-8", show(cmd)))
}

fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}
