//! `cargo xtask ci`: the one command CI and developers run.

use anyhow::Result;

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
    eprintln!("xtask ci: all checks passed");
    Ok(())
}

/// The CLI's end-to-end tests named by `filter` that a plain `cargo test` ignores (they need a
/// program from Debian that .ci/run installs).
fn ignored_cli_tests(filter: &str) -> Result<()> {
    crate::run(cargo().args([
        "test",
        "-p",
        "okta-oauth",
        "--test",
        "it",
        "--locked",
        filter,
        "--",
        "--ignored",
    ]))
}
