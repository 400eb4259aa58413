//! What the client remembers for this process about each lock: how the
//! last command on it ended. Diagnostics hand it to the rules as "what the
//! person just saw" (a refusal a minute ago explains more than the store
//! can), whatever front end ran the command.

use super::CommandReport;
use crate::error::LatchkeyError;
use latchkey_protocol::LockId;
use std::collections::HashMap;
use std::sync::Mutex;

/// How the last command on one lock ended, and when (phone clock, unix s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastOutcome {
    /// The lock answered `ok`.
    Succeeded(Box<CommandReport>, u32),
    /// The command failed.
    Failed(LatchkeyError, u32),
}

/// The last outcome per lock (in memory only: a new process starts with
/// none, and the store's records cover what must survive).
#[derive(Debug, Default)]
pub(crate) struct LockMemory {
    outcomes: Mutex<HashMap<LockId, LastOutcome>>,
}

impl LockMemory {
    /// Records how the last command on `lock_id` ended, at `at`.
    pub(crate) fn record(&self, lock_id: LockId, outcome: &Result<CommandReport, LatchkeyError>, at: u32) {
        let last = match outcome {
            Ok(report) => LastOutcome::Succeeded(Box::new(report.clone()), at),
            Err(e) => LastOutcome::Failed(e.clone(), at),
        };
        self.outcomes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(lock_id, last);
    }

    /// How the last command on `lock_id` ended, if one ran.
    pub(crate) fn last(&self, lock_id: &LockId) -> Option<LastOutcome> {
        self.outcomes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(lock_id)
            .cloned()
    }
}
