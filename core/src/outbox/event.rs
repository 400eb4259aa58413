//! What goes into the outbox: lock events collected over the radio and the
//! phone's own events, each with a UUIDv7 id the server dedupes on.

use crate::store::{hex, hex_opt, hex_vec};
use latchkey_protocol::{KeyId, LockEvent, LockId, PublicKey};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An event's id: a UUIDv7 (time-ordered), assigned when it is appended;
/// the server dedupes uploads on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub uuid::Uuid);

impl EventId {
    /// A fresh id from the current time.
    pub fn new() -> Self {
        Self(uuid::Uuid::now_v7())
    }
}

impl Default for EventId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for EventId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s).map(Self)
    }
}

/// How the outbox treats an event when it is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventClass {
    /// Who opened which door, and when: never dropped.
    Access,
    /// Everything else: the oldest are dropped first when the outbox is full.
    Diagnostic,
}

/// One event to upload. Times are unix seconds; lock events carry the
/// lock's clock, phone events the phone's. Read back by `event_decode.rs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutboxEvent {
    /// An entry of the lock's tamper-evident log, as collected.
    LockEvent {
        /// The lock.
        #[serde(with = "hex")]
        lock_id: LockId,
        /// Its epoch.
        epoch: u32,
        /// The event's seq in the lock's log.
        seq: u32,
        /// The event's wire encoding (20 bytes, see `LockEvent::encode`).
        #[serde(with = "hex")]
        event: Vec<u8>,
        /// The lock's signature over the batch the event came in, when the
        /// uploader forwards it for end-to-end verification.
        #[serde(with = "hex_opt", default)]
        batch_signature: Option<Vec<u8>>,
    },
    /// The phone tried to unlock, lock or unlatch.
    UnlockAttempt {
        /// The lock.
        #[serde(with = "hex")]
        lock_id: LockId,
        /// The key used, when one was chosen.
        #[serde(with = "hex_opt", default)]
        key_id: Option<KeyId>,
        /// "unlock", "lock", "unlatch" or "status".
        command: String,
        /// "ok", a result code name, or why it did not reach the lock.
        outcome: String,
        /// Whether the fast (HMAC) path was used.
        fast_path: bool,
        /// When the attempt started (phone clock).
        started_at: u32,
        /// From the tap to the result, in milliseconds.
        duration_ms: u32,
    },
    /// Something failed; `diagnosis_code` says what (see diagnostics).
    Failure {
        /// The lock involved, if any.
        #[serde(with = "hex_opt", default)]
        lock_id: Option<LockId>,
        /// Stable diagnosis code.
        diagnosis_code: String,
        /// Free-form detail for support.
        detail: String,
        /// When (phone clock).
        at: u32,
    },
    /// The lock's epoch changed: it was factory reset.
    LockResetDetected {
        /// The lock.
        #[serde(with = "hex")]
        lock_id: LockId,
        /// The epoch the phone knew.
        previous_epoch: u32,
        /// The epoch it has now.
        new_epoch: u32,
        /// When (phone clock).
        at: u32,
    },
    /// The phone delivered a revocation list the lock accepted.
    RevocationDelivered {
        /// The lock.
        #[serde(with = "hex")]
        lock_id: LockId,
        /// The list's seq.
        seq: u32,
        /// When (phone clock).
        at: u32,
    },
    /// The phone delivered a trusted-time token the lock accepted.
    TimeDelivered {
        /// The lock.
        #[serde(with = "hex")]
        lock_id: LockId,
        /// The token's time.
        unix_time: u32,
        /// When (phone clock).
        at: u32,
    },
    /// The lock had overwritten events before they could be collected.
    GapDetected {
        /// The lock.
        #[serde(with = "hex")]
        lock_id: LockId,
        /// The epoch.
        epoch: u32,
        /// First missing seq.
        first_seq: u32,
        /// Last missing seq.
        last_seq: u32,
        /// When (phone clock).
        at: u32,
    },
    /// This phone claimed (or re-commissioned) the lock: the cloud
    /// registers its identity key with the lock-signed receipt.
    LockClaimed {
        /// The lock.
        #[serde(with = "hex")]
        lock_id: LockId,
        /// The name it was given.
        name: String,
        /// The lock's identity key.
        #[serde(with = "hex")]
        identity_key: PublicKey,
        /// Local time offset from UTC, minutes.
        utc_offset_min: i16,
        /// Lock groups it joined.
        #[serde(with = "hex_vec", default)]
        groups: Vec<LockId>,
        /// The lock's signed receipt ([`latchkey_protocol::ClaimReceipt`]).
        #[serde(with = "hex")]
        receipt: Vec<u8>,
        /// When (phone clock).
        at: u32,
    },
    /// The lock confirmed holding the keypad PIN list this phone carried
    /// (the portal's PIN drift view is built from these).
    PinListDelivered {
        /// The lock.
        #[serde(with = "hex")]
        lock_id: LockId,
        /// The list's seq the lock holds.
        seq: u32,
        /// When (phone clock).
        at: u32,
    },
}

