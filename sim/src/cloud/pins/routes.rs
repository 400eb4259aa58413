//! The PIN routes (docs/cloud-api.md): phones fetch lists and report
//! acknowledgements; hosts create, change and delete PINs and read drift.

use super::super::caller::{Caller, Host};
use super::super::error::ApiError;
use super::super::extract::{lock_id, ApiJson, ApiPath};
use super::super::handler::{blocking, may_see_lock};
use super::super::route_table::Routes;
use super::super::state::Cloud;
use super::super::wire::{PinAckRequest, PinChangeInfo, PinChangeRequest, PinDriftInfo, PinDriftResponse, PinListInfo};
use axum::extract::{RawQuery, State};
use axum::Json;
use std::sync::Arc;

type Shared = State<Arc<Cloud>>;

pub(in super::super) fn routes() -> Routes {
    Routes::new()
        .get("/v1/locks/{lock_id}/pins", pins)
        .post("/v1/locks/{lock_id}/pins", set_pin)
        .delete("/v1/locks/{lock_id}/pins/{slot}", delete_pin)
        .get("/v1/locks/{lock_id}/pin-drift", lock_pin_drift)
        .post("/v1/pin-acks", pin_acks)
        .get("/v1/pin-drift", pin_drift)
}

/// `since=<seq>` in the query, if present.
fn since(query: Option<&str>) -> Result<Option<u32>, ApiError> {
    let Some(query) = query else { return Ok(None) };
    for pair in query.split('&') {
        if let Some(value) = pair.strip_prefix("since=") {
            return value
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad_request("since must be a PIN list seq (0 to 4294967295)"));
        }
    }
    Ok(None)
}

async fn pins(
    State(cloud): Shared,
    Caller(phone): Caller,
    ApiPath(raw): ApiPath<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<PinListInfo>, ApiError> {
    let lock_id = lock_id(&raw)?;
    let since = since(query.as_deref())?;
    blocking(cloud, move |c| {
        may_see_lock(c, &phone, &lock_id)?;
        Ok(Json(c.pin_list_info(&phone, &lock_id, since)?))
    })
    .await
}

async fn set_pin(
    State(cloud): Shared,
    _: Host,
    ApiPath(raw): ApiPath<String>,
    ApiJson(request): ApiJson<PinChangeRequest>,
) -> Result<Json<PinChangeInfo>, ApiError> {
    let lock_id = lock_id(&raw)?;
    blocking(cloud, move |c| Ok(Json(c.set_pin(&lock_id, &request)?))).await
}

async fn delete_pin(
    State(cloud): Shared,
    _: Host,
    ApiPath((raw, slot)): ApiPath<(String, String)>,
) -> Result<Json<PinChangeInfo>, ApiError> {
    let lock_id = lock_id(&raw)?;
    let slot: u8 = slot
        .parse()
        .map_err(|_| ApiError::bad_request("a PIN slot is a number from 0 to 255"))?;
    blocking(cloud, move |c| Ok(Json(c.delete_pin(&lock_id, slot)?))).await
}

async fn pin_acks(
    State(cloud): Shared,
    Caller(phone): Caller,
    ApiJson(request): ApiJson<PinAckRequest>,
) -> Result<Json<PinDriftResponse>, ApiError> {
    blocking(cloud, move |c| {
        Ok(Json(PinDriftResponse {
            locks: c.report_pin_acks(&phone, &request.acks)?,
        }))
    })
    .await
}

async fn pin_drift(State(cloud): Shared, _: Host) -> Result<Json<PinDriftResponse>, ApiError> {
    blocking(cloud, move |c| Ok(Json(PinDriftResponse { locks: c.pin_drift()? }))).await
}

async fn lock_pin_drift(
    State(cloud): Shared,
    _: Host,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<PinDriftInfo>, ApiError> {
    let lock_id = lock_id(&raw)?;
    blocking(cloud, move |c| Ok(Json(c.lock_pin_drift(&lock_id)?))).await
}
