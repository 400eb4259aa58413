//! How the outbox lays out its trees.
//!
//! The events are in the store's spool (`store/spool.rs`): each as its
//! position and its value, class (`a`/`d`) ‖ [`EventRecord`] sealed with
//! `outbox` and `e` ‖ position (u64 BE) as associated data.
//!
//! `outbox` (one tree, so every append, drop and confirm commits in one
//! atomic batch):
//!
//! | key | value |
//! | --- | --- |
//! | `m` | [`Counters`] (4 × u64 BE; counts only, nothing personal) |
//! | `r` | the positions removed: every one below a head (u64 BE), then the ones above it (u64 BE each) |
//! | `j` ‖ record id | empty: a quick-access journal record taken in (`ingested.rs`; random ids) |
//! | `c` ‖ HMAC(lock id) ‖ epoch (u32 BE) | seq (u32 BE): the furthest lock event queued (`collected.rs`) |
//!
//! Before the spool, the events were in this tree too (`e` ‖ position →
//! the value above; `i` ‖ HMAC(event id) → position; `g` ‖ position →
//! empty for each diagnostic event); the first use of such a store moves
//! them into the spool (`spooled.rs`).
//!
//! `outbox_dead`: position (u64 BE) → sealed [`DeadRecord`]; damaged spool
//! bytes kept raw are keyed from 2^63 up.
//!
//! [`EventRecord`]: super::event::EventRecord
//! [`DeadRecord`]: super::event::DeadRecord

use super::event::EventClass;
use crate::store::seal::Sealer;
use crate::store::StoreError;

pub(super) const TREE: &str = "outbox";
pub(super) const DEAD_TREE: &str = "outbox_dead";
pub(super) const EVENT: u8 = b'e';
pub(super) const INDEX: u8 = b'i';
pub(super) const DIAGNOSTIC: u8 = b'g';
pub(super) const COUNTERS: &[u8] = b"m";
pub(super) const REMOVED: &[u8] = b"r";
pub(super) const MARKER: u8 = b'j';
pub(super) const COLLECTED: u8 = b'c';

pub(super) fn event_key(position: u64) -> [u8; 9] {
    prefixed(EVENT, position)
}

pub(super) fn marker_key(record: &str) -> Vec<u8> {
    let mut key = vec![MARKER];
    key.extend_from_slice(record.as_bytes());
    key
}

/// The prefix of a lock's `c…` keys; the epoch follows.
pub(super) fn collected_prefix(sealer: &Sealer, lock_id: &latchkey_protocol::LockId) -> Vec<u8> {
    let mut key = vec![COLLECTED];
    key.extend_from_slice(&sealer.index(TREE, &[b"collected", &lock_id.0]));
    key
}

fn prefixed(prefix: u8, position: u64) -> [u8; 9] {
    let mut key = [prefix; 9];
    key[1..].copy_from_slice(&position.to_be_bytes());
    key
}

/// The position in an `e…`, `g…` or dead-letter key.
pub(super) fn position_of(key: &[u8]) -> Option<u64> {
    let tail: [u8; 8] = key.get(key.len().checked_sub(8)?..)?.try_into().ok()?;
    Some(u64::from_be_bytes(tail))
}

pub(super) fn class_byte(class: EventClass) -> u8 {
    match class {
        EventClass::Access => b'a',
        EventClass::Diagnostic => b'd',
    }
}

/// The class of a stored value; an unknown byte counts as access, so a
/// damaged record is never dropped as a diagnostic.
pub(super) fn class_of(value: &[u8]) -> EventClass {
    match value.first() {
        Some(b'd') => EventClass::Diagnostic,
        _ => EventClass::Access,
    }
}

/// Persistent counters, written in the same batch as the events they count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Counters {
    /// The position the next event gets.
    pub(super) next_position: u64,
    /// Pending access events.
    pub(super) access: u64,
    /// Pending diagnostic events.
    pub(super) diagnostic: u64,
    /// Diagnostic events dropped to make room, ever.
    pub(super) dropped_diagnostics: u64,
}

impl Counters {
    pub(super) fn encode(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        let fields = [
            self.next_position,
            self.access,
            self.diagnostic,
            self.dropped_diagnostics,
        ];
        for (chunk, v) in out.chunks_exact_mut(8).zip(fields) {
            chunk.copy_from_slice(&v.to_be_bytes());
        }
        out
    }

    pub(super) fn decode(bytes: &[u8]) -> Result<Self, StoreError> {
        if bytes.len() != 32 {
            return Err(StoreError::corrupt(TREE, "the counters record is not 32 bytes"));
        }
        let at = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
            u64::from_be_bytes(b)
        };
        Ok(Self {
            next_position: at(0),
            access: at(1),
            diagnostic: at(2),
            dropped_diagnostics: at(3),
        })
    }

    pub(super) fn pending(&self) -> u64 {
        self.access + self.diagnostic
    }

    pub(super) fn add(&mut self, class: EventClass) {
        match class {
            EventClass::Access => self.access += 1,
            EventClass::Diagnostic => self.diagnostic += 1,
        }
    }

    pub(super) fn remove(&mut self, class: EventClass) {
        match class {
            EventClass::Access => self.access = self.access.saturating_sub(1),
            EventClass::Diagnostic => self.diagnostic = self.diagnostic.saturating_sub(1),
        }
    }
}
