//! Quick access from the app's side: [`QuickAccess`], which the client
//! holds when built with a quick-access directory
//! ([`crate::ClientBuilder::quick_access`]). It sets the directory up (the
//! quick key, the holder file), takes a lock's guard around each command,
//! reserves FAST counters from the copy both processes share, ingests
//! what quick processes recorded (`ingest.rs`) and keeps every lock's
//! file current (`publish.rs`).

use super::error::QuickError;
use super::guard::LockGuard;
use super::layout::QuickDir;
use super::{credentials, holder, key};
use crate::platform_keys::{KeyStore, PlatformKeyError};
use crate::store::seal::Sealer;
use crate::store::Store;
use latchkey_protocol::{FastKey, KeyId, PublicKey};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long the app waits for a quick process to finish with a lock.
const COMMAND_PATIENCE: Duration = Duration::from_secs(30);
/// How long background upkeep (ingest, publish) waits for a lock's guard
/// before leaving that lock for next time.
const UPKEEP_PATIENCE: Duration = Duration::from_millis(200);

/// The app's side of quick access.
pub(crate) struct QuickAccess {
    pub(super) dir: QuickDir,
    pub(super) sealer: Arc<Sealer>,
    pub(super) holder: PublicKey,
    /// One ingest or publish at a time in this process.
    upkeep: Mutex<()>,
}

impl std::fmt::Debug for QuickAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuickAccess")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl QuickAccess {
    /// Sets quick access up in `dir` (or opens it): the quick key, wrapped
    /// by `key_store`, and the software holder key when there is one
    /// (`software_pkcs8`). A quick key the key store can no longer unwrap
    /// (a reset platform key) sets the old directory aside, kept for
    /// support, and starts afresh.
    pub(crate) fn open(
        dir: &Path,
        key_store: &dyn KeyStore,
        holder: PublicKey,
        software_pkcs8: Option<&[u8]>,
    ) -> Result<Self, QuickError> {
        let dir = QuickDir::new(dir);
        dir.create()?;
        let sealer = match key::open(&dir, key_store) {
            Ok(Some(sealer)) => sealer,
            Ok(None) => key::create(&dir, key_store)?,
            Err(QuickError::KeyStore(PlatformKeyError::WrongKey) | QuickError::Unreadable { .. }) => {
                let aside = set_aside(&dir)?;
                log::warn!(
                    target: "latchkey::quick",
                    "the quick-access key can't be unwrapped any more: the old files are in {}",
                    aside.display()
                );
                key::create(&dir, key_store)?
            }
            Err(e) => return Err(e),
        };
        holder::publish(&dir, &sealer, software_pkcs8)?;
        Ok(Self {
            dir,
            sealer: Arc::new(sealer),
            holder,
            upkeep: Mutex::new(()),
        })
    }

    /// The quick-access directory.
    pub(crate) fn dir(&self) -> &Path {
        self.dir.root()
    }

    /// Removes what quick access keeps (sign-out): the quick key first (a
    /// file left behind after it can't be opened), then the holder file,
    /// every lock's file and the journals. A quick process started later
    /// finds nothing to open and says to open the app.
    pub(crate) fn remove_all(&self) -> Result<(), QuickError> {
        let _upkeep = self.upkeep();
        for file in [self.dir.key_file(), self.dir.holder_file()] {
            match std::fs::remove_file(&file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(QuickError::io(&file, &e)),
                _ => {}
            }
        }
        for dir in [self.dir.locks_dir(), self.dir.journal_dir()] {
            match std::fs::remove_dir_all(&dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(QuickError::io(&dir, &e)),
                _ => {}
            }
        }
        Ok(())
    }

    /// Takes `lock_id`'s guard for a command (waiting for a quick process
    /// that is talking to the lock).
    pub(crate) fn guard(&self, lock_id: latchkey_protocol::LockId) -> Result<LockGuard, QuickError> {
        LockGuard::acquire(&self.dir, &self.sealer, lock_id, COMMAND_PATIENCE)
    }

    /// Takes `lock_id`'s guard for upkeep: `None` when a quick process
    /// holds it (the lock is left for next time).
    pub(super) fn upkeep_guard(&self, lock_id: latchkey_protocol::LockId) -> Result<Option<LockGuard>, QuickError> {
        match LockGuard::acquire(&self.dir, &self.sealer, lock_id, UPKEEP_PATIENCE) {
            Ok(guard) => Ok(Some(guard)),
            Err(QuickError::Busy { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub(super) fn upkeep(&self) -> MutexGuard<'_, ()> {
        self.upkeep.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserves the FAST counter for (`guard`'s lock, `key_id`): the
    /// store's entry merged with the lock file's (a quick process may have
    /// used counters since), bumped, and written to both before it is
    /// returned. `None`: no fast key (AUTH), or a lock file that can't be
    /// read, whose counters are unknown (AUTH then starts a new key).
    pub(crate) fn reserve(
        &self,
        store: &Store,
        guard: &LockGuard,
        key_id: &KeyId,
    ) -> Result<Option<(FastKey, u32)>, QuickError> {
        let lock_id = guard.lock_id();
        let Some(ours) = store.fast_keys().get(&lock_id, key_id)? else {
            return Ok(None);
        };
        let mut creds = match credentials::read(&self.dir, &self.sealer, &lock_id) {
            Ok(creds) => creds,
            Err(QuickError::Unreadable { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut entry = ours.merged(creds.as_ref().and_then(|c| c.fast_entry(key_id)));
        let counter = entry.next_counter;
        entry.next_counter = counter
            .checked_add(1)
            .ok_or_else(|| crate::store::StoreError::InvalidValue {
                reason: "the fast-unlock counter is exhausted: forget the fast key and use AUTH".into(),
            })?;
        if let Some(creds) = creds.as_mut() {
            creds.set_fast_entry(entry.clone());
            credentials::write(&self.dir, &self.sealer, creds)?;
        }
        store.fast_keys().adopt(entry.clone())?;
        Ok(Some((entry.key, counter)))
    }
}

/// Renames the directory's files aside to `<dir>.stale-<unix seconds>`.
fn set_aside(dir: &QuickDir) -> Result<std::path::PathBuf, QuickError> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut name = dir.root().as_os_str().to_os_string();
    name.push(format!(".stale-{now}"));
    let aside = std::path::PathBuf::from(name);
    std::fs::rename(dir.root(), &aside).map_err(|e| QuickError::io(dir.root(), &e))?;
    dir.create()?;
    Ok(aside)
}
