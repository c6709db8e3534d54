//! `cargo xtask dist`: stripped release binaries with shell completions, man pages, the README,
//! licence, changelog and docs in a tarball; their debug info in a second tarball (each binary
//! names its debug file by a GNU debuglink, so gdb finds it beside the binary or in
//! /usr/lib/debug); a SHA-256 for each.

use std::process::Command;

use anyhow::{Context, Result};

use crate::{build_release, output, root, run};

pub(crate) fn run_dist() -> Result<()> {
    let release = build_release()?;
    let host = output(Command::new("rustc").arg("-vV"))?
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .context("rustc -vV names no host")?;
    let name = format!("okta-oauth-{}-{host}", env!("CARGO_PKG_VERSION"));
    let dist = root().join("target/dist");
    let stage = dist.join(&name);
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir_all(stage.join("docs"))?;
    let debug_name = format!("{name}-debug");
    let debug = dist.join(&debug_name);
    let _ = std::fs::remove_dir_all(&debug);
    std::fs::create_dir_all(&debug)?;
    for bin in ["okta-oauth", "okta-emulator"] {
        let shipped = stage.join(bin);
        std::fs::copy(release.bin_dir.join(bin), &shipped)?;
        // The debug info goes to its own file; the binary keeps a link to it.
        let symbols = debug.join(format!("{bin}.debug"));
        run(Command::new("objcopy")
            .arg("--only-keep-debug")
            .arg(&shipped)
            .arg(&symbols))?;
        run(Command::new("strip")
            .args(["--strip-debug", "--strip-unneeded"])
            .arg(&shipped))?;
        run(Command::new("objcopy")
            .arg(format!("--add-gnu-debuglink={}", symbols.display()))
            .arg(&shipped))?;
    }
    // Completions and the man page, from the clap definitions of the binary just built.
    let cli = stage.join("okta-oauth");
    std::fs::create_dir_all(stage.join("completions"))?;
    for (shell, file) in [
        ("bash", "okta-oauth.bash"),
        ("zsh", "_okta-oauth"),
        ("fish", "okta-oauth.fish"),
    ] {
        let script = output(Command::new(&cli).args(["completions", shell]))?;
        std::fs::write(stage.join("completions").join(file), script)?;
    }
    // A page per command: the main page names okta-oauth-app(1) and the others.
    run(Command::new(&cli)
        .args(["man", "--dir"])
        .arg(stage.join("man")))?;
    for file in ["README.md", "LICENSE", "CHANGELOG.md"] {
        std::fs::copy(root().join(file), stage.join(file))?;
    }
    for entry in std::fs::read_dir(root().join("docs"))? {
        let path = entry?.path();
        if let Some(file) = path.file_name() {
            std::fs::copy(&path, stage.join("docs").join(file))?;
        }
    }
    for (folder, what) in [(&name, "binaries"), (&debug_name, "debug info")] {
        let tarball = format!("{folder}.tar.gz");
        run(Command::new("tar")
            .args(["--owner=0", "--group=0", "-czf", &tarball, folder])
            .current_dir(&dist))?;
        let digest = output(
            Command::new("openssl")
                .args(["dgst", "-sha256", "-r", &tarball])
                .current_dir(&dist),
        )?;
        let sum = digest.split_whitespace().next().context("no digest")?;
        let sum_file = dist.join(format!("{tarball}.sha256"));
        std::fs::write(&sum_file, format!("{sum}  {tarball}\n"))?;
        let size = std::fs::metadata(dist.join(&tarball))?.len();
        eprintln!(
            "{what}: {} ({:.1} MB)\n  {}",
            dist.join(&tarball).display(),
            size as f64 / 1e6,
            sum_file.display()
        );
    }
    Ok(())
}
