//! Firmware in the simulated world: the version a lock runs, and the
//! world's vendor publishing its next image in the reference cloud (where
//! phones fetch it for the models of locks they have read).

use super::error::{invalid, SimulationError};
use super::{SimulatedCloud, SimulatedWorld};
use latchkey_protocol::{hex, FirmwareLosses, FirmwareVersion};
use latchkey_sim::cloud::wire::PublishFirmware;
use latchkey_sim::vendor::REFERENCE_MODEL;
use std::sync::Arc;

#[uniffi::export]
impl SimulatedWorld {
    /// The firmware version a lock runs (`"1.0.0"`).
    pub fn firmware_version(&self, lock_id: String) -> Result<String, SimulationError> {
        Ok(self.handle(&lock_id)?.lock().firmware_version().to_string())
    }
}

#[uniffi::export]
impl SimulatedCloud {
    /// Publishes `world`'s vendor's firmware `major.minor.0` for the
    /// reference model; `drops` is what it does not keep (`pin_list`,
    /// `certificates`, `clock_trust`), as the vendor says and the image does.
    pub fn publish_firmware(
        &self,
        world: Arc<SimulatedWorld>,
        major: u8,
        minor: u8,
        drops: Vec<String>,
    ) -> Result<(), SimulationError> {
        let losses = FirmwareLosses::from_names(&drops).map_err(invalid)?;
        let version = FirmwareVersion::new(major, minor, 0);
        let release = world
            .world()
            .vendor
            .release(REFERENCE_MODEL, version, losses, world.now_unix())
            .map_err(invalid)?;
        self.server()?
            .publish_firmware(&PublishFirmware {
                manifest: hex::encode(&release.manifest.encode()),
                image: hex::encode(&release.image),
                known_losses: drops,
            })
            .map_err(invalid)?;
        Ok(())
    }
}
