//! The upload rules against the reference cloud: refused events are kept
//! as dead letters, re-collected lock events are stored once, oversized
//! batches are split, metered networks get a budget, Retry-After is
//! honoured (capped at an hour), and the backoff starts over when the
//! network comes back.

use latchkey_core::outbox::OutboxEvent;
use latchkey_core::sync::{Connectivity, SyncConfig, SyncEngine, SyncOutcome};
use latchkey_core::DiagnosisCode;
use latchkey_protocol::{EventKind, KeyId, LockEvent, LockId};
use latchkey_sim::cloud::{ChaosConfig, CloudServer};
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::{SimLockHandle, SimWorld};
use latchkey_tests::sync_bench::chaos::numbered_event;
use latchkey_tests::sync_bench::harness::{
    cloud_for, cloud_phone, past_keys, register, test_config, CloudPhone, START,
};
use std::time::Duration;

struct Scene {
    world: SimWorld,
    lock: SimLockHandle,
    cloud: CloudServer,
    phone: CloudPhone,
    _dirs: Vec<tempfile::TempDir>,
}

async fn scene(tune: impl FnOnce(&mut SyncConfig)) -> Scene {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.unwrap();
    register(&cloud, &lock).unwrap();
    let mut config = test_config(&cloud);
    tune(&mut config);
    let phone = cloud_phone(&world, &cloud, dirs[1].path(), "phone", false, config)
        .await
        .unwrap();
    past_keys(&cloud, "phone", &[lock.id()], START).unwrap();
    Scene {
        world,
        lock,
        cloud,
        phone,
        _dirs: dirs,
    }
}

