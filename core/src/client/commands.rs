//! unlock / lock / status: choose the key, reserve the fast counter, run
//! the command over the transport, then record everything it learned.

use super::{blocking, CommandReport, Phone, SKEW_THRESHOLD_S};
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::outbox::OutboxEvent;
use crate::store::{
    offline_check, ClockSkew, LockMeta, ObservedStatus, OfflineRefusal, RevocationAck, SeenAdvertisement, Store,
    StoredKey,
};
use crate::unlock::{execute, AttemptInput, Executed, HousekeepingPlan, Progress, ProgressListener};
use latchkey_protocol::{
    Command, CommandId, FastKey, LockId, PinList, ResultCode, RevocationList, Signature, TimeToken,
};
use std::time::Duration;

/// Everything read from the store before the radio is touched.
struct Prepared {
    meta: LockMeta,
    key: StoredKey,
    fast: Option<(FastKey, u32, u32)>,
    revocations: Option<RevocationList>,
    pins: Option<PinList>,
    time_token: Option<TimeToken>,
    event_cursor: Option<(u32, u32)>,
    known_epoch: Option<u32>,
}

impl Phone {
    /// Unlocks the lock.
    pub async fn unlock(
        &self,
        lock_id: LockId,
        listener: &dyn ProgressListener,
    ) -> Result<CommandReport, LatchkeyError> {
        self.run_command(lock_id, Command::Unlock, listener).await
    }

    /// Locks the lock.
    pub async fn lock(&self, lock_id: LockId, listener: &dyn ProgressListener) -> Result<CommandReport, LatchkeyError> {
        self.run_command(lock_id, Command::Lock, listener).await
    }

    /// Authenticates and reads the lock's status without moving the bolt
    /// (also delivers revocations and time, and collects events).
    pub async fn status(
        &self,
        lock_id: LockId,
        listener: &dyn ProgressListener,
    ) -> Result<CommandReport, LatchkeyError> {
        self.run_command(lock_id, Command::Status, listener).await
    }

    /// Runs one command end to end. Refusals by the phone's own checks
    /// happen before any radio use; the lock's refusals come back as
    /// [`LatchkeyError::Refused`] after its answer was recorded.
    pub async fn run_command(
        &self,
        lock_id: LockId,
        command: Command,
        listener: &dyn ProgressListener,
    ) -> Result<CommandReport, LatchkeyError> {
        let started_at = self.clock.now_unix();
        let online = self.is_online();
        let store = self.store.clone();
        let holder = self.signer.public_key();
        let prepared = blocking(move || prepare(&store, lock_id, holder, started_at, online)).await;
        let prepared = match prepared {
            Ok(p) => p,
            Err(e) => {
                self.record_failure(Some(lock_id), &e, started_at).await;
                report_failure(listener, &e);
                return Err(e);
            }
        };
        let signer = self.signer.clone();
        let sign = move |m: &[u8]| -> Result<Signature, String> { signer.sign(m).map_err(|e| e.to_string()) };
        let input = AttemptInput {
            lock_id,
            lock_identity: prepared.meta.identity_key,
            cert: &prepared.key.key,
            sign: &sign,
            fast: prepared.fast.clone(),
            lock_has_cert: prepared.fast.is_some(),
            command,
            command_id: CommandId::random().map_err(|e| LatchkeyError::Storage(e.to_string()))?,
            housekeeping: HousekeepingPlan {
                revocations: prepared.revocations.clone(),
                time_token: prepared.time_token.clone(),
                phone_now: started_at,
                skew_threshold_s: SKEW_THRESHOLD_S,
                fetch_events: true,
                retry_after_time: None,
                event_cursor: prepared.event_cursor,
                pins: prepared.pins.clone(),
            },
            answer_timeout: Duration::from_secs(3),
        };
        let result = execute(self.transport.as_ref(), &input, &self.policy, listener).await;
        let finished_at = self.clock.now_unix();
        let outcome = match result {
            Ok(executed) => {
                let store = self.store.clone();
                let outbox = self.outbox.clone();
                blocking(move || record(&store, &outbox, &prepared, command, executed, started_at, finished_at))
                    .await
                    .and_then(|report| report.map_err(LatchkeyError::refused_by_lock))
            }
            Err(e) => {
                let e = LatchkeyError::from(e);
                self.record_attempt_failure(&prepared, command, &e, started_at, finished_at)
                    .await;
                Err(e)
            }
        };
        if let Err(e) = &outcome {
            report_failure(listener, e);
        }
        outcome
    }

