//! Running a command against a lock: find it, connect, one round trip,
//! follow-on work, and an honest answer when the connection drops.
//!
//! A dropped connection after the request was written never causes a
//! second actuation: the retry carries the same command id (and, for FAST,
//! the same counter), so the lock answers with its stored outcome. An
//! answer that arrives but can't be decoded or doesn't authenticate is
//! treated the same way (the lock may have acted on the request it
//! answered): reconnect and ask again. When no trustworthy answer comes
//! back, the result says the lock may have acted.

mod attempt;
mod auth;
mod engine;
mod fast;
mod firmware_step;
mod housekeeping;
mod progress;
mod session_call;
mod status;

pub(crate) use firmware_step::{FirmwareOutcome, FirmwareStep};
pub use progress::{NoProgress, Progress, ProgressListener, UnlockPath};

// The engine itself is the client's business: apps call
// `Client::unlock`. Its parts are public only to the unlock benchmark,
// which measures one attempt alone (feature `bench`, hidden from docs).
#[cfg(feature = "bench")]
#[doc(hidden)]
pub use {
    attempt::{AttemptError, AttemptInput, SignFn, SignFuture},
    engine::{run_attempt, AttemptOutcome},
    housekeeping::{HousekeepingPlan, HousekeepingResult},
    status::StatusView,
};
#[cfg(not(feature = "bench"))]
pub(crate) use {
    attempt::{AttemptError, AttemptInput, SignFuture},
    engine::{run_attempt, AttemptOutcome},
    housekeeping::{HousekeepingPlan, HousekeepingResult},
};

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
pub(crate) struct Executed {
    /// What the lock answered and what the session achieved.
    pub outcome: AttemptOutcome,
    /// The advertisement answered.
    pub scanned: ScannedLock,
    /// Attempts used (1 unless the connection dropped).
    pub attempts: u32,
    /// What went wrong after an earlier attempt's request reached the lock
    /// (or may have). The lock checks credentials before it looks up a
    /// stored outcome, so a key that stopped being valid in between gets a
    /// refusal rather than the earlier command's outcome: that command may
    /// still have been carried out.
    pub earlier_delivery: Option<String>,
}

/// Why a command produced no answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExecuteError {
    /// The lock could not be reached; the request never reached it.
    #[error("{0}")]
    Unreachable(TransportError),
    /// The request reached the lock (or may have) but no answer the phone
    /// could trust came back, even after reconnecting: the lock may have
    /// acted.
    #[error("no trustworthy answer after the request reached the lock ({last}): it may have acted")]
    OutcomeUnknown {
        /// What went wrong after delivery, and the last failure if later
        /// attempts failed differently.
        last: String,
    },
    /// Every answer after the request was delivered decoded but failed its
    /// signature or MAC check, on every attempt: the device answering is
    /// not the lock the phone knows (another lock, a replaced one, or an
    /// impostor). If it is the right lock after all, it may have acted.
    #[error("the lock's answer is not authentic on any attempt ({last}); if this is your lock, it may have acted")]
    NotAuthentic {
        /// The last verification failure.
        last: String,
    },
    /// The lock has no owner (new, or factory reset): no key means
    /// anything to it until an owner sets it up again. Nothing was sent,
    /// or the lock checked nothing.
    #[error("the lock has no owner: it is new or was factory reset")]
    Unclaimed(Box<ScannedLock>),
    /// Every attempt found the lock busy turning away requests that prove
    /// no key (and none reached it before): nothing happened at the door.
    #[error("the lock kept refusing to check the request for now (a burst of failed or junk requests nearby); try again in a few seconds")]
    LockBusy,
    /// Anything else from the attempt.
    #[error(transparent)]
    Attempt(AttemptError),
}

/// Finds the lock, connects and runs the command, retrying after a lost
/// connection with the same command id.
pub(crate) async fn execute(
    transport: &dyn Transport,
    input: &AttemptInput<'_>,
    policy: &CommandPolicy,
    listener: &dyn ProgressListener,
) -> Result<Executed, ExecuteError> {
    let filter = ScanFilter {
        short_lock_id: Some(input.lock_id.short()),
        first_match: true,
    };
    let mut delivered = AfterDelivery::default();
    let mut last_error = TransportError::NotFound(policy.scan_timeout);
    let mut busy = false;
    for attempt in 1..=policy.max_attempts.max(1) {
        if attempt > 1 {
            listener.on_progress(Progress::Retrying { attempt });
        }
        listener.on_progress(Progress::Scanning);
        busy = false;
        let scanned = match transport.scan(&filter, policy.scan_timeout).await {
            Ok(found) => match found.into_iter().max_by_key(|s| s.rssi) {
                Some(s) => s,
                None => {
                    last_error = TransportError::NotFound(policy.scan_timeout);
                    delivered.no_answer(&last_error);
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
            ) => {
                delivered.no_answer(&e);
                return Err(delivered.fail(e));
            }
            Err(e) => {
                delivered.no_answer(&e);
                last_error = e;
                continue;
            }
        };
        if scanned.advertisement.has(latchkey_protocol::Advertisement::UNCLAIMED) {
            return Err(ExecuteError::Unclaimed(Box::new(scanned)));
        }
        listener.on_progress(Progress::Connecting { rssi: scanned.rssi });
        let link = match transport.connect(&scanned.address, policy.connect_timeout).await {
            Ok(link) => link,
            Err(e) => {
                delivered.no_answer(&e);
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
                    earlier_delivery: delivered.first,
                })
            }
            Err(AttemptError::Transport { error, delivered: sent }) => {
                if sent {
                    delivered.lost(&error);
                } else {
                    delivered.no_answer(&error);
                }
                last_error = error;
            }
            // The lock may have acted on the request this answers: ask
            // again by command id, as after a lost answer.
            Err(AttemptError::UntrustedAnswer { reason, forged }) => delivered.untrusted(reason, forged),
            Err(AttemptError::Unclaimed) => return Err(ExecuteError::Unclaimed(Box::new(scanned))),
            // Nothing was checked, so nothing happened: try again.
            Err(AttemptError::LockBusy) => {
                busy = true;
                delivered.busy();
            }
            Err(other) => return Err(ExecuteError::Attempt(other)),
        }
    }
    if busy && delivered.first.is_none() {
        return Err(ExecuteError::LockBusy);
    }
    Err(delivered.fail(last_error))
}

