//! The operator API (`/admin/…`, admin bearer token): commissioning
//! records, phone registration, token rotation and removal, received
//! events, chaos switches. Never subject to chaos. The in-process
//! [`super::CloudServer`] offers the same operations as methods.

use super::caller::Admin;
use super::chaos::{ChaosConfig, ChaosStats};
use super::error::ApiError;
use super::extract::{lock_id, ApiJson, ApiPath};
use super::handler::blocking;
use super::route_table::Routes;
use super::state::Cloud;
use super::wire::{EventsResponse, LockInfo, PhoneToken, RegisterPhone};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

type Shared = State<Arc<Cloud>>;

/// The chaos switches and what they did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChaosReport {
    /// Current settings.
    pub config: ChaosConfig,
    /// Faults injected since they were set.
    pub stats: ChaosStats,
}

/// `GET /admin/issuer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerInfo {
    /// Hex of the issuer public key locks must be commissioned with.
    pub issuer_key: String,
}

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/admin/issuer", issuer)
        .post("/admin/locks", register_lock)
        .post("/admin/phones", register_phone)
        .delete("/admin/phones/{name}", remove_phone)
        .post("/admin/phones/{name}/token", rotate_token)
        .get("/admin/events", events)
        .get("/admin/chaos", chaos)
        .put("/admin/chaos", set_chaos)
}

async fn issuer(State(cloud): Shared, _: Admin) -> Result<Json<IssuerInfo>, ApiError> {
    Ok(Json(IssuerInfo {
        issuer_key: latchkey_protocol::hex::encode(&cloud.authority.public_key().0),
    }))
}

async fn register_lock(State(cloud): Shared, _: Admin, ApiJson(lock): ApiJson<LockInfo>) -> Result<Response, ApiError> {
    blocking(cloud, move |c| {
        Ok((StatusCode::CREATED, Json(c.register_lock(&lock)?)).into_response())
    })
    .await
}

async fn register_phone(
    State(cloud): Shared,
    _: Admin,
    ApiJson(phone): ApiJson<RegisterPhone>,
) -> Result<Response, ApiError> {
    blocking(cloud, move |c| {
        let token = c.register_phone(&phone.name, phone.holder_key, phone.host)?;
        Ok((StatusCode::CREATED, Json(token)).into_response())
    })
    .await
}

async fn rotate_token(
    State(cloud): Shared,
    _: Admin,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<PhoneToken>, ApiError> {
    blocking(cloud, move |c| Ok(Json(c.rotate_token(&name)?))).await
}

async fn remove_phone(State(cloud): Shared, _: Admin, ApiPath(name): ApiPath<String>) -> Result<StatusCode, ApiError> {
    blocking(cloud, move |c| c.remove_phone(&name).map(|()| StatusCode::NO_CONTENT)).await
}

async fn events(State(cloud): Shared, _: Admin, RawQuery(query): RawQuery) -> Result<Json<EventsResponse>, ApiError> {
    let wanted = query
        .as_deref()
        .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("lock_id=")));
    let lock_id = wanted.map(lock_id).transpose()?;
    blocking(cloud, move |c| {
        Ok(Json(EventsResponse {
            events: c.received(lock_id.as_ref())?,
        }))
    })
    .await
}

async fn chaos(State(cloud): Shared, _: Admin) -> Result<Json<ChaosReport>, ApiError> {
    Ok(Json(ChaosReport {
        config: cloud.chaos.config(),
        stats: cloud.chaos.stats(),
    }))
}

async fn set_chaos(
    State(cloud): Shared,
    _: Admin,
    ApiJson(config): ApiJson<ChaosConfig>,
) -> Result<Json<ChaosReport>, ApiError> {
    config.check().map_err(ApiError::bad_request)?;
    cloud.chaos.set(config);
    Ok(Json(ChaosReport {
        config: cloud.chaos.config(),
        stats: cloud.chaos.stats(),
    }))
}