    async fn record_failure(&self, lock_id: Option<LockId>, error: &LatchkeyError, at: u32) {
        let outbox = self.outbox.clone();
        let event = OutboxEvent::Failure {
            lock_id,
            diagnosis_code: error.diagnosis().as_str().to_string(),
            detail: error.to_string(),
            at,
        };
        // Diagnostics are best effort: a full outbox must not hide the
        // original error from the caller.
        let _ = blocking(move || outbox.append(event).map_err(|e| LatchkeyError::Storage(e.to_string()))).await;
    }

    async fn record_attempt_failure(
        &self,
        prepared: &Prepared,
        command: Command,
        error: &LatchkeyError,
        started_at: u32,
        finished_at: u32,
    ) {
        let outbox = self.outbox.clone();
        let attempt = OutboxEvent::UnlockAttempt {
            lock_id: prepared.meta.lock_id,
            key_id: Some(prepared.key.key.key_id()),
            command: command.name().to_string(),
            outcome: error.diagnosis().as_str().to_string(),
            fast_path: prepared.fast.is_some(),
            started_at,
            duration_ms: finished_at.saturating_sub(started_at).saturating_mul(1000),
        };
        let _ = blocking(move || {
            outbox
                .append(attempt)
                .map_err(|e| LatchkeyError::Storage(e.to_string()))
        })
        .await;
        self.record_failure(Some(prepared.meta.lock_id), error, finished_at)
            .await;
    }
}

fn report_failure(listener: &dyn ProgressListener, error: &LatchkeyError) {
    listener.on_progress(Progress::Failed {
        code: error.diagnosis(),
        reason: error.to_string(),
    });
}

fn prepare(
    store: &Store,
    lock_id: LockId,
    holder: latchkey_protocol::PublicKey,
    now: u32,
    online: bool,
) -> Result<Prepared, LatchkeyError> {
    let meta = store.locks().get_meta(&lock_id)?.ok_or_else(|| {
        LatchkeyError::refused_locally(
            DiagnosisCode::UnknownLock,
            "this phone has no record of that lock; sync first",
        )
    })?;
    let key = choose_key(store, &meta, holder, now, online)?;
    let key_id = key.key.key_id();
    let state = store.locks().state(&lock_id)?;
    // The counter is bumped durably before the request exists, so a crash
    // can never make the phone reuse one.
    let fast = match store.fast_keys().get(&lock_id, &key_id)? {
        Some(entry) => store
            .fast_keys()
            .next_counter(&lock_id, &key_id)?
            .map(|counter| (entry.key, counter, state.epoch.unwrap_or(0))),
        None => None,
    };
    let acked = state.revocation_ack.map(|a| a.seq).unwrap_or(0);
    let revocations = store
        .revocations()
        .for_lock(&lock_id, &meta.groups)?
        .into_iter()
        .max_by_key(|l| (l.lock_id == lock_id, l.seq))
        .filter(|l| l.seq > acked);
    let pins = super::pins::pins_to_carry(store, &lock_id, &state)?;
    let time_token = store.time_tokens().get(&lock_id)?;
    let event_cursor = state.epoch.map(|epoch| (state.event_cursor(epoch), epoch));
    Ok(Prepared {
        meta,
        key,
        fast,
        revocations,
        pins,
        time_token,
        event_cursor,
        known_epoch: state.epoch,
    })
}

