//! `cargo xtask release X.Y.Z`: a clean tree, the new version in the workspace manifest and lock
//! file, the CHANGELOG's unreleased section under the version's heading, `xtask ci` green, then
//! one commit and an annotated tag `vX.Y.Z`. Nothing is pushed.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{output, root, run};

/// A release version: `MAJOR.MINOR.PATCH`, numbers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version(u64, u64, u64);

impl Version {
    pub(crate) fn parse(text: &str) -> Result<Version> {
        let parts: Vec<&str> = text.split('.').collect();
        let number = |s: &str| -> Result<u64> {
            if s.is_empty()
                || !s.bytes().all(|b| b.is_ascii_digit())
                || (s.len() > 1 && s.starts_with('0'))
            {
                bail!(
                    "{text:?} is not a release version MAJOR.MINOR.PATCH (numbers, no leading zeros)"
                );
            }
            Ok(s.parse()?)
        };
        match parts.as_slice() {
            [a, b, c] => Ok(Version(number(a)?, number(b)?, number(c)?)),
            _ => bail!("{text:?} is not a release version MAJOR.MINOR.PATCH"),
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The workspace version in `[workspace.package]`.
pub(crate) fn current_version(manifest: &str) -> Result<Version> {
    let mut in_package = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            in_package = line.trim() == "[workspace.package]";
        } else if in_package && let Some(v) = line.strip_prefix("version = ") {
            return Version::parse(v.trim().trim_matches('"'));
        }
    }
    bail!("Cargo.toml has no version in [workspace.package]")
}

/// The manifest with `old` replaced by `new` in `[workspace.package]` and in the workspace's own
/// path dependencies; every other line as it was.
pub(crate) fn bump_manifest(manifest: &str, old: Version, new: Version) -> Result<String> {
    let (old_v, new_v) = (
        format!("version = \"{old}\""),
        format!("version = \"{new}\""),
    );
    let mut section = String::new();
    let mut changed = 0;
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        if line.starts_with('[') {
            section = line.trim().to_owned();
        }
        let ours = (section == "[workspace.package]" && line.starts_with("version = "))
            || (section == "[workspace.dependencies]" && line.contains("path = \"crates/"));
        let (old_exact, new_exact) = (
            format!("version = \"={old}\""),
            format!("version = \"={new}\""),
        );
        if ours && line.contains(&old_v) {
            out.push_str(&line.replacen(&old_v, &new_v, 1));
            changed += 1;
        } else if ours && line.contains(&old_exact) {
            // An exact requirement (okta-jwk's, whose hidden items its dependents use).
            out.push_str(&line.replacen(&old_exact, &new_exact, 1));
            changed += 1;
        } else {
            out.push_str(line);
        }
    }
    if changed == 0 {
        bail!("found no `{old_v}` to bump in Cargo.toml");
    }
    Ok(out)
}

/// The CHANGELOG with a `## [new] - date` heading under `## [Unreleased]`, so what was unreleased
/// becomes the release's and a fresh, empty unreleased section stays on top.
pub(crate) fn move_unreleased(changelog: &str, new: Version, date: &str) -> Result<String> {
    const HEAD: &str = "## [Unreleased]\n";
    let at = changelog
        .find(HEAD)
        .context("CHANGELOG.md has no `## [Unreleased]` heading")?;
    let body_start = at + HEAD.len();
    let body_end = changelog[body_start..]
        .find("\n## ")
        .map_or(changelog.len(), |i| body_start + i + 1);
    if changelog[body_start..body_end].trim().is_empty() {
        bail!("CHANGELOG.md's unreleased section is empty: nothing to release");
    }
    if changelog.contains(&format!("## [{new}]")) {
        bail!("CHANGELOG.md already has a {new} section");
    }
    Ok(format!(
        "{}{HEAD}\n## [{new}] - {date}\n{}",
        &changelog[..at],
        &changelog[body_start..]
    ))
}

