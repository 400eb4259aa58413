//! Running blocking work (disk, platform key stores) off the async executor's threads.

use crate::error::LatchkeyError;

/// Runs blocking storage work off the async executor's threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, LatchkeyError> + Send + 'static,
) -> Result<T, LatchkeyError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| LatchkeyError::Internal {
            detail: format!("a background task failed: {e}"),
        })?
}
