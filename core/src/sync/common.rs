//! What several sync steps share: running local work off the executor with
//! its error kept typed, and the two rules for what the cloud sends about
//! one lock or one credential (a problem to report, not a failed pass).
//!
//! It sits below every step, so it uses no step and nothing from the
//! engine.

use super::error::Failure;
use crate::runtime::blocking;
use std::time::Duration;

/// Runs store or outbox work on the blocking pool. The work keeps its own
/// error type (a [`crate::store::StoreError`], an
/// [`crate::outbox::OutboxError`] or a [`Failure`]), converted by `#[from]`
/// rather than flattened into a string on the way.
pub(super) async fn on_disk<T, E>(work: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, Failure>
where
    T: Send + 'static,
    E: Send + 'static,
    Failure: From<E>,
{
    // `blocking` speaks `LatchkeyError` (its own failure: the task died);
    // the work's result rides through it untouched.
    let result = blocking(move || Ok(work())).await?;
    result.map_err(Failure::from)
}

/// A per-lock refusal (the lock is gone, this phone lost access) is a
/// problem to report, not a reason to stop the pass.
pub(super) fn per_lock<T>(result: Result<T, Failure>, problems: &mut Vec<String>) -> Result<Option<T>, Failure> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(Failure::Rejected { status, code, message }) => {
            problems.push(format!("HTTP {status} {code}: {message}"));
            Ok(None)
        }
        Err(Failure::Auth { status: 403, message }) => {
            problems.push(format!("HTTP 403: {message}"));
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// A credential the cloud sent as hex; one that does not decode is a
/// problem to report, so one bad entry does not hide the others.
pub(super) fn decode<T>(
    hex: &str,
    decode: impl Fn(&[u8]) -> latchkey_protocol::Result<T>,
    problems: &mut Vec<String>,
) -> Option<T> {
    let decoded = latchkey_protocol::hex::decode(hex)
        .ok_or_else(|| "not hex".to_string())
        .and_then(|b| decode(&b).map_err(|e| e.to_string()));
    match decoded {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(format!("the cloud sent a credential that does not decode: {e}"));
            None
        }
    }
}

/// A duration in whole milliseconds, saturating (reports count in ms).
pub(super) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
