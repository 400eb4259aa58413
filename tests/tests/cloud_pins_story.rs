//! Keypad PINs managed in the reference cloud: a PIN deleted in the portal
//! while the lock is offline keeps working at the keypad until a phone
//! syncs, visits the lock and delivers the new list; the cloud's drift
//! view names the pending deletion in between and nothing after the phone
//! reported the lock's acknowledgement. A guest PIN created in the portal
//! works only once delivered.

use latchkey_core::simworld::SimWorld;
use latchkey_core::sync::{IssueKey, PinChange, SyncOutcome};
use latchkey_core::unlock::NoProgress;
use latchkey_protocol::Role;
use latchkey_sim::lock::{KeypadOutcome, LockConfig};
use latchkey_tests::sync_bench::harness::{cloud_for, cloud_phone, register, test_config, CloudPhone, START};
use std::time::Duration;

fn accepted(outcome: KeypadOutcome) -> bool {
    matches!(outcome, KeypadOutcome::Accepted { .. })
}

async fn synced(phone: &CloudPhone) -> latchkey_core::sync::SyncReport {
    let report = phone.engine.sync_until_idle(10).await;
    assert_eq!(report.outcome, SyncOutcome::Completed, "{}: {report:?}", phone.name);
    report
}

fn pin(slot: u8, digits: Option<&str>, label: &str) -> PinChange {
    PinChange {
        slot,
        digits: digits.map(str::to_string),
        label: Some(label.into()),
        ..PinChange::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_deleted_in_the_portal_works_until_a_phone_delivers_the_change_and_drift_shows_it() {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.unwrap();
    register(&cloud, &lock).unwrap();
    let host = cloud_phone(&world, &cloud, dirs[1].path(), "host", true, test_config(&cloud))
        .await
        .unwrap();
    let resident = cloud_phone(&world, &cloud, dirs[2].path(), "resident", false, test_config(&cloud))
        .await
        .unwrap();
    host.online();
    resident.online();
    host.engine
        .issue_key(&IssueKey {
            lock_id: lock.id(),
            phone: "resident".into(),
            role: Role::Resident,
            not_before: START - 60,
            not_after: START + 30 * 86_400,
            schedule: None,
            offline_allowed: true,
            label: "resident".into(),
            cert_lifetime_s: None,
        })
        .await
        .unwrap();

    // Sunday: the cleaner's PIN is created and reaches the lock.
    let created = host
        .engine
        .change_pin(&lock.id(), &pin(3, Some("482913"), "Cleaner"))
        .await
        .unwrap();
    assert_eq!((created.seq, created.action.as_str()), (1, "created"));
    assert!(!accepted(lock.lock().enter_pin("482913")), "not delivered yet");
    let report = synced(&resident).await;
    assert_eq!(report.pin_lists, 1, "{report:?}");
    resident.offline();
    let visit = resident.phone.unlock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(lock.lock().pin_seq(), 1, "{visit:?}");
    assert!(accepted(lock.lock().enter_pin("482913")), "delivered: the code works");
    resident.online();
    let report = synced(&resident).await;
    assert_eq!(report.pin_acks_reported, 1, "{report:?}");
    let drift = host.engine.pin_drift().await.unwrap();
    assert!(drift[0].in_sync && drift[0].pending.is_empty(), "{drift:?}");

    // Monday: deleted in the portal; the lock, offline, still accepts it.
    world.clock.advance_secs(86_400);
    let deleted = host
        .engine
        .change_pin(&lock.id(), &pin(3, None, "Cleaner"))
        .await
        .unwrap();
    assert_eq!((deleted.seq, deleted.action.as_str()), (2, "deleted"));
    let drift = host.engine.pin_drift().await.unwrap();
    assert_eq!((drift[0].cloud_seq, drift[0].lock_seq, drift[0].in_sync), (2, 1, false));
    assert_eq!(drift[0].pending.len(), 1);
    let pending = &drift[0].pending[0];
    assert_eq!(
        (pending.action.as_str(), pending.label.as_str(), pending.slot),
        ("deleted", "Cleaner", 3)
    );
    assert_eq!(pending.at, world.clock.unix_now());
    assert_eq!(drift[0].reported_by.as_deref(), Some("resident"));
    assert!(accepted(lock.lock().enter_pin("482913")), "the lock has not heard");

    // A phone syncs (a day later: its credential refresh is due), visits
    // the lock and delivers the list: the code stops.
    resident.timer.advance(Duration::from_secs(86_400));
    let report = synced(&resident).await;
    assert_eq!(report.pin_lists, 1, "{report:?}");
    resident.offline();
    resident.phone.lock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(lock.lock().pin_seq(), 2);
    assert!(!accepted(lock.lock().enter_pin("482913")), "deleted on the lock too");

    // Back online, the acknowledgement ends the drift.
    resident.online();
    let report = synced(&resident).await;
    assert_eq!(report.pin_acks_reported, 1, "{report:?}");
    let drift = host.engine.pin_drift().await.unwrap();
    assert!(drift[0].in_sync && drift[0].pending.is_empty(), "{drift:?}");

    // The host's phone received the lock's PIN secret (for offline PINs);
    // the resident's did not.
    synced(&host).await;
    assert!(host.phone.store().pins().pin_secret(&lock.id()).unwrap().is_some());
    assert!(resident.phone.store().pins().pin_secret(&lock.id()).unwrap().is_none());
    cloud.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cloud_refuses_bad_pin_changes_with_clear_errors() {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.unwrap();
    register(&cloud, &lock).unwrap();
    let host = cloud_phone(&world, &cloud, dirs[1].path(), "host", true, test_config(&cloud))
        .await
        .unwrap();
    let guest = cloud_phone(&world, &cloud, dirs[2].path(), "guest", false, test_config(&cloud))
        .await
        .unwrap();
    host.online();
    guest.online();
    let err = host
        .engine
        .change_pin(&lock.id(), &pin(1, None, "nobody"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no PIN in slot 1"), "{err}");
    let err = host
        .engine
        .change_pin(&lock.id(), &pin(1, Some("12"), "short"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("4 to 8 digits"), "{err}");
    let err = guest
        .engine
        .change_pin(&lock.id(), &pin(1, Some("1234"), "x"))
        .await
        .unwrap_err();
    assert!(err.to_string().to_lowercase().contains("host"), "only hosts: {err}");
    cloud.shutdown().await;
}
