//! The lock's life: a firmware update carried by Alice's phone and
//! delivered offline, its effect on the keypad PINs shown and repaired in
//! the same visit; then a factory reset, what stopped working said
//! plainly, and Hannah bringing the lock back in one flow.

use super::cast::{grant, Cast};
use super::check::refused;
use super::narrator::Story;
use latchkey_core::sync::PinChange;
use latchkey_core::unlock::{NoProgress, Progress, ProgressListener};
use latchkey_protocol::{hex, FirmwareLosses, FirmwareVersion, Role};
use latchkey_sim::cloud::wire::PublishFirmware;
use latchkey_sim::lock::KeypadOutcome;
use latchkey_sim::vendor::REFERENCE_MODEL;
use latchkey_testkit::cloud::SceneError;
use latchkey_testkit::START;
use std::sync::atomic::{AtomicU32, Ordering};

const CLEANER: &str = "482913";
const V1_1: FirmwareVersion = FirmwareVersion(0x0101_0000);

/// Counts the transfer reports of an update.
#[derive(Default)]
struct Transfer(AtomicU32);

impl ProgressListener for Transfer {
    fn on_progress(&self, p: Progress) {
        if let Progress::Transferring { .. } = p {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn opens(cast: &Cast) -> bool {
    matches!(cast.door.lock().enter_pin(CLEANER), KeypadOutcome::Accepted { .. })
}

/// The update, then the reset and the way back, as four steps.
pub(crate) async fn tell(story: &mut Story, cast: &Cast) -> Result<(), SceneError> {
    update(story, cast).await?;
    reset(story, cast).await
}

async fn update(story: &mut Story, cast: &Cast) -> Result<(), SceneError> {
    let door = cast.door_id();
    story.step("The vendor publishes firmware 1.1.0, which drops the keypad PIN list; Alice's phone carries it");
    let cleaner = PinChange {
        slot: 3,
        digits: Some(CLEANER.into()),
        label: Some("Cleaner".into()),
        ..PinChange::default()
    };
    let known = cast.alice.phone.firmware().check(door, &NoProgress).await?;
    story.detail(&format!(
        "Alice's phone read at the door that the lock runs {} (model {})",
        known.lock.map_or(FirmwareVersion(0), |f| FirmwareVersion(f.version)),
        REFERENCE_MODEL
    ));
    cast.host.engine.change_pin(&door, &cleaner).await?;
    let release = cast
        .world
        .vendor
        .release(REFERENCE_MODEL, V1_1, FirmwareLosses(FirmwareLosses::PIN_LIST), START)?;
    cast.cloud.publish_firmware(&PublishFirmware {
        manifest: hex::encode(&release.manifest.encode()),
        image: hex::encode(&release.image),
        known_losses: vec!["pin_list".into()],
    })?;
    cast.alice.engine.refresh_credentials_soon();
    let report = cast.alice.engine.sync_until_idle(10).await;
    story.check(
        report.pin_lists == 1 && report.firmware_images == 1,
        "Alice's sync fetched the cleaner's new keypad code and the vendor-signed image",
    );
    cast.alice.phone.locks().status(door, &NoProgress).await?;
    story.check(opens(cast), "her next visit delivered the code: it opens the door");

    story.step("At the door, offline, Alice's phone installs it and puts the PIN list back in the same visit");
    cast.house_network(false);
    let transfer = Transfer::default();
    let done = cast.alice.phone.firmware().update(door, &transfer).await?;
    let report = done.report.ok_or("the update installed nothing")?;
    story.say(&report.describe());
    story.detail(&format!(
        "{} KiB in {} progress report(s); the lock ran 1.0.0 until it had checked the whole image",
        release.image.len() / 1024,
        transfer.0.load(Ordering::Relaxed)
    ));
    story.check(
        cast.door.lock().firmware_version() == V1_1 && report.unrepaired().is_empty() && opens(cast),
        "the lock runs 1.1.0, the update report names the PIN list it dropped, and the cleaner's code works again",
    );
    Ok(())
}

async fn reset(story: &mut Story, cast: &Cast) -> Result<(), SceneError> {
    let door = cast.door_id();
    story.step("The front door is factory reset: the phones say plainly what stopped working");
    let label = cast.door.lock().label();
    cast.door.lock().factory_reset();
    refused(
        story,
        cast.alice.phone.locks().unlock(door, &NoProgress).await,
        "lock_unclaimed",
    );
    story.check(!opens(cast), "the cleaner's keypad code is gone with the reset");

    story.step("Hannah brings it back in one flow with the label from inside the battery cover");
    cast.house_network(true);
    cast.host.online();
    let owner = grant(door, "hannah", Role::Owner, START + 30 * 86_400, None, "Hannah (owner)");
    cast.host.engine.issue_key(&owner).await?;
    cast.host.engine.sync_until_idle(10).await;
    let back = cast
        .host
        .phone
        .setup()
        .recommission(door, Some(label), &NoProgress)
        .await?;
    story.say(&format!(
        "epoch {}: issuer, time, name, revocation list #{} and PIN list #{} installed",
        back.epoch, back.revocation_seq, back.pin_seq
    ));
    let alice = cast.alice.phone.locks().unlock(door, &NoProgress).await;
    story.check(
        back.recommissioned && back.revocation_seq >= 1 && alice.is_ok() && opens(cast),
        "Alice's key opens it again without a new key, the revoked list is back and the cleaner's code works",
    );
    Ok(())
}
