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
        // A folder that does not exist: an error, and nothing written.
        assert!(write_private_file(&dir.join("missing/secret"), b"x").is_err());
        std::fs::remove_dir_all(&dir)
    }
}