/// The best usable key: for this holder, valid now by the phone's clock,
/// offline-allowed when offline; the longest-lived wins. When none is
/// usable, the error explains the most promising one.
fn choose_key(
    store: &Store,
    meta: &LockMeta,
    holder: latchkey_protocol::PublicKey,
    now: u32,
    online: bool,
) -> Result<StoredKey, LatchkeyError> {
    let mut candidates: Vec<StoredKey> = store
        .keys()
        .for_lock(&meta.lock_id, &meta.groups)?
        .into_iter()
        .filter(|k| k.key.grant.holder == holder)
        .collect();
    candidates.sort_by_key(|k| std::cmp::Reverse(k.key.grant.not_after));
    let check = |k: &StoredKey| {
        if online {
            k.key.check_time(now, meta.utc_offset_min).map_err(|code| match code {
                ResultCode::KeyNotYetValid => OfflineRefusal::NotYetValid {
                    not_before: k.key.grant.not_before,
                    now,
                },
                ResultCode::OutsideSchedule => OfflineRefusal::OutsideSchedule,
                _ => OfflineRefusal::Expired {
                    not_after: k.key.grant.not_after,
                    now,
                },
            })
        } else {
            offline_check(&k.key, now, meta.utc_offset_min)
        }
    };
    let mut first_refusal = None;
    for k in &candidates {
        match check(k) {
            Ok(()) => return Ok(k.clone()),
            Err(r) => {
                first_refusal.get_or_insert(r);
            }
        }
    }
    Err(match first_refusal {
        None => LatchkeyError::refused_locally(
            DiagnosisCode::NoKey,
            format!("this phone holds no key for {}", meta.name),
        ),
        Some(r) => {
            let code = match r {
                OfflineRefusal::NotOfflineAllowed => DiagnosisCode::KeyNotOfflineAllowed,
                OfflineRefusal::Expired { .. } => DiagnosisCode::KeyExpired,
                OfflineRefusal::NotYetValid { .. } => DiagnosisCode::KeyNotYetValid,
                OfflineRefusal::OutsideSchedule => DiagnosisCode::OutsideSchedule,
            };
            LatchkeyError::refused_locally(code, r.to_string())
        }
    })
}

/// Persists what the command learned; returns the report, or the lock's
/// refusal code.
fn record(
    store: &Store,
    outbox: &crate::outbox::Outbox,
    prepared: &Prepared,
    command: Command,
    executed: Executed,
    started_at: u32,
    finished_at: u32,
) -> Result<Result<CommandReport, ResultCode>, LatchkeyError> {
    let storage = |e: crate::outbox::OutboxError| LatchkeyError::Storage(e.to_string());
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
    if let (true, Some(previous_epoch)) = (reset, prepared.known_epoch) {
        events.push(OutboxEvent::LockResetDetected {
            lock_id,
            previous_epoch,
            new_epoch: epoch,
            at: finished_at,
        });
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
    super::pins::delivery_events(&mut events, lock_id, prepared.pins.as_ref(), hk, finished_at);
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
    outbox.append_batch(events).map_err(storage)?;

    if let Some((key, _epoch)) = &out.new_fast_key {
        store.fast_keys().put(&lock_id, &key_id, key.clone())?;
    } else if out.fast_key_lost {
        store.fast_keys().remove(&lock_id, &key_id)?;
    }
    let skew = i64::from(out.status.lock_time) - i64::from(finished_at);
    let events_collected: usize = hk.batches.iter().map(|b| b.events.len()).sum();
    store.locks().update_state(&lock_id, |s| {
        s.last_seen = Some(SeenAdvertisement {
            advertisement: executed.scanned.advertisement,
            rssi: executed.scanned.rssi,
            seen_at: started_at,
        });
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
        if let Some(last) = hk.batches.iter().filter_map(|b| b.events.last()).map(|e| e.seq).max() {
            s.advance_event_cursor(epoch, last);
        }
        super::pins::observe(s, hk, out.status.compact.faults, epoch, reset, finished_at);
    })?;
    if let Some(seq) = hk.pin_seq_acked {
        store.pins().record_ack(&lock_id, seq)?;
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
        housekeeping_error: hk.error.clone(),
    }))
}
