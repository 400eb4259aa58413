//! The [`Store`] handle: the open database, its sealer and its sealed
//! trees, shared by every clone, and the few operations on the whole
//! database (its directory, size, flushing, the update lock, secrets).

use super::error::StoreError;
use super::records::SealedTree;
use super::seal::Sealer;
use super::spool::SpoolMemory;
use crate::changes::Changes;
use crate::file_lock::FileLock;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The credential store. Cheap to clone (all clones share one database);
/// `Send + Sync`. The database closes when the last clone is dropped.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Arc<StoreInner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

pub(crate) struct StoreInner {
    pub(crate) dir: PathBuf,
    pub(crate) db: sled::Db,
    pub(crate) sealer: Sealer,
    pub(crate) keys: SealedTree,
    pub(crate) revocations: SealedTree,
    pub(crate) time_tokens: SealedTree,
    pub(crate) lock_meta: SealedTree,
    pub(crate) lock_state: SealedTree,
    pub(crate) fast_keys: SealedTree,
    pub(crate) secrets: SealedTree,
    pub(crate) pin_lists: SealedTree,
    pub(crate) pin_lists_acked: SealedTree,
    pub(crate) pin_secrets: SealedTree,
    pub(crate) firmware: SealedTree,
    /// What changed, for the subscriptions (`crate::changes`).
    pub(crate) changes: Arc<Changes>,
    /// Serializes read-modify-write updates (lock state, counters, "keep
    /// the newest" records) so concurrent callers can't lose an update.
    update_lock: Mutex<()>,
    /// Serializes outbox reads and writes (see [`crate::outbox`]) and
    /// holds what the outbox remembers of its spool.
    pub(crate) outbox_lock: Mutex<SpoolMemory>,
    /// The store's own lock file (`<dir>.lock`), held while it is open so
    /// no other process or handle opens it. Last, so it is released only
    /// after the database above has closed.
    _lock: FileLock,
}

impl Store {
    pub(super) fn from_parts(dir: &Path, db: sled::Db, sealer: Sealer, lock: FileLock) -> Result<Self, StoreError> {
        let changes = Arc::new(Changes::new());
        let tree = |name| SealedTree::open(&db, name, &changes);
        let inner = StoreInner {
            keys: tree("keys")?,
            revocations: tree("revocations")?,
            time_tokens: tree("time_tokens")?,
            lock_meta: tree("lock_meta")?,
            lock_state: tree("lock_state")?,
            fast_keys: tree("fast_keys")?,
            secrets: tree("secrets")?,
            pin_lists: tree("pin_lists")?,
            pin_lists_acked: tree("pin_lists_acked")?,
            pin_secrets: tree("pin_secrets")?,
            firmware: tree("firmware_images")?,
            changes: changes.clone(),
            dir: dir.to_path_buf(),
            db,
            sealer,
            update_lock: Mutex::new(()),
            outbox_lock: Mutex::new(SpoolMemory::default()),
            _lock: lock,
        };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Bytes the database and the outbox's spool occupy on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.inner.db.size_on_disk()? + super::spool::Spool::new(&self.inner.dir).size()?)
    }

    /// Flushes everything written so far to disk.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.inner.db.flush()?;
        Ok(())
    }

    /// The change feed the subscriptions watch.
    pub(crate) fn changes(&self) -> &Changes {
        &self.inner.changes
    }

    pub(crate) fn update_guard(&self) -> MutexGuard<'_, ()> {
        // A panic while holding the lock can't leave the database half-
        // written (each update is one insert), so a poisoned lock is usable.
        self.inner.update_lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A sealed secret by name (the software signer's PKCS#8).
    pub(crate) fn secret(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let hex: Option<String> = self.inner.secrets.get(&self.inner.sealer, &[name.as_bytes()])?;
        hex.map(|h| latchkey_protocol::hex::decode(&h).ok_or_else(|| StoreError::corrupt("secrets", "not hex")))
            .transpose()
    }

    /// Stores a secret unless one exists under `name`; returns the one kept.
    pub(crate) fn secret_or_insert(&self, name: &str, value: &[u8]) -> Result<Vec<u8>, StoreError> {
        let _guard = self.update_guard();
        if let Some(existing) = self.secret(name)? {
            return Ok(existing);
        }
        let i = &self.inner;
        i.secrets.put(
            &i.db,
            &i.sealer,
            &[name.as_bytes()],
            &latchkey_protocol::hex::encode(value),
        )?;
        Ok(value.to_vec())
    }
}
