//! `GET /v1/firmware/{model}` and `GET /v1/locks/{id}/commissioning` as
//! the phone reads them.

use crate::store::hex;
use latchkey_protocol::PublicKey;
use serde::Deserialize;

/// One hosted image.
#[derive(Debug, Deserialize)]
pub(crate) struct FirmwareReleaseBody {
    pub(crate) manifest: String,
    pub(crate) image: String,
    #[serde(default)]
    pub(crate) known_losses: Vec<String>,
}

/// `GET /v1/firmware/{model}`.
#[derive(Debug, Deserialize)]
pub(crate) struct FirmwareBody {
    pub(crate) release: Option<FirmwareReleaseBody>,
}

/// `GET /v1/locks/{id}/commissioning`.
#[derive(Debug, Deserialize)]
pub(crate) struct CommissioningBody {
    #[serde(with = "hex")]
    pub(crate) issuer_key: PublicKey,
    pub(crate) pin_secret: String,
}
