//! Reading keys and secrets from files, and writing private files safely.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use okta_jwk::{AnyKey, KeyPair};

/// Reads a private key (PEM or JWK), with a clear message naming the file.
pub(crate) fn private_key(path: &Path) -> Result<KeyPair> {
    parse_private_key(&read(path)?, path)
}

/// Parses a private key (PEM or JWK) read from `path`.
pub(crate) fn parse_private_key(text: &str, path: &Path) -> Result<KeyPair> {
    KeyPair::from_pem(text)
        .or_else(|pem_err| {
            if text.trim_start().starts_with('{') {
                KeyPair::from_jwk(text)
            } else {
                Err(pem_err)
            }
        })
        .with_context(|| format!("reading the private key in {}", path.display()))
}

/// Reads any key (private or public, PEM or JWK).
pub(crate) fn any_key(path: &Path) -> Result<AnyKey> {
    AnyKey::read(&read(path)?).with_context(|| format!("reading the key in {}", path.display()))
}

/// Reads a text file, or standard input for `-`.
pub(crate) fn read(path: &Path) -> Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("reading standard input")?;
        return Ok(text);
    }
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Writes a secret: mode 0600 from creation, through a temporary file and an atomic rename.
/// Refuses to replace an existing file unless `force`.
pub(crate) fn write_private(path: &Path, text: &str, force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!(
            "{} exists; refusing to overwrite a key (use --force)",
            path.display()
        );
    }
    okta_flows::write_private_file(path, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

/// The folder for okta-oauth's own files: `$XDG_STATE_HOME/okta-oauth`, else
/// `~/.local/state/okta-oauth`, else `./.okta-oauth`.
pub(crate) fn state_dir() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")));
    base.map_or_else(|| PathBuf::from(".okta-oauth"), |b| b.join("okta-oauth"))
}

/// Creates a private folder (0700) if it does not exist.
pub(crate) fn private_dir(path: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(path)
        .with_context(|| format!("creating {}", path.display()))
}
