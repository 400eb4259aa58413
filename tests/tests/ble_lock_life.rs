//! The lock's life over a real Bluetooth stack: the `latchkey` command
//! (`claim`, `firmware show|update`, `recommission`, `unlock`, each with
//! `--ble --adapter hci0 --data-dir DIR`, each its own process) against a
//! lock fresh from the factory served as a BlueZ GATT peripheral on hci1,
//! both on BlueZoo (run with ./scripts/test-ble, which builds the command
//! and passes its path in LATCHKEY_CLI_BIN). The reference cloud runs on
//! loopback: it gives what a claim installs and registers the lock after.
//! Each test reads the lock's own state after the command: claimed or
//! not, its issuer and epoch, the firmware it runs, the bolt (the last
//! test, with the lock as the `latchkey-sim peripheral --unclaimed`
//! process, by what that process prints).

mod ble_life_support;
mod ble_support;

use ble_life_support::phone::Phone;
use ble_life_support::LifeScene;
use ble_support::harness_provides;
use ble_support::sim_process::{sim_binary, SimProcess};
use latchkey_protocol::{hex, BoltState, FirmwareLosses, FirmwareVersion, SetupCode};
use latchkey_sim::bluez::NEXT_FIRMWARE;
use latchkey_sim::cloud::wire::PublishFirmware;
use latchkey_sim::vendor::{FACTORY_FIRMWARE, REFERENCE_MODEL};
use std::ffi::OsStr;
use std::time::Duration;

const V1_1: FirmwareVersion = FirmwareVersion(0x0101_0000);

async fn scene() -> Option<LifeScene> {
    if !harness_provides("bluezoo") {
        return None;
    }
    LifeScene::new().await
}