impl OutboxEvent {
    /// A lock event as collected from a verified batch.
    pub fn from_lock_event(lock_id: LockId, epoch: u32, event: &LockEvent, batch_signature: Option<Vec<u8>>) -> Self {
        OutboxEvent::LockEvent {
            lock_id,
            epoch,
            seq: event.seq,
            event: event.encode().to_vec(),
            batch_signature,
        }
    }

    /// Access or diagnostic. Lock events and unlock attempts are access
    /// events; so is a gap report, because it stands for access events the
    /// lock lost: dropping it would hide them; and a claim, without which
    /// the cloud would not know the lock at all.
    pub fn class(&self) -> EventClass {
        match self {
            OutboxEvent::LockEvent { .. }
            | OutboxEvent::UnlockAttempt { .. }
            | OutboxEvent::GapDetected { .. }
            | OutboxEvent::LockClaimed { .. } => EventClass::Access,
            _ => EventClass::Diagnostic,
        }
    }

    /// The lock the event is about, if any.
    pub fn lock_id(&self) -> Option<LockId> {
        match self {
            OutboxEvent::LockEvent { lock_id, .. }
            | OutboxEvent::UnlockAttempt { lock_id, .. }
            | OutboxEvent::LockResetDetected { lock_id, .. }
            | OutboxEvent::RevocationDelivered { lock_id, .. }
            | OutboxEvent::TimeDelivered { lock_id, .. }
            | OutboxEvent::GapDetected { lock_id, .. }
            | OutboxEvent::LockClaimed { lock_id, .. }
            | OutboxEvent::PinListDelivered { lock_id, .. } => Some(*lock_id),
            OutboxEvent::Failure { lock_id, .. } => *lock_id,
        }
    }

    /// snake_case name of the kind, as in JSON.
    pub fn kind_name(&self) -> &'static str {
        match self {
            OutboxEvent::LockEvent { .. } => "lock_event",
            OutboxEvent::UnlockAttempt { .. } => "unlock_attempt",
            OutboxEvent::Failure { .. } => "failure",
            OutboxEvent::LockResetDetected { .. } => "lock_reset_detected",
            OutboxEvent::RevocationDelivered { .. } => "revocation_delivered",
            OutboxEvent::TimeDelivered { .. } => "time_delivered",
            OutboxEvent::GapDetected { .. } => "gap_detected",
            OutboxEvent::PinListDelivered { .. } => "pin_list_delivered",
            OutboxEvent::LockClaimed { .. } => "lock_claimed",
        }
    }
}

/// An event waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Its id.
    pub id: EventId,
    /// Its place in append order (rises across restarts, never reused).
    pub position: u64,
    /// When it was appended (phone clock, unix milliseconds).
    pub appended_at_ms: u64,
    /// The event.
    pub event: OutboxEvent,
    /// Size of its JSON encoding, in bytes (what `peek` budgets with).
    pub encoded_len: usize,
}

/// An event the upload gave up on, kept for the app to show or export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// Its former place in the outbox.
    pub position: u64,
    /// Its id (`None` when the record itself could not be read).
    pub id: Option<EventId>,
    /// The event (`None` when the record itself could not be read; its
    /// sealed bytes are kept).
    pub event: Option<OutboxEvent>,
    /// Why it was moved here.
    pub reason: String,
    /// When (phone clock, unix milliseconds).
    pub dead_at_ms: u64,
}

/// What is sealed for one pending event.
#[derive(Serialize, Deserialize)]
pub(super) struct EventRecord {
    pub(super) id: EventId,
    pub(super) appended_at_ms: u64,
    pub(super) event: OutboxEvent,
}

/// What is sealed for one dead letter.
#[derive(Serialize, Deserialize)]
pub(super) struct DeadRecord {
    pub(super) position: u64,
    pub(super) reason: String,
    pub(super) dead_at_ms: u64,
    /// The pending record, when it could be read.
    pub(super) record: Option<EventRecord>,
    /// The original sealed bytes, when it could not.
    #[serde(with = "hex_opt", default)]
    pub(super) unreadable: Option<Vec<u8>>,
}
