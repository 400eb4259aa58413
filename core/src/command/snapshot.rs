//! What a command needs to know about one lock before the radio, as one
//! value: read from the client's store ([`LockSnapshot::read`]), or from
//! the lock's quick-access file, the copy the app keeps for a widget's or
//! a watch's process ([`crate::quick`]). Both then run the same plan.

use crate::store::{hex_opt, hex_vec, LockMeta, LockState, Store, StoreError, StoredKey};
use latchkey_protocol::{LockId, PinList, PublicKey, RevocationList, TimeToken};
use serde::{Deserialize, Serialize};

/// One lock as the phone knows it: metadata, keys, what it learned from
/// the lock, and what to carry to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LockSnapshot {
    /// The lock's commissioning data.
    pub(crate) meta: LockMeta,
    /// The keys held for the lock or one of its groups.
    pub(crate) keys: Vec<StoredKey>,
    /// What the phone learned about the lock (epoch, event cursor,
    /// acknowledgements, last contact).
    pub(crate) state: LockState,
    /// The newest revocation list of the lock and of each of its groups.
    #[serde(with = "hex_vec")]
    pub(crate) revocations: Vec<RevocationList>,
    /// The newest keypad PIN list held for the lock.
    #[serde(with = "hex_opt")]
    pub(crate) pin_list: Option<PinList>,
    /// The newest trusted-time token for the lock.
    #[serde(with = "hex_opt")]
    pub(crate) time_token: Option<TimeToken>,
}

impl LockSnapshot {
    /// The lock as the store knows it; `None` when the store has no
    /// metadata for it.
    pub(crate) fn read(store: &Store, lock_id: LockId) -> Result<Option<Self>, StoreError> {
        Self::read_with(store, lock_id, &store.keys().list()?)
    }

    /// [`LockSnapshot::read`] with every key the store holds already read
    /// (reading many locks, the keys are read once).
    pub(crate) fn read_with(
        store: &Store,
        lock_id: LockId,
        all_keys: &[StoredKey],
    ) -> Result<Option<Self>, StoreError> {
        let Some(meta) = store.locks().get_meta(&lock_id)? else {
            return Ok(None);
        };
        let keys = all_keys
            .iter()
            .filter(|k| k.key.applies_to(&lock_id, &meta.groups))
            .cloned()
            .collect();
        Ok(Some(Self {
            keys,
            state: store.locks().state(&lock_id)?,
            revocations: store.revocations().for_lock(&lock_id, &meta.groups)?,
            pin_list: store.pins().newest(&lock_id)?.map(|s| s.list),
            time_token: store.time_tokens().get(&lock_id)?,
            meta,
        }))
    }

    /// Keeps only the keys issued to `holder` (a quick-access file carries
    /// nothing the phone can't use).
    pub(crate) fn for_holder(mut self, holder: &PublicKey) -> Self {
        self.keys.retain(|k| k.key.grant.holder == *holder);
        self
    }
}