/// `lock --ble` then `unlock --ble` succeeded, and the lock's bolt moved
/// each time (a claim's calibration leaves it unlocked).
async fn the_key_opens(s: &LifeScene) {
    let run = s.phone.ok_at_door(&["lock"], &[]).await;
    assert_eq!(run.json["bolt"], "locked", "{:#}", run.json);
    assert_eq!(s.model().status().bolt, BoltState::Locked);
    let run = s.phone.ok_at_door(&["unlock"], &[]).await;
    assert_eq!(run.json["bolt"], "unlocked", "{:#}", run.json);
    assert_eq!(s.model().status().bolt, BoltState::Unlocked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_lock_is_claimed_with_its_label_and_a_wrong_code_changes_nothing() {
    let Some(s) = scene().await else { return };
    let mut mistyped = s.label.clone();
    mistyped.secret.0[15] ^= 0x01;

    let refused = s.phone.claim(&mistyped.to_text(), "Garden gate").await;
    assert_eq!(refused.status, Some(1), "{:#}\n{}", refused.json, refused.stderr);
    let error = &refused.json["error"];
    assert_eq!(error["code"], "setup_code_wrong", "{:#}", refused.json);
    assert_eq!(error["title"], "The setup code doesn't match this lock", "{error:#}");
    let explanation = error["explanation"].as_str().unwrap_or("");
    assert!(explanation.contains("Nothing was changed on the lock"), "{error:#}");
    assert!(!error["steps"].as_array().expect("steps").is_empty(), "{error:#}");
    assert!(!s.model().is_claimed(), "a wrong code changes nothing");
    assert_eq!(s.model().epoch(), 1);

    let claim = s.claimed_with_owner_key("Garden gate").await;
    assert_eq!(claim.json["lock_id"], s.label.lock_id.to_string(), "{:#}", claim.json);
    assert_eq!(claim.json["name"], "Garden gate");
    assert_eq!(claim.json["epoch"], 1);
    assert_eq!(claim.json["recommissioned"], false);
    {
        let lock = s.model();
        assert!(lock.is_claimed());
        assert_eq!(lock.issuer(), Some(s.phone.cloud.issuer_key()), "the account's issuer");
        assert_eq!(lock.info().name, "Garden gate");
        assert!(lock.info().calibrated, "the claim calibrated the bolt");
    }
    // The owner key the cloud issued for the registered lock opens it.
    the_key_opens(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firmware_show_then_update_with_the_image_a_sync_fetched_installs_it_in_fragments() {
    let Some(s) = scene().await else { return };
    s.claimed_with_owner_key("Front door").await;

    let shown = s.phone.at_door(&["firmware", "show"], &[]).await;
    assert_eq!(shown.status, Some(0), "{:#}\n{}", shown.json, shown.stderr);
    assert_eq!(shown.json["running"], FACTORY_FIRMWARE.to_string(), "{:#}", shown.json);
    assert_eq!(shown.json["model"], REFERENCE_MODEL);
    assert_eq!(shown.json["update_available"], false);

    // The vendor publishes 1.1.0 on the account's cloud; the phone, which
    // read the lock's model at the door, fetches it with its next sync.
    let release = s
        .vendor
        .release(
            REFERENCE_MODEL,
            V1_1,
            FirmwareLosses::default(),
            ble_support::unix_now(),
        )
        .expect("release");
    s.phone
        .cloud
        .publish_firmware(&PublishFirmware {
            manifest: hex::encode(&release.manifest.encode()),
            image: hex::encode(&release.image),
            known_losses: vec![],
        })
        .expect("published");
    assert_eq!(s.phone.sync().await.json["firmware_images"], 1);
    let before = s.exchanges_since(0).len();

    let shown = s.phone.ok_at_door(&["firmware", "show"], &[]).await;
    assert_eq!(shown.json["available"], V1_1.to_string(), "{:#}", shown.json);
    assert_eq!(shown.json["update_available"], true);

    let updated = s.phone.at_door(&["firmware", "update"], &[]).await;
    assert_eq!(updated.status, Some(0), "{:#}\n{}", updated.json, updated.stderr);
    assert_eq!(
        updated.json["before"],
        FACTORY_FIRMWARE.to_string(),
        "{:#}",
        updated.json
    );
    assert_eq!(updated.json["running"], V1_1.to_string());
    assert_eq!(updated.json["installed"], true);
    assert_eq!(updated.json["still_missing"], serde_json::json!([]));
    assert_eq!(s.model().firmware_version(), V1_1, "the lock runs the new image");

    // The 16 KiB image crossed BlueZ as chunk after chunk, each request
    // itself split into ATT writes.
    let transfer = s.exchanges_since(before);
    assert!(transfer.len() > 16, "{} requests: {transfer:?}", transfer.len());
    assert!(transfer.iter().any(|e| e.request_packets > 1), "{transfer:?}");

    let shown = s.phone.at_door(&["firmware", "show"], &[]).await;
    assert_eq!(shown.json["running"], V1_1.to_string(), "{:#}", shown.json);
    assert_eq!(shown.json["update_available"], false);
    the_key_opens(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_factory_reset_lock_is_recommissioned_and_the_same_key_opens_it() {
    let Some(s) = scene().await else { return };
    s.claimed_with_owner_key("Back door").await;
    the_key_opens(&s).await;

    s.model().factory_reset();
    let moved = s.model().actuation_count();
    let refused = s.phone.at_door(&["lock"], &[]).await;
    assert_eq!(refused.status, Some(1), "{:#}\n{}", refused.json, refused.stderr);
    assert_eq!(refused.json["error"]["code"], "lock_unclaimed", "{:#}", refused.json);
    assert_eq!(s.model().actuation_count(), moved, "the bolt did not move");

    // The code this phone kept when it claimed the lock.
    let back = s.phone.at_door(&["recommission"], &[]).await;
    assert_eq!(back.status, Some(0), "{:#}\n{}", back.json, back.stderr);
    assert_eq!(back.json["epoch"], 2, "{:#}", back.json);
    assert_eq!(back.json["recommissioned"], true);
    assert_eq!(back.json["name"], "Back door");
    {
        let lock = s.model();
        assert!(lock.is_claimed());
        assert_eq!(lock.epoch(), 2);
        assert_eq!(lock.issuer(), Some(s.phone.cloud.issuer_key()));
    }
    the_key_opens(&s).await;
    s.stop().await;
}

/// The next line the lock's process prints that starts with `prefix`.
async fn says(sim: &mut SimProcess, prefix: &str) -> String {
    sim.line_starting(prefix, Duration::from_secs(20))
        .await
        .unwrap_or_else(|| panic!("the lock never said {prefix:?}"))
}

/// The lock as its own process, as a technician runs it next to a real
/// phone: `latchkey-sim peripheral --unclaimed --firmware-vendor DIR`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_peripheral_binary_out_of_the_box_is_claimed_updated_reset_and_recommissioned() {
    if !harness_provides("bluezoo") {
        return;
    }
    let Some(binary) = sim_binary() else { return };
    let Some(phone) = Phone::new().await else { return };
    let vendor = phone.path("vendor");
    let args = [
        OsStr::new("--unclaimed"),
        OsStr::new("--firmware-vendor"),
        vendor.as_os_str(),
    ];
    let mut sim = SimProcess::start(&binary, args);
    let label = says(&mut sim, "unclaimed; setup code: ").await;
    let code = label.trim_start_matches("unclaimed; setup code: ").to_string();
    let lock_id = SetupCode::parse(&code).expect("a setup code").lock_id;
    says(&mut sim, "advertising").await;

    let claim = phone.claim(&code, "Workshop").await;
    assert_eq!(claim.status, Some(0), "{:#}\n{}", claim.json, claim.stderr);
    assert_eq!(claim.json["epoch"], 1, "{:#}", claim.json);
    let claimed = says(&mut sim, "claimed:").await;
    assert_eq!(claimed, "claimed: epoch 1, named \"Workshop\"");
    phone.owner_key(lock_id).await;
    phone.ok_at_door(&["unlock"], &[]).await;
    says(&mut sim, "bolt: unlocked").await;

    let (manifest, image) = (
        vendor.join(format!("firmware-{NEXT_FIRMWARE}.manifest")),
        vendor.join(format!("firmware-{NEXT_FIRMWARE}.image")),
    );
    let (manifest, image) = (manifest.display().to_string(), image.display().to_string());
    let update = ["--manifest", manifest.as_str(), "--image", image.as_str()];
    let updated = phone.ok_at_door(&["firmware", "update"], &update).await;
    assert_eq!(updated.json["running"], NEXT_FIRMWARE.to_string(), "{:#}", updated.json);
    let running = says(&mut sim, "firmware:").await;
    assert_eq!(running, format!("firmware: {NEXT_FIRMWARE}"));

    // The button inside the lock.
    let pid = sim.child.id().to_string();
    let kill = std::process::Command::new("kill").args(["-USR1", &pid]).status();
    assert!(kill.expect("kill").success());
    let reset = says(&mut sim, "factory reset:").await;
    assert_eq!(reset, format!("factory reset: unclaimed, epoch 2; setup code: {code}"));
    let refused = phone.at_door(&["unlock"], &[]).await;
    assert_eq!(refused.json["error"]["code"], "lock_unclaimed", "{:#}", refused.json);

    let back = phone.ok_at_door(&["recommission"], &[]).await;
    assert_eq!(back.json["epoch"], 2, "{:#}", back.json);
    let claimed = says(&mut sim, "claimed:").await;
    assert_eq!(claimed, "claimed: epoch 2, named \"Workshop\"");
    phone.ok_at_door(&["lock"], &[]).await;
    says(&mut sim, "bolt: locked").await;
    phone.shutdown().await;
}
