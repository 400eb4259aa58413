//! A phone store that can't be read is quarantined (renamed aside and
//! reported), never silently emptied, and the next sync with the
//! reference cloud rebuilds the credential cache: the lock records and the
//! keys are back and the door opens again.
//!
//! The holder key lives outside the store here, as it does in the app (the
//! platform keystore: Android Keystore, Secure Enclave), so the keys the
//! cloud issued to this phone are still this phone's.

use latchkey_core::keys::{SoftwareKeyStore, SoftwareSigner};
use latchkey_core::store::{OpenOutcome, Store};
use latchkey_core::sync::{Connectivity, ManualTimer, StaticToken, SyncEngine, SyncOutcome};
use latchkey_core::unlock::NoProgress;
use latchkey_core::Phone;
use latchkey_protocol::{BoltState, SigningKey};
use latchkey_sim::cloud::wire::IssueKeyRequest;
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::SimWorld;
use latchkey_tests::sync_bench::harness::{cloud_for, register, test_config, START};
use std::path::Path;
use std::sync::Arc;

fn open(dir: &Path) -> OpenOutcome {
    Store::open(dir, Arc::new(SoftwareKeyStore::beside(dir).unwrap())).unwrap()
}

/// A phone over `store` with the holder key `holder`, and its sync engine.
fn phone(world: &SimWorld, cloud: &CloudServer, store: Store, holder: &SigningKey, token: &str) -> SyncEngine {
    let signer = Arc::new(SoftwareSigner::from_pkcs8(holder.pkcs8()).unwrap());
    let transport = Arc::new(world.transport(LinkParams::mtu185()));
    let phone = Arc::new(Phone::new(store, signer, transport, world.phone_clock()).unwrap());
    let engine = SyncEngine::builder(phone, test_config(cloud), Arc::new(StaticToken::new(token)))
        .clock(world.phone_clock())
        .timer(Arc::new(ManualTimer::new()))
        .build()
        .unwrap();
    engine.set_connectivity(Connectivity::ONLINE);
    engine
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
        let engine = phone(&world, &cloud, open(&dir).store, &holder, &token);
        let report = engine.sync_until_idle(3).await;
        assert_eq!((report.outcome, report.keys_added), (SyncOutcome::Completed, 1));
        engine.phone().unlock(lock.id(), &NoProgress).await.unwrap();
    }

    // The database file is damaged while the app is closed.
    let db = dir.join("db");
    let length = std::fs::metadata(&db).unwrap().len() as usize;
    std::fs::write(&db, vec![0xa5; length]).unwrap();

    let reopened = open(&dir);
    let quarantined = reopened.quarantined.expect("the damaged store is reported");
    assert!(quarantined.path.exists(), "kept aside: {}", quarantined.path.display());
    assert!(!quarantined.reason.is_empty());
    assert!(reopened.store.keys().list().unwrap().is_empty(), "a fresh, empty cache");

    let engine = phone(&world, &cloud, reopened.store, &holder, &token);
    let report = engine.sync_until_idle(3).await;
    assert_eq!(report.outcome, SyncOutcome::Completed, "{report:?}");
    assert_eq!(report.keys_added, 1, "{report:?}");
    let keys = engine.phone().keys().await.unwrap();
    let ids: Vec<_> = keys.iter().map(|k| k.key.key_id()).collect();
    assert_eq!(ids, vec![issued.key_id], "the cloud's key is back");
    assert!(engine.phone().store().locks().get_meta(&lock.id()).unwrap().is_some());

    // And it opens the door (first contact again: the fast key was lost).
    engine.phone().lock(lock.id(), &NoProgress).await.unwrap();
    let report = engine.phone().unlock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.bolt, BoltState::Unlocked);
    cloud.shutdown().await;
}
