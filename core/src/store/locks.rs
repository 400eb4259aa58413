//! Locks this phone knows: their metadata (from the cloud) and what the
//! phone last learned about each one (from the radio).

use super::codec::{hex, hex_vec};
use super::history::{BatterySample, UnlockRecord};
use super::life::LockLife;
use super::pins::{KeypadObservation, PinAck};
use super::{Store, StoreError};
use latchkey_protocol::{Advertisement, CompactStatus, LockId, LockStatus, PublicKey};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the cloud says about a lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockMeta {
    /// The lock's id.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// Its display name.
    pub name: String,
    /// The lock's own public key (verifies AUTH results and event batches).
    #[serde(with = "hex")]
    pub identity_key: PublicKey,
    /// The issuer key the lock trusts (verifies keys, lists, time tokens).
    #[serde(with = "hex")]
    pub issuer_key: PublicKey,
    /// Local time offset from UTC in minutes (for schedules).
    pub utc_offset_min: i16,
    /// The lock groups it belongs to.
    #[serde(with = "hex_vec")]
    pub groups: Vec<LockId>,
}

/// The lock's advertisement as last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenAdvertisement {
    /// The decoded payload.
    #[serde(with = "hex")]
    pub advertisement: Advertisement,
    /// Signal strength in dBm.
    pub rssi: i16,
    /// When (phone clock, unix seconds).
    pub seen_at: u32,
}

/// The lock's full status as last reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedStatus {
    /// What the lock reported.
    #[serde(with = "hex")]
    pub status: LockStatus,
    /// When (phone clock, unix seconds).
    pub observed_at: u32,
}

/// The short status of the newest answer from the lock (a fast unlock's
/// answer carries only this; a full status may be older).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedContact {
    /// Bolt, door, battery estimate and faults as the answer told them.
    #[serde(with = "hex")]
    pub status: CompactStatus,
    /// The lock's clock in that answer (unix seconds).
    pub lock_time: u32,
    /// When (phone clock, unix seconds).
    pub observed_at: u32,
}

/// A revocation list the lock confirmed holding (reported to the cloud so
/// the portal can show credential drift).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationAck {
    /// The list's seq.
    pub seq: u32,
    /// When the phone learned it (unix seconds).
    pub acknowledged_at: u32,
}

/// How far the lock's clock was from the phone's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockSkew {
    /// Lock clock minus phone clock, in seconds.
    pub lock_minus_phone_s: i64,
    /// When it was measured (phone clock, unix seconds).
    pub measured_at: u32,
}

/// What the phone last learned about one lock. Every field is optional:
/// a lock never contacted has the default state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LockState {
    /// The last advertisement seen.
    pub last_seen: Option<SeenAdvertisement>,
    /// The last full status received.
    pub last_status: Option<ObservedStatus>,
    /// The short status of the last answer (newer than or as new as
    /// `last_status`; see [`LockState::current_status`]).
    pub last_contact: Option<ObservedContact>,
    /// The lock's epoch as last seen (a change means a factory reset).
    pub epoch: Option<u32>,
    /// The newest revocation list the lock confirmed holding.
    pub revocation_ack: Option<RevocationAck>,
    /// The last measured clock skew.
    pub clock_skew: Option<ClockSkew>,
    /// Per epoch, the seq of the last lock event collected into the outbox.
    pub event_cursors: BTreeMap<u32, u32>,
    /// The newest keypad PIN list the lock confirmed holding.
    pub pin_ack: Option<PinAck>,
    /// The lock's keypad as last observed (lockouts).
    pub keypad: Option<KeypadObservation>,
    /// How to get in without the app, as the resident or host recorded it.
    pub backup_entry: Option<BackupEntry>,
    /// The last unlock tried while the phone was offline, and how it went.
    pub last_offline_unlock: Option<UnlockRecord>,
    /// Battery readings from the lock's answers, oldest first (bounded:
    /// [`super::history::push_battery_sample`]).
    pub battery_history: Vec<BatterySample>,
    /// Its firmware, updates, owner and label, as the phone knows them.
    #[serde(with = "hex")]
    pub life: LockLife,
}

/// How a person gets in when the app can't open the lock; also what the
/// diagnostics engine reads (`LockObservations::backup_entry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupMethod {
    /// A mechanical key.
    PhysicalKey,
    /// A PIN code on the lock's keypad.
    KeypadCode,
    /// Another phone with a key.
    AnotherPhone,
    /// Someone nearby with access (neighbour, concierge).
    SomeoneNearby,
    /// Something else (see the details).
    Other,
}

