//! Whole uploads the cloud refuses with a 4xx, against the reference
//! cloud's standing refusal switch: a refusal caused by one event is
//! narrowed down by splitting the batch and only that event goes to the
//! dead letters (the queue never stalls behind it); a 404 (no upload
//! route: a wrong URL or a cloud without the API) and a 403 (the phone
//! itself is refused) fail the pass, keep every event queued and upload
//! them once the refusal ends.

use latchkey_core::outbox::OutboxEvent;
use latchkey_core::sync::SyncOutcome;
use latchkey_core::DiagnosisCode;
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::{SimLockHandle, SimWorld};
use latchkey_tests::sync_bench::chaos::numbered_event;
use latchkey_tests::sync_bench::harness::{
    cloud_for, cloud_phone, past_keys, register, test_config, CloudPhone, START,
};
use std::time::Duration;

/// Text only the poisoned event carries.
const POISON: &str = "the-event-the-cloud-refuses";

struct Scene {
    lock: SimLockHandle,
    cloud: CloudServer,
    phone: CloudPhone,
    _world: SimWorld,
    _dirs: Vec<tempfile::TempDir>,
}

async fn scene() -> Scene {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.unwrap();
    register(&cloud, &lock).unwrap();
    let phone = cloud_phone(&world, &cloud, dirs[1].path(), "phone", false, test_config(&cloud))
        .await
        .unwrap();
    past_keys(&cloud, "phone", &[lock.id()], START).unwrap();
    Scene {
        lock,
        cloud,
        phone,
        _world: world,
        _dirs: dirs,
    }
}

fn queue(s: &Scene, n: u64) {
    let locks = [s.lock.id()];
    let events = (0..n).map(|i| numbered_event(&locks, i)).collect();
    s.phone.phone.outbox().append_batch(events).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_refused_because_of_one_event_dead_letters_that_event_alone() {
    let s = scene().await;
    let locks = [s.lock.id()];
    let mut events: Vec<OutboxEvent> = (0..6).map(|i| numbered_event(&locks, i)).collect();
    events.insert(
        3,
        OutboxEvent::Failure {
            lock_id: None,
            diagnosis_code: "storage".into(),
            detail: POISON.into(),
            at: START,
        },
    );
    s.phone.phone.outbox().append_batch(events).unwrap();
    s.cloud.refuse("/v1/events", 409, "conflict", Some(POISON));
    s.phone.online();

    let report = s.phone.engine.sync_until_idle(5).await;
    assert_eq!(report.outcome, SyncOutcome::Completed, "{report:?}");
    assert_eq!((report.uploaded, report.dead_lettered), (6, 1), "{report:?}");
    assert!(s.cloud.refused_requests() >= 2, "refused whole, then again alone");
    assert_eq!(s.cloud.event_counts().unwrap().unique, 6);
    let dead = s.phone.engine.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(
        matches!(&dead[0].event, Some(OutboxEvent::Failure { detail, .. }) if detail == POISON),
        "{dead:?}"
    );
    assert!(
        dead[0].reason.contains("409") && dead[0].reason.contains("conflict"),
        "{}",
        dead[0].reason
    );
    let status = s.phone.engine.status().await.unwrap();
    assert_eq!((status.pending_events, status.dead_letters), (0, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_upload_route_fails_the_pass_with_a_diagnosis_and_sets_nothing_aside() {
    let s = scene().await;
    queue(&s, 3);
    s.cloud.refuse("/v1/events", 404, "not_found", None);
    s.phone.online();

    let failed = s.phone.engine.sync_once().await;
    let SyncOutcome::Failed { error, retry_in_ms } = &failed.outcome else {
        panic!("{failed:?}");
    };
    assert_eq!(error.diagnosis(), DiagnosisCode::CloudRejected, "{error}");
    let message = error.to_string();
    assert!(
        message.contains("no event upload") && message.contains("cloud URL"),
        "{message}"
    );
    assert_eq!(
        s.cloud.refused_requests(),
        1,
        "one request: no splitting for a missing route"
    );
    let status = s.phone.engine.status().await.unwrap();
    assert_eq!((status.pending_events, status.dead_letters), (3, 0));
    assert_eq!(status.last_error.map(|e| e.code), Some(DiagnosisCode::CloudRejected));

    // Once the route answers again, everything goes up.
    s.cloud.stop_refusing();
    s.phone.timer.advance(Duration::from_millis(*retry_in_ms));
    let done = s.phone.engine.sync_once().await;
    assert_eq!((done.outcome, done.uploaded), (SyncOutcome::Completed, 3));
    assert_eq!(s.cloud.event_counts().unwrap().unique, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_refused_to_the_phone_itself_fails_the_pass_and_sets_nothing_aside() {
    let s = scene().await;
    queue(&s, 3);
    s.cloud.refuse("/v1/events", 403, "forbidden", None);
    s.phone.online();

    let failed = s.phone.engine.sync_once().await;
    let SyncOutcome::Failed { error, retry_in_ms } = &failed.outcome else {
        panic!("{failed:?}");
    };
    assert_eq!(error.diagnosis(), DiagnosisCode::CloudAuth, "{error}");
    let status = s.phone.engine.status().await.unwrap();
    assert_eq!((status.pending_events, status.dead_letters), (3, 0));

    s.cloud.stop_refusing();
    s.phone.timer.advance(Duration::from_millis(*retry_in_ms));
    let done = s.phone.engine.sync_once().await;
    assert_eq!((done.outcome, done.uploaded), (SyncOutcome::Completed, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cloud_refusing_every_upload_sets_aside_only_a_few_events_and_keeps_the_rest_queued() {
    let s = scene().await;
    queue(&s, 40);
    // A proxy in front of the cloud that refuses the request itself.
    s.cloud.refuse("/v1/events", 405, "method_not_allowed", None);
    s.phone.online();

    let failed = s.phone.engine.sync_once().await;
    let SyncOutcome::Failed { error, retry_in_ms } = &failed.outcome else {
        panic!("{failed:?}");
    };
    assert!(error.to_string().contains("refuses every upload"), "{error}");
    let status = s.phone.engine.status().await.unwrap();
    assert_eq!((status.pending_events, status.dead_letters), (37, 3), "{status:?}");

    // Later passes set nothing more aside while the refusal lasts.
    s.phone.timer.advance(Duration::from_millis(*retry_in_ms));
    let again = s.phone.engine.sync_once().await;
    assert!(matches!(again.outcome, SyncOutcome::Failed { .. }), "{again:?}");
    assert_eq!(again.dead_lettered, 0);
    let status = s.phone.engine.status().await.unwrap();
    assert_eq!((status.pending_events, status.dead_letters), (37, 3));

    // Once uploads are accepted again, the queue goes up.
    s.cloud.stop_refusing();
    let SyncOutcome::Failed { retry_in_ms, .. } = again.outcome else {
        unreachable!()
    };
    s.phone.timer.advance(Duration::from_millis(retry_in_ms));
    let done = s.phone.engine.sync_until_idle(5).await;
    assert_eq!((done.outcome, done.uploaded), (SyncOutcome::Completed, 37));
}
