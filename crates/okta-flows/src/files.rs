//! Files that hold secrets: written 0600 from their creation, through a temporary file in the
//! same folder and an atomic rename, so no reader ever sees one half-written or with wider
//! permissions.

use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `contents` to `path` as a private file: mode 0600 from its creation (on Unix), flushed
/// to disk, then renamed over `path` in one step. An existing file is replaced; on failure the
/// old file is left as it was and no temporary file remains.
///
/// This is how to save a private key (`std::fs::write` would make it 0644):
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use okta_flows::jwk::{Curve, KeyPair, KeySpec};
///
/// let key = KeyPair::generate(KeySpec::Ec(Curve::P256))?;
/// let dir = std::env::temp_dir().join(format!("okta-flows-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("service-key.pem");
/// okta_flows::write_private_file(&path, key.to_pkcs8_pem()?.expose_secret().as_bytes())?;
/// # #[cfg(unix)]
/// # {
/// use std::os::unix::fs::PermissionsExt;
/// assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
/// # }
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
pub fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("private");
    remove_stale_temporaries(dir, name);
    let unique = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{unique}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut file| {
        file.write_all(contents)?;
        file.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Removes the temporary files (`.NAME.PID….tmp`) that a writer killed between creating and
/// renaming one left behind: they hold a whole secret file. A file is stale when its process is
/// gone (seen in `/proc`), or, where there is no `/proc`, when it is an hour old.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    let proc = Path::new("/proc/self").exists();
    for entry in entries.flatten().take(10_000) {
        let file = entry.file_name();
        let Some(rest) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|f| f.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let stale = if pid == std::process::id() {
            false
        } else if proc {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600)
        };
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// What reading a private file found.
pub(crate) enum PrivateRead {
    /// There is no such file (or it cannot be read).
    Missing,
    /// Others than its owner may read or write it: its contents are not to be trusted or used.
    Exposed,
    /// Larger than any file this crate writes.
    TooLarge,
    /// Its contents.
    Bytes(Vec<u8>),
}

/// Reads a secret file this crate wrote, at most `max` bytes, and only when no one but its
/// owner may read or write it (as ssh treats its keys).
pub(crate) fn read_private_file(path: &Path, max: u64) -> PrivateRead {
    use std::io::Read as _;
    let Ok(file) = std::fs::File::open(path) else {
        return PrivateRead::Missing;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        match file.metadata() {
            Ok(m) if m.permissions().mode() & 0o077 != 0 => return PrivateRead::Exposed,
            Ok(m) if !m.is_file() => return PrivateRead::Missing,
            Ok(_) => {}
            Err(_) => return PrivateRead::Missing,
        }
    }
    let mut bytes = Vec::new();
    if file.take(max + 1).read_to_end(&mut bytes).is_err() {
        return PrivateRead::Missing;
    }
    if bytes.len() as u64 > max {
        return PrivateRead::TooLarge;
    }
    PrivateRead::Bytes(bytes)
}

/// An exclusive lock on `<file>.lock`, released when dropped; `None` when the lock file cannot
/// be made or locked.
pub(crate) fn lock_file(path: &Path) -> Option<std::fs::File> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(std::path::PathBuf::from(name)).ok()?;
    file.lock().ok()?;
    Some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_atomically_and_keeps_the_mode() -> std::io::Result<()> {
        let dir = std::env::temp_dir().join(format!("okta-flows-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("secret");
        std::fs::write(&path, b"old")?;
        write_private_file(&path, b"new")?;
        assert_eq!(std::fs::read(&path)?, b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path)?.permissions().mode() & 0o777,
                0o600
            );
        }
        // Many writers at once: each write is whole, and no temporary file is left.
        std::thread::scope(|s| {
            for i in 0..8u8 {
                let path = &path;
                s.spawn(move || write_private_file(path, &[i; 4096]));
            }
        });
        let last = std::fs::read(&path)?;
        assert!(last.len() == 4096 && last.iter().all(|b| *b == last[0]));
        assert_eq!(std::fs::read_dir(&dir)?.count(), 1);
        // What a writer killed before its rename left: removed once its process is gone.
        let dead = dir.join(".secret.4194303.0.tmp");
        let older = dir.join(".secret.4194303.tmp");
        let ours = dir.join(format!(".secret.{}.999999.tmp", std::process::id()));
        for f in [&dead, &older, &ours] {
            std::fs::write(f, b"token")?;
        }
        write_private_file(&path, b"again")?;
        if Path::new("/proc/self").exists() {
            assert!(
                !dead.exists() && !older.exists(),
                "stale temporaries are removed"
            );
        }
        assert!(ours.exists(), "a temporary of a live process is kept");
        std::fs::remove_file(&ours)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
            assert!(matches!(
                read_private_file(&path, 1024),
                PrivateRead::Exposed
            ));
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            assert!(
                matches!(read_private_file(&path, 1024), PrivateRead::Bytes(b) if b == b"again")
            );
            assert!(matches!(read_private_file(&path, 2), PrivateRead::TooLarge));
        }
        // A folder that does not exist: an error, and nothing written.
        assert!(write_private_file(&dir.join("missing/secret"), b"x").is_err());
        std::fs::remove_dir_all(&dir)
    }
}
