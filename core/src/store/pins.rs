//! Keypad PINs on the phone: the newest signed PIN list per lock (carried
//! to the lock like a revocation list), the list the lock last confirmed
//! (so pending changes can be named slot by slot), and, on a host's phone
//! only, the lock's PIN secret (to make offline PINs).
//!
//! The store does not verify signatures: [`crate::Client::add_pin_list`]
//! checks a list against the lock's issuer before storing it, and the lock
//! verifies again.

use super::codec::{hex, HexBytes};
use super::{Store, StoreError};
use latchkey_protocol::{LockId, PinList, PinSecret};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

impl HexBytes for PinList {
    fn to_bytes(&self) -> Vec<u8> {
        self.encode()
    }
    fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        PinList::decode(bytes).map_err(|e| e.to_string())
    }
}

impl HexBytes for PinSecret {
    fn to_bytes(&self) -> Vec<u8> {
        self.0.to_vec()
    }
    fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        bytes
            .try_into()
            .map(PinSecret)
            .map_err(|_| format!("a PIN secret is 32 bytes, got {}", bytes.len()))
    }
}

/// A signed PIN list as the phone holds it, with the names the host gave
/// the slots (the list itself carries none) and, from the cloud, the
/// changes that led to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPinList {
    /// The issuer-signed list.
    #[serde(with = "hex")]
    pub list: PinList,
    /// Slot number → what the PIN is for ("Cleaner", "Guest: Smith").
    #[serde(default)]
    pub labels: BTreeMap<u8, String>,
    /// Slot number → who holds it, where the host said.
    #[serde(default)]
    pub holders: BTreeMap<u8, String>,
    /// The portal's changes up to this list (at least those after the
    /// list the lock had confirmed when the phone fetched it), oldest
    /// first: they say when each pending change was made.
    #[serde(default)]
    pub changes: Vec<PinChangeRecord>,
    /// When the phone received it (unix seconds).
    pub received_at: u32,
}

/// Names and history that come with a PIN list from the cloud.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PinListNotes {
    /// Slot number → what the PIN is for.
    pub labels: BTreeMap<u8, String>,
    /// Slot number → who holds it.
    pub holders: BTreeMap<u8, String>,
    /// The portal's changes, oldest first.
    pub changes: Vec<PinChangeRecord>,
}

/// What a change in the portal did to a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinChangeAction {
    /// A PIN in a slot that was empty.
    Created,
    /// The code, rule, label or holder of a PIN changed.
    Changed,
    /// The slot was emptied.
    Deleted,
}

impl PinChangeAction {
    /// `created`, `changed` or `deleted`, as the cloud names it.
    pub fn as_str(self) -> &'static str {
        match self {
            PinChangeAction::Created => "created",
            PinChangeAction::Changed => "changed",
            PinChangeAction::Deleted => "deleted",
        }
    }

    /// The action the cloud named, if known.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Created, Self::Changed, Self::Deleted]
            .into_iter()
            .find(|a| a.as_str() == name)
    }
}

/// One PIN change made in the portal, as the cloud logged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinChangeRecord {
    /// The PIN list seq that first carried it (one change per seq).
    pub seq: u32,
    /// When it was made (cloud clock, unix seconds).
    pub at: u32,
    /// What it did.
    pub action: PinChangeAction,
    /// The slot.
    pub slot: u8,
    /// What the PIN is for.
    pub label: String,
    /// Who holds it, if the host said.
    #[serde(default)]
    pub holder: Option<String>,
    /// For a change: which parts (`code`, `class`, `window`, `schedule`,
    /// `one_time`, `label`, `holder`).
    #[serde(default)]
    pub changed: Vec<String>,
}

/// A PIN list the lock confirmed holding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinAck {
    /// The seq the lock holds (it may be below the phone's if the lock
    /// refused the phone's list, or above it if another phone was first).
    pub seq: u32,
    /// When the phone learned it (phone clock, unix seconds).
    pub acknowledged_at: u32,
    /// The lock's epoch then: a factory reset wipes the lock's list, so an
    /// acknowledgement from an earlier epoch no longer counts.
    pub epoch: u32,
}

