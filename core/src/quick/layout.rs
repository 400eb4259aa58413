//! The quick-access directory: where each file is, and how files are
//! replaced (written beside, flushed, renamed over, the directory
//! flushed), so a reader or a crash sees the old file or the new one,
//! never half of one.
//!
//! ```text
//! <dir>/quick-key              the quick key, wrapped by the platform key store
//! <dir>/holder                 the software holder key, sealed (only without a platform signer)
//! <dir>/locks/<name>.cred      one lock's credentials and FAST state, sealed
//! <dir>/locks/<name>.guard     empty; flock'd by whoever talks to that lock
//! <dir>/journal/<ms>-<r>.jnl   what one quick process produced, append-only, sealed
//! ```
//!
//! `<name>` is an HMAC of the lock id under the quick key: no lock id,
//! key id or certificate appears in any name or in any file's plain bytes.

use super::error::QuickError;
use crate::store::seal::Sealer;
use latchkey_protocol::LockId;
use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// The quick-access directory (shared by the app and its extensions).
#[derive(Debug, Clone)]
pub(crate) struct QuickDir {
    root: PathBuf,
}

impl QuickDir {
    pub(crate) fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn key_file(&self) -> PathBuf {
        self.root.join("quick-key")
    }

    pub(crate) fn holder_file(&self) -> PathBuf {
        self.root.join("holder")
    }

    pub(crate) fn locks_dir(&self) -> PathBuf {
        self.root.join("locks")
    }

    pub(crate) fn journal_dir(&self) -> PathBuf {
        self.root.join("journal")
    }

    /// The name a lock's files go by.
    pub(crate) fn lock_name(sealer: &Sealer, lock_id: &LockId) -> String {
        latchkey_protocol::hex::encode(&sealer.index("quick-lock", &[&lock_id.0]))
    }

    pub(crate) fn credentials_file(&self, name: &str) -> PathBuf {
        self.locks_dir().join(format!("{name}.cred"))
    }

    pub(crate) fn guard_file(&self, name: &str) -> PathBuf {
        self.locks_dir().join(format!("{name}.guard"))
    }

    /// Creates the directory and its subdirectories.
    pub(crate) fn create(&self) -> Result<(), QuickError> {
        for dir in [self.root.clone(), self.locks_dir(), self.journal_dir()] {
            fs::create_dir_all(&dir).map_err(|e| QuickError::io(&dir, &e))?;
        }
        Ok(())
    }
}

/// Replaces `path` with `bytes`: written to a temporary file beside it,
/// flushed, renamed over it, and the directory flushed.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), QuickError> {
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let write = || -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    };
    write().map_err(|e| QuickError::io(path, &e))?;
    sync_parent(path)
}

/// The file's bytes, or `None` when there is no such file.
pub(crate) fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, QuickError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(QuickError::io(path, &e)),
    }
}

/// Flushes the directory holding `path` (a rename or a new file in it
/// survives a power cut only then).
pub(crate) fn sync_parent(path: &Path) -> Result<(), QuickError> {
    match path.parent() {
        Some(dir) => sync_dir(dir),
        None => Ok(()),
    }
}

/// Flushes a directory's entries (renames, new and removed files).
pub(crate) fn sync_dir(dir: &Path) -> Result<(), QuickError> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| QuickError::io(dir, &e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
