//! Reading keys and secrets from files, and writing private files safely.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use okta_jwk::{AnyKey, KeyPair};

/// Reads a private key (PEM or JWK), with a clear message naming the file.
pub(crate) fn private_key(path: &Path) -> Result<KeyPair> {
    parse_private_key(&read(path)?, path)
}

/// Parses a private key (PEM or JWK) read from `path`; an encrypted PEM with its passphrase.
pub(crate) fn parse_private_key(text: &str, path: &Path) -> Result<KeyPair> {
    let context = || format!("reading the private key in {}", shown(path));
    match KeyPair::from_pem(text) {
        Err(okta_jwk::Error::Encrypted) => {
            let passphrase = passphrase(path)?;
            KeyPair::from_encrypted_pem(text, &passphrase).with_context(context)
        }
        Err(_) if is_jwks(text) => bail!(
            "{} is a JWKS (a set of public keys, what the app registers), not a private key: sign with the private key it was made from (keygen's --out file)",
            shown(path)
        ),
        Err(_) if text.trim_start().starts_with('{') => {
            KeyPair::from_jwk(text).with_context(context)
        }
        other => other.with_context(context),
    }
}

/// Whether `text` is a JWKS (`{"keys": […]}`).
fn is_jwks(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && serde_json::from_str::<serde_json::Value>(text)
            .is_ok_and(|v| v.get("keys").is_some_and(serde_json::Value::is_array))
}

/// The thorough check of a private key entering the system (`jwks`, `convert`, registering a
/// key): an RSA key's primes are proven, which reading it on every run does not do.
pub(crate) fn entering(key: &AnyKey, path: &Path) -> Result<()> {
    match key {
        AnyKey::Private(pair) => entering_pair(pair, path),
        _ => Ok(()),
    }
}

/// [`entering`] for a key known to be private.
pub(crate) fn entering_pair(pair: &KeyPair, path: &Path) -> Result<()> {
    pair.check_thoroughly()
        .with_context(|| format!("checking the private key in {}", shown(path)))
}

static PASSPHRASE_FILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// `--passphrase-file`, for every key this run reads.
pub(crate) fn set_passphrase_file(path: PathBuf) {
    let _ = PASSPHRASE_FILE.set(path);
}

/// The passphrase of the encrypted key in `path`: from `--passphrase-file`, else
/// `OKTA_OAUTH_KEY_PASSPHRASE`, else asked for on the terminal (without echo). Never from argv.
fn passphrase(path: &Path) -> Result<okta_jwk::Passphrase> {
    if let Some(file) = PASSPHRASE_FILE.get() {
        let text = read(file).context("reading the --passphrase-file")?;
        return Ok(okta_jwk::Passphrase::new(
            text.trim_end_matches(['\r', '\n']),
        ));
    }
    if let Some(text) = crate::env::text("OKTA_OAUTH_KEY_PASSPHRASE")? {
        return Ok(okta_jwk::Passphrase::new(text));
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let text = rpassword::prompt_password(format!("Passphrase for {}: ", shown(path)))
            .context("reading the passphrase from the terminal")?;
        return Ok(okta_jwk::Passphrase::new(text));
    }
    bail!(
        "the private key in {} is encrypted: give its passphrase with --passphrase-file FILE or OKTA_OAUTH_KEY_PASSPHRASE, or run on a terminal to be asked",
        shown(path)
    )
}

