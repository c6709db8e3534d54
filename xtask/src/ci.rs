//! `cargo xtask ci`: the one command CI and developers run.

use std::path::Path;

use anyhow::{Result, bail};

/// Runs one step and notes how long it took, so the time budget of CI can be watched.
fn step(
    times: &mut Vec<(&'static str, f64)>,
    name: &'static str,
    f: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let start = std::time::Instant::now();
    let result = f();
    times.push((name, start.elapsed().as_secs_f64()));
    result
}

use crate::cargo;

pub(crate) fn run() -> Result<()> {
    prerequisites()?;
    msrv()?;
    let mut times = Vec::new();
    step(&mut times, "fmt", || {
        crate::run(cargo().args(["fmt", "--all", "--check"]))
    })?;
    step(&mut times, "clippy", || {
        crate::run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step(&mut times, "modules", crate::modules::run)?;
    // The committed extract of Okta's OpenAPI documents against the documents themselves (where
    // ../shared is beside the repository), and the scope catalogs against the extract.
    step(&mut times, "contract", || crate::contract::run(true))?;
    // The exchanges of real Okta traffic the replay sends, against the recordings themselves.
    step(&mut times, "recorded", || crate::recorded::run(true))?;
    step(&mut times, "test", || {
        crate::run(
            cargo()
                .args(["test", "--workspace", "--locked"])
                .env("INSTA_UPDATE", "no"),
        )
    })?;
    // `login` in headless Chromium through WebDriver: ignored by a plain `cargo test` (it needs
    // Debian's chromium and chromium-driver, which .ci/run installs), run here.
    step(&mut times, "browser", || ignored_cli_tests("browser"))?;
    // Real Okta traffic replayed against the emulator (run by the test step too), shown: "N of
    // M recorded exchanges match" (the workspace's build, as for the ignored tests).
    step(&mut times, "replay", || {
        workspace_tests(
            "recorded::the_emulator_answers_as_okta_did",
            &["--exact", "--nocapture"],
        )
    })?;
    // A fleet sharing one token through Debian's redis-server (which .ci/run installs), each
    // test starting its own on a free loopback port: ignored by a plain `cargo test`, run here.
    step(&mut times, "redis", || ignored_cli_tests("fleet"))?;
    step(&mut times, "doc", || {
        crate::run(
            cargo()
                .args(["doc", "--workspace", "--no-deps", "--locked"])
                .env("RUSTDOCFLAGS", "-D warnings"),
        )
    })?;
    step(&mut times, "package", crate::package::run)?;
    // A smoke test in the dev profile (overflow checks and debug assertions, as in `fuzz`):
    // no second, optimised build of every dependency.
    step(&mut times, "fuzz", || {
        crate::fuzz::run(&["--seconds", "2", "--dev"])
    })?;
    step(&mut times, "interop", crate::interop::run)?;
    let total: f64 = times.iter().map(|(_, t)| t).sum();
    let each: Vec<String> = times.iter().map(|(n, t)| format!("{n} {t:.0} s")).collect();
    eprintln!("xtask ci: {total:.0} s in all: {}", each.join(", "));
    // The disk a run needs, watched like its time: CI machines have less of it than a
    // developer's.
    let target = crate::root().join("target");
    eprintln!(
        "xtask ci: target/ holds {:.1} GB",
        disk_usage(&target) as f64 / 1e9
    );
    eprintln!("xtask ci: all checks passed");
    Ok(())
}

/// The bytes of the files under `dir` (symbolic links not followed); what cannot be read counts
/// as nothing, as this is a figure to watch, not a check.
fn disk_usage(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(t) if t.is_dir() => disk_usage(&entry.path()),
            Ok(t) if t.is_file() => entry.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// The CLI's end-to-end tests named by `filter` that a plain `cargo test` ignores (they need a
/// program from Debian that .ci/run installs). Built as the whole workspace is (`--workspace`:
/// one package alone unifies its dependencies' features otherwise, and rebuilds dozens of them
/// into `target/`); only the CLI's tests are ignored ones.
fn ignored_cli_tests(filter: &str) -> Result<()> {
    workspace_tests(filter, &["--ignored"])
}

/// The integration tests (`it`) named by `filter`, in the workspace's build, with these
/// arguments for the test harness.
fn workspace_tests(filter: &str, harness: &[&str]) -> Result<()> {
    crate::run(
        cargo()
            .args([
                "test",
                "--workspace",
                "--test",
                "it",
                "--locked",
                filter,
                "--",
            ])
            .args(harness),
    )
}

/// What the steps run besides cargo, by Debian package, and how to tell it is here: the same
/// list `.ci/run` installs from.
const PACKAGES: [(&str, Need); 12] = [
    ("pkg-config", Need::Command("pkg-config")),
    ("openssl", Need::Command("openssl")),
    ("curl", Need::Command("curl")),
    ("python3", Need::Command("python3")),
    ("python3-venv", Need::PythonVenv),
    ("nodejs", Need::Command("node")),
    ("npm", Need::Command("npm")),
    ("chromium", Need::File("/usr/bin/chromium")),
    ("chromium-driver", Need::File("/usr/bin/chromedriver")),
    ("redis-server", Need::Command("redis-server")),
    ("redis-tools", Need::Command("redis-cli")),
    ("bsdutils", Need::Command("script")),
];

/// How a package is known to be installed.
enum Need {
    /// A program on `PATH`.
    Command(&'static str),
    /// A file at a fixed path (the browser tests use Debian's paths).
    File(&'static str),
    /// Python's `venv` and `ensurepip` (`.interop/` is a virtual environment).
    PythonVenv,
}

impl Need {
    fn met(&self) -> bool {
        match self {
            Need::Command(name) => on_path(name),
            Need::File(path) => Path::new(path).is_file(),
            Need::PythonVenv => std::process::Command::new("python3")
                .args(["-c", "import venv, ensurepip"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success()),
        }
    }
}

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
}

/// Stops before anything is built when a step would fail for a missing Debian package, naming
/// the packages and the one command that installs them.
fn prerequisites() -> Result<()> {
    let missing: Vec<&str> = PACKAGES
        .iter()
        .filter(|(_, need)| !need.met())
        .map(|(package, _)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sudo = if is_root() { "" } else { "sudo " };
    bail!(
        "this machine lacks Debian packages that the tests use: {list}\n\
         install them with:\n\n    {sudo}apt-get install --no-install-recommends {list}\n\n\
         (or run `bash .ci/run`, which installs what is missing, then runs `cargo xtask ci`)",
        list = missing.join(" ")
    )
}

/// Whether this process runs as root (no `sudo` in the advice then), from `/proc/self/status`.
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().next())
            == Some("0")
    })
}

/// The workspace's `rust-version` is the toolchain these checks run on, so the minimum it
/// claims is the one tested: a newer `rustc` here would leave it untested.
fn msrv() -> Result<()> {
    let manifest = std::fs::read_to_string(crate::root().join("Cargo.toml"))?;
    let stated = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .ok_or_else(|| anyhow::anyhow!("Cargo.toml states no rust-version"))?;
    let rustc = crate::output(
        std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .arg("--version"),
    )?;
    let running = rustc
        .split_whitespace()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("rustc --version said {rustc:?}"))?;
    if !same_minor(running, &stated) {
        bail!(
            "the workspace states rust-version {stated}, but the checks run on rustc {running}: \
             set rust-version to {running} in Cargo.toml (the toolchain these checks test), or \
             run them with rustc {stated}"
        );
    }
    Ok(())
}

/// Whether two versions have the same major and minor numbers (`1.95.0` and `1.95`).
fn same_minor(a: &str, b: &str) -> bool {
    let two = |v: &str| v.split('.').take(2).map(str::to_owned).collect::<Vec<_>>();
    two(a) == two(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_major_and_minor() {
        assert!(same_minor("1.95.0", "1.95"));
        assert!(same_minor("1.95.2", "1.95.0"));
        assert!(!same_minor("1.96.0", "1.95"));
        assert!(!same_minor("1.9.0", "1.95"));
    }

    #[test]
    fn the_stated_rust_version_is_the_running_toolchain() -> Result<()> {
        msrv()
    }
}
