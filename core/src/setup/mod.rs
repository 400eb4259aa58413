//! Setting a lock up from the phone: claiming a new lock, and
//! re-commissioning one after a factory reset (the same exchange, with
//! what the phone already knows of the lock). The phone proves it holds
//! the setup secret printed on the lock's label; the lock proves the same
//! and signs a receipt the cloud registers it with once the phone is next
//! online. No network is needed at the door.
//!
//! Finding the lock and connecting are retried like a command's; a claim
//! that fails before `finish` left the lock as it was and is simply run
//! again. If the answer to `finish` is lost, the lock may be set up: the
//! error says so.

mod exchange;
mod plan;

pub(crate) use exchange::Claimed;
pub(crate) use plan::{SetupError, SetupPlan};

use crate::error::{DiagnosisCode, LatchkeyError};
use crate::transport::{FrameLink, ScanFilter, Transport, TransportError};
use crate::unlock::{CommandPolicy, Progress, ProgressListener};
use latchkey_protocol::ResultCode;
use std::time::Duration;

/// Finds the lock on the label, connects and claims it, retrying a lost
/// connection as long as `finish` can't have reached the lock.
pub(crate) async fn run(
    transport: &dyn Transport,
    plan: &SetupPlan,
    policy: &CommandPolicy,
    listener: &dyn ProgressListener,
) -> Result<Claimed, LatchkeyError> {
    let filter = ScanFilter {
        short_lock_id: Some(plan.code.lock_id.short()),
        first_match: true,
    };
    let mut last = TransportError::NotFound(policy.scan_timeout);
    for attempt in 1..=policy.max_attempts.max(1) {
        if attempt > 1 {
            listener.on_progress(Progress::Retrying { attempt });
        }
        listener.on_progress(Progress::Scanning);
        let found = match transport.scan(&filter, policy.scan_timeout).await {
            Ok(found) => found.into_iter().max_by_key(|s| s.rssi),
            Err(TransportError::Timeout(_) | TransportError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let Some(scanned) = found else {
            continue;
        };
        listener.on_progress(Progress::Connecting { rssi: scanned.rssi });
        let link = match transport.connect(&scanned.address, policy.connect_timeout).await {
            Ok(link) => link,
            Err(e) => {
                last = e;
                continue;
            }
        };
        let mut link = FrameLink::new(link);
        let result = exchange::claim(&mut link, plan, listener, Duration::from_secs(5)).await;
        link.close().await;
        match result {
            Err(SetupError::Lost {
                error,
                committing: false,
            }) => last = error,
            other => return other.map_err(LatchkeyError::from),
        }
    }
    Err(last.into())
}

impl From<SetupError> for LatchkeyError {
    fn from(e: SetupError) -> Self {
        let refused = |code, lock_result, reason: String| LatchkeyError::Refused {
            code,
            lock_result,
            reason,
        };
        match e {
            SetupError::Lost {
                committing: true,
                error,
            } => LatchkeyError::OutcomeUnknown {
                detail: format!(
                    "the answer to the last step of the setup was lost ({error}): the lock may be set up; scan for it \
                     and, if it no longer shows as unclaimed, it is"
                ),
            },
            SetupError::Lost { error, .. } => error.into(),
            SetupError::AlreadyClaimed { same_issuer: true } => refused(
                DiagnosisCode::LockRefused,
                Some(ResultCode::AlreadyClaimed),
                "this lock is already set up for your account (by another phone, or an earlier try whose answer \
                 was lost); sync to get its details"
                    .into(),
            ),
            SetupError::AlreadyClaimed { same_issuer: false } => refused(
                DiagnosisCode::LockClaimedElsewhere,
                Some(ResultCode::AlreadyClaimed),
                "this lock belongs to another account; its owner has to reset it before it can be set up".into(),
            ),
            SetupError::NeedsNewerList { floor, held } => refused(
                DiagnosisCode::SetupIncomplete,
                Some(ResultCode::RevocationListOutdated),
                format!(
                    "the lock held revocation list {floor} before its reset and this phone has only {held}: connect \
                     to the internet so the app fetches the newest one, then set the lock up again (nothing was \
                     installed)"
                ),
            ),
            SetupError::Refused(ResultCode::SetupCodeWrong) => refused(
                DiagnosisCode::SetupCodeWrong,
                Some(ResultCode::SetupCodeWrong),
                "the setup code does not match this lock; nothing was changed".into(),
            ),
            SetupError::Refused(ResultCode::SetupIncomplete) => refused(
                DiagnosisCode::SetupIncomplete,
                Some(ResultCode::SetupIncomplete),
                "the lock could not finish its setup (its bolt calibration is missing); nothing was installed".into(),
            ),
            SetupError::Refused(code) => refused(
                DiagnosisCode::from_result(code).unwrap_or(DiagnosisCode::LockRefused),
                Some(code),
                format!("the lock refused its setup ({code}); nothing was installed"),
            ),
            SetupError::Answer(detail) => LatchkeyError::Lock {
                code: DiagnosisCode::LockNotAuthentic,
                detail,
            },
            SetupError::Crypto(detail) => LatchkeyError::Internal { detail },
        }
    }
}
