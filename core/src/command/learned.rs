//! After the radio: what a finished command taught the phone, as values
//! its runner persists (the client into its store and outbox, the quick
//! path into its journal and the lock's quick-access file): the events to
//! queue, the change to the lock's state, the fast key, and the report.

use super::keypad;
use super::plan::Prepared;
use super::report::CommandReport;
use crate::error::DiagnosisCode;
use crate::outbox::OutboxEvent;
use crate::store::{
    push_battery_sample, BatterySample, ClockSkew, LockState, ObservedContact, ObservedStatus, RevocationAck,
    SeenAdvertisement, UnlockRecord,
};
use crate::unlock::{Executed, UnlockPath};
use latchkey_protocol::{Command, FastKey, ResultCode};

/// What happens to the fast key of (lock, key) after a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FastChange {
    /// Nothing: the one used (or none) stays.
    Keep,
    /// An AUTH left this new one behind.
    New(FastKey),
    /// The lock no longer holds it: forget it.
    Forget,
}

/// A command the lock answered, and when it ran.
pub(crate) struct Finished<'a> {
    pub(crate) prepared: &'a Prepared,
    pub(crate) command: Command,
    pub(crate) executed: &'a Executed,
    pub(crate) started_at: u32,
    pub(crate) finished_at: u32,
}

