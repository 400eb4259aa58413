//! PIN drift as this phone knows it: the newest PIN list it carries for a
//! lock against the one the lock last confirmed, slot by slot, with when
//! each change was made in the portal (from the cloud's change log).

use crate::error::DiagnosisCode;
use crate::store::{KeypadObservation, PinAck, PinChangeAction, PinChangeRecord, Store, StoreError, StoredPinList};
use latchkey_protocol::pin::PinSlotChange;
use latchkey_protocol::LockId;
use std::collections::BTreeMap;

/// Where one lock stands with its keypad PINs, as this phone knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinStatus {
    /// The lock.
    pub lock_id: LockId,
    /// Its display name, when known.
    pub lock_name: Option<String>,
    /// The lock's offset from UTC in minutes (dates are shown in its
    /// local time).
    pub utc_offset_min: i16,
    /// Seq of the newest PIN list this phone holds for it.
    pub held_seq: Option<u32>,
    /// When the issuer signed that list (unix seconds): when the host last
    /// changed the lock's PINs.
    pub held_issued_at: Option<u32>,
    /// The list the lock last confirmed holding, and when.
    pub acked: Option<PinAck>,
    /// The phone holds changes the lock has not confirmed: until a phone
    /// delivers them, deleted PINs still open and new ones don't.
    pub pending: bool,
    /// How many portal changes the lock lacks (one per list seq).
    pub pending_count: u32,
    /// The pending changes slot by slot, when this phone can tell (`None`:
    /// the lock holds a list this phone never held and the cloud's change
    /// log does not cover the gap).
    pub pending_changes: Option<Vec<PendingPinChange>>,
    /// When this phone last talked to the lock (phone clock).
    pub last_contact: Option<u32>,
    /// The keypad as last observed.
    pub keypad: Option<KeypadObservation>,
}

/// One slot change the lock has not received yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPinChange {
    /// What changed.
    pub change: PinSlotChange,
    /// What the slot is for, as the host named it.
    pub label: Option<String>,
    /// Who holds it, where the host said.
    pub holder: Option<String>,
    /// When it was changed in the portal (unix seconds), from the cloud's
    /// change log.
    pub changed_at: Option<u32>,
    /// For a change: which parts (`code`, `window`, …), when known.
    pub parts: Vec<String>,
}

impl PendingPinChange {
    /// The slot number.
    pub fn slot(&self) -> u8 {
        match self.change {
            PinSlotChange::Added(n) | PinSlotChange::Removed(n) | PinSlotChange::Changed(n) => n,
        }
    }
}

impl PinStatus {
    /// The diagnosis this status calls for: `keypad_locked_out` when the
    /// keypad was locked out at the last contact (someone typed wrong codes
    /// again and again; codes work again once the lockout ends).
    pub fn diagnosis(&self) -> Option<DiagnosisCode> {
        self.keypad
            .filter(|k| k.locked_out)
            .map(|_| DiagnosisCode::KeypadLockedOut)
    }
}

/// [`crate::Client::pin_status`] on a store (the emergency sheet and the
/// diagnostics use it too).
pub(crate) fn read_pin_status(store: &Store, lock_id: &LockId) -> Result<PinStatus, StoreError> {
    let meta = store.locks().get_meta(lock_id)?;
    let state = store.locks().state(lock_id)?;
    let held = store.pins().newest(lock_id)?;
    let acked = state.current_pin_ack();
    let acked_seq = acked.map_or(0, |a| a.seq);
    let pending = held.as_ref().is_some_and(|h| h.list.seq > acked_seq);
    let pending_changes = match (&held, store.pins().acknowledged(lock_id)?) {
        _ if !pending => Some(Vec::new()),
        (Some(h), Some(a)) if a.list.seq == acked_seq => Some(labelled(h.list.changes_since(&a.list), h, Some(&a))),
        (Some(h), _) if acked.is_none() => {
            let all = h.list.slots.iter().map(|s| PinSlotChange::Added(s.slot)).collect();
            Some(labelled(all, h, None))
        }
        (Some(h), _) => from_change_log(h, acked_seq).map(|changes| labelled(changes, h, None)),
        (None, _) => None,
    };
    let pending_changes = match (&held, pending_changes) {
        (Some(h), Some(changes)) => Some(dated(changes, h, acked_seq)),
        (_, other) => other,
    };
    Ok(PinStatus {
        lock_id: *lock_id,
        utc_offset_min: meta.as_ref().map_or(0, |m| m.utc_offset_min),
        lock_name: meta.map(|m| m.name),
        held_seq: held.as_ref().map(|h| h.list.seq),
        held_issued_at: held.as_ref().map(|h| h.list.issued_at),
        acked,
        pending,
        pending_count: held.as_ref().map_or(0, |h| h.list.seq.saturating_sub(acked_seq)),
        pending_changes,
        last_contact: state.last_seen.map(|s| s.seen_at),
        keypad: state.keypad,
    })
}