pub(crate) fn run_release(version: &str) -> Result<()> {
    let new = Version::parse(version)?;
    let git = |args: &[&str]| {
        let mut c = Command::new("git");
        c.args(args).current_dir(root());
        c
    };
    let dirty = output(&mut git(&["status", "--porcelain"]))?;
    if !dirty.trim().is_empty() {
        bail!("the working tree is not clean; commit or stash first:\n{dirty}");
    }
    let tag = format!("v{new}");
    if git(&["rev-parse", "-q", "--verify", &format!("refs/tags/{tag}")])
        .output()?
        .status
        .success()
    {
        bail!("the tag {tag} exists already");
    }
    let manifest_path = root().join("Cargo.toml");
    let changelog_path = root().join("CHANGELOG.md");
    let manifest = std::fs::read_to_string(&manifest_path)?;
    let old = current_version(&manifest)?;
    if new <= old {
        bail!("{new} is not after the current version {old}");
    }
    // Today in UTC: the date part of RFC 3339's form.
    let now = okta_assertion::UnixTime::from_system_time(std::time::SystemTime::now());
    let today = now.to_rfc3339();
    let changelog = move_unreleased(
        &std::fs::read_to_string(&changelog_path)?,
        new,
        today.get(..10).unwrap_or(&today),
    )?;
    std::fs::write(&manifest_path, bump_manifest(&manifest, old, new)?)?;
    std::fs::write(&changelog_path, changelog)?;
    let checked = run(crate::cargo().args(["update", "--workspace", "--offline"]))
        .and_then(|()| crate::ci::run());
    if let Err(e) = checked {
        run(&mut git(&[
            "checkout",
            "--",
            "Cargo.toml",
            "Cargo.lock",
            "CHANGELOG.md",
        ]))?;
        return Err(e.context(format!(
            "releasing {new}: undone, the tree is back at {old}"
        )));
    }
    run(&mut git(&[
        "commit",
        "--quiet",
        "--all",
        "--message",
        &format!("Release {new}"),
    ]))?;
    run(&mut git(&[
        "tag",
        "--annotate",
        &tag,
        "--message",
        &format!("okta-oauth {new}"),
    ]))?;
    eprintln!("released {new} as {tag}; publish with: git push && git push origin {tag}");
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    const MANIFEST: &str = "[workspace]\nmembers = []\n\n[workspace.package]\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace.dependencies]\nokta-jwk = { path = \"crates/okta-jwk\", version = \"=0.1.0\" }\nokta-flows = { path = \"crates/okta-flows\", version = \"0.1.0\" }\nother = { version = \"0.1.0\" }\n";

    #[test]
    fn versions_parse_and_order() {
        assert_eq!(Version::parse("1.10.0").unwrap(), Version(1, 10, 0));
        assert!(Version::parse("0.10.0").unwrap() > Version::parse("0.9.9").unwrap());
        for bad in [
            "1.2",
            "1.2.3.4",
            "v1.2.3",
            "1.02.3",
            "1.2.x",
            "1.2.3-rc.1",
            "",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_the_workspace_version_and_its_own_crates_move() {
        let old = current_version(MANIFEST).unwrap();
        assert_eq!(old, Version(0, 1, 0));
        let bumped = bump_manifest(MANIFEST, old, Version(0, 2, 0)).unwrap();
        assert_eq!(
            bumped,
            MANIFEST
                .replacen(
                    "version = \"0.1.0\"\nedition",
                    "version = \"0.2.0\"\nedition",
                    1
                )
                .replace(
                    "okta-jwk\", version = \"=0.1.0\"",
                    "okta-jwk\", version = \"=0.2.0\""
                )
                .replace(
                    "okta-flows\", version = \"0.1.0\"",
                    "okta-flows\", version = \"0.2.0\""
                )
        );
        assert!(bumped.contains("other = { version = \"0.1.0\" }"));
        assert!(bump_manifest(MANIFEST, Version(9, 9, 9), Version(10, 0, 0)).is_err());
    }

    #[test]
    fn the_unreleased_section_becomes_the_release() {
        let log = "# Changelog\n\n## [Unreleased]\n\n### Added\n- a thing\n\n## [0.1.0] - 2026-01-02\n- first\n";
        let moved = move_unreleased(log, Version(0, 2, 0), "2026-11-23").unwrap();
        assert_eq!(
            moved,
            "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-11-23\n\n### Added\n- a thing\n\n## [0.1.0] - 2026-01-02\n- first\n"
        );
        let empty = "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-01-02\n- first\n";
        assert!(move_unreleased(empty, Version(0, 2, 0), "2026-11-23").is_err());
        assert!(move_unreleased(log, Version(0, 1, 0), "2026-11-23").is_err());
        assert!(move_unreleased("# Changelog\n", Version(0, 2, 0), "x").is_err());
    }
}
