//! The phone API (`/v1/…`, bearer token of a registered phone; some calls
//! only for hosts). docs/cloud-api.md documents every route.

use super::chaos;
use super::error::ApiError;
use super::state::Cloud;
use super::store::PhoneRecord;
use super::wire::{
    AckRequest, DriftResponse, IssueKeyRequest, KeyInfo, KeysResponse, LocksResponse, RevocationInfo, RevokeResponse,
    TimeTokenInfo, UploadRequest, UploadResponse,
};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use latchkey_protocol::{Challenge, KeyId, LockId};
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// Largest request body accepted (phones keep uploads at 256 KiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

type Shared = State<Arc<Cloud>>;

/// The whole router: `/v1` for phones, `/admin` for operators, chaos on `/v1`.
pub(super) fn router(cloud: Arc<Cloud>) -> Router {
    Router::new()
        .route("/v1/locks", get(locks))
        .route("/v1/keys", get(keys).post(issue_key))
        .route("/v1/keys/{key_id}/renew", post(renew_key))
        .route("/v1/keys/{key_id}/revoke", post(revoke_key))
        .route("/v1/locks/{lock_id}/revocations", get(revocations))
        .route("/v1/locks/{lock_id}/time", get(time_token))
        .route("/v1/events", post(upload))
        .route("/v1/revocation-acks", post(acks))
        .route("/v1/drift", get(drift))
        .merge(super::pins::routes())
        .merge(super::admin::routes())
        .fallback(|| async { ApiError::not_found("no such route") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(cloud.clone(), chaos::inject))
        .with_state(cloud)
}

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

/// Runs storage work off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    cloud: Arc<Cloud>,
    work: impl FnOnce(&Cloud) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || work(&cloud))
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
}

pub(super) fn lock_id(raw: &str) -> Result<LockId, ApiError> {
    LockId::from_hex(raw).ok_or_else(|| ApiError::bad_request("a lock id is 32 hex digits"))
}

fn key_id(raw: &str) -> Result<KeyId, ApiError> {
    KeyId::from_hex(raw).ok_or_else(|| ApiError::bad_request("a key id is 16 hex digits"))
}

async fn locks(State(cloud): Shared, headers: HeaderMap) -> Result<Json<LocksResponse>, ApiError> {
    blocking(cloud, move |c| {
        let phone = c.authenticate(&headers)?;
        Ok(Json(LocksResponse {
            locks: c.locks_for(&phone)?,
        }))
    })
    .await
}

async fn keys(State(cloud): Shared, headers: HeaderMap) -> Result<Json<KeysResponse>, ApiError> {
    blocking(cloud, move |c| {
        let phone = c.authenticate(&headers)?;
        Ok(Json(KeysResponse {
            keys: c.keys_of(&phone.name)?,
        }))
    })
    .await
}

async fn issue_key(
    State(cloud): Shared,
    headers: HeaderMap,
    ApiJson(request): ApiJson<IssueKeyRequest>,
) -> Result<Response, ApiError> {
    blocking(cloud, move |c| {
        c.authenticate_host(&headers)?;
        Ok((StatusCode::CREATED, Json(c.issue_key(&request)?)).into_response())
    })
    .await
}

async fn renew_key(
    State(cloud): Shared,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Json<KeyInfo>, ApiError> {
    let key_id = key_id(&raw)?;
    blocking(cloud, move |c| {
        let phone = c.authenticate(&headers)?;
        Ok(Json(c.renew_key(&phone, &key_id)?))
    })
    .await
}

async fn revoke_key(
    State(cloud): Shared,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Json<RevokeResponse>, ApiError> {
    let key_id = key_id(&raw)?;
    blocking(cloud, move |c| {
        c.authenticate_host(&headers)?;
        Ok(Json(c.revoke_key(&key_id)?))
    })
    .await
}

/// Credentials of a lock go to hosts and to phones holding a key for it;
/// the phone asking.
pub(super) fn may_see_lock(c: &Cloud, headers: &HeaderMap, lock_id: &LockId) -> Result<PhoneRecord, ApiError> {
    let phone = c.authenticate(headers)?;
    if c.lock_info(lock_id)?.is_none() {
        return Err(ApiError::not_found(format!("no lock {lock_id}")));
    }
    if phone.host || c.has_active_key(&phone.name, lock_id)? {
        Ok(phone)
    } else {
        Err(ApiError::forbidden("this phone holds no key for that lock"))
    }
}

async fn revocations(
    State(cloud): Shared,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Json<RevocationInfo>, ApiError> {
    let lock_id = lock_id(&raw)?;
    blocking(cloud, move |c| {
        may_see_lock(c, &headers, &lock_id)?;
        Ok(Json(c.revocation_info(&lock_id)?))
    })
    .await
}

async fn time_token(
    State(cloud): Shared,
    headers: HeaderMap,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<TimeTokenInfo>, ApiError> {
    let lock_id = lock_id(&raw)?;
    let nonce = nonce(query.as_deref())?;
    blocking(cloud, move |c| {
        may_see_lock(c, &headers, &lock_id)?;
        Ok(Json(c.time_token(&lock_id, nonce)?))
    })
    .await
}

/// `nonce=<16 hex digits>` in the query, if present.
fn nonce(query: Option<&str>) -> Result<Option<Challenge>, ApiError> {
    let Some(query) = query else { return Ok(None) };
    for pair in query.split('&') {
        if let Some(value) = pair.strip_prefix("nonce=") {
            return Challenge::from_hex(value)
                .map(Some)
                .ok_or_else(|| ApiError::bad_request("nonce must be 16 hex digits"));
        }
    }
    Ok(None)
}

async fn upload(
    State(cloud): Shared,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UploadRequest>,
) -> Result<Json<UploadResponse>, ApiError> {
    blocking(cloud, move |c| {
        let phone = c.authenticate(&headers)?;
        Ok(Json(UploadResponse {
            results: c.ingest(&phone, &request.events)?,
        }))
    })
    .await
}

async fn acks(
    State(cloud): Shared,
    headers: HeaderMap,
    ApiJson(request): ApiJson<AckRequest>,
) -> Result<Json<DriftResponse>, ApiError> {
    blocking(cloud, move |c| {
        let phone = c.authenticate(&headers)?;
        Ok(Json(DriftResponse {
            locks: c.report_acks(&phone, &request.acks)?,
        }))
    })
    .await
}

async fn drift(State(cloud): Shared, headers: HeaderMap) -> Result<Json<DriftResponse>, ApiError> {
    blocking(cloud, move |c| {
        c.authenticate_host(&headers)?;
        Ok(Json(DriftResponse { locks: c.drift()? }))
    })
    .await
}
