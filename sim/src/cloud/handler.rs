//! What the route handlers share once a request is read: storage work
//! moved off the async threads, and the rule for who may read a lock's
//! credentials.

use super::error::ApiError;
use super::state::Cloud;
use super::store::PhoneRecord;
use axum::http::HeaderMap;
use latchkey_protocol::LockId;
use std::sync::Arc;

/// Runs storage work off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    cloud: Arc<Cloud>,
    work: impl FnOnce(&Cloud) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || work(&cloud))
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
}

/// Credentials of a lock go to hosts and to phones holding a key for it;
/// the phone asking.
pub(super) fn may_see_lock(c: &Cloud, headers: &HeaderMap, lock_id: &LockId) -> Result<PhoneRecord, ApiError> {
    let phone = c.authenticate(headers)?;
    if c.lock_info(lock_id)?.is_none() {
        return Err(ApiError::not_found(format!("no lock {lock_id}")));
    }
    if c.may_read_lists(&phone, lock_id)? {
        Ok(phone)
    } else {
        Err(ApiError::forbidden("this phone holds no key for that lock"))
    }
}
