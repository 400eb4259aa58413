//! Running a command against a lock: find it, connect, one round trip,
//! follow-on work, and an honest answer when the connection drops.
//!
//! A dropped connection after the request was written never causes a
//! second actuation: the retry carries the same command id (and, for FAST,
//! the same counter), so the lock answers with its stored outcome. When the
//! lock cannot be reached again, the result says the lock may have acted.

mod attempt;
mod auth;
mod engine;
mod fast;
mod housekeeping;
mod progress;
mod status;

pub use attempt::{AttemptError, AttemptInput, SignFn};
pub use engine::{run_attempt, AttemptOutcome};
pub use housekeeping::{HousekeepingPlan, HousekeepingResult};
pub use progress::{NoProgress, Progress, ProgressListener, UnlockPath};
pub use status::StatusView;

use crate::error::{DiagnosisCode, LatchkeyError};
use crate::transport::{FrameLink, ScanFilter, ScannedLock, Transport, TransportError};
use std::time::Duration;

/// Timeouts and retry policy for one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandPolicy {
    /// How long to look for the lock.
    pub scan_timeout: Duration,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// Attempts in all (the first plus retries after a lost connection).
    pub max_attempts: u32,
}

impl Default for CommandPolicy {
    fn default() -> Self {
        Self {
            scan_timeout: Duration::from_secs(8),
            connect_timeout: Duration::from_secs(5),
            max_attempts: 3,
        }
    }
}

/// A finished command, with where and how it ran.
#[derive(Debug, Clone)]
pub struct Executed {
    /// What the lock answered and what the session achieved.
    pub outcome: AttemptOutcome,
    /// The advertisement answered.
    pub scanned: ScannedLock,
    /// Attempts used (1 unless the connection dropped).
    pub attempts: u32,
}

/// Why a command produced no answer.
#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    /// The lock could not be reached; the request never reached it.
    #[error("{0}")]
    Unreachable(TransportError),
    /// The request reached the lock (or may have) but no answer came back,
    /// even after reconnecting: the lock may have acted.
    #[error("no answer after the request reached the lock ({last}): it may have acted")]
    OutcomeUnknown {
        /// The last failure.
        last: TransportError,
    },
    /// Anything else from the attempt.
    #[error(transparent)]
    Attempt(AttemptError),
}

/// Finds the lock, connects and runs the command, retrying after a lost
/// connection with the same command id.
pub async fn execute(
    transport: &dyn Transport,
    input: &AttemptInput<'_>,
    policy: &CommandPolicy,
    listener: &dyn ProgressListener,
) -> Result<Executed, ExecuteError> {
    let filter = ScanFilter {
        short_lock_id: Some(input.lock_id.short()),
        first_match: true,
    };
    let mut maybe_acted = false;
    let mut last_error = TransportError::NotFound(policy.scan_timeout);
    for attempt in 1..=policy.max_attempts.max(1) {
        if attempt > 1 {
            listener.on_progress(Progress::Retrying { attempt });
        }
        listener.on_progress(Progress::Scanning);
        let scanned = match transport.scan(&filter, policy.scan_timeout).await {
            Ok(found) => match found.into_iter().max_by_key(|s| s.rssi) {
                Some(s) => s,
                None => {
                    last_error = TransportError::NotFound(policy.scan_timeout);
                    continue;
                }
            },
            // Permission or adapter problems will not fix themselves.
            Err(
                e @ (TransportError::BluetoothOff
                | TransportError::Blocked(_)
                | TransportError::NotReady(_)
                | TransportError::PermissionDenied(_)
                | TransportError::Unavailable(_)),
            ) => return Err(fail(e, maybe_acted)),
            Err(e) => {
                last_error = e;
                continue;
            }
        };
        listener.on_progress(Progress::Connecting { rssi: scanned.rssi });
        let link = match transport.connect(&scanned.address, policy.connect_timeout).await {
            Ok(link) => link,
            Err(e) => {
                last_error = e;
                continue;
            }
        };
        let mut link = FrameLink::new(link);
        let result = run_attempt(&mut link, &scanned.advertisement, input, listener).await;
        link.close().await;
        match result {
            Ok(outcome) => {
                return Ok(Executed {
                    outcome,
                    scanned,
                    attempts: attempt,
                })
            }
            Err(AttemptError::Transport { error, delivered }) => {
                maybe_acted |= delivered;
                last_error = error;
            }
            Err(other) => return Err(ExecuteError::Attempt(other)),
        }
    }
    Err(fail(last_error, maybe_acted))
}

fn fail(last: TransportError, maybe_acted: bool) -> ExecuteError {
    if maybe_acted {
        ExecuteError::OutcomeUnknown { last }
    } else {
        ExecuteError::Unreachable(last)
    }
}

impl From<ExecuteError> for LatchkeyError {
    fn from(e: ExecuteError) -> Self {
        match e {
            ExecuteError::Unreachable(t) => t.into(),
            ExecuteError::OutcomeUnknown { last } => Self::OutcomeUnknown {
                detail: last.to_string(),
            },
            ExecuteError::Attempt(a) => a.into(),
        }
    }
}

impl From<AttemptError> for LatchkeyError {
    fn from(e: AttemptError) -> Self {
        match e {
            AttemptError::Transport { error, delivered: true } => Self::OutcomeUnknown {
                detail: error.to_string(),
            },
            AttemptError::Transport { error, .. } => error.into(),
            AttemptError::NotAuthentic(p) => Self::Lock {
                code: DiagnosisCode::LockNotAuthentic,
                detail: format!("the lock's answer is not authentic: {p}"),
            },
            AttemptError::BadAnswer(s) => Self::Lock {
                code: DiagnosisCode::ProtocolMismatch,
                detail: s,
            },
            AttemptError::Signer(s) => Self::Storage(format!("holder signer: {s}")),
        }
    }
}
