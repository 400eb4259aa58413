//! Reading a request: the body size limit, the JSON body extractor whose
//! rejection is the documented error body, and ids from path segments.
//! Shared by the phone, PIN and admin routes and by the chaos layer (which
//! reads bodies under the same limit).

use super::error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use latchkey_protocol::{KeyId, LockId};
use serde::de::DeserializeOwned;

/// Largest request body accepted (phones keep uploads at 256 KiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body whose rejection is the documented error body.
pub(super) struct ApiJson<T>(pub(super) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::too_large(format!("the body is over {MAX_BODY_BYTES} bytes"))
                }
                _ => ApiError::bad_request(e.body_text()),
            })?;
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|e| ApiError::bad_request(format!("the JSON body does not match the API: {e}")))
    }
}

/// A lock id from a path segment or query value.
pub(super) fn lock_id(raw: &str) -> Result<LockId, ApiError> {
    LockId::from_hex(raw).ok_or_else(|| ApiError::bad_request("a lock id is 32 hex digits"))
}

/// A key id from a path segment.
pub(super) fn key_id(raw: &str) -> Result<KeyId, ApiError> {
    KeyId::from_hex(raw).ok_or_else(|| ApiError::bad_request("a key id is 16 hex digits"))
}
