//! `cargo xtask package`: the library crates as crates.io would receive them. Each is packaged,
//! then the four packages are unpacked into a workspace of their own, built and tested there,
//! and their examples run, so a file a package leaves out fails here rather than for the first
//! user.
//!
//! `cargo package`'s own verification is skipped (`--no-verify`): it builds each package
//! against the others through a temporary registry whose unpacked copies cargo keeps in
//! `~/.cargo/registry/src` and does not refresh for the same version, so a second run would
//! build against the first run's sources. The workspace here patches the packages in by path
//! and builds everything, tests included, from exactly what was packaged.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::root;

/// The published crates, in dependency order.
const CRATES: [&str; 4] = ["okta-jwk", "okta-assertion", "okta-emulator", "okta-flows"];

pub(crate) fn run() -> Result<()> {
    let cargo = || Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    let version = env!("CARGO_PKG_VERSION");
    let mut package = cargo();
    package
        .args(["package", "--locked", "--allow-dirty", "--no-verify"])
        .current_dir(root());
    for name in CRATES {
        package.args(["-p", name]);
    }
    crate::run(&mut package)?;

    let work = root().join("target/package-test");
    let src = work.join("src");
    if src.exists() {
        std::fs::remove_dir_all(&src).with_context(|| format!("removing {}", src.display()))?;
    }
    std::fs::create_dir_all(&src)?;
    let mut manifest = String::from("[workspace]\nresolver = \"3\"\nmembers = [");
    let mut patch = String::from("\n[patch.crates-io]\n");
    for name in CRATES {
        let file = root().join(format!("target/package/{name}-{version}.crate"));
        crate::run(
            Command::new("tar")
                .arg("xzf")
                .arg(&file)
                .arg("-C")
                .arg(&src),
        )?;
        manifest.push_str(&format!("\"{name}-{version}\", "));
        patch.push_str(&format!("{name} = {{ path = \"{name}-{version}\" }}\n"));
        // Each package carries a lock file of its own; the workspace's governs here.
        let _ = std::fs::remove_file(src.join(format!("{name}-{version}/Cargo.lock")));
    }
    manifest.push_str("]\n");
    manifest.push_str(&patch);
    // The workspace's profiles, so that the registry dependencies built for its tests are the
    // ones these builds use (with other profiles every one would be built again, into the same
    // target folder: minutes, and gigabytes).
    let root_manifest = std::fs::read_to_string(root().join("Cargo.toml"))?;
    if let Some(at) = root_manifest.find("\n[profile.") {
        manifest.push_str(&root_manifest[at..]);
    }
    std::fs::write(src.join("Cargo.toml"), manifest)?;

    // The workspace's lock file, pruned of what the packages do not use (and nothing added or
    // changed), so the packages build with exactly the versions the workspace was tested with.
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))?;
    std::fs::write(src.join("Cargo.lock"), &lock)?;
    crate::output(
        cargo()
            .args(["update", "--workspace", "--offline"])
            .current_dir(&src),
    )?;
    let pruned = std::fs::read_to_string(src.join("Cargo.lock"))?;
    let added: Vec<_> = locked(&pruned)
        .difference(&locked(&lock))
        .cloned()
        .collect();
    if !added.is_empty() {
        bail!("the packages resolve to versions the workspace does not lock: {added:?}");
    }

    let in_packages = |args: &[&str]| {
        let mut c = cargo();
        // The workspace's own target folder: the registry dependencies, locked to the same
        // versions, are built once for both; the packaged crates build apart from the
        // workspace's (their sources are other paths).
        c.args(args)
            .current_dir(&src)
            .env("CARGO_TARGET_DIR", root().join("target"))
            .env("INSTA_UPDATE", "no")
            .env_remove("OKTA_CLIENT_ORGURL")
            .env_remove("OKTA_CLIENT_TOKEN");
        c
    };
    // The bridge is a feature: its tests and docs run from the package too.
    crate::run(&mut in_packages(&[
        "test",
        "--workspace",
        "--locked",
        "--offline",
        "--features",
        "okta-flows/bridge",
    ]))?;
    let key = work.join("example-key.pem");
    let _ = std::fs::remove_file(&key);
    let key_arg = key.to_string_lossy().into_owned();
    for (name, example, args) in [
        (
            "okta-jwk",
            "keygen",
            vec!["--kty", "EC", "--out", key_arg.as_str()],
        ),
        ("okta-assertion", "token_request", vec![]),
        ("okta-flows", "paved_path", vec![]),
        ("okta-flows", "kms_signer", vec![]),
    ] {
        let mut c = in_packages(&[
            "run",
            "--locked",
            "--offline",
            "--quiet",
            "-p",
            name,
            "--example",
            example,
            "--",
        ]);
        c.args(args).stdout(std::process::Stdio::null());
        crate::run(&mut c)?;
    }
    check_private(&key)?;
    eprintln!(
        "xtask package: {} crates packaged, tested and their examples run from the packages",
        CRATES.len()
    );
    Ok(())
}

/// `(name, version)` of every package a lock file holds.
fn locked(lock: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_owned());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            out.insert((n, v.trim_matches('"').to_owned()));
        }
    }
    out
}

/// The example's key file is there, and private.
fn check_private(path: &Path) -> Result<()> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("{} was not written", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode != 0o600 {
            bail!("{} has mode {mode:o}, not 600", path.display());
        }
    }
    let _ = meta;
    Ok(())
}
