//! unlock / lock / status on the client: prepare from the store (plan and
//! reserve the fast counter), run the command over the transport, then
//! record everything it learned (the steps are `crate::command`'s).

use super::{blocking, Locks};
use crate::command::failure::{attempt_failure_events, failure_event, offline_unlock_failure, refusal, report_failure};
use crate::command::{exchange, CommandReport, Finished};
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::outbox::OutboxEvent;
use crate::unlock::ProgressListener;
use latchkey_protocol::{Command, LockId};
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
        let started_at = self.0.clock.now_unix();
        let online = self.0.is_online();
        log::debug!(target: "latchkey::command", "{} {lock_id} (online: {online})", command.name());
        let store = self.0.store.clone();
        let outbox = self.0.outbox.clone();
        let quick = self.0.quick.clone();
        let holder = self.0.signer.public_key();
        let prepared = blocking(move || {
            let Some(quick) = quick else {
                return Ok((prepare(&store, lock_id, holder, started_at, online, None)?, None));
            };
            // Held until the answer is recorded: no quick process talks to
            // the lock meanwhile, and what they recorded is taken in first.
            let guard = quick.guard(lock_id)?;
            if let Err(e) = quick.ingest(&store, &outbox, &guard) {
                log::warn!(target: "latchkey::quick", "taking in quick access's records failed: {e}");
            }
            let prepared = prepare(&store, lock_id, holder, started_at, online, Some((&quick, &guard)))?;
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
                return Err(e);
            }
        };
        let signer = Some(self.0.signer.clone());
        let transport = self.0.transport.as_ref();
        let result = exchange(
            transport,
            signer,
            &prepared,
            command,
            &self.0.policy,
            listener,
            started_at,
        )
        .await;
        let finished_at = self.0.clock.now_unix();
        let outcome = match result {
            Ok(executed) => {
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
                let events = attempt_failure_events(&prepared, command, &e, started_at, finished_at);
                self.append_best_effort(events).await;
                if command == Command::Unlock && !prepared.online {
                    self.record_offline_unlock_failure(lock_id, &e, finished_at).await;
                }
                Err(e)
            }
        };
        match &outcome {
            Ok(r) => log::info!(
                target: "latchkey::command",
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
        // The command queued events: a running sync loop uploads them.
        if let Some(engine) = self.0.sync.get() {
            engine.notify_new_events();
        }
        outcome
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
