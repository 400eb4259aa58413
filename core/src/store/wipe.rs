//! Removing what a store holds for good (a sign-out): first every record,
//! flushed, while the store is open; then its files and whatever was set
//! aside beside it (stores quarantined earlier, an unfinished open's
//! backup). The records go first so that a file that can't be removed
//! holds nothing but cleared trees.

use super::error::StoreError;
use super::handle::Store;
use super::quarantine;
use std::fs;
use std::io::ErrorKind;
use std::path::Path;

impl Store {
    /// Deletes every record of every tree (credentials, lock records, PIN
    /// secrets, secrets, the outbox, the wrapped data key) and flushes.
    /// The handle stays usable but holds nothing; it can never be opened
    /// again once its files are gone.
    pub fn clear_all(&self) -> Result<(), StoreError> {
        let db = &self.inner.db;
        for name in db.tree_names() {
            db.open_tree(&name)?.clear()?;
        }
        db.clear()?;
        db.flush()?;
        // The outbox's events, in files of their own (`spool.rs`).
        super::spool::Spool::new(self.dir()).remove_all()?;
        self.inner
            .outbox_lock
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .located
            .clear();
        Ok(())
    }

    /// Removes the store's directory and what was set aside beside it.
    /// Missing files are no error. Call [`Store::clear_all`] first: the
    /// open database keeps writing to files that no longer have a name.
    pub fn remove_files(&self) -> Result<(), StoreError> {
        let dir = self.dir();
        remove(dir)?;
        for aside in quarantine::set_aside(dir)? {
            remove(&aside)?;
        }
        Ok(())
    }
}

fn remove(path: &Path) -> Result<(), StoreError> {
    let removed = if path.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    match removed {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io(path, &e)),
    }
}