fn labelled(changes: Vec<PinSlotChange>, held: &StoredPinList, acked: Option<&StoredPinList>) -> Vec<PendingPinChange> {
    let name = |map: fn(&StoredPinList) -> &BTreeMap<u8, String>, slot: u8| {
        map(held)
            .get(&slot)
            .or_else(|| acked.and_then(|a| map(a).get(&slot)))
            .cloned()
    };
    changes
        .into_iter()
        .map(|change| {
            let mut p = PendingPinChange {
                change,
                label: None,
                holder: None,
                changed_at: None,
                parts: Vec::new(),
            };
            p.label = name(|l| &l.labels, p.slot());
            p.holder = name(|l| &l.holders, p.slot());
            p
        })
        .collect()
}

/// The portal's changes after `acked_seq`, when the phone holds all of
/// them (one per seq up to the held list).
fn pending_records(held: &StoredPinList, acked_seq: u32) -> Option<Vec<&PinChangeRecord>> {
    let records: Vec<&PinChangeRecord> = held
        .changes
        .iter()
        .filter(|c| c.seq > acked_seq && c.seq <= held.list.seq)
        .collect();
    let complete = records.len() as u64 == u64::from(held.list.seq.saturating_sub(acked_seq))
        && records.iter().zip(acked_seq + 1..).all(|(c, seq)| c.seq == seq);
    complete.then_some(records)
}

/// Net slot changes from the change log, for a lock that confirmed a list
/// this phone never held: created then deleted is nothing; created is
/// added; ending deleted is removed; anything else is changed.
fn from_change_log(held: &StoredPinList, acked_seq: u32) -> Option<Vec<PinSlotChange>> {
    let records = pending_records(held, acked_seq)?;
    let mut per_slot: BTreeMap<u8, (PinChangeAction, PinChangeAction)> = BTreeMap::new();
    for r in records {
        per_slot
            .entry(r.slot)
            .and_modify(|(_, last)| *last = r.action)
            .or_insert((r.action, r.action));
    }
    Some(
        per_slot
            .into_iter()
            .filter_map(|(slot, (first, last))| match (first, last) {
                (PinChangeAction::Created, PinChangeAction::Deleted) => None,
                (PinChangeAction::Created, _) => Some(PinSlotChange::Added(slot)),
                (_, PinChangeAction::Deleted) => Some(PinSlotChange::Removed(slot)),
                _ => Some(PinSlotChange::Changed(slot)),
            })
            .collect(),
    )
}

/// When each pending change was made: the newest portal change of its
/// slot after the lock's list, from the cloud's change log.
fn dated(mut changes: Vec<PendingPinChange>, held: &StoredPinList, acked_seq: u32) -> Vec<PendingPinChange> {
    for p in &mut changes {
        let slot = p.slot();
        let records: Vec<&PinChangeRecord> = held
            .changes
            .iter()
            .filter(|c| c.slot == slot && c.seq > acked_seq && c.seq <= held.list.seq)
            .collect();
        let Some(newest) = records.last() else { continue };
        p.changed_at = Some(newest.at);
        if p.label.is_none() {
            p.label = Some(newest.label.clone());
        }
        if p.holder.is_none() {
            p.holder = newest.holder.clone();
        }
        if matches!(p.change, PinSlotChange::Changed(_)) {
            for part in records.iter().flat_map(|c| &c.changed) {
                if !p.parts.contains(part) {
                    p.parts.push(part.clone());
                }
            }
        }
    }
    changes
}