/// What happened from the first attempt whose request may have reached the
/// lock on: whether it may have acted, and how to say what went wrong.
#[derive(Default)]
struct AfterDelivery {
    /// The first failure after a delivery (none: nothing reached the lock).
    first: Option<String>,
    /// The latest failure since.
    latest: Option<String>,
    /// Every attempt since the first delivery ended in an answer that
    /// decoded but failed its signature or MAC check.
    every_answer_forged: bool,
}

impl AfterDelivery {
    fn note(&mut self, what: String, forged: bool) {
        if self.first.is_none() {
            self.first = Some(what.clone());
            self.every_answer_forged = forged;
        } else {
            self.every_answer_forged &= forged;
        }
        self.latest = Some(what);
    }

    /// The request reached the lock (or may have) and the answer was lost.
    fn lost(&mut self, error: &TransportError) {
        self.note(error.to_string(), false);
    }

    /// An attempt that got no answer to judge (after a delivery, it still
    /// counts against "every answer was forged").
    fn no_answer(&mut self, error: &TransportError) {
        if self.first.is_some() {
            self.note(error.to_string(), false);
        }
    }

    /// The lock took the request unchecked (after a delivery, it still
    /// counts against "every answer was forged").
    fn busy(&mut self) {
        if self.first.is_some() {
            self.note("the lock was busy and checked nothing".into(), false);
        }
    }

    /// An answer came back but can't be trusted.
    fn untrusted(&mut self, reason: String, forged: bool) {
        self.note(format!("the lock's answer can't be trusted: {reason}"), forged);
    }

    fn fail(self, last: TransportError) -> ExecuteError {
        let Some(first) = self.first else {
            return ExecuteError::Unreachable(last);
        };
        let latest = self.latest.unwrap_or_default();
        if self.every_answer_forged {
            return ExecuteError::NotAuthentic { last: latest };
        }
        ExecuteError::OutcomeUnknown {
            last: if latest == first || latest.is_empty() {
                first
            } else {
                format!("{first}; then {latest}")
            },
        }
    }
}

impl From<ExecuteError> for LatchkeyError {
    fn from(e: ExecuteError) -> Self {
        match e {
            ExecuteError::Unreachable(t) => t.into(),
            ExecuteError::OutcomeUnknown { last } => Self::OutcomeUnknown { detail: last },
            ExecuteError::Unclaimed(_) => unclaimed(),
            e @ ExecuteError::NotAuthentic { .. } => Self::Lock {
                code: DiagnosisCode::LockNotAuthentic,
                detail: e.to_string(),
            },
            e @ ExecuteError::LockBusy => Self::Lock {
                code: DiagnosisCode::LockBusy,
                detail: e.to_string(),
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
            AttemptError::UntrustedAnswer { reason, .. } => Self::OutcomeUnknown {
                detail: format!("the lock's answer can't be trusted: {reason}"),
            },
            AttemptError::NotAuthentic(p) => Self::Lock {
                code: DiagnosisCode::LockNotAuthentic,
                detail: format!(
                    "the lock's answer verified, but the keys it carries could not be derived ({p}); \
                     the lock may have acted: check the door"
                ),
            },
            AttemptError::BadAnswer(s) => Self::Lock {
                code: DiagnosisCode::ProtocolMismatch,
                detail: s,
            },
            e @ AttemptError::LockBusy => Self::Lock {
                code: DiagnosisCode::LockBusy,
                detail: e.to_string(),
            },
            AttemptError::Unclaimed => unclaimed(),
            AttemptError::Signer(s) => Self::PhoneKey {
                detail: format!("the holder key could not sign: {s}"),
            },
            AttemptError::Crypto(s) => Self::Internal { detail: s },
        }
    }
}

/// A lock with no owner, in plain words: what stopped working and who can
/// bring it back.
fn unclaimed() -> LatchkeyError {
    LatchkeyError::Refused {
        code: DiagnosisCode::LockUnclaimed,
        lock_result: Some(latchkey_protocol::ResultCode::LockUnclaimed),
        reason: "the lock has no owner: it is new, or it was factory reset and forgot its owner, so fast keys, \
                 keypad PINs and guests' offline keys stopped working; an owner sets it up again with the setup \
                 code on its label"
            .into(),
    }
}
