//! What a session tells the phone about the lock's keypad: the PIN list
//! delivery's events, and the keypad's state (the list the lock holds,
//! lockouts seen in its log).

use crate::error::DiagnosisCode;
use crate::outbox::OutboxEvent;
use crate::store::{KeypadLockoutSeen, LockState, PinAck};
use crate::unlock::HousekeepingResult;
use latchkey_protocol::{EventKind, Faults, LockId, PinList};

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