/// One keypad lockout the lock logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeypadLockoutSeen {
    /// When it started (lock clock, unix seconds).
    pub lock_time: u32,
    /// How long it lasts, in seconds.
    pub duration_s: u32,
}

/// What the phone knows about a lock's keypad.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeypadObservation {
    /// The keypad was locked out when the phone last talked to the lock.
    pub locked_out: bool,
    /// When that was (phone clock, unix seconds).
    pub observed_at: u32,
    /// The newest lockout collected from the lock's log.
    pub last_lockout: Option<KeypadLockoutSeen>,
    /// Lockouts collected so far.
    pub lockouts_seen: u32,
}

#[derive(Serialize, Deserialize)]
pub(super) struct PinSecretRecord(#[serde(with = "hex")] pub(super) PinSecret);

/// PIN lists and PIN secrets: `store.pins()`.
#[derive(Debug, Clone, Copy)]
pub struct PinCache<'a> {
    pub(super) store: &'a Store,
}

impl PinCache<'_> {
    /// Keeps `stored` if its list is newer (higher seq) than the one held
    /// for its lock; returns whether it was kept.
    pub fn put(&self, stored: &StoredPinList) -> Result<bool, StoreError> {
        let _guard = self.store.update_guard();
        let lock_id = stored.list.lock_id;
        if matches!(self.newest(&lock_id)?, Some(old) if old.list.seq >= stored.list.seq) {
            return Ok(false);
        }
        let i = &self.store.inner;
        i.pin_lists.put(&i.db, &i.sealer, &[&lock_id.0], stored)?;
        Ok(true)
    }

    /// The newest list held for this lock.
    pub fn newest(&self, lock_id: &LockId) -> Result<Option<StoredPinList>, StoreError> {
        let i = &self.store.inner;
        i.pin_lists.get(&i.sealer, &[&lock_id.0])
    }

    /// Every readable newest list, one per lock.
    pub fn list(&self) -> Result<Vec<StoredPinList>, StoreError> {
        let i = &self.store.inner;
        i.pin_lists.list(&i.sealer)
    }

    /// The list the lock last confirmed holding, when this phone holds that
    /// very list (to name pending changes slot by slot).
    pub fn acknowledged(&self, lock_id: &LockId) -> Result<Option<StoredPinList>, StoreError> {
        let i = &self.store.inner;
        i.pin_lists_acked.get(&i.sealer, &[&lock_id.0])
    }

    /// The lock confirmed holding `seq`: remember the matching list as
    /// acknowledged, or forget the acknowledged copy when the phone does
    /// not hold that exact list.
    pub fn record_ack(&self, lock_id: &LockId, seq: u32) -> Result<(), StoreError> {
        let _guard = self.store.update_guard();
        let i = &self.store.inner;
        match self.newest(lock_id)? {
            Some(newest) if newest.list.seq == seq => i.pin_lists_acked.put(&i.db, &i.sealer, &[&lock_id.0], &newest),
            _ if self.acknowledged(lock_id)?.is_some_and(|a| a.list.seq == seq) => Ok(()),
            _ => i.pin_lists_acked.remove(&i.db, &i.sealer, &[&lock_id.0]).map(|_| ()),
        }
    }

    /// Stores the lock's PIN secret (host phones only; sealed like
    /// every record).
    pub fn put_pin_secret(&self, lock_id: &LockId, secret: &PinSecret) -> Result<(), StoreError> {
        let i = &self.store.inner;
        i.pin_secrets
            .put(&i.db, &i.sealer, &[&lock_id.0], &PinSecretRecord(secret.clone()))
    }

    /// The lock's PIN secret, when this phone is a host's.
    pub fn pin_secret(&self, lock_id: &LockId) -> Result<Option<PinSecret>, StoreError> {
        let i = &self.store.inner;
        Ok(i.pin_secrets
            .get::<PinSecretRecord>(&i.sealer, &[&lock_id.0])?
            .map(|r| r.0))
    }

    /// Forgets the lock's PIN secret; whether it was there.
    pub fn remove_pin_secret(&self, lock_id: &LockId) -> Result<bool, StoreError> {
        let i = &self.store.inner;
        i.pin_secrets.remove(&i.db, &i.sealer, &[&lock_id.0])
    }
}
