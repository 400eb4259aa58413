//! unlock / lock / status: choose the key, reserve the fast counter, run
//! the command over the transport, then record everything it learned.

use super::{blocking, CommandReport, Locks, SKEW_THRESHOLD_S};
use crate::changes::ChangeArea;
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::outbox::OutboxEvent;
use crate::store::UnlockRecord;
use crate::unlock::{
    execute, AttemptInput, ExecuteError, FirmwareStep, HousekeepingPlan, HousekeepingResult, Progress,
    ProgressListener, SignFuture,
};
use latchkey_protocol::{Command, CommandId, LockId};
use std::time::Duration;

use super::prepare::{prepare, Prepared};
use super::record::record;

impl Locks<'_> {
    /// Looks for latchkey locks in range (a technician's scan; commands
    /// scan by themselves).
    pub async fn scan(
        &self,
        filter: &crate::transport::ScanFilter,
        timeout: Duration,
    ) -> Result<Vec<crate::transport::ScannedLock>, LatchkeyError> {
        Ok(self.0.transport.scan(filter, timeout).await?)
    }

    /// How the last command on `lock_id` ended in this process, if one ran.
    pub fn last_outcome(&self, lock_id: &LockId) -> Option<super::LastOutcome> {
        self.0.memory.last(lock_id)
    }

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

    /// Unlocks and pulls the latch, so the door swings open. A key whose
    /// role may not (a service key) is refused before the radio with
    /// [`DiagnosisCode::RoleNotAllowed`], as the lock would refuse it.
    pub async fn unlatch(
        &self,
        lock_id: LockId,
        listener: &dyn ProgressListener,
    ) -> Result<CommandReport, LatchkeyError> {
        self.run_command(lock_id, Command::Unlatch, listener).await
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
        self.run(lock_id, command, None, listener).await.0
    }

    /// [`Locks::run_command`] with firmware work in the session; also
    /// returns, for a firmware step, what the session did (its findings,
    /// and what it put back).
    pub(super) async fn run(
        &self,
        lock_id: LockId,
        command: Command,
        firmware: Option<FirmwareStep>,
        listener: &dyn ProgressListener,
    ) -> (Result<CommandReport, LatchkeyError>, Option<HousekeepingResult>) {
        if let Err(e) = self.0.ensure_signed_in() {
            return (Err(e), None);
        }
        let started_at = self.0.clock.now_unix();
        let firmware_step = firmware.is_some();
        let online = self.0.is_online();
        crate::log_line!(Debug, target: "latchkey::command", "{} {lock_id} (online: {online})", command.name());
        let store = self.0.store.clone();
        let holder = self.0.signer.public_key();
        let prepared = blocking(move || prepare(&store, lock_id, holder, command, started_at, online)).await;
        let prepared = match prepared {
            Ok(p) => p,
            Err(e) => {
                self.record_failure(Some(lock_id), &e, started_at).await;
                if command == Command::Unlock && !online && e.diagnosis() != DiagnosisCode::UnknownLock {
                    self.record_offline_unlock_failure(lock_id, &e, started_at).await;
                }
                report_failure(listener, &e);
                // A refusal before the radio is the last outcome too: the
                // diagnostics and a lock's live view explain it (a service
                // key's unlatch shows nothing a stored key's state can).
                let e = Err(e);
                self.0.memory.record(lock_id, &e, started_at);
                self.0.store.changes().touch(ChangeArea::Commands);
                return (e, None);
            }
        };
        let command_id = match CommandId::random() {
            Ok(id) => id,
            Err(e) => return (Err(LatchkeyError::crypto(e)), None),
        };
        let signer = self.0.signer.clone();
        // On the blocking pool: a hardware signer can take a while, and
        // the command's future may be polled on the app's main thread.
        let sign = move |message: Vec<u8>| -> SignFuture {
            let signer = signer.clone();
            Box::pin(async move {
                match blocking(move || Ok(signer.sign(&message))).await {
                    Ok(signed) => signed.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            })
        };
        let input = AttemptInput {
            lock_id,
            lock_identity: prepared.meta.identity_key,
            cert: &prepared.key.key,
            sign: &sign,
            fast: prepared.fast.clone(),
            lock_has_cert: prepared.fast.is_some(),
            command,
            command_id,
            housekeeping: HousekeepingPlan {
                revocations: prepared.revocations.clone(),
                time_token: prepared.time_token.clone(),
                phone_now: started_at,
                skew_threshold_s: SKEW_THRESHOLD_S,
                fetch_events: true,
                retry_after_time: None,
                event_cursor: prepared.event_cursor,
                pins: prepared.pins.clone(),
                pins_if_asked: prepared.pins_held.clone(),
                firmware,
            },
            answer_timeout: Duration::from_secs(3),
        };
        let result = execute(self.0.transport.as_ref(), &input, &self.0.policy, listener).await;
        let finished_at = self.0.clock.now_unix();
        let mut session = None;
        let outcome = match result {
            Ok(executed) => {
                if firmware_step {
                    // What the firmware flows read, without the session's batches.
                    let done = &executed.outcome.housekeeping;
                    session = Some(HousekeepingResult {
                        firmware: done.firmware.clone(),
                        pin_seq_acked: done.pin_seq_acked,
                        revocation_seq_acked: done.revocation_seq_acked,
                        time_set: done.time_set,
                        ..HousekeepingResult::default()
                    });
                }
                let store = self.0.store.clone();
                let outbox = self.0.outbox.clone();
                let earlier = executed.earlier_delivery.clone().filter(|_| command.actuates());
                blocking(move || record(&store, &outbox, &prepared, command, executed, started_at, finished_at))
                    .await
                    .and_then(|report| report.map_err(|code| refusal(code, earlier)))
            }
            Err(e) => {
                if let ExecuteError::Unclaimed(scanned) = &e {
                    let (store, outbox, scanned) = (self.0.store.clone(), self.0.outbox.clone(), scanned.clone());
                    let known = prepared.known_epoch;
                    // Best effort, like the failure event below.
                    let _ = blocking(move || {
                        super::record::record_unclaimed(&store, &outbox, lock_id, known, &scanned, finished_at)
                    })
                    .await;
                }
                let e = LatchkeyError::from(e);
                self.record_attempt_failure(&prepared, command, &e, started_at, finished_at)
                    .await;
                Err(e)
            }
        };
        match &outcome {
            Ok(r) => crate::log_line!(Info, target: "latchkey::command",
                "{} {lock_id}: ok via {} in {} ms ({} attempt(s))",
                command.name(),
                r.path.name(),
                r.latency_ms,
                r.attempts
            ),
            Err(e) => {
                log::warn!(target: "latchkey::command", "{} {lock_id} failed ({}): {e}", command.name(), e.diagnosis());
                report_failure(listener, e);
            }
        }
        self.0.memory.record(lock_id, &outcome, self.0.clock.now_unix());
        self.0.store.changes().touch(ChangeArea::Commands);
        // The command queued events: a running sync loop uploads them.
        if let Some(engine) = self.0.sync.get() {
            engine.notify_new_events();
        }
        (outcome, session)
    }

    async fn record_failure(&self, lock_id: Option<LockId>, error: &LatchkeyError, at: u32) {
        self.append_best_effort(vec![failure_event(lock_id, error, at)]).await;
    }

    /// The attempt and its failure, in one flushed append.
    async fn record_attempt_failure(
        &self,
        prepared: &Prepared,
        command: Command,
        error: &LatchkeyError,
        started_at: u32,
        finished_at: u32,
    ) {
        let lock_id = prepared.meta.lock_id;
        let attempt = OutboxEvent::UnlockAttempt {
            lock_id,
            key_id: Some(prepared.key.key.key_id()),
            command: command.name().to_string(),
            outcome: error.diagnosis().as_str().to_string(),
            fast_path: prepared.fast.is_some(),
            started_at,
            duration_ms: finished_at.saturating_sub(started_at).saturating_mul(1000),
        };
        let failure = failure_event(Some(lock_id), error, finished_at);
        self.append_best_effort(vec![attempt, failure]).await;
        if command == Command::Unlock && !prepared.online {
            self.record_offline_unlock_failure(lock_id, error, finished_at).await;
        }
    }

    /// Diagnostics are best effort: a full outbox must not hide the
    /// original error from the caller.
    async fn append_best_effort(&self, events: Vec<OutboxEvent>) {
        let outbox = self.0.outbox.clone();
        let _ = blocking(move || outbox.append_batch(events).map_err(LatchkeyError::from)).await;
    }

    /// Remembers a failed offline unlock for the readiness check (the
    /// recorded path covers unlocks the lock answered).
    async fn record_offline_unlock_failure(&self, lock_id: LockId, error: &LatchkeyError, at: u32) {
        let store = self.0.store.clone();
        let record = UnlockRecord {
            at,
            succeeded: false,
            diagnosis: Some(error.diagnosis()),
        };
        // Best effort, like the failure event: the caller gets the original error.
        let _ = blocking(move || {
            store
                .locks()
                .update_state(&lock_id, |s| s.last_offline_unlock = Some(record))?;
            Ok(())
        })
        .await;
    }
}

/// The lock's refusal; when an earlier attempt's request may have reached
/// it, the refusal (made after that) can't say whether that one acted.
fn refusal(code: latchkey_protocol::ResultCode, earlier_delivery: Option<String>) -> LatchkeyError {
    let refused = LatchkeyError::refused_by_lock(code);
    match (refused, earlier_delivery) {
        (
            LatchkeyError::Refused {
                code,
                lock_result,
                reason,
            },
            Some(earlier),
        ) => LatchkeyError::Refused {
            code,
            lock_result,
            reason: format!(
                "{reason}; an earlier try reached the lock before this refusal ({earlier}) and may have been \
                 carried out: check the door"
            ),
        },
        (refused, _) => refused,
    }
}

fn failure_event(lock_id: Option<LockId>, error: &LatchkeyError, at: u32) -> OutboxEvent {
    OutboxEvent::Failure {
        lock_id,
        diagnosis_code: error.diagnosis().as_str().to_string(),
        detail: error.to_string(),
        at,
    }
}

fn report_failure(listener: &dyn ProgressListener, error: &LatchkeyError) {
    listener.on_progress(Progress::Failed {
        code: error.diagnosis(),
        reason: error.to_string(),
    });
}
