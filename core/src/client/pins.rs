//! Keypad PINs from the phone's side: take in signed PIN lists, carry the
//! newest to the lock after any command (like revocation lists), record
//! what the lock confirmed, show per lock which changes are still pending
//! (PIN drift), and, on a host's phone, make offline PINs with no network.

use super::{blocking, Phone};
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::outbox::OutboxEvent;
use crate::store::{KeypadLockoutSeen, KeypadObservation, LockState, PinAck, Store, StoreError, StoredPinList};
use crate::unlock::HousekeepingResult;
use latchkey_protocol::pin::PinSlotChange;
use latchkey_protocol::{plan_offline_pin, EventKind, Faults, LockId, OfflinePin, PinList, PinSecret};
use std::collections::BTreeMap;

/// Where one lock stands with its keypad PINs, as this phone knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinStatus {
    /// The lock.
    pub lock_id: LockId,
    /// Its display name, when known.
    pub lock_name: Option<String>,
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
    /// The pending changes slot by slot, when this phone holds both lists
    /// (`None`: the lock holds a list this phone never held).
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
    /// Who the slot is for, as the host named it.
    pub label: Option<String>,
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

impl Phone {
    /// Stores a keypad PIN list (kept only if newer than the one held) after
    /// verifying it against the issuer of the lock it is for. `labels` name
    /// the slots' holders for the app and the emergency sheet. Returns
    /// whether it was newer.
    pub async fn add_pin_list(&self, list: PinList, labels: BTreeMap<u8, String>) -> Result<bool, LatchkeyError> {
        let store = self.store.clone();
        let now = self.clock.now_unix();
        blocking(move || {
            let meta = store.locks().get_meta(&list.lock_id)?.ok_or_else(|| {
                LatchkeyError::refused_locally(
                    DiagnosisCode::UnknownLock,
                    "this phone has no record of the PIN list's lock; sync first",
                )
            })?;
            list.verify_for(&meta.issuer_key, &meta.lock_id).map_err(|_| {
                LatchkeyError::refused_locally(
                    DiagnosisCode::KeyRejected,
                    "PIN list is not signed by the issuer of the lock it targets",
                )
            })?;
            Ok(store.pins().put(&StoredPinList {
                list,
                labels,
                received_at: now,
            })?)
        })
        .await
    }

    /// Stores a lock's PIN secret, with which this phone makes offline PINs
    /// (it also keys the PIN list's slot hashes, so only hosts may hold
    /// it). Only a host's (owner or admin) phone receives it, from the cloud
    /// over the authenticated sync channel; it is sealed at rest like every
    /// record.
    pub async fn add_pin_secret(&self, lock_id: LockId, secret: PinSecret) -> Result<(), LatchkeyError> {
        let store = self.store.clone();
        blocking(move || Ok(store.pins().put_pin_secret(&lock_id, &secret)?)).await
    }

    /// Makes an offline PIN for a stay from `start_unix` lasting
    /// `duration_s`, with no network: hour codes up to 24 hours (one-time
    /// if asked), day codes up to 28 days, in the lock's local time. The
    /// result says the exact window (widened to whole hours or days).
    pub async fn offline_pin(
        &self,
        lock_id: LockId,
        start_unix: u32,
        duration_s: u32,
        one_time: bool,
    ) -> Result<OfflinePin, LatchkeyError> {
        let store = self.store.clone();
        blocking(move || {
            let meta = store.locks().get_meta(&lock_id)?.ok_or_else(|| {
                LatchkeyError::refused_locally(DiagnosisCode::UnknownLock, "this phone has no record of that lock")
            })?;
            let secret = store.pins().pin_secret(&lock_id)?.ok_or_else(|| {
                LatchkeyError::refused_locally(
                    DiagnosisCode::NoKey,
                    "this phone holds no PIN secret for that lock (only a host's phone does)",
                )
            })?;
            plan_offline_pin(&secret, start_unix, duration_s, one_time, meta.utc_offset_min)
                .map_err(|e| LatchkeyError::refused_locally(DiagnosisCode::KeyRejected, e.to_string()))
        })
        .await
    }

    /// Where one lock stands with its keypad PINs.
    pub async fn pin_status(&self, lock_id: LockId) -> Result<PinStatus, LatchkeyError> {
        let store = self.store.clone();
        blocking(move || Ok(read_pin_status(&store, &lock_id)?)).await
    }

    /// [`Phone::pin_status`] for every lock this phone holds a PIN list
    /// for: the phone's PIN drift view.
    pub async fn pin_statuses(&self) -> Result<Vec<PinStatus>, LatchkeyError> {
        let store = self.store.clone();
        blocking(move || {
            let mut out = Vec::new();
            for held in store.pins().list()? {
                out.push(read_pin_status(&store, &held.list.lock_id)?);
            }
            Ok(out)
        })
        .await
    }
}