/// Reads any key (private or public, PEM or JWK). A JWKS is read too: its one key, or the one
/// `kid` names.
pub(crate) fn any_key(path: &Path, kid: Option<&str>) -> Result<AnyKey> {
    let mut keys = keys(path)?;
    let names = |keys: &[AnyKey]| {
        keys.iter()
            .map(|k| {
                k.public_jwk()
                    .kid()
                    .map_or("(no kid)", |k| k.as_str())
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match kid {
        Some(kid) => {
            let at = keys
                .iter()
                .position(|k| k.public_jwk().kid().is_some_and(|k| k.as_str() == kid))
                .with_context(|| {
                    format!(
                        "{} has no key with kid {kid:?} (it has: {})",
                        shown(path),
                        names(&keys)
                    )
                })?;
            Ok(keys.swap_remove(at))
        }
        None if keys.len() == 1 => Ok(keys.remove(0)),
        None => bail!(
            "{} is a JWKS of {} keys; choose one with --kid ({})",
            shown(path),
            keys.len(),
            names(&keys)
        ),
    }
}

/// Every key of a key file: one, or each usable key of a JWKS (`{"keys": […]}`).
pub(crate) fn keys(path: &Path) -> Result<Vec<AnyKey>> {
    let text = read(path)?;
    let context = || format!("reading the key in {}", shown(path));
    if !is_jwks(&text) {
        return Ok(vec![match AnyKey::read(&text) {
            Err(okta_jwk::Error::Encrypted) => AnyKey::Private(parse_private_key(&text, path)?),
            other => other.with_context(context)?,
        }]);
    }
    let jwks = okta_jwk::Jwks::from_json(&text).with_context(context)?;
    if jwks.keys().is_empty() {
        bail!("{} is a JWKS with no usable key", shown(path));
    }
    Ok(jwks.keys().iter().cloned().map(AnyKey::Public).collect())
}

/// The most read from a key, JWKS, JWT or token file: far more than any of them needs.
pub(crate) const MAX_SMALL_FILE: u64 = 1024 * 1024;
/// The most read from an `api --data` body.
pub(crate) const MAX_DATA_FILE: u64 = 16 * 1024 * 1024;

/// Reads a key, JWKS, JWT or token file (or standard input for `-`), at most 1 MiB.
pub(crate) fn read(path: &Path) -> Result<String> {
    read_at_most(path, MAX_SMALL_FILE)
}

/// Reads a text file (or standard input for `-`) of at most `max` bytes. A device or folder is
/// refused before anything is read (`/dev/zero` would never end); a pipe (`<(vault read …)`)
/// is read up to the cap.
pub(crate) fn read_at_most(path: &Path, max: u64) -> Result<String> {
    use std::io::Read as _;
    let shown = shown(path);
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .take(max + 1)
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        let meta = std::fs::metadata(path).with_context(|| format!("reading {shown}"))?;
        let kind = meta.file_type();
        #[cfg(unix)]
        let special = {
            use std::os::unix::fs::FileTypeExt as _;
            kind.is_block_device() || kind.is_char_device() || kind.is_socket()
        };
        #[cfg(not(unix))]
        let special = false;
        if kind.is_dir() || special {
            bail!("{shown} is not a regular file (a folder, device or socket); give a file");
        }
        std::fs::File::open(path)
            .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
            .with_context(|| format!("reading {shown}"))?;
    }
    if bytes.len() as u64 > max {
        bail!(
            "{} holds more than {} KiB; no key, JWKS, token or body this reads is that large",
            if path == Path::new("-") {
                "standard input"
            } else {
                shown.as_str()
            },
            max / 1024
        );
    }
    String::from_utf8(bytes).with_context(|| format!("{shown} is not UTF-8 text"))
}

/// A path for a message, unless it looks like a secret pasted where a path belongs.
pub(crate) fn shown(path: &Path) -> String {
    let text = path.to_string_lossy();
    match crate::guard::secret_like_path(&text) {
        Some(what) => format!("<{what}, given where a file path belongs; not shown>"),
        None => path.display().to_string(),
    }
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
    let base = crate::env::path("XDG_STATE_HOME")
        .or_else(|| crate::env::path("HOME").map(|h| h.join(".local/state")));
    base.map_or_else(|| PathBuf::from(".okta-oauth"), |b| b.join("okta-oauth"))
}

/// The mode of a file that others than its owner may read or write, if `path` is one.
pub(crate) fn exposed_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Checks, before anything is made, that a secret shown once can be written to `path`: it must
/// not exist (a secret is never overwritten) and its folder must.
pub(crate) fn check_new_file(path: &Path, what: &str) -> Result<()> {
    if path.exists() {
        bail!(
            "{} exists, and {what} is never written over another file: give a new path, or remove it first. Nothing was created",
            shown(path)
        );
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent
        && !dir.is_dir()
    {
        bail!(
            "{} is not a folder, so {what} could not be written to {}. Nothing was created",
            dir.display(),
            shown(path)
        );
    }
    Ok(())
}

/// `path` made absolute against the current folder (a profile outlives the folder it was
/// made in); as it is when the current folder cannot be read.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
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
