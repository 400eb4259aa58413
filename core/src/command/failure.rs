//! A command that failed, whoever ran it: the events that record it, the
//! offline-unlock record the readiness check reads, the lock's refusal
//! worded for the person, and the listener's last progress step.

use super::plan::Prepared;
use crate::error::LatchkeyError;
use crate::outbox::OutboxEvent;
use crate::store::UnlockRecord;
use crate::unlock::{Progress, ProgressListener};
use latchkey_protocol::{Command, LockId, ResultCode};

/// A `failure` event for `error`.
pub(crate) fn failure_event(lock_id: Option<LockId>, error: &LatchkeyError, at: u32) -> OutboxEvent {
    OutboxEvent::Failure {
        lock_id,
        diagnosis_code: error.diagnosis().as_str().to_string(),
        detail: error.to_string(),
        at,
    }
}

/// The attempt and its failure: what a command that reached the radio
/// and failed queues.
pub(crate) fn attempt_failure_events(
    prepared: &Prepared,
    command: Command,
    error: &LatchkeyError,
    started_at: u32,
    finished_at: u32,
) -> Vec<OutboxEvent> {
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
    vec![attempt, failure_event(Some(lock_id), error, finished_at)]
}

/// How a failed unlock while offline is remembered for the readiness
/// check (the recorded path covers unlocks the lock answered).
pub(crate) fn offline_unlock_failure(error: &LatchkeyError, at: u32) -> UnlockRecord {
    UnlockRecord {
        at,
        succeeded: false,
        diagnosis: Some(error.diagnosis()),
    }
}

/// The lock's refusal; when an earlier attempt's request may have reached
/// it, the refusal (made after that) can't say whether that one acted.
pub(crate) fn refusal(code: ResultCode, earlier_delivery: Option<String>) -> LatchkeyError {
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

/// The listener's last step when a command fails (local refusals
/// included), with the same diagnosis as the error.
pub(crate) fn report_failure(listener: &dyn ProgressListener, error: &LatchkeyError) {
    listener.on_progress(Progress::Failed {
        code: error.diagnosis(),
        reason: error.to_string(),
    });
}
