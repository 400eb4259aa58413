//! A lock's life in the cloud: the firmware images it hosts for phones to
//! carry (published by the operator, one newest per model), and what a
//! host's phone installs when it claims a lock (`commissioning`). The
//! registration of a claimed lock arrives as an event (`claims.rs`).

use super::caller::{Admin, Caller, Host};
use super::error::ApiError;
use super::extract::{lock_id, ApiJson, ApiPath};
use super::handler::blocking;
use super::route_table::Routes;
use super::state::Cloud;
use super::store;
use super::wire::{CommissioningInfo, FirmwareRelease, FirmwareResponse, PublishFirmware};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use latchkey_protocol::{hex, FirmwareLosses, FirmwareManifest, LockId};
use std::sync::Arc;

type Shared = State<Arc<Cloud>>;

const LOSS_NAMES: [(&str, u16); 3] = [
    ("pin_list", FirmwareLosses::PIN_LIST),
    ("certificates", FirmwareLosses::CERTIFICATES),
    ("clock_trust", FirmwareLosses::CLOCK_TRUST),
];

pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/v1/firmware/{model}", firmware)
        .get("/v1/locks/{lock_id}/commissioning", commissioning)
        .post("/admin/firmware", publish)
}

impl Cloud {
    /// Hosts an image for its model, replacing an older one; refuses an
    /// image that is not the one its manifest names, and unknown losses.
    pub(super) fn publish_firmware(&self, request: &PublishFirmware) -> Result<FirmwareRelease, ApiError> {
        let bad = ApiError::bad_request;
        let manifest = hex::decode(&request.manifest)
            .and_then(|b| FirmwareManifest::decode(&b).ok())
            .ok_or_else(|| bad("`manifest` is not hex of a firmware manifest"))?;
        let image = hex::decode(&request.image).ok_or_else(|| bad("`image` is not hex"))?;
        if !manifest.matches(&image) {
            return Err(bad("the image is not the one its manifest names (size or SHA-256)"));
        }
        for loss in &request.known_losses {
            if !LOSS_NAMES.iter().any(|(name, _)| name == loss) {
                return Err(bad("known_losses are pin_list, certificates, clock_trust"));
            }
        }
        let release = FirmwareRelease {
            model: manifest.model,
            version: manifest.version.to_string(),
            version_code: manifest.version.0,
            manifest: request.manifest.clone(),
            image: request.image.clone(),
            known_losses: request.known_losses.clone(),
            released_at: manifest.released_at,
        };
        let _guard = self.write_guard();
        let key = manifest.model.to_be_bytes();
        let held: Option<FirmwareRelease> = store::get(&self.db.firmware, &key)?;
        if held.is_some_and(|h| h.version_code >= release.version_code) {
            return Err(bad("a release of this version or newer is already hosted"));
        }
        store::put(&self.db.firmware, &key, &release)?;
        self.db.flush()?;
        Ok(release)
    }

    /// The newest image for `model`, unless `have` is at least as new.
    pub(super) fn firmware_for(&self, model: u16, have: u32) -> Result<FirmwareResponse, ApiError> {
        let release: Option<FirmwareRelease> = store::get(&self.db.firmware, &model.to_be_bytes())?;
        Ok(FirmwareResponse {
            model,
            release: release.filter(|r| r.version_code > have),
        })
    }

    /// The issuer key and the lock's PIN secret, for a host claiming it.
    pub(super) fn commissioning(&self, lock_id: &LockId) -> Result<CommissioningInfo, ApiError> {
        let secret = self
            .authority
            .pin_secret(lock_id)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        Ok(CommissioningInfo {
            lock_id: *lock_id,
            issuer_key: self.authority.public_key(),
            pin_secret: hex::encode(&secret.0),
        })
    }
}

/// The loss names of a release, as the protocol's bits.
pub fn losses_of(release: &FirmwareRelease) -> FirmwareLosses {
    let bits = LOSS_NAMES
        .iter()
        .filter(|(name, _)| release.known_losses.iter().any(|l| l == name))
        .fold(0, |acc, (_, bit)| acc | bit);
    FirmwareLosses(bits)
}

async fn firmware(
    State(cloud): Shared,
    _: Caller,
    ApiPath(raw): ApiPath<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<FirmwareResponse>, ApiError> {
    let model: u16 = raw
        .parse()
        .map_err(|_| ApiError::bad_request("a model is a number from 0 to 65535"))?;
    let have = match query
        .as_deref()
        .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("have=")))
    {
        Some(v) => v
            .parse()
            .map_err(|_| ApiError::bad_request("have is a version code from 0 to 4294967295"))?,
        None => 0,
    };
    blocking(cloud, move |c| Ok(Json(c.firmware_for(model, have)?))).await
}

async fn commissioning(
    State(cloud): Shared,
    _: Host,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<CommissioningInfo>, ApiError> {
    let lock_id = lock_id(&raw)?;
    blocking(cloud, move |c| Ok(Json(c.commissioning(&lock_id)?))).await
}

async fn publish(
    State(cloud): Shared,
    _: Admin,
    ApiJson(request): ApiJson<PublishFirmware>,
) -> Result<Response, ApiError> {
    blocking(cloud, move |c| {
        Ok((StatusCode::CREATED, Json(c.publish_firmware(&request)?)).into_response())
    })
    .await
}
