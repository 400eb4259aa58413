//! Live values for app screens (`client.watch()`): each subscription
//! delivers its value now, then after every change that concerns it, and
//! never the same value twice; the nearby-locks session follows the radio
//! and reports a failed scan as part of its value; every subscription
//! ends when the client signs out.

use latchkey_core::outbox::OutboxEvent;
use latchkey_core::unlock::NoProgress;
use latchkey_core::watch::{NearbyLocks, NearbyPolicy, NearbyWatcher, Watcher};
use latchkey_core::{ClientBuilder, DiagnosisCode, LastOutcome};
use latchkey_protocol::BoltState;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::scene::resident_scene;
use latchkey_testkit::{AdapterState, GrantSpec, SimWorld, START};
use latchkey_tests::sync_bench::harness::{cloud_for, cloud_phone, register, test_config};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::timeout;

/// The next value, within 5 s (real time: the writes come from this test).
async fn next<T: Clone + Send + 'static>(watcher: &mut Watcher<T>) -> T {
    timeout(Duration::from_secs(5), watcher.next())
        .await
        .expect("a value in time")
        .expect("the subscription is on")
        .expect("the value reads")
}

/// The first value that shows `done`, within a few: a command's own
/// steps (the counter reserved, the advertisement seen) may show first.
async fn until<T: Clone + Send + std::fmt::Debug + 'static>(watcher: &mut Watcher<T>, done: impl Fn(&T) -> bool) -> T {
    let mut seen = Vec::new();
    for _ in 0..4 {
        let value = next(watcher).await;
        if done(&value) {
            return value;
        }
        seen.push(value);
    }
    panic!("not shown after {} values: {seen:?}", seen.len())
}

