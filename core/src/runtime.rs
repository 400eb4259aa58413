//! Running blocking work (disk, platform key stores) off the async executor's threads.
//!
//! Every call site hands tokio the same closure type, a boxed job that
//! returns a boxed result: tokio's blocking-task machinery is then compiled
//! once for the whole library instead of once per call site (it is several
//! KB each, and the mobile library has a size budget).

use crate::error::LatchkeyError;
use std::any::Any;

/// A job for the blocking pool, its result type erased.
type Job = Box<dyn FnOnce() -> Box<dyn Any + Send> + Send>;

/// Runs blocking work off the async executor's threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, LatchkeyError> + Send + 'static,
) -> Result<T, LatchkeyError> {
    let out = run_erased(Box::new(move || Box::new(f()) as Box<dyn Any + Send>)).await?;
    match out.downcast::<Result<T, LatchkeyError>>() {
        Ok(result) => *result,
        // The job above boxes exactly this type: never taken.
        Err(_) => Err(LatchkeyError::Internal {
            detail: "a background task returned an unexpected type".into(),
        }),
    }
}

/// The one instantiation of `spawn_blocking`.
pub(crate) async fn run_erased(job: Job) -> Result<Box<dyn Any + Send>, LatchkeyError> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| LatchkeyError::Internal {
            detail: format!("a background task failed: {e}"),
        })
}
