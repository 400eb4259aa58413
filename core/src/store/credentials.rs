//! Credentials: digital keys, revocation lists, trusted-time tokens.
//!
//! The store does not verify signatures: callers verify a certificate,
//! list or token against the issuer key (from [`super::LockMeta`]) before
//! storing it, and the lock verifies again.

use super::codec::hex;
use super::{Store, StoreError};
use latchkey_protocol::{DigitalKey, KeyId, LockId, RevocationList, TimeToken};
use serde::{Deserialize, Serialize};

/// A digital key held by this phone, with what the app shows about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredKey {
    /// The issuer-signed certificate.
    #[serde(with = "hex")]
    pub key: DigitalKey,
    /// The name the user or host gave it ("Front door, guest").
    pub label: String,
    /// When the phone received it (unix seconds).
    pub received_at: u32,
    /// The lock's display name, when known.
    pub lock_name: Option<String>,
}

/// Digital keys: `store.keys()`.
#[derive(Debug, Clone, Copy)]
pub struct KeyCache<'a> {
    pub(super) store: &'a Store,
}

impl KeyCache<'_> {
    /// Stores (or replaces, e.g. after renewal) the key with this key id.
    pub fn put(&self, key: &StoredKey) -> Result<(), StoreError> {
        let i = &self.store.inner;
        i.keys.put(&i.db, &i.sealer, &[&key.key.key_id().0], key)
    }

    /// The key with this id.
    pub fn get(&self, key_id: &KeyId) -> Result<Option<StoredKey>, StoreError> {
        let i = &self.store.inner;
        i.keys.get(&i.sealer, &[&key_id.0])
    }

    /// Every readable key (see [`Store::unreadable_records`]).
    pub fn list(&self) -> Result<Vec<StoredKey>, StoreError> {
        let i = &self.store.inner;
        i.keys.list(&i.sealer)
    }

    /// The keys that apply to a lock with this id and these groups.
    pub fn for_lock(&self, lock_id: &LockId, groups: &[LockId]) -> Result<Vec<StoredKey>, StoreError> {
        Ok(self
            .list()?
            .into_iter()
            .filter(|k| k.key.applies_to(lock_id, groups))
            .collect())
    }

    /// Removes a key; whether it was there.
    pub fn remove(&self, key_id: &KeyId) -> Result<bool, StoreError> {
        let i = &self.store.inner;
        i.keys.remove(&i.db, &i.sealer, &[&key_id.0])
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct RevocationRecord(#[serde(with = "hex")] pub(super) RevocationList);

/// Revocation lists, the newest per lock or lock group: `store.revocations()`.
#[derive(Debug, Clone, Copy)]
pub struct RevocationCache<'a> {
    pub(super) store: &'a Store,
}

impl RevocationCache<'_> {
    /// Keeps `list` if it is newer (higher seq) than the cached list for its
    /// target; returns whether it was kept.
    pub fn put(&self, list: &RevocationList) -> Result<bool, StoreError> {
        let _guard = self.store.update_guard();
        if matches!(self.get(&list.lock_id)?, Some(old) if old.seq >= list.seq) {
            return Ok(false);
        }
        let i = &self.store.inner;
        i.revocations
            .put(&i.db, &i.sealer, &[&list.lock_id.0], &RevocationRecord(list.clone()))?;
        Ok(true)
    }

    /// The newest list for this lock or group id.
    pub fn get(&self, target: &LockId) -> Result<Option<RevocationList>, StoreError> {
        let i = &self.store.inner;
        Ok(i.revocations
            .get::<RevocationRecord>(&i.sealer, &[&target.0])?
            .map(|r| r.0))
    }

    /// The lists that apply to a lock with this id and these groups.
    pub fn for_lock(&self, lock_id: &LockId, groups: &[LockId]) -> Result<Vec<RevocationList>, StoreError> {
        let mut out = Vec::new();
        for target in std::iter::once(lock_id).chain(groups) {
            out.extend(self.get(target)?);
        }
        Ok(out)
    }

    /// Every readable list.
    pub fn list(&self) -> Result<Vec<RevocationList>, StoreError> {
        let i = &self.store.inner;
        Ok(i.revocations
            .list::<RevocationRecord>(&i.sealer)?
            .into_iter()
            .map(|r| r.0)
            .collect())
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct TimeTokenRecord(#[serde(with = "hex")] pub(super) TimeToken);

/// Trusted-time tokens, the newest per lock: `store.time_tokens()`.
#[derive(Debug, Clone, Copy)]
pub struct TimeTokenCache<'a> {
    pub(super) store: &'a Store,
}

impl TimeTokenCache<'_> {
    /// Keeps `token` if it is newer (later `unix_time`) than the cached
    /// token for its lock; returns whether it was kept.
    pub fn put(&self, token: &TimeToken) -> Result<bool, StoreError> {
        let _guard = self.store.update_guard();
        if matches!(self.get(&token.lock_id)?, Some(old) if old.unix_time >= token.unix_time) {
            return Ok(false);
        }
        let i = &self.store.inner;
        i.time_tokens
            .put(&i.db, &i.sealer, &[&token.lock_id.0], &TimeTokenRecord(token.clone()))?;
        Ok(true)
    }

    /// The newest token for this lock.
    pub fn get(&self, lock_id: &LockId) -> Result<Option<TimeToken>, StoreError> {
        let i = &self.store.inner;
        Ok(i.time_tokens
            .get::<TimeTokenRecord>(&i.sealer, &[&lock_id.0])?
            .map(|r| r.0))
    }

    /// Removes the token for this lock (e.g. once delivered); whether it was there.
    pub fn remove(&self, lock_id: &LockId) -> Result<bool, StoreError> {
        let i = &self.store.inner;
        i.time_tokens.remove(&i.db, &i.sealer, &[&lock_id.0])
    }
}
