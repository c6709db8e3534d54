//! `cargo xtask dist`: release binaries with the README, licence, changelog and docs in a
//! tarball, and its SHA-256.

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
    for bin in ["okta-oauth", "okta-emulator"] {
        std::fs::copy(release.bin_dir.join(bin), stage.join(bin))?;
    }
    for file in ["README.md", "LICENSE", "CHANGELOG.md"] {
        std::fs::copy(root().join(file), stage.join(file))?;
    }
    for entry in std::fs::read_dir(root().join("docs"))? {
        let path = entry?.path();
        if let Some(file) = path.file_name() {
            std::fs::copy(&path, stage.join("docs").join(file))?;
        }
    }
    let tarball = format!("{name}.tar.gz");
    run(Command::new("tar")
        .args(["--owner=0", "--group=0", "-czf", &tarball, &name])
        .current_dir(&dist))?;
    let digest = output(
        Command::new("openssl")
            .args(["dgst", "-sha256", "-r", &tarball])
            .current_dir(&dist),
    )?;
    let sum = digest.split_whitespace().next().context("no digest")?;
    let sum_file = dist.join(format!("{tarball}.sha256"));
    std::fs::write(&sum_file, format!("{sum}  {tarball}\n"))?;
    eprintln!("{}\n{}", dist.join(&tarball).display(), sum_file.display());
    Ok(())
}
