//! A lock's life through the cloud: firmware images for the models of the
//! locks this phone knows (fetched while online, carried to the door and
//! delivered offline by `client.firmware().update`), and what a host's
//! phone installs when it claims a lock. The claim itself is registered
//! through the outbox (`lock_claimed`).

use super::common::{on_disk, per_lock};
use super::error::Failure;
use super::http::Api;
use super::status::SyncReport;
use super::wire::{CommissioningBody, FirmwareBody};
use crate::Client;
use latchkey_protocol::{hex, FirmwareLosses, FirmwareManifest, LockId, PinSecret, PublicKey};
use std::collections::BTreeSet;

/// What a host's phone installs when it claims a lock for its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commissioning {
    /// The account's issuer key.
    pub issuer_key: PublicKey,
    /// The lock's PIN secret.
    pub pin_secret: PinSecret,
}

/// The newest image for each model of the locks this phone knows the
/// firmware of, when the cloud hosts one newer than the phone holds.
pub(super) async fn fetch_firmware(api: &Api<'_>, phone: &Client, report: &mut SyncReport) -> Result<(), Failure> {
    let store = phone.store().clone();
    let held = on_disk(move || {
        let mut models = BTreeSet::new();
        for meta in store.locks().list_meta()? {
            if let Some(f) = store.locks().state(&meta.lock_id)?.life.firmware {
                models.insert(f.model);
            }
        }
        let mut out = Vec::new();
        for model in models {
            out.push((model, store.firmware().get(model)?.map_or(0, |i| i.manifest.version.0)));
        }
        Ok::<_, Failure>(out)
    })
    .await?;
    for (model, have) in held {
        let path = format!("/v1/firmware/{model}?have={have}");
        let Some(FirmwareBody { release: Some(r) }) = per_lock(api.get(&path).await, &mut report.problems)? else {
            continue;
        };
        let manifest = hex::decode(&r.manifest).and_then(|b| FirmwareManifest::decode(&b).ok());
        let (Some(manifest), Some(image)) = (manifest, hex::decode(&r.image)) else {
            report
                .problems
                .push(format!("the firmware image for model {model} does not decode"));
            continue;
        };
        let losses = match FirmwareLosses::from_names(&r.known_losses) {
            Ok(losses) => losses,
            Err(e) => {
                // An image losing what this app can't name is not carried.
                report
                    .problems
                    .push(format!("the firmware image for model {model}: {e}"));
                continue;
            }
        };
        match phone.firmware().add_image(manifest, image, losses).await {
            Ok(true) => report.firmware_images += 1,
            Ok(false) => {}
            Err(e) => report.problems.push(format!("firmware for model {model}: {e}")),
        }
    }
    Ok(())
}

/// `GET /v1/locks/{id}/commissioning` (hosts).
pub(super) async fn commissioning(api: &Api<'_>, lock_id: &LockId) -> Result<Commissioning, Failure> {
    let body: CommissioningBody = api.get(&format!("/v1/locks/{lock_id}/commissioning")).await?;
    let secret = hex::decode(&body.pin_secret)
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| Failure::Protocol("the lock's PIN secret is not 32 bytes of hex".into()))?;
    Ok(Commissioning {
        issuer_key: body.issuer_key,
        pin_secret: PinSecret(secret),
    })
}
