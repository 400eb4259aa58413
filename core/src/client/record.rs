//! After the radio: persist what the command taught (`command::Finished`)
//! into the client's outbox and store.

use crate::command::{CommandReport, FastChange, Finished};
use crate::error::LatchkeyError;
use crate::outbox::{Outbox, OutboxError, OutboxEvent};
use crate::store::{SeenAdvertisement, Store};
use latchkey_protocol::ResultCode;

/// Persists what the command learned; returns the report, or the lock's
/// refusal code.
pub(super) fn record(
    store: &Store,
    outbox: &Outbox,
    finished: &Finished<'_>,
) -> Result<Result<CommandReport, ResultCode>, LatchkeyError> {
    let lock_id = finished.prepared.meta.lock_id;
    let key_id = finished.prepared.key.key.key_id();
    // Events first (one flush), then the cursor: a crash in between
    // re-collects events rather than losing them. The command already
    // happened: a full outbox must not turn it into an error, nor lose the
    // fast key and state below. The lock's events stay uncollected (the
    // cursor doesn't move) and are fetched again later; the report says why.
    // The events and how far they go in one batch (`outbox/collected.rs`):
    // a crash before the state below can't make them queued twice.
    let not_queued = match outbox.append_collected(finished.events(), &lock_id, finished.collected()) {
        Ok(_) => None,
        Err(e @ OutboxError::Full { .. }) => Some(e.to_string()),
        Err(OutboxError::Store(e)) => return Err(e.into()),
    };
    crash_point!("unlock.record.events_queued");
    match finished.fast_change() {
        FastChange::New(key) => store.fast_keys().put(&lock_id, &key_id, key)?,
        FastChange::Forget => {
            store.fast_keys().remove(&lock_id, &key_id)?;
        }
        FastChange::Keep => {}
    }
    crash_point!("unlock.record.fast_key_stored");
    let queued = not_queued.is_none();
    let firmware = finished.executed.outcome.housekeeping.firmware.as_ref();
    store.locks().update_state(&lock_id, |s| {
        finished.apply(s, queued);
        super::firmware_state::observe(s, firmware, finished.finished_at);
    })?;
    crash_point!("unlock.record.state_stored");
    if finished.collected().is_some() {
        outbox.settle_collected(&lock_id)?;
    }
    if let Some(seq) = finished.pin_ack() {
        store.pins().record_ack(&lock_id, seq)?;
        crash_point!("unlock.record.pin_ack_stored");
    }
    Ok(finished.report(not_queued))
}

/// A command met a lock with no owner: remember its advertisement and,
/// when its epoch moved, the reset (a `lock_reset_detected` event).
pub(super) fn record_unclaimed(
    store: &Store,
    outbox: &crate::outbox::Outbox,
    lock_id: latchkey_protocol::LockId,
    known_epoch: Option<u32>,
    scanned: &crate::transport::ScannedLock,
    at: u32,
) -> Result<(), LatchkeyError> {
    let epoch = scanned.advertisement.epoch;
    if let Some(previous_epoch) = known_epoch.filter(|known| *known != epoch) {
        outbox.append_batch(vec![OutboxEvent::LockResetDetected {
            lock_id,
            previous_epoch,
            new_epoch: epoch,
            at,
        }])?;
    }
    store.locks().update_state(&lock_id, |s| {
        s.last_seen = Some(SeenAdvertisement {
            advertisement: scanned.advertisement,
            rssi: scanned.rssi,
            seen_at: at,
        });
        s.epoch = Some(epoch);
    })?;
    Ok(())
}