/// Nothing is delivered for a while.
async fn quiet<T: Clone + Send + 'static>(watcher: &mut Watcher<T>) {
    assert!(timeout(Duration::from_millis(300), watcher.next()).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_view_shows_the_lock_now_then_each_command_and_nothing_for_other_locks() {
    let s = resident_scene(START, LockConfig::default()).await;
    let mut lock = s.phone.watch().lock(s.lock.id());
    let first = next(&mut lock).await;
    assert_eq!(first.name, "Front door");
    assert_eq!(first.status, None, "never contacted");
    assert_eq!(first.last_outcome, None);
    quiet(&mut lock).await;

    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let unlocked = until(&mut lock, |v| v.last_outcome.is_some()).await;
    assert_eq!(unlocked.status.map(|st| st.bolt), Some(BoltState::Unlocked));
    assert!(matches!(unlocked.last_outcome, Some(LastOutcome::Succeeded(..))));
    assert!(!unlocked.drifting());
    quiet(&mut lock).await;

    // A key for another lock changes nothing this view shows.
    let other = s.world.add_lock("Back door", LockConfig::default()).unwrap();
    s.phone.keys().add_lock(other.meta.clone()).await.unwrap();
    quiet(&mut lock).await;

    s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    let locked = until(&mut lock, |v| v.last_outcome != unlocked.last_outcome).await;
    assert_eq!(locked.status.map(|st| st.bolt), Some(BoltState::Locked));
    quiet(&mut lock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_command_is_the_views_last_outcome() {
    let s = resident_scene(START, LockConfig::default()).await;
    let mut lock = s.phone.watch().lock(s.lock.id());
    next(&mut lock).await;
    s.world.radio.set_in_range(&s.lock.address, false).unwrap();
    let failed = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap_err();
    let view = until(&mut lock, |v| v.last_outcome.is_some()).await;
    match view.last_outcome {
        Some(LastOutcome::Failed(e, _)) => {
            assert_eq!(e, failed);
            assert_eq!(e.diagnosis(), DiagnosisCode::LockOutOfRange);
        }
        other => panic!("expected the failure, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keys_watcher_follows_keys_added_and_removed() {
    let s = resident_scene(START, LockConfig::default()).await;
    let mut keys = s.phone.watch().keys();
    assert_eq!(next(&mut keys).await.len(), 1);
    let spare = s.world.issue(&s.phone, &s.lock, GrantSpec::resident(START)).unwrap();
    let spare_id = spare.key_id();
    s.phone.keys().add_key(spare, "spare").await.unwrap();
    assert_eq!(next(&mut keys).await.len(), 2);
    s.phone.store().keys().remove(&spare_id).unwrap();
    assert_eq!(next(&mut keys).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_the_phone_does_not_know_ends_its_subscription() {
    let s = resident_scene(START, LockConfig::default()).await;
    let mut lock = s.phone.watch().lock(latchkey_protocol::LockId([9; 16]));
    let error = lock.next().await.unwrap().unwrap_err();
    assert_eq!(error.diagnosis(), DiagnosisCode::UnknownLock);
    assert!(lock.next().await.is_none(), "a subscription ends at its first error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_subscription_ends_when_the_client_signs_out_or_is_dropped() {
    let s = resident_scene(START, LockConfig::default()).await;
    let mut keys = s.phone.watch().keys();
    next(&mut keys).await;
    let mut lock = s.phone.watch().lock(s.lock.id());
    next(&mut lock).await;
    s.phone.sign_out().await.unwrap();
    assert!(timeout(Duration::from_secs(5), keys.next()).await.unwrap().is_none());
    assert!(timeout(Duration::from_secs(5), lock.next()).await.unwrap().is_none());

    let s = resident_scene(START, LockConfig::default()).await;
    let mut keys = s.phone.watch().keys();
    next(&mut keys).await;
    drop(s.phone);
    assert!(timeout(Duration::from_secs(5), keys.next()).await.unwrap().is_none());
}

/// The session's next value, within 5 s.
async fn step(nearby: &mut NearbyWatcher) -> NearbyLocks {
    timeout(Duration::from_secs(5), nearby.next())
        .await
        .expect("a value in time")
        .expect("the session is on")
        .expect("the store reads")
}

fn names(nearby: &NearbyLocks) -> Vec<Option<String>> {
    nearby.locks.iter().map(|l| l.name.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nearby_session_follows_the_radio_and_reports_a_failed_scan() {
    let world = SimWorld::new(START).unwrap();
    let front = world.add_lock("Front door", LockConfig::default()).unwrap();
    let stranger = world.add_lock("Neighbour", LockConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The phone's adapter, kept to switch it off.
    let adapter = world.transport(LinkParams::mtu185());
    let phone = ClientBuilder::new(dir.path())
        .transport(Arc::new(adapter.clone()))
        .clock(world.phone_clock())
        .allow_software_keys()
        .nearby_policy(NearbyPolicy {
            window: Duration::from_millis(400),
            period: Duration::from_millis(400),
            kept_for_missed_windows: 0,
        })
        .build()
        .await
        .unwrap();
    phone.keys().add_lock(front.meta.clone()).await.unwrap();
    let mut nearby = phone.watch().nearby();

    let both = step(&mut nearby).await;
    assert_eq!(both.locks.len(), 2, "{both:?}");
    assert!(names(&both).contains(&Some("Front door".into())));
    assert!(
        names(&both).contains(&None),
        "a lock this phone doesn't know has no name"
    );
    let known = both.locks.iter().find(|l| l.lock_id == Some(front.id())).unwrap();
    assert_eq!(known.short_lock_id, front.id().short());
    assert_eq!(both.problem, None);

    world.radio.set_in_range(&stranger.address, false).unwrap();
    assert_eq!(names(&step(&mut nearby).await), vec![Some("Front door".to_string())]);

    adapter.set_adapter_state(AdapterState::Off);
    let off = step(&mut nearby).await;
    assert!(off.locks.is_empty());
    assert_eq!(off.problem.map(|e| e.diagnosis()), Some(DiagnosisCode::BluetoothOff));

    adapter.set_adapter_state(AdapterState::On);
    assert_eq!(names(&step(&mut nearby).await), vec![Some("Front door".to_string())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_status_watcher_counts_events_queued_and_uploaded() {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.unwrap();
    register(&cloud, &lock).unwrap();
    let phone = cloud_phone(&world, &cloud, dirs[1].path(), "phone", false, test_config(&cloud))
        .await
        .unwrap();
    let mut status = phone
        .phone
        .watch()
        .sync_status()
        .expect("a cloud client has a sync status");
    let first = next(&mut status).await;
    assert!(!first.connectivity.online);
    assert_eq!(first.pending_events, 0);

    phone
        .phone
        .outbox()
        .append(OutboxEvent::Failure {
            lock_id: None,
            diagnosis_code: "connection_failed".into(),
            detail: "a test failure".into(),
            at: START,
        })
        .unwrap();
    assert_eq!(next(&mut status).await.pending_events, 1);

    phone.online();
    assert!(next(&mut status).await.connectivity.online);
    phone.engine.sync_until_idle(5).await.into_result().unwrap();
    let mut after = next(&mut status).await;
    while after.pending_events > 0 || after.last_success_at.is_none() {
        after = next(&mut status).await;
    }
    assert_eq!(after.last_error, None);
}
