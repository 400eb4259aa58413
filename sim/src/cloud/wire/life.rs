//! The JSON bodies of a lock's life: firmware images the cloud hosts for
//! phones to carry, and what a host's phone needs to claim a lock.

use super::super::hex;
use latchkey_protocol::{LockId, PublicKey};
use serde::{Deserialize, Serialize};

/// One firmware image as the cloud hosts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareRelease {
    /// The lock model.
    pub model: u16,
    /// Its version, `"1.1.0"`.
    pub version: String,
    /// The same as a number (major ‖ minor ‖ patch, compared as one).
    pub version_code: u32,
    /// Hex of the vendor-signed `FirmwareManifest`.
    pub manifest: String,
    /// Hex of the image.
    pub image: String,
    /// What the vendor says this version does not keep of the old one's
    /// state: `pin_list`, `certificates`, `clock_trust`.
    pub known_losses: Vec<String>,
    /// When the vendor released it (unix seconds).
    pub released_at: u32,
}

/// `GET /v1/firmware/{model}[?have=<version_code>]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareResponse {
    /// The model asked about.
    pub model: u16,
    /// The newest image, or null when there is none newer than `have`.
    pub release: Option<FirmwareRelease>,
}

/// `POST /admin/firmware`: an image to host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishFirmware {
    /// Hex of the vendor-signed `FirmwareManifest`.
    pub manifest: String,
    /// Hex of the image (it must be the one the manifest names).
    pub image: String,
    /// What this version does not keep (`pin_list`, `certificates`,
    /// `clock_trust`).
    #[serde(default)]
    pub known_losses: Vec<String>,
}

/// `GET /v1/locks/{lock_id}/commissioning` (host): what a phone installs
/// when it claims the lock for this cloud's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommissioningInfo {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// This cloud's issuer key.
    #[serde(with = "hex")]
    pub issuer_key: PublicKey,
    /// Hex of the lock's PIN secret (32 bytes): keypad slots and offline PINs.
    pub pin_secret: String,
}
