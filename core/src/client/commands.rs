//! unlock / lock / status on the client: prepare from the store (plan and
//! reserve the fast counter), run the command over the transport, then
//! record everything it learned (the steps are `crate::command`'s).

use super::{blocking, Locks};
use crate::changes::ChangeArea;
use crate::command::failure::{attempt_failure_events, failure_event, offline_unlock_failure, refusal, report_failure};
use crate::command::{exchange, CommandReport, Finished, Request};
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::outbox::OutboxEvent;
use crate::unlock::{ExecuteError, FirmwareStep, HousekeepingResult, ProgressListener};
use latchkey_protocol::{Command, CommandId, LockId};
use std::time::Duration;

use super::prepare::prepare;
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
        let outbox = self.0.outbox.clone();
        let quick = self.0.quick.clone();
        let holder = self.0.signer.public_key();
        let prepared = blocking(move || {
            let Some(quick) = quick else {
                return Ok((
                    prepare((&store, &outbox), lock_id, holder, command, started_at, online, None)?,
                    None,
                ));
            };
            // Held until the answer is recorded: no quick process talks to
            // the lock meanwhile, and what they recorded is taken in first.
            let guard = quick.guard(lock_id)?;
            if let Err(e) = quick.ingest(&store, &outbox, &guard) {
                log::warn!(target: "latchkey::quick", "taking in quick access's records failed: {e}");
            }
            let prepared = prepare(
                (&store, &outbox),
                lock_id,
                holder,
                command,
                started_at,
                online,
                Some((&quick, &guard)),
            )?;
            Ok((prepared, Some(guard)))
        })
        .await;
        let (prepared, guard) = match prepared {
            Ok(p) => p,
            Err(e) => {
                self.append_best_effort(vec![failure_event(Some(lock_id), &e, started_at)])
                    .await;
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
        let request = Request {
            prepared: &prepared,
            command,
            command_id,
            firmware,
            started_at,
        };
        let signer = Some(self.0.signer.clone());
        let result = exchange(self.0.transport.as_ref(), signer, request, &self.0.policy, listener).await;
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
                let quick = self.0.quick.clone();
                let earlier = executed.earlier_delivery.clone().filter(|_| command.actuates());
                blocking(move || {
                    let finished = Finished {
                        prepared: &prepared,
                        command,
                        executed: &executed,
                        started_at,
                        finished_at,
                    };
                    let recorded = record(&store, &outbox, &finished);
                    if let (Some(quick), Some(guard)) = (quick, guard) {
                        if let Err(e) = quick.publish(&store, &guard) {
                            log::warn!(target: "latchkey::quick", "updating the lock's quick-access file failed: {e}");
                        }
                    }
                    recorded
                })
                .await
                .and_then(|report| report.map_err(|code| refusal(code, earlier)))
            }
            Err(e) => {
                if let ExecuteError::Unclaimed(scanned) = &e {
                    let (store, outbox, scanned) = (self.0.store.clone(), self.0.outbox.clone(), scanned.clone());
                    let known = prepared.known_epoch;
                    // Best effort, like the failure events below.
                    let _ = blocking(move || {
                        super::record::record_unclaimed(&store, &outbox, lock_id, known, &scanned, finished_at)
                    })
                    .await;
                }
                let e = LatchkeyError::from(e);
                let events = attempt_failure_events(&prepared, command, &e, started_at, finished_at);
                self.append_best_effort(events).await;
                if command == Command::Unlock && !prepared.online {
                    self.record_offline_unlock_failure(lock_id, &e, finished_at).await;
                }
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
        let record = offline_unlock_failure(error, at);
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
