//! The revocation story against the reference cloud: a key is revoked in
//! the cloud while the lock (which has no network) still trusts it;
//! another phone syncs, visits the lock and delivers the list; the revoked
//! key is refused from then on; the cloud shows the drift before and its
//! end after.

use latchkey_core::sync::{IssueKey, SyncOutcome};
use latchkey_core::unlock::NoProgress;
use latchkey_core::DiagnosisCode;
use latchkey_protocol::Role;
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::SimWorld;
use latchkey_tests::sync_bench::harness::{cloud_for, cloud_phone, register, test_config, CloudPhone, START};
use std::time::Duration;

fn resident(lock: latchkey_protocol::LockId, phone: &str) -> IssueKey {
    IssueKey {
        lock_id: lock,
        phone: phone.into(),
        role: Role::Resident,
        not_before: START - 60,
        not_after: START + 30 * 86_400,
        schedule: None,
        offline_allowed: true,
        label: format!("{phone}'s key"),
        cert_lifetime_s: None,
    }
}

async fn synced(phone: &CloudPhone) {
    let report = phone.engine.sync_until_idle(10).await;
    assert_eq!(report.outcome, SyncOutcome::Completed, "{}: {report:?}", phone.name);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_revoked_in_the_cloud_is_carried_to_the_lock_by_another_phone_and_drift_ends() {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.unwrap();
    register(&cloud, &lock).unwrap();
    let host = cloud_phone(&world, &cloud, dirs[1].path(), "host", true, test_config(&cloud))
        .await
        .unwrap();
    let leaving = cloud_phone(&world, &cloud, dirs[2].path(), "leaving", false, test_config(&cloud))
        .await
        .unwrap();
    let carrier = cloud_phone(&world, &cloud, dirs[3].path(), "carrier", false, test_config(&cloud))
        .await
        .unwrap();
    host.online();
    let revoked = host.engine.issue_key(&resident(lock.id(), "leaving")).await.unwrap();
    host.engine.issue_key(&resident(lock.id(), "carrier")).await.unwrap();
    for phone in [&leaving, &carrier] {
        phone.online();
        synced(phone).await;
        phone.phone.locks().unlock(lock.id(), &NoProgress).await.unwrap();
    }

    // The leaving resident's phone goes offline with its key; the host revokes it.
    leaving.offline();
    let seq = host.engine.revoke_key(&revoked.key_id).await.unwrap();
    assert_eq!(seq, 1);
    let before = host.engine.cloud_drift().await.unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!(
        (before[0].cloud_seq, before[0].lock_seq, before[0].in_sync),
        (1, 0, false)
    );
    // The lock has not heard yet: the key still opens it.
    leaving.phone.locks().unlock(lock.id(), &NoProgress).await.unwrap();

    // The carrier syncs and its status shows the drift it can fix.
    world.clock.advance_secs(3600);
    carrier.timer.advance(Duration::from_secs(3600));
    let report = carrier.engine.sync_until_idle(10).await;
    assert_eq!(report.revocation_lists, 1, "{report:?}");
    let status = carrier.engine.status().await.unwrap();
    let drift = &status.locks[0];
    assert_eq!((drift.cloud_seq, drift.lock_seq, drift.in_sync), (Some(1), None, false));
    assert!(drift.last_contact_at.is_some());

    // It visits the lock with no network, and delivers the list.
    carrier.offline();
    let visit = carrier.phone.locks().lock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(visit.revocation_seq_acked, Some(1));
    assert_eq!(lock.lock().revocation_seq(), 1);

    // From then on the revoked key is refused by the lock.
    let actuations = lock.lock().actuation_count();
    let err = leaving.phone.locks().unlock(lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::KeyRevoked, "{err}");
    assert_eq!(lock.lock().actuation_count(), actuations);

    // Back online, the carrier reports the acknowledgement: drift is over.
    carrier.online();
    let report = carrier.engine.sync_until_idle(10).await;
    assert_eq!(report.acks_reported, 1, "{report:?}");
    assert!(carrier.engine.status().await.unwrap().locks[0].in_sync);
    let after = host.engine.cloud_drift().await.unwrap();
    assert_eq!((after[0].cloud_seq, after[0].lock_seq, after[0].in_sync), (1, 1, true));
    assert_eq!(after[0].reported_by.as_deref(), Some("carrier"));

    // And the leaving phone, once online, deletes the revoked key.
    leaving.online();
    let report = leaving.engine.sync_until_idle(10).await;
    assert_eq!(report.keys_removed, 1, "{report:?}");
    assert!(leaving.phone.keys().list().await.unwrap().is_empty());
    cloud.shutdown().await;
}
