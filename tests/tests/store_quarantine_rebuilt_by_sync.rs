//! A phone store that can't be read is quarantined (renamed aside and
//! reported), never silently emptied, and the next sync with the
//! reference cloud rebuilds the credential cache: the lock records and the
//! keys are back and the door opens again.
//!
//! The holder key lives outside the store here, as it does in the app (the
//! platform keystore: Android Keystore, Secure Enclave), so the keys the
//! cloud issued to this phone are still this phone's.

use latchkey_core::platform_keys::SoftwareSigner;
use latchkey_core::sync::{Connectivity, ManualTimer, StaticToken, SyncOutcome};
use latchkey_core::unlock::NoProgress;
use latchkey_core::{Client, ClientBuilder};
use latchkey_protocol::{BoltState, SigningKey};
use latchkey_sim::cloud::wire::IssueKeyRequest;
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::SimWorld;
use latchkey_tests::sync_bench::harness::{cloud_for, register, test_config, START};
use std::path::Path;
use std::sync::Arc;

/// A phone with its store in `dir`, the holder key `holder` (kept outside
/// the store, as a platform signer keeps it), online with the cloud.
async fn phone(world: &SimWorld, cloud: &CloudServer, dir: &Path, holder: &SigningKey, token: &str) -> Arc<Client> {
    let signer = Arc::new(SoftwareSigner::from_pkcs8(holder.pkcs8()).unwrap());
    let client = ClientBuilder::new(dir)
        .allow_software_keys()
        .transport(Arc::new(world.transport(LinkParams::mtu185())))
        .clock(world.phone_clock())
        .signer(signer)
        .cloud(test_config(cloud), Arc::new(StaticToken::new(token)))
        .sync_timer(Arc::new(ManualTimer::new()))
        .build()
        .await
        .unwrap();
    client.set_connectivity(Connectivity::ONLINE);
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_store_is_quarantined_and_the_next_sync_brings_the_keys_back() {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let cloud = cloud_for(&world, &tmp.path().join("cloud")).await.unwrap();
    register(&cloud, &lock).unwrap();
    let holder = SigningKey::generate().unwrap();
    let token = cloud.register_phone("anna", holder.public_key(), false).unwrap().token;
    let issued = cloud
        .issue_key(&IssueKeyRequest {
            lock_id: lock.id(),
            phone: "anna".into(),
            role: "resident".into(),
            not_before: START - 60,
            not_after: START + 30 * 86_400,
            schedule: None,
            offline_allowed: true,
            label: "Front door".into(),
            cert_lifetime_s: None,
        })
        .unwrap();

    let dir = tmp.path().join("phone");
    {
        let client = phone(&world, &cloud, &dir, &holder, &token).await;
        assert!(client.store_quarantine().is_none());
        let report = client.sync().unwrap().sync_until_idle(3).await;
        assert_eq!((report.outcome, report.keys_added), (SyncOutcome::Completed, 1));
        client.locks().unlock(lock.id(), &NoProgress).await.unwrap();
    }

    // The database file is damaged while the app is closed.
    let db = dir.join("db");
    let length = std::fs::metadata(&db).unwrap().len() as usize;
    std::fs::write(&db, vec![0xa5; length]).unwrap();

    let client = phone(&world, &cloud, &dir, &holder, &token).await;
    let quarantined = client.store_quarantine().expect("the damaged store is reported");
    assert!(quarantined.path.exists(), "kept aside: {}", quarantined.path.display());
    assert!(!quarantined.reason.is_empty());
    assert!(client.store().keys().list().unwrap().is_empty(), "a fresh, empty cache");

    let report = client.sync().unwrap().sync_until_idle(3).await;
    assert_eq!(report.outcome, SyncOutcome::Completed, "{report:?}");
    assert_eq!(report.keys_added, 1, "{report:?}");
    let keys = client.keys().list().await.unwrap();
    let ids: Vec<_> = keys.iter().map(|k| k.key.key_id()).collect();
    assert_eq!(ids, vec![issued.key_id], "the cloud's key is back");
    assert!(client.store().locks().get_meta(&lock.id()).unwrap().is_some());

    // And it opens the door (first contact again: the fast key was lost).
    client.locks().lock(lock.id(), &NoProgress).await.unwrap();
    let report = client.locks().unlock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.bolt, BoltState::Unlocked);
    cloud.shutdown().await;
}