/// [`Phone::pin_status`] on a store (the emergency sheet uses it too).
pub(crate) fn read_pin_status(store: &Store, lock_id: &LockId) -> Result<PinStatus, StoreError> {
    let meta = store.locks().get_meta(lock_id)?;
    let state = store.locks().state(lock_id)?;
    let held = store.pins().newest(lock_id)?;
    let acked = current_ack(&state);
    let acked_seq = acked.map_or(0, |a| a.seq);
    let pending = held.as_ref().is_some_and(|h| h.list.seq > acked_seq);
    let pending_changes = match (&held, store.pins().acknowledged(lock_id)?) {
        _ if !pending => Some(Vec::new()),
        (Some(h), Some(a)) if a.list.seq == acked_seq => Some(labelled(h.list.changes_since(&a.list), h, Some(&a))),
        (Some(h), _) if acked.is_none() => {
            let all = h.list.slots.iter().map(|s| PinSlotChange::Added(s.slot)).collect();
            Some(labelled(all, h, None))
        }
        _ => None,
    };
    Ok(PinStatus {
        lock_id: *lock_id,
        lock_name: meta.map(|m| m.name),
        held_seq: held.as_ref().map(|h| h.list.seq),
        held_issued_at: held.as_ref().map(|h| h.list.issued_at),
        acked,
        pending,
        pending_changes,
        last_contact: state.last_seen.map(|s| s.seen_at),
        keypad: state.keypad,
    })
}

fn labelled(changes: Vec<PinSlotChange>, held: &StoredPinList, acked: Option<&StoredPinList>) -> Vec<PendingPinChange> {
    changes
        .into_iter()
        .map(|change| {
            let slot = match change {
                PinSlotChange::Added(n) | PinSlotChange::Removed(n) | PinSlotChange::Changed(n) => n,
            };
            let label = held
                .labels
                .get(&slot)
                .or_else(|| acked.and_then(|a| a.labels.get(&slot)))
                .cloned();
            PendingPinChange { change, label }
        })
        .collect()
}

/// The lock's acknowledgement, if it is from the lock's current epoch (a
/// factory reset wiped the list it acknowledged).
fn current_ack(state: &LockState) -> Option<PinAck> {
    state.pin_ack.filter(|a| state.epoch.is_none_or(|e| e == a.epoch))
}

/// The PIN list to carry in the next session: the newest held, if the lock
/// has not confirmed it (or a newer one) in its current epoch.
pub(super) fn pins_to_carry(store: &Store, lock_id: &LockId, state: &LockState) -> Result<Option<PinList>, StoreError> {
    let acked = current_ack(state).map_or(0, |a| a.seq);
    Ok(store.pins().newest(lock_id)?.map(|s| s.list).filter(|l| l.seq > acked))
}

/// Outbox events for a PIN push: delivered (the lock holds the carried
/// list or a newer one), or refused.
pub(super) fn delivery_events(
    events: &mut Vec<OutboxEvent>,
    lock_id: LockId,
    carried: Option<&PinList>,
    hk: &HousekeepingResult,
    at: u32,
) {
    let (Some(seq), Some(list)) = (hk.pin_seq_acked, carried) else {
        return;
    };
    if seq >= list.seq {
        events.push(OutboxEvent::PinListDelivered { lock_id, seq, at });
    }
    if let Some(code) = hk.pin_refused {
        events.push(OutboxEvent::Failure {
            lock_id: Some(lock_id),
            diagnosis_code: DiagnosisCode::LockRefused.as_str().to_string(),
            detail: format!("the lock refused PIN list {}: {code}; it holds {seq}", list.seq),
            at,
        });
    }
}

/// Updates the lock's state with what the session said about its keypad:
/// the PIN list it holds, whether the keypad is locked out, and lockouts
/// collected from its log.
pub(super) fn observe(s: &mut LockState, hk: &HousekeepingResult, faults: Faults, epoch: u32, reset: bool, at: u32) {
    match hk.pin_seq_acked {
        Some(seq) => {
            s.pin_ack = Some(PinAck {
                seq,
                acknowledged_at: at,
                epoch,
            })
        }
        None if reset => s.pin_ack = None,
        None => {}
    }
    let mut keypad = s.keypad.unwrap_or_default();
    keypad.locked_out = faults.has(Faults::KEYPAD_LOCKED);
    keypad.observed_at = at;
    let lockouts = hk
        .batches
        .iter()
        .flat_map(|b| &b.events)
        .filter(|e| e.kind == EventKind::KeypadLockout);
    for e in lockouts {
        keypad.lockouts_seen = keypad.lockouts_seen.saturating_add(1);
        keypad.last_lockout = Some(KeypadLockoutSeen {
            lock_time: e.time,
            duration_s: u32::from(e.detail),
        });
    }
    s.keypad = Some(keypad);
}
