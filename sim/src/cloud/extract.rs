//! Reading a request: the body size limit, the extractors whose
//! rejections are the documented error body (a JSON body, a body that
//! must be empty or an object, path segments), and ids from path
//! segments. Shared by the phone, PIN and admin routes and by the chaos
//! layer (which reads bodies under the same limit).

use super::error::ApiError;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use latchkey_protocol::{KeyId, LockId};
use serde::de::DeserializeOwned;

/// Largest request body accepted (phones keep uploads at 256 KiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body whose rejection is the documented error body.
pub(super) struct ApiJson<T>(pub(super) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = body(request, state).await?;
        // Every body of the API is an object: serde would also fill a
        // struct from an array, field by field (`[3]` as `{"slot": 3}`).
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::bad_request("the body is a JSON object"));
        }
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|e| ApiError::bad_request(format!("the JSON body does not match the API: {e}")))
    }
}

/// The body of a call that takes none: nothing, or a JSON object (the
/// phone sends `{}`); its fields are ignored, as unknown fields are
/// everywhere. Read all the same, so that an oversized or malformed body
/// gets its 413 or 400 like any other.
pub(super) struct NoFields;

impl<S: Send + Sync> FromRequest<S> for NoFields {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = body(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(NoFields);
        }
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes)
            .map(|_| NoFields)
            .map_err(|e| ApiError::bad_request(format!("the body is empty or a JSON object: {e}")))
    }
}

/// Path segments; a segment that does not decode (bad percent-encoding,
/// not UTF-8) is a 400 with the documented body, not axum's plain text.
pub(super) struct ApiPath<T>(pub(super) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| ApiPath(t))
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}

/// The middleware that reads every request's whole body (413 over the
/// limit) before the handler decides anything. A refusal sent while the
/// client is still writing its body (a 401 for an upload with a revoked
/// token, say) would otherwise reach it as a connection torn down in
/// mid-request, a network failure the phone retries forever, instead of
/// the answer it can act on (schemathesis found this).
pub(super) async fn read_body_first(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    match self::body(Request::from_parts(parts.clone(), body), &()).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// The whole body, under [`MAX_BODY_BYTES`] (413 above it).
async fn body<S: Send + Sync>(request: Request, state: &S) -> Result<axum::body::Bytes, ApiError> {
    axum::body::Bytes::from_request(request, state)
        .await
        .map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(format!("the body is over {MAX_BODY_BYTES} bytes")),
            _ => ApiError::bad_request(e.body_text()),
        })
}

/// A lock id from a path segment or query value.
pub(super) fn lock_id(raw: &str) -> Result<LockId, ApiError> {
    LockId::from_hex(raw).ok_or_else(|| ApiError::bad_request("a lock id is 32 hex digits"))
}

/// A key id from a path segment.
pub(super) fn key_id(raw: &str) -> Result<KeyId, ApiError> {
    KeyId::from_hex(raw).ok_or_else(|| ApiError::bad_request("a key id is 16 hex digits"))
}