fn lock_event(lock_id: LockId, seq: u32) -> OutboxEvent {
    let event = LockEvent {
        seq,
        time: START + seq,
        kind: EventKind::Unlocked,
        key_id: KeyId([7; 8]),
        result: 0,
        detail: 0,
    };
    OutboxEvent::from_lock_event(lock_id, 1, &event, None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_the_cloud_refuses_is_kept_as_a_dead_letter_with_the_reason() {
    let s = scene(|_| {}).await;
    let outbox = s.phone.phone.outbox();
    outbox.append(lock_event(LockId([0xee; 16]), 1)).unwrap();
    outbox.append(lock_event(s.lock.id(), 1)).unwrap();
    s.phone.online();
    let report = s.phone.engine.sync_until_idle(5).await;
    assert_eq!((report.uploaded, report.dead_lettered), (1, 1), "{report:?}");
    let dead = s.phone.engine.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].reason.contains("unknown lock"), "{}", dead[0].reason);
    let status = s.phone.engine.status().await.unwrap();
    assert_eq!((status.pending_events, status.dead_letters), (0, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_events_collected_twice_under_new_ids_are_stored_once() {
    let s = scene(|_| {}).await;
    // A phone that crashed before moving its cursor collects them again.
    for _ in 0..2 {
        s.phone
            .phone
            .outbox()
            .append_batch((1..=3).map(|seq| lock_event(s.lock.id(), seq)).collect())
            .unwrap();
    }
    s.phone.online();
    let report = s.phone.engine.sync_until_idle(5).await;
    assert_eq!((report.uploaded, report.duplicates), (3, 3), "{report:?}");
    assert_eq!(s.cloud.received_events(Some(&s.lock.id())).unwrap().len(), 3);
    assert!(s.phone.phone.outbox().is_empty().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_the_cloud_refuses_as_too_large_is_split_until_it_fits() {
    // More events per request than the cloud takes (1,000).
    let s = scene(|c| {
        c.max_events_per_request = 1_500;
        c.max_request_bytes = 1024 * 1024;
    })
    .await;
    let locks = [s.lock.id()];
    let events = (0..1_200).map(|n| numbered_event(&locks, n)).collect();
    s.phone.phone.outbox().append_batch(events).unwrap();
    s.phone.online();
    let report = s.phone.engine.sync_until_idle(5).await;
    assert_eq!(report.outcome, SyncOutcome::Completed, "{report:?}");
    assert_eq!((report.uploaded, report.dead_lettered), (1_200, 0), "{report:?}");
    assert!(report.upload_requests >= 2, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metered_network_gets_a_byte_budget_per_pass() {
    let s = scene(|c| {
        c.metered_upload_bytes_per_pass = 16 * 1024;
        c.max_request_bytes = 8 * 1024;
    })
    .await;
    let locks = [s.lock.id()];
    let events = (0..400).map(|n| numbered_event(&locks, n)).collect();
    s.phone.phone.outbox().append_batch(events).unwrap();
    s.phone.engine.set_connectivity(Connectivity {
        online: true,
        metered: true,
    });
    let metered = s.phone.engine.sync_until_idle(5).await;
    assert_eq!(metered.outcome, SyncOutcome::Completed, "{metered:?}");
    assert!(metered.uploaded > 0 && metered.pending_after > 0, "{metered:?}");
    assert!(metered.upload_requests <= 3, "{metered:?}");
    s.phone.online();
    let unmetered = s.phone.engine.sync_until_idle(5).await;
    assert_eq!(metered.uploaded + unmetered.uploaded, 400, "{unmetered:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured_up_to_an_hour_and_nothing_is_sent_meanwhile() {
    let s = scene(|_| {}).await;
    s.phone.phone.outbox().append(lock_event(s.lock.id(), 1)).unwrap();
    s.cloud.set_chaos(ChaosConfig {
        rate_limited: 1.0,
        retry_after_s: 2 * 3600,
        ..ChaosConfig::default()
    });
    s.phone.online();
    let limited = s.phone.engine.sync_once().await;
    match &limited.outcome {
        SyncOutcome::Failed { error, retry_in_ms } => {
            assert_eq!(*retry_in_ms, 3_600_000, "capped at an hour");
            assert_eq!(error.diagnosis(), DiagnosisCode::CloudUnreachable);
        }
        other => panic!("{other:?}"),
    }
    let status = s.phone.engine.status().await.unwrap();
    assert_eq!(status.last_error.map(|e| e.code), Some(DiagnosisCode::CloudUnreachable));
    assert_eq!(status.next_attempt_in_ms, Some(3_600_000));

    s.cloud.set_chaos(ChaosConfig::default());
    s.phone.timer.advance(Duration::from_secs(3599));
    let waiting = s.phone.engine.sync_once().await;
    assert_eq!(waiting.outcome, SyncOutcome::Deferred { retry_in_ms: 1_000 });
    assert_eq!(waiting.requests, 0);
    s.phone.timer.advance(Duration::from_secs(1));
    let done = s.phone.engine.sync_once().await;
    assert_eq!((done.outcome, done.uploaded), (SyncOutcome::Completed, 1));
    assert!(s.phone.engine.status().await.unwrap().last_error.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backoff_grows_with_full_jitter_and_starts_over_when_the_network_returns() {
    let s = scene(|_| {}).await;
    s.phone.phone.outbox().append(lock_event(s.lock.id(), 1)).unwrap();
    s.cloud.set_chaos(ChaosConfig {
        unavailable: 1.0,
        ..ChaosConfig::default()
    });
    s.phone.online();
    for failure in 0..6u32 {
        let report = s.phone.engine.sync_once().await;
        let SyncOutcome::Failed { retry_in_ms, .. } = report.outcome else {
            panic!("{report:?}");
        };
        assert!(retry_in_ms <= 1000 << failure, "failure {failure}: {retry_in_ms} ms");
        s.phone.timer.advance(Duration::from_millis(retry_in_ms));
    }
    assert_eq!(
        s.phone.engine.status().await.unwrap().last_error.unwrap().consecutive,
        6
    );

    // Failing again leaves a wait; the network dropping and returning clears it.
    s.phone.engine.sync_once().await;
    s.cloud.set_chaos(ChaosConfig::default());
    s.phone.offline();
    s.world.clock.advance_secs(60);
    s.phone.online();
    let report = s.phone.engine.sync_once().await;
    assert_eq!((report.outcome, report.uploaded), (SyncOutcome::Completed, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_loop_uploads_new_events_when_told_and_stops_when_asked() {
    let s = scene(|_| {}).await;
    // Real time this once: the loop sleeps on tokio's clock.
    let engine = SyncEngine::builder(&s.phone.phone, test_config(&s.cloud), s.phone.token.clone())
        .build()
        .unwrap();
    engine.set_connectivity(Connectivity::ONLINE);
    let running = tokio::spawn({
        let engine = engine.clone();
        async move { engine.run().await }
    });
    for seq in 1..=3 {
        s.phone.phone.outbox().append(lock_event(s.lock.id(), seq)).unwrap();
        engine.notify_new_events();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while s.cloud.event_counts().unwrap().unique < u64::from(seq) {
            assert!(std::time::Instant::now() < deadline, "event {seq} never arrived");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    engine.stop();
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("run returns after stop")
        .unwrap();
    assert!(engine.status().await.unwrap().last_success_at.is_some());
}
