//! After the radio: persist everything the command learned (events, fast
//! key, status, revocation and PIN acknowledgements, clock skew).

use super::CommandReport;
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::outbox::OutboxError;
use crate::outbox::OutboxEvent;
use crate::store::{
    push_battery_sample, BatterySample, ClockSkew, ObservedContact, ObservedStatus, RevocationAck, SeenAdvertisement,
    Store, UnlockRecord,
};
use crate::unlock::Executed;
use latchkey_protocol::{Command, ResultCode};

use super::prepare::Prepared;

/// Persists what the command learned; returns the report, or the lock's
/// refusal code.
pub(super) fn record(
    store: &Store,
    outbox: &crate::outbox::Outbox,
    prepared: &Prepared,
    command: Command,
    executed: Executed,
    started_at: u32,
    finished_at: u32,
) -> Result<Result<CommandReport, ResultCode>, LatchkeyError> {
    let lock_id = prepared.meta.lock_id;
    let key_id = prepared.key.key.key_id();
    let out = &executed.outcome;
    let hk = &out.housekeeping;
    let epoch = out
        .status
        .full
        .map(|s| s.epoch)
        .unwrap_or(executed.scanned.advertisement.epoch);
    let reset = prepared.known_epoch.is_some_and(|known| known != epoch);

    // Events first (one flush), then the cursor: a crash in between
    // re-collects events rather than losing them.
    let mut events = Vec::new();
    for batch in &hk.batches {
        for e in &batch.events {
            events.push(OutboxEvent::from_lock_event(
                lock_id,
                batch.epoch,
                e,
                Some(batch.signature.0.to_vec()),
            ));
        }
    }
    for gap in &hk.gaps {
        events.push(OutboxEvent::GapDetected {
            lock_id,
            epoch,
            first_seq: gap.first,
            last_seq: gap.last,
            at: finished_at,
        });
    }
    // A factory reset names the old epoch's events no phone collected:
    // they went with the old log, and are marked as a gap of that epoch.
    let state = store.locks().state(&lock_id)?;
    let resets = hk
        .batches
        .iter()
        .flat_map(|b| b.events.iter().map(move |e| (b.epoch, e)));
    for (epoch, e) in resets.filter(|(epoch, e)| e.kind == latchkey_protocol::EventKind::FactoryReset && *epoch > 1) {
        let old = epoch - 1;
        let [h0, h1, h2, h3, c0, c1, c2, c3] = e.key_id.0;
        let (head, collected) = (
            u32::from_be_bytes([h0, h1, h2, h3]),
            u32::from_be_bytes([c0, c1, c2, c3]),
        );
        let first = collected.max(state.event_cursor(old)) + 1;
        if first <= head {
            events.push(OutboxEvent::GapDetected {
                lock_id,
                epoch: old,
                first_seq: first,
                last_seq: head,
                at: finished_at,
            });
        }
    }
    if let (Some(seq), Some(list)) = (hk.revocation_seq_acked, &prepared.revocations) {
        if seq >= list.seq {
            events.push(OutboxEvent::RevocationDelivered {
                lock_id,
                seq,
                at: finished_at,
            });
        }
    }
    let carried = prepared.pins.as_ref().or(prepared.pins_held.as_ref());
    super::pins::delivery_events(&mut events, lock_id, carried, hk, finished_at);
    if let Some(t) = hk.time_set {
        events.push(OutboxEvent::TimeDelivered {
            lock_id,
            unix_time: t,
            at: finished_at,
        });
    }
    events.push(OutboxEvent::UnlockAttempt {
        lock_id,
        key_id: Some(key_id),
        command: command.name().to_string(),
        outcome: out.code.name().to_string(),
        fast_path: out.path == crate::unlock::UnlockPath::Fast,
        started_at,
        duration_ms: u32::try_from(out.latency_ms).unwrap_or(u32::MAX),
    });
    // The command already happened: a full outbox must not turn it into an
    // error, nor lose the fast key and state below. The lock's events stay
    // uncollected (the cursor doesn't move) and are fetched again later;
    // the report says why.
    let queued = match outbox.append_batch(events) {
        Ok(_) => Ok(()),
        Err(e @ OutboxError::Full { .. }) => Err(e.to_string()),
        Err(OutboxError::Store(e)) => return Err(e.into()),
    };

    crash_point!("unlock.record.events_queued");
    if let Some((key, _epoch)) = &out.new_fast_key {
        store.fast_keys().put(&lock_id, &key_id, key.clone())?;
    } else if out.fast_key_lost {
        store.fast_keys().remove(&lock_id, &key_id)?;
    }
    crash_point!("unlock.record.fast_key_stored");
    let skew = i64::from(out.status.lock_time) - i64::from(finished_at);
    let events_collected: usize = match queued {
        Ok(()) => hk.batches.iter().map(|b| b.events.len()).sum(),
        Err(_) => 0,
    };
    store.locks().update_state(&lock_id, |s| {
        s.last_seen = Some(SeenAdvertisement {
            advertisement: executed.scanned.advertisement,
            rssi: executed.scanned.rssi,
            seen_at: started_at,
        });
        // A refusal carries a redacted status (bolt and door unknown,
        // battery 0): it says nothing about the door or the battery.
        let real_status = out.code.carries_full_status();
        if real_status {
            s.last_contact = Some(ObservedContact {
                status: out.status.compact,
                lock_time: out.status.lock_time,
                observed_at: finished_at,
            });
        }
        if let Some(status) = out.status.full {
            s.last_status = Some(ObservedStatus {
                status,
                observed_at: finished_at,
            });
        }
        s.epoch = Some(epoch);
        if let Some(seq) = hk.revocation_seq_acked {
            s.revocation_ack = Some(RevocationAck {
                seq,
                acknowledged_at: finished_at,
            });
        }
        s.clock_skew = Some(ClockSkew {
            lock_minus_phone_s: skew,
            measured_at: finished_at,
        });
        if let (Ok(()), Some(last)) = (
            &queued,
            hk.batches.iter().filter_map(|b| b.events.last()).map(|e| e.seq).max(),
        ) {
            s.advance_event_cursor(epoch, last);
        }
        if real_status {
            push_battery_sample(
                &mut s.battery_history,
                BatterySample {
                    at: finished_at,
                    percent: out.status.compact.battery_percent,
                },
            );
        }
        if command == Command::Unlock && !prepared.online {
            s.last_offline_unlock = Some(UnlockRecord {
                at: finished_at,
                succeeded: out.code.is_ok(),
                diagnosis: (!out.code.is_ok())
                    .then(|| DiagnosisCode::from_result(out.code).unwrap_or(DiagnosisCode::LockRefused)),
            });
        }
        super::pins::observe(s, hk, out.status.compact.faults, epoch, reset, finished_at);
        super::firmware_state::observe(s, hk.firmware.as_ref(), finished_at);
    })?;
    crash_point!("unlock.record.state_stored");
    if let Some(seq) = hk.pin_seq_acked {
        store.pins().record_ack(&lock_id, seq)?;
        crash_point!("unlock.record.pin_ack_stored");
    }

    if !out.code.is_ok() {
        return Ok(Err(out.code));
    }
    Ok(Ok(CommandReport {
        lock_id,
        lock_name: prepared.meta.name.clone(),
        command,
        path: out.path,
        replayed: out.replayed,
        bolt: out.status.compact.bolt,
        door: out.status.compact.door,
        battery_percent: out.status.compact.battery_percent,
        faults: out.status.compact.faults,
        clock_skew_s: skew,
        round_trips: out.round_trips,
        bytes_up: out.bytes_up,
        bytes_down: out.bytes_down,
        latency_ms: out.latency_ms,
        attempts: executed.attempts,
        lock_reset_detected: reset,
        revocation_seq_acked: hk.revocation_seq_acked,
        time_delivered: hk.time_set,
        events_collected: events_collected as u32,
        gaps: hk.gaps.clone(),
        housekeeping_error: match (queued, &hk.error) {
            (Err(full), Some(other)) => Some(format!("{other}; events not collected: {full}")),
            (Err(full), None) => Some(format!("events not collected: {full}")),
            (Ok(()), error) => error.clone(),
        },
    }))
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