impl BackupMethod {
    /// A short description for people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::PhysicalKey => "mechanical key",
            Self::KeypadCode => "PIN code on the lock's keypad",
            Self::AnotherPhone => "another phone with a key",
            Self::SomeoneNearby => "someone nearby with access",
            Self::Other => "other",
        }
    }
}

/// The backup entry method on record for a lock. Never a secret: where the
/// key is kept or who to call, not a PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupEntry {
    /// Which method.
    pub method: BackupMethod,
    /// Where or who ("spare key with the neighbour at no. 12").
    pub details: String,
    /// When it was recorded (phone clock, unix seconds).
    pub recorded_at: u32,
}

impl LockState {
    /// The freshest bolt, door, battery and faults the phone knows, and
    /// when it learned them: the last answer's short status when it is at
    /// least as new as the last full status (a fast unlock moves the bolt
    /// without a full report), else the full status.
    pub fn current_status(&self) -> Option<(CompactStatus, u32)> {
        let full = self.last_status.map(|o| (o.status.compact(), o.observed_at));
        let contact = self.last_contact.map(|c| (c.status, c.observed_at));
        match (full, contact) {
            (Some(f), Some(c)) if f.1 > c.1 => Some(f),
            (f, c) => c.or(f),
        }
    }

    /// The seq of the last event collected in `epoch` (0: none yet).
    pub fn event_cursor(&self, epoch: u32) -> u32 {
        self.event_cursors.get(&epoch).copied().unwrap_or(0)
    }

    /// The keypad PIN list the lock acknowledged, if that was in the lock's
    /// current epoch (a factory reset wiped the list it acknowledged).
    pub fn current_pin_ack(&self) -> Option<PinAck> {
        self.pin_ack.filter(|a| self.epoch.is_none_or(|e| e == a.epoch))
    }

    /// Moves the cursor of `epoch` forward to `seq` (never back).
    pub fn advance_event_cursor(&mut self, epoch: u32, seq: u32) {
        let cursor = self.event_cursors.entry(epoch).or_insert(0);
        *cursor = (*cursor).max(seq);
    }
}

/// Lock metadata and state: `store.locks()`.
#[derive(Debug, Clone, Copy)]
pub struct LockCache<'a> {
    pub(super) store: &'a Store,
}

impl LockCache<'_> {
    /// Stores (or replaces) a lock's metadata.
    pub fn put_meta(&self, meta: &LockMeta) -> Result<(), StoreError> {
        let i = &self.store.inner;
        i.lock_meta.put(&i.db, &i.sealer, &[&meta.lock_id.0], meta)
    }

    /// A lock's metadata.
    pub fn get_meta(&self, lock_id: &LockId) -> Result<Option<LockMeta>, StoreError> {
        let i = &self.store.inner;
        i.lock_meta.get(&i.sealer, &[&lock_id.0])
    }

    /// Every readable lock's metadata.
    pub fn list_meta(&self) -> Result<Vec<LockMeta>, StoreError> {
        let i = &self.store.inner;
        i.lock_meta.list(&i.sealer)
    }

    /// A lock's state (the default state if the phone never saw it).
    pub fn state(&self, lock_id: &LockId) -> Result<LockState, StoreError> {
        let i = &self.store.inner;
        Ok(i.lock_state.get(&i.sealer, &[&lock_id.0])?.unwrap_or_default())
    }

    /// Changes a lock's state with `change` and stores the result (flushed);
    /// returns it. Updates of one store are applied one at a time.
    pub fn update_state(&self, lock_id: &LockId, change: impl FnOnce(&mut LockState)) -> Result<LockState, StoreError> {
        let _guard = self.store.update_guard();
        let mut state = self.state(lock_id)?;
        change(&mut state);
        let i = &self.store.inner;
        i.lock_state.put(&i.db, &i.sealer, &[&lock_id.0], &state)?;
        Ok(state)
    }

    /// Forgets a lock's metadata and state; whether anything was there.
    pub fn remove(&self, lock_id: &LockId) -> Result<bool, StoreError> {
        let i = &self.store.inner;
        let meta = i.lock_meta.remove(&i.db, &i.sealer, &[&lock_id.0])?;
        let state = i.lock_state.remove(&i.db, &i.sealer, &[&lock_id.0])?;
        Ok(meta || state)
    }
}
