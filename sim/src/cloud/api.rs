//! The phone API (`/v1/…`, bearer token of a registered phone; some calls
//! only for hosts: the caller is the handler's first extractor, so who
//! calls is settled before anything else). docs/cloud-api.md and
//! docs/openapi.json document every route.

use super::caller::{Caller, Host};
use super::error::ApiError;
use super::extract::{key_id, lock_id, ApiJson, ApiPath, NoFields};
use super::handler::{blocking, may_see_lock};
use super::route_table::Routes;
use super::state::Cloud;
use super::wire::{
    AckRequest, DriftResponse, IssueKeyRequest, KeyInfo, KeysResponse, LocksResponse, RevocationInfo, RevokeResponse,
    TimeTokenInfo, UploadRequest, UploadResponse,
};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use latchkey_protocol::Challenge;
use std::sync::Arc;

type Shared = State<Arc<Cloud>>;

/// The phone routes, except the PIN ones (pins/routes.rs).
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/v1/locks", locks)
        .get("/v1/keys", keys)
        .post("/v1/keys", issue_key)
        .post("/v1/keys/{key_id}/renew", renew_key)
        .post("/v1/keys/{key_id}/revoke", revoke_key)
        .get("/v1/locks/{lock_id}/revocations", revocations)
        .get("/v1/locks/{lock_id}/time", time_token)
        .post("/v1/events", upload)
        .post("/v1/revocation-acks", acks)
        .get("/v1/drift", drift)
}

async fn locks(State(cloud): Shared, Caller(phone): Caller) -> Result<Json<LocksResponse>, ApiError> {
    blocking(cloud, move |c| {
        Ok(Json(LocksResponse {
            locks: c.locks_for(&phone)?,
        }))
    })
    .await
}

async fn keys(State(cloud): Shared, Caller(phone): Caller) -> Result<Json<KeysResponse>, ApiError> {
    blocking(cloud, move |c| {
        Ok(Json(KeysResponse {
            keys: c.keys_of(&phone.name)?,
        }))
    })
    .await
}

async fn issue_key(
    State(cloud): Shared,
    _: Host,
    ApiJson(request): ApiJson<IssueKeyRequest>,
) -> Result<Response, ApiError> {
    blocking(cloud, move |c| {
        Ok((StatusCode::CREATED, Json(c.issue_key(&request)?)).into_response())
    })
    .await
}

async fn renew_key(
    State(cloud): Shared,
    Caller(phone): Caller,
    ApiPath(raw): ApiPath<String>,
    _: NoFields,
) -> Result<Json<KeyInfo>, ApiError> {
    let key_id = key_id(&raw)?;
    blocking(cloud, move |c| Ok(Json(c.renew_key(&phone, &key_id)?))).await
}

async fn revoke_key(
    State(cloud): Shared,
    _: Host,
    ApiPath(raw): ApiPath<String>,
    _: NoFields,
) -> Result<Json<RevokeResponse>, ApiError> {
    let key_id = key_id(&raw)?;
    blocking(cloud, move |c| Ok(Json(c.revoke_key(&key_id)?))).await
}

async fn revocations(
    State(cloud): Shared,
    Caller(phone): Caller,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<RevocationInfo>, ApiError> {
    let lock_id = lock_id(&raw)?;
    blocking(cloud, move |c| {
        may_see_lock(c, &phone, &lock_id)?;
        Ok(Json(c.revocation_info(&lock_id)?))
    })
    .await
}

async fn time_token(
    State(cloud): Shared,
    Caller(phone): Caller,
    ApiPath(raw): ApiPath<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<TimeTokenInfo>, ApiError> {
    let lock_id = lock_id(&raw)?;
    let nonce = nonce(query.as_deref())?;
    blocking(cloud, move |c| {
        may_see_lock(c, &phone, &lock_id)?;
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
    Caller(phone): Caller,
    ApiJson(request): ApiJson<UploadRequest>,
) -> Result<Json<UploadResponse>, ApiError> {
    blocking(cloud, move |c| {
        Ok(Json(UploadResponse {
            results: c.ingest(&phone, &request.events)?,
        }))
    })
    .await
}

async fn acks(
    State(cloud): Shared,
    Caller(phone): Caller,
    ApiJson(request): ApiJson<AckRequest>,
) -> Result<Json<DriftResponse>, ApiError> {
    blocking(cloud, move |c| {
        Ok(Json(DriftResponse {
            locks: c.report_acks(&phone, &request.acks)?,
        }))
    })
    .await
}

async fn drift(State(cloud): Shared, _: Host) -> Result<Json<DriftResponse>, ApiError> {
    blocking(cloud, move |c| Ok(Json(DriftResponse { locks: c.drift()? }))).await
}
