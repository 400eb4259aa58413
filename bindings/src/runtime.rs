//! Running blocking work (disk, platform key stores) off the caller's
//! thread, and the two failures every sub-client can meet whatever it
//! does: the client was closed, or a background task failed.

use std::any::Any;
use std::sync::{Arc, Weak};

/// What a client that was closed, or a background task that failed,
/// becomes in each exported error.
pub(crate) trait ClientFailure {
    /// The client was closed; build a new one.
    fn closed() -> Self;
    /// A failure inside the library (a background task that died).
    fn internal(reason: String) -> Self;
}

/// What sub-client calls report after the client was closed.
pub(crate) const CLIENT_CLOSED: &str = "the client was closed; build a new one";

/// Runs `f` on the blocking pool. The closure's type is erased before it
/// reaches tokio, so tokio's blocking-task code is compiled once, not once
/// per call site (the mobile library has a size budget).
pub(crate) async fn blocking<T: Send + 'static, E: Send + 'static + ClientFailure>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, E> {
    let job: Box<dyn FnOnce() -> Box<dyn Any + Send> + Send> = Box::new(move || Box::new(f()) as Box<dyn Any + Send>);
    let out = run(job)
        .await
        .map_err(|e| E::internal(format!("background task failed: {e}")))?;
    match out.downcast::<Result<T, E>>() {
        Ok(result) => *result,
        Err(_) => Err(E::internal("a background task returned an unexpected type".into())),
    }
}

async fn run(
    job: Box<dyn FnOnce() -> Box<dyn Any + Send> + Send>,
) -> Result<Box<dyn Any + Send>, tokio::task::JoinError> {
    tokio::task::spawn_blocking(job).await
}

/// `weak`'s target, or the closed-client error.
pub(crate) fn upgrade<T, E: ClientFailure>(weak: &Weak<T>) -> Result<Arc<T>, E> {
    weak.upgrade().ok_or_else(E::closed)
}
