//! A lock's life against the reference cloud: a host claims a new lock
//! offline with what it fetched while online, and the cloud registers the
//! lock from the claim when the phone is next online; a firmware image
//! the cloud hosts reaches a phone by sync and the lock by that phone,
//! offline.

use latchkey_core::client::ClaimSettings;
use latchkey_core::sync::{IssueKey, SyncOutcome};
use latchkey_core::unlock::NoProgress;
use latchkey_protocol::{hex, FirmwareLosses, FirmwareVersion, Role};
use latchkey_sim::cloud::wire::PublishFirmware;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::vendor::REFERENCE_MODEL;
use latchkey_testkit::cloud::CloudPhone;
use latchkey_testkit::scene::host_and_phone;
use latchkey_testkit::START;

async fn synced(phone: &CloudPhone) -> latchkey_core::sync::SyncReport {
    let report = phone.engine.sync_until_idle(10).await;
    assert_eq!(report.outcome, SyncOutcome::Completed, "{}: {report:?}", phone.name);
    report
}

fn owner_key(lock: latchkey_protocol::LockId, phone: &str) -> IssueKey {
    IssueKey {
        lock_id: lock,
        phone: phone.into(),
        role: Role::Owner,
        not_before: START - 60,
        not_after: START + 365 * 86_400,
        schedule: None,
        offline_allowed: true,
        label: "owner".into(),
        cert_lifetime_s: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_claimed_offline_is_registered_when_the_host_is_next_online() {
    let s = host_and_phone(START, "Front door", "guest").await;
    let new = s.world.add_new_lock("Garden gate", LockConfig::default()).unwrap();
    // Online at home: what claiming installs. Offline at the gate: the claim.
    s.host.online();
    let kit = s.host.engine.commissioning(&new.id()).await.unwrap();
    s.host.offline();
    let settings = ClaimSettings {
        name: "Garden gate".into(),
        issuer_key: kit.issuer_key,
        pin_secret: Some(kit.pin_secret),
        utc_offset_min: 0,
        groups: vec![],
    };
    let label = new.lock().label();
    s.host.phone.setup().claim(label, settings, &NoProgress).await.unwrap();
    assert!(
        s.cloud.drift().unwrap().iter().all(|d| d.lock_id != new.id()),
        "not yet known"
    );
    // Back online: the claim goes up with the outbox and registers the lock.
    s.host.online();
    synced(&s.host).await;
    let registered = s.cloud.drift().unwrap();
    assert!(registered
        .iter()
        .any(|d| d.lock_id == new.id() && d.name == "Garden gate"));
    // The host can now hand out keys for it; one for itself opens it.
    s.host.engine.issue_key(&owner_key(new.id(), "host")).await.unwrap();
    s.host.engine.refresh_credentials_soon();
    synced(&s.host).await;
    s.host.phone.locks().unlock(new.id(), &NoProgress).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_firmware_image_the_cloud_hosts_reaches_the_lock_through_a_phone_offline() {
    let s = host_and_phone(START, "Front door", "owner").await;
    s.host.online();
    s.host.engine.issue_key(&owner_key(s.lock.id(), "owner")).await.unwrap();
    s.other.online();
    synced(&s.other).await;
    // At the door once: the phone learns the lock's model.
    let before = s.other.phone.firmware().check(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(before.lock.map(|f| f.model), Some(REFERENCE_MODEL));
    let v1_1 = FirmwareVersion::new(1, 1, 0);
    let release = s
        .world
        .vendor
        .release(REFERENCE_MODEL, v1_1, FirmwareLosses(0), START)
        .unwrap();
    s.cloud
        .publish_firmware(&PublishFirmware {
            manifest: hex::encode(&release.manifest.encode()),
            image: hex::encode(&release.image),
            known_losses: vec![],
        })
        .unwrap();
    s.other.engine.refresh_credentials_soon();
    assert_eq!(synced(&s.other).await.firmware_images, 1);
    let status = s.other.phone.firmware().status(s.lock.id()).await.unwrap();
    assert!(status.update_available(), "{status:?}");
    s.other.offline();
    let update = s.other.phone.firmware().update(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(update.running, v1_1);
    assert_eq!(s.lock.lock().firmware_version(), v1_1);
}
