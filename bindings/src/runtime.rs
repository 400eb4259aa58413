//! Running blocking work (disk, platform key stores) off the caller's
//! thread, and the two failures every sub-client can meet whatever it
//! does: the client was closed, or a background task failed.

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

/// Runs `f` on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static, E: Send + 'static + ClientFailure>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, E> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| E::internal(format!("background task failed: {e}")))?
}

/// `weak`'s target, or the closed-client error.
pub(crate) fn upgrade<T, E: ClientFailure>(weak: &Weak<T>) -> Result<Arc<T>, E> {
    weak.upgrade().ok_or_else(E::closed)
}
