//! Fast-unlock keys (derived at AUTH) and their request counters.
//!
//! A lock refuses a FAST request whose counter is not above the last one it
//! saw, so the phone must never reuse a counter, even across a crash:
//! [`FastKeys::next_counter`] writes the bumped counter to disk before it
//! hands the value out. Counters only move forward, also when a new fast
//! key replaces the old one (a lock resets its own counter after AUTH, so a
//! higher value is always accepted).

use super::codec::hex;
use super::{Store, StoreError};
use latchkey_protocol::{FastKey, KeyId, LockId};
use serde::{Deserialize, Serialize};

/// A fast key and the counter its next request will use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FastKeyEntry {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// The digital key it was derived for.
    #[serde(with = "hex")]
    pub key_id: KeyId,
    /// The key material (secret).
    #[serde(with = "hex")]
    pub key: FastKey,
    /// The counter the next request will use (starts at 1).
    pub next_counter: u32,
    /// How many fast keys came before this one for (lock, key): a newer
    /// key has a higher generation. Two copies of the entry (the store's,
    /// and quick access's file for another process) are merged by it:
    /// the newer key wins, the counter is the higher of the two.
    #[serde(default)]
    pub generation: u32,
}

impl FastKeyEntry {
    /// The newer of two copies of one (lock, key)'s entry: the key of the
    /// higher generation (`self` on a tie), the higher counter of the two
    /// (a counter only moves forward, whichever key it is for).
    pub fn merged(self, other: Option<&FastKeyEntry>) -> FastKeyEntry {
        let Some(other) = other else { return self };
        let next_counter = self.next_counter.max(other.next_counter);
        let mut newer = if other.generation > self.generation {
            other.clone()
        } else {
            self
        };
        newer.next_counter = next_counter;
        newer
    }
}

/// Fast keys: `store.fast_keys()`.
#[derive(Debug, Clone, Copy)]
pub struct FastKeys<'a> {
    pub(super) store: &'a Store,
}

impl FastKeys<'_> {
    /// Stores the fast key for (`lock_id`, `key_id`), keeping the counter
    /// where it was (or 1 for a first key), one generation after the old.
    pub fn put(&self, lock_id: &LockId, key_id: &KeyId, key: FastKey) -> Result<(), StoreError> {
        let _guard = self.store.update_guard();
        let old = self.get(lock_id, key_id)?;
        let entry = FastKeyEntry {
            lock_id: *lock_id,
            key_id: *key_id,
            key,
            next_counter: old.as_ref().map_or(1, |old| old.next_counter.max(1)),
            generation: old.map_or(0, |old| old.generation.saturating_add(1)),
        };
        self.write(&entry)
    }

    /// Keeps `entry` merged with the stored one ([`FastKeyEntry::merged`]):
    /// how an entry learned elsewhere (another process, through quick
    /// access) joins the store. Returns the entry now stored.
    pub fn adopt(&self, entry: FastKeyEntry) -> Result<FastKeyEntry, StoreError> {
        let _guard = self.store.update_guard();
        let stored = self.get(&entry.lock_id, &entry.key_id)?;
        let merged = entry.merged(stored.as_ref());
        if stored.as_ref() != Some(&merged) {
            self.write(&merged)?;
        }
        Ok(merged)
    }

    /// The fast key for (`lock_id`, `key_id`), if the phone has one.
    pub fn get(&self, lock_id: &LockId, key_id: &KeyId) -> Result<Option<FastKeyEntry>, StoreError> {
        let i = &self.store.inner;
        i.fast_keys.get(&i.sealer, &[&lock_id.0, &key_id.0])
    }

    /// Reserves the counter for the next FAST request: returns it after the
    /// bumped value is on disk, so a crash can never make the phone send it
    /// twice. `None` when there is no fast key (use AUTH).
    pub fn next_counter(&self, lock_id: &LockId, key_id: &KeyId) -> Result<Option<u32>, StoreError> {
        let _guard = self.store.update_guard();
        let Some(mut entry) = self.get(lock_id, key_id)? else {
            return Ok(None);
        };
        let counter = entry.next_counter;
        entry.next_counter = counter.checked_add(1).ok_or_else(|| StoreError::InvalidValue {
            reason: "the fast-unlock counter is exhausted: forget the fast key and use AUTH".into(),
        })?;
        self.write(&entry)?;
        Ok(Some(counter))
    }

    /// Forgets the fast key (e.g. the lock lost it in a reset); whether it
    /// was there. The next fast key for the pair starts again at 1, which
    /// the lock accepts because it resets its counter at AUTH.
    pub fn remove(&self, lock_id: &LockId, key_id: &KeyId) -> Result<bool, StoreError> {
        let i = &self.store.inner;
        i.fast_keys.remove(&i.db, &i.sealer, &[&lock_id.0, &key_id.0])
    }

    /// Every readable fast key for `lock_id`.
    pub fn for_lock(&self, lock_id: &LockId) -> Result<Vec<FastKeyEntry>, StoreError> {
        let i = &self.store.inner;
        Ok(i.fast_keys
            .list::<FastKeyEntry>(&i.sealer)?
            .into_iter()
            .filter(|e| e.lock_id == *lock_id)
            .collect())
    }

    fn write(&self, entry: &FastKeyEntry) -> Result<(), StoreError> {
        let i = &self.store.inner;
        i.fast_keys
            .put(&i.db, &i.sealer, &[&entry.lock_id.0, &entry.key_id.0], entry)
    }
}
