//! What the route handlers share once a request is read: storage work
//! moved off the async threads, and the rule for who may read a lock's
//! credentials.

use super::error::ApiError;
use super::state::Cloud;
use super::store::PhoneRecord;
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

/// Credentials of a lock go to hosts and to phones holding an active key
/// for it: 404 for an unknown lock, 403 for anyone else.
pub(super) fn may_see_lock(c: &Cloud, phone: &PhoneRecord, lock_id: &LockId) -> Result<(), ApiError> {
    if c.lock_info(lock_id)?.is_none() {
        return Err(ApiError::not_found(format!("no lock {lock_id}")));
    }
    if c.may_read_lists(phone, lock_id)? {
        Ok(())
    } else {
        Err(ApiError::forbidden("this phone holds no key for that lock"))
    }
}
