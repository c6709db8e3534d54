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
mod contract;
mod dist;
mod fixtures;
mod fuzz;
mod interop;
mod modules;
mod package;
mod peers;
mod recorded;
mod release;
mod scopes;

const HELP: &str = "\
cargo xtask <command>

Commands:
  ci                 fmt check, clippy -D warnings, modules, tests, docs -D warnings, package,
                     fuzz, interop: what CI runs
  fixtures           re-derive tests/fixtures/keys from its source keys (needs openssl, python3)
  fixtures --new-keys  also generate new source keys with openssl first
  bench [--all]      the command-line figures beside their references, into docs/benchmarks.md
                     (--all: then every cargo bench of the workspace)
  dist               release binaries, README, licence, changelog and docs in a tarball + SHA-256
  release X.Y.Z      on a clean tree: bump the version, date the CHANGELOG's unreleased section,
                     run ci, commit and tag vX.Y.Z (undone when ci fails; nothing is pushed)
  package            package the library crates, then build, test and run their examples from
                     the packages alone (what crates.io would get)
  fuzz [--seconds N] [--dev] [TARGET…]
                     mutate inputs of every parser of outside input (N s a target, default 10)
                     in an optimised build with overflow checks (--dev: the dev profile, as ci
                     does); a panic is minimised and saved
                     under xtask/fuzz/, which `cargo test -p xtask` replays
  contract [--check] extract what the tests need from Okta's OpenAPI documents in
                     ../shared/okta-openapi (operations, status codes, schemas, scopes; no prose)
                     into crates/okta-emulator/tests/fixtures/okta-contract, then the scope
                     catalogs (--check: compare only; without ../shared, the catalogs alone)
  recorded [--check] extract the exchanges of real Okta traffic the emulator's replay test sends
                     again from ../shared/okta-recordings (requests, and the shapes of the
                     answers: statuses, headers, JSON members and types; no texts) into
                     tests/fixtures/okta-recorded (--check: compare only)
  scopes [--check]   the scope catalog (each Okta operation's OAuth scopes) from the committed
                     extract, written into okta-flows and the emulator (--check: compare only)
  modules            the architecture's rules in the sources: no module circles inside a crate, no
                     clock, environment, file or socket in okta-jwk and okta-assertion, no network
                     I/O in the command line
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
        ["modules"] => modules::run(),
        ["package"] => package::run(),
        ["fuzz", rest @ ..] => fuzz::run(rest),
        ["fuzz-loop", seconds, seed, targets @ ..] => fuzz::run_loop(
            seconds.parse().context("fuzz-loop SECONDS")?,
            &targets.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>(),
            seed.parse().context("fuzz-loop SEED")?,
        ),
        ["dist"] => dist::run_dist(),
        ["bench"] => bench::run_all(false),
        ["bench", "--all"] => bench::run_all(true),
        ["release", version] => release::run_release(version),
        ["contract"] => contract::run(false),
        ["contract", "--check"] => contract::run(true),
        ["recorded"] => recorded::run(false),
        ["recorded", "--check"] => recorded::run(true),
        ["scopes"] => scopes::run(false),
        ["scopes", "--check"] => scopes::run(true),
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

/// The release binaries `build_release` made.
pub(crate) struct Release {
    /// The folder holding `okta-oauth` and `okta-emulator`.
    pub(crate) bin_dir: PathBuf,
    /// How OpenSSL is linked: `static` or `dynamic`.
    pub(crate) openssl: &'static str,
}

/// Builds the two binaries, `okta-oauth` and `okta-emulator`, in release mode: what `dist`
/// ships and `bench` measures.
///
/// OpenSSL is linked statically when the system has its static libraries (Debian's libssl-dev
/// ships them): the binaries then need no libssl at run time, and a run starts about 0.6 ms
/// sooner because the loader maps and binds two libraries fewer (docs/benchmarks.md). The build
/// goes to target/static, so it never invalidates the dynamic builds of `cargo build` and the
/// tests. Without the static libraries the build is a plain dynamic one in target/dist.
fn build_release() -> Result<Release> {
    let mut cmd = release_build(&["okta-oauth", "okta-emulator"]);
    let release = match static_openssl() {
        Some(found) => {
            let dir = root().join("target/static");
            cmd.env("CARGO_TARGET_DIR", &dir);
            link_openssl_statically(&mut cmd, found);
            Release {
                bin_dir: dir.join("dist"),
                openssl: "static",
            }
        }
        None => {
            eprintln!(
                "note: OpenSSL's static libraries were not found (pkg-config openssl); linking it dynamically"
            );
            Release {
                bin_dir: root().join("target/dist"),
                openssl: "dynamic",
            }
        }
    };
    run(&mut cmd)?;
    Ok(release)
}

/// `okta-oauth` built as `build_release` builds it but as a position-dependent executable
/// (`-C relocation-model=static`): not shipped, only measured by `bench` beside the shipped one,
/// to show what the loader's relocations of a position-independent executable cost. Built for
/// the host triple named explicitly, so the flag reaches this binary and not the build's
/// proc-macros; the build goes to target/nopie.
fn build_position_dependent() -> Result<PathBuf> {
    let host = output(Command::new("rustc").arg("-vV"))?
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV names no host")?;
    let dir = root().join("target/nopie");
    let mut cmd = release_build(&["okta-oauth"]);
    cmd.args(["--target", &host])
        .env("CARGO_TARGET_DIR", &dir)
        .env("RUSTFLAGS", "-C relocation-model=static");
    if let Some(found) = static_openssl() {
        link_openssl_statically(&mut cmd, found);
    }
    run(&mut cmd)?;
    Ok(dir.join(host).join("dist/okta-oauth"))
}

/// OpenSSL's library and include folders, when `libssl.a` and `libcrypto.a` are there.
fn static_openssl() -> Option<(String, String)> {
    let var = |name: &str| {
        output(Command::new("pkg-config").args([&format!("--variable={name}"), "openssl"]))
            .ok()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let (lib, include) = (var("libdir")?, var("includedir")?);
    ["libssl.a", "libcrypto.a"]
        .iter()
        .all(|a| Path::new(&lib).join(a).is_file())
        .then_some((lib, include))
}

/// `cargo` (the one running xtask) in the workspace's root.
fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    // A CI build is built once and thrown away: incremental state would only fill the disk (a
    // third of `target/` on a clean `cargo xtask ci`). A developer's own setting still wins.
    if std::env::var_os("CI").is_some() && std::env::var_os("CARGO_INCREMENTAL").is_none() {
        c.env("CARGO_INCREMENTAL", "0");
    }
    c
}

/// `cargo build --profile dist --locked` of these packages: the shipped build (the `release`
/// profile is the quick one `cargo run --release` builds).
fn release_build(packages: &[&str]) -> Command {
    let mut cmd = cargo();
    cmd.args(["build", "--profile", "dist", "--locked"]);
    for package in packages {
        cmd.args(["-p", package]);
    }
    cmd
}

/// Links OpenSSL statically, from `lib` and `include`, into what `cmd` builds.
fn link_openssl_statically(cmd: &mut Command, (lib, include): (String, String)) {
    cmd.env("OPENSSL_STATIC", "1")
        .env("OPENSSL_NO_PKG_CONFIG", "1")
        .env("OPENSSL_LIB_DIR", lib)
        .env("OPENSSL_INCLUDE_DIR", include);
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
