//! `cargo xtask ci`: the one command CI and developers run.

use std::process::Command;

use anyhow::Result;

use crate::root;

pub(crate) fn run() -> Result<()> {
    let cargo = || {
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c.current_dir(root());
        c
    };
    crate::run(cargo().args(["fmt", "--all", "--check"]))?;
    crate::run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    crate::run(
        cargo()
            .args(["test", "--workspace", "--locked"])
            .env("INSTA_UPDATE", "no"),
    )?;
    // `login` in headless Chromium through WebDriver: ignored by a plain `cargo test` (it needs
    // Debian's chromium and chromium-driver, which .ci/run installs), run here.
    crate::run(cargo().args([
        "test",
        "-p",
        "okta-oauth",
        "--test",
        "it",
        "--locked",
        "browser",
        "--",
        "--ignored",
    ]))?;
    crate::run(
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--locked"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    crate::package::run()?;
    // A smoke test in the dev profile (overflow checks and debug assertions, as in `fuzz`):
    // no second, optimised build of every dependency.
    crate::fuzz::run(&["--seconds", "2", "--dev"])?;
    crate::interop::run()?;
    eprintln!("xtask ci: all checks passed");
    Ok(())
}
