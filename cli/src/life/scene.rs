//! What the simulated site gets for the lock's-life commands, on top of
//! its front door, garage and technician's phone (`tech/simulated.rs`):
//! a lock fresh from the factory for `claim`, a factory reset of the front
//! door for `recommission`, and for `firmware` the vendor's next image
//! (carried by the technician's phone, as a sync would have fetched it)
//! with a keypad code on the front door, so an image that drops the PIN
//! list has something to drop.

use crate::tech::output::CliError;
use crate::tech::site::Site;
use latchkey_core::client::ClaimSettings;
use latchkey_core::unlock::NoProgress;
use latchkey_core::LatchkeyError;
use latchkey_protocol::{FirmwareLosses, FirmwareVersion, LockId, PinClass, PinDigits, PinRule, SetupCode};
use latchkey_sim::lock::LockConfig;
use latchkey_sim::vendor::REFERENCE_MODEL;
use latchkey_testkit::{SimLockHandle, SimWorld};
use std::collections::BTreeMap;

/// The version the simulated vendor releases next.
pub const NEXT_FIRMWARE: FirmwareVersion = FirmwareVersion(0x0101_0000);

fn world(site: &Site) -> Result<&SimWorld, CliError> {
    site.world
        .as_ref()
        .ok_or_else(|| CliError::Usage("no simulated site".into()))
}

fn scene(e: impl ToString) -> CliError {
    CliError::Latchkey(LatchkeyError::Storage(format!(
        "the simulated site could not be set up: {}",
        e.to_string()
    )))
}

/// A lock fresh from the factory next to the site, unclaimed; its label,
/// and what claiming it for the site's account installs.
pub fn new_lock(site: &Site, name: &str) -> Result<(SimLockHandle, SetupCode, ClaimSettings), CliError> {
    let world = world(site)?;
    let lock = world.add_new_lock(name, LockConfig::default())?;
    let label = lock.lock().label();
    let mut settings = world.claim_settings(&lock)?;
    settings.name = name.to_string();
    Ok((lock, label, settings))
}

/// `code` with the last digit of its secret changed.
pub fn mistyped(mut code: SetupCode) -> SetupCode {
    code.secret.0[15] ^= 0x01;
    code
}

/// The site's lock `id`, factory-reset after the technician's phone
/// collected its log; its label.
pub async fn reset(site: &Site, id: LockId) -> Result<SetupCode, CliError> {
    let lock = site
        .locks
        .iter()
        .find(|l| l.id() == id)
        .ok_or_else(|| scene("the lock is not on the simulated site"))?;
    site.client.locks().status(id, &NoProgress).await?;
    let label = lock.lock().label();
    lock.lock().factory_reset();
    Ok(label)
}

/// The front door (or `wanted`) with a keypad code the technician's phone
/// installed, and the vendor's next image, dropping `drops`, carried by
/// the phone.
pub async fn next_image(site: &Site, wanted: Option<&str>, drops: FirmwareLosses) -> Result<(), CliError> {
    let world = world(site)?;
    let meta = site.lock(wanted).await?;
    let digits = PinDigits::new("48291736").map_err(scene)?;
    let slot = world
        .authority
        .pin_slot(&meta.lock_id, 1, &digits, PinRule::always(PinClass::User))
        .map_err(scene)?;
    let list = world
        .authority
        .pin_list(meta.lock_id, 1, site.now() - 60, 0, vec![slot])
        .map_err(scene)?;
    site.client.pins().add_pin_list(list, BTreeMap::new()).await?;
    site.client.locks().status(meta.lock_id, &NoProgress).await?;
    let release = world
        .vendor
        .release(REFERENCE_MODEL, NEXT_FIRMWARE, drops, site.now())
        .map_err(scene)?;
    site.client
        .firmware()
        .add_image(release.manifest, release.image, drops)
        .await?;
    Ok(())
}