impl Finished<'_> {
    /// The lock's epoch as this contact saw it.
    pub(crate) fn epoch(&self) -> u32 {
        let out = &self.executed.outcome;
        out.status
            .full
            .map(|s| s.epoch)
            .unwrap_or(self.executed.scanned.advertisement.epoch)
    }

    /// The lock was factory reset since the phone's last contact.
    pub(crate) fn reset(&self) -> bool {
        self.prepared.known_epoch.is_some_and(|known| known != self.epoch())
    }

    /// Lock clock minus phone clock, in seconds.
    fn skew(&self) -> i64 {
        i64::from(self.executed.outcome.status.lock_time) - i64::from(self.finished_at)
    }

    /// The events to queue, in order: the lock's events, gaps (a reset's too),
    /// deliveries, and the attempt itself.
    pub(crate) fn events(&self) -> Vec<OutboxEvent> {
        let lock_id = self.prepared.meta.lock_id;
        let out = &self.executed.outcome;
        let hk = &out.housekeeping;
        let (epoch, at) = (self.epoch(), self.finished_at);
        let mut events = Vec::new();
        for batch in &hk.batches {
            for e in &batch.events {
                let signature = Some(batch.signature.0.to_vec());
                events.push(OutboxEvent::from_lock_event(lock_id, batch.epoch, e, signature));
            }
        }
        for gap in &hk.gaps {
            events.push(OutboxEvent::GapDetected {
                lock_id,
                epoch,
                first_seq: gap.first,
                last_seq: gap.last,
                at,
            });
        }
        // A factory reset names the old epoch's events no phone collected:
        // they went with the old log, and are marked as a gap of that epoch.
        let resets = hk
            .batches
            .iter()
            .flat_map(|b| b.events.iter().map(move |e| (b.epoch, e)));
        for (epoch, e) in resets.filter(|(epoch, e)| e.kind == latchkey_protocol::EventKind::FactoryReset && *epoch > 1)
        {
            let old = epoch - 1;
            let [h0, h1, h2, h3, c0, c1, c2, c3] = e.key_id.0;
            let (head, collected) = (
                u32::from_be_bytes([h0, h1, h2, h3]),
                u32::from_be_bytes([c0, c1, c2, c3]),
            );
            let cursor = self.prepared.event_cursors.get(&old).copied().unwrap_or(0);
            let first = collected.max(cursor) + 1;
            if first <= head {
                events.push(OutboxEvent::GapDetected {
                    lock_id,
                    epoch: old,
                    first_seq: first,
                    last_seq: head,
                    at,
                });
            }
        }
        if let (Some(seq), Some(list)) = (hk.revocation_seq_acked, &self.prepared.revocations) {
            if seq >= list.seq {
                events.push(OutboxEvent::RevocationDelivered { lock_id, seq, at });
            }
        }
        let carried = self.prepared.pins.as_ref().or(self.prepared.pins_held.as_ref());
        keypad::delivery_events(&mut events, lock_id, carried, hk, at);
        if let Some(t) = hk.time_set {
            events.push(OutboxEvent::TimeDelivered {
                lock_id,
                unix_time: t,
                at,
            });
        }
        events.push(OutboxEvent::UnlockAttempt {
            lock_id,
            key_id: Some(self.prepared.key.key.key_id()),
            command: self.command.name().to_string(),
            outcome: out.code.name().to_string(),
            fast_path: out.path == UnlockPath::Fast,
            started_at: self.started_at,
            duration_ms: u32::try_from(out.latency_ms).unwrap_or(u32::MAX),
        });
        events
    }

    /// How far [`Finished::events`] take the lock's log: the epoch and
    /// the last seq collected, when any event was.
    pub(crate) fn collected(&self) -> Option<(u32, u32)> {
        let hk = &self.executed.outcome.housekeeping;
        let last = hk.batches.iter().filter_map(|b| b.events.last()).map(|e| e.seq).max()?;
        Some((self.epoch(), last))
    }

    /// The fast key to keep for (lock, key).
    pub(crate) fn fast_change(&self) -> FastChange {
        let out = &self.executed.outcome;
        match &out.new_fast_key {
            Some((key, _epoch)) => FastChange::New(key.clone()),
            None if out.fast_key_lost => FastChange::Forget,
            None => FastChange::Keep,
        }
    }

    /// The keypad PIN list seq the lock holds now, when the session said.
    pub(crate) fn pin_ack(&self) -> Option<u32> {
        self.executed.outcome.housekeeping.pin_seq_acked
    }

    /// Applies what the contact taught to the lock's state. `queued` says
    /// whether [`Finished::events`] reached durable storage: only then does
    /// the event cursor move (the lock's events are otherwise fetched again
    /// next time).
    pub(crate) fn apply(&self, s: &mut LockState, queued: bool) {
        let out = &self.executed.outcome;
        let hk = &out.housekeeping;
        let (epoch, at) = (self.epoch(), self.finished_at);
        s.last_seen = Some(SeenAdvertisement {
            advertisement: self.executed.scanned.advertisement,
            rssi: self.executed.scanned.rssi,
            seen_at: self.started_at,
        });
        // A refusal carries a redacted status (bolt and door unknown,
        // battery 0): it says nothing about the door or the battery.
        let real_status = out.code.carries_full_status();
        if real_status {
            s.last_contact = Some(ObservedContact {
                status: out.status.compact,
                lock_time: out.status.lock_time,
                observed_at: at,
            });
        }
        if let Some(status) = out.status.full {
            s.last_status = Some(ObservedStatus {
                status,
                observed_at: at,
            });
        }
        s.epoch = Some(epoch);
        if let Some(seq) = hk.revocation_seq_acked {
            s.revocation_ack = Some(RevocationAck {
                seq,
                acknowledged_at: at,
            });
        }
        s.clock_skew = Some(ClockSkew {
            lock_minus_phone_s: self.skew(),
            measured_at: at,
        });
        if let (true, Some((epoch, last))) = (queued, self.collected()) {
            s.advance_event_cursor(epoch, last);
        }
        if real_status {
            push_battery_sample(
                &mut s.battery_history,
                BatterySample {
                    at,
                    percent: out.status.compact.battery_percent,
                },
            );
        }
        if self.command == Command::Unlock && !self.prepared.online {
            s.last_offline_unlock = Some(UnlockRecord {
                at,
                succeeded: out.code.is_ok(),
                diagnosis: (!out.code.is_ok())
                    .then(|| DiagnosisCode::from_result(out.code).unwrap_or(DiagnosisCode::LockRefused)),
            });
        }
        keypad::observe(s, hk, out.status.compact.faults, epoch, self.reset(), at);
    }

    /// The report, or the lock's refusal code. `not_queued` says why the
    /// events could not be queued, if they could not.
    pub(crate) fn report(&self, not_queued: Option<String>) -> Result<CommandReport, ResultCode> {
        let out = &self.executed.outcome;
        let hk = &out.housekeeping;
        if !out.code.is_ok() {
            return Err(out.code);
        }
        let events_collected: usize = match not_queued {
            None => hk.batches.iter().map(|b| b.events.len()).sum(),
            Some(_) => 0,
        };
        Ok(CommandReport {
            lock_id: self.prepared.meta.lock_id,
            lock_name: self.prepared.meta.name.clone(),
            command: self.command,
            path: out.path,
            replayed: out.replayed,
            bolt: out.status.compact.bolt,
            door: out.status.compact.door,
            battery_percent: out.status.compact.battery_percent,
            faults: out.status.compact.faults,
            clock_skew_s: self.skew(),
            round_trips: out.round_trips,
            bytes_up: out.bytes_up,
            bytes_down: out.bytes_down,
            latency_ms: out.latency_ms,
            attempts: self.executed.attempts,
            lock_reset_detected: self.reset(),
            revocation_seq_acked: hk.revocation_seq_acked,
            time_delivered: hk.time_set,
            events_collected: events_collected as u32,
            gaps: hk.gaps.clone(),
            housekeeping_error: match (not_queued, &hk.error) {
                (Some(full), Some(other)) => Some(format!("{other}; events not collected: {full}")),
                (Some(full), None) => Some(format!("events not collected: {full}")),
                (None, error) => error.clone(),
            },
        })
    }
}
