//! Keeping each lock's quick-access file current: after a command, after
//! credentials change, after a sync, and when the client is built. Always
//! under the lock's guard and after ingesting what quick processes
//! recorded about it, so the file starts from everything both sides know.

use super::access::QuickAccess;
use super::credentials::{self, QuickCredentials};
use super::error::QuickError;
use super::guard::LockGuard;
use super::layout::QuickDir;
use crate::command::LockSnapshot;
use crate::outbox::Outbox;
use crate::store::{FastKeyEntry, Store, StoredKey};
use latchkey_protocol::LockId;
use std::collections::HashSet;

impl QuickAccess {
    /// Rewrites `guard`'s lock file from the store (the caller ingested
    /// first). FAST state: the store says which fast keys exist, the file
    /// can only raise a key's counter or carry a newer key for it (what a
    /// quick process used or learned); both end up equal. A file that
    /// can't be read has unknown counters: both sides forget the lock's
    /// fast keys, and the next command on it runs AUTH. A lock with no key
    /// for this phone loses its file.
    pub(crate) fn publish(&self, store: &Store, guard: &LockGuard) -> Result<(), QuickError> {
        let keys = store.keys().list()?;
        self.publish_with(store, guard, &keys)
    }

    fn publish_with(&self, store: &Store, guard: &LockGuard, all_keys: &[StoredKey]) -> Result<(), QuickError> {
        let lock_id = guard.lock_id();
        let existing = match credentials::read(&self.dir, &self.sealer, &lock_id) {
            Ok(existing) => Ok(existing),
            Err(QuickError::Unreadable { path, reason }) => {
                log::warn!(target: "latchkey::quick", "{} can't be read ({reason}): rewritten", path.display());
                Err(())
            }
            Err(e) => return Err(e),
        };
        let mut fast = Vec::new();
        for ours in store.fast_keys().for_lock(&lock_id)? {
            match &existing {
                Ok(existing) => {
                    let theirs = existing.as_ref().and_then(|c| c.fast_entry(&ours.key_id));
                    fast.push(store.fast_keys().adopt(ours.merged(theirs))?);
                }
                Err(()) => {
                    store.fast_keys().remove(&lock_id, &ours.key_id)?;
                }
            }
        }
        let snapshot = match LockSnapshot::read_with(store, lock_id, all_keys)? {
            Some(s) => s.for_holder(&self.holder),
            None => return self.withdraw(&lock_id),
        };
        if snapshot.keys.is_empty() {
            return self.withdraw(&lock_id);
        }
        fast.retain(|e: &FastKeyEntry| snapshot.keys.iter().any(|k| k.key.key_id() == e.key_id));
        let creds = QuickCredentials {
            snapshot,
            holder: self.holder,
            fast,
        };
        if existing.ok().flatten().as_ref() != Some(&creds) {
            credentials::write(&self.dir, &self.sealer, &creds)?;
        }
        Ok(())
    }

    /// Removes the lock's file: quick access can no longer open it.
    fn withdraw(&self, lock_id: &LockId) -> Result<(), QuickError> {
        let path = self.dir.credentials_file(&QuickDir::lock_name(&self.sealer, lock_id));
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(QuickError::io(&path, &e)),
            _ => Ok(()),
        }
    }

    /// Ingests and publishes every lock the store knows, and removes the
    /// files of locks it no longer knows. A lock a quick process is
    /// talking to right now is left for next time.
    pub(crate) fn refresh_all(&self, store: &Store, outbox: &Outbox) -> Result<(), QuickError> {
        let keys = store.keys().list()?;
        let mut known = HashSet::new();
        for meta in store.locks().list_meta()? {
            known.insert(format!("{}.cred", QuickDir::lock_name(&self.sealer, &meta.lock_id)));
            let Some(guard) = self.upkeep_guard(meta.lock_id)? else {
                continue;
            };
            self.ingest(store, outbox, &guard)?;
            self.publish_with(store, &guard, &keys)?;
        }
        let locks = self.dir.locks_dir();
        let entries = std::fs::read_dir(&locks).map_err(|e| QuickError::io(&locks, &e))?;
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".cred") && !known.contains(&name) {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(|e| QuickError::io(&path, &e))?;
            }
        }
        Ok(())
    }
}
