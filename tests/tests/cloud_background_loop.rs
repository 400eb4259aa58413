//! The background sync loop can be stopped and started any number of
//! times, and only one loop ever runs: a second start while one runs
//! returns at once; a start right after a stop runs once the old loop's
//! pass is over.

use latchkey_core::outbox::OutboxEvent;
use latchkey_core::sync::{Connectivity, SyncEngine};
use latchkey_protocol::{EventKind, KeyId, LockEvent};
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::SimWorld;
use latchkey_tests::sync_bench::harness::{cloud_for, cloud_phone, past_keys, register, test_config, START};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

fn run(engine: &SyncEngine) -> JoinHandle<()> {
    let engine = engine.clone();
    tokio::spawn(async move { engine.run().await })
}

/// Waits (real time: the loop sleeps on tokio's clock) until `done`.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Only the newest loop still runs.
fn only_newest_runs(loops: &[JoinHandle<()>]) -> bool {
    let (newest, older) = loops.split_last().expect("a loop");
    !newest.is_finished() && older.iter().all(JoinHandle::is_finished)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_stops_and_starts_any_number_of_times_one_at_a_time() {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.unwrap();
    register(&cloud, &lock).unwrap();
    let phone = cloud_phone(&world, &cloud, dirs[1].path(), "phone", false, test_config(&cloud))
        .await
        .unwrap();
    // The cloud takes events only from a phone that held a key for the lock.
    past_keys(&cloud, "phone", &[lock.id()], START).unwrap();
    let engine = SyncEngine::builder(&phone.phone, test_config(&cloud), phone.token.clone())
        .build()
        .unwrap();
    engine.set_connectivity(Connectivity::ONLINE);

    let mut seq = 0u32;
    let mut upload_one = || {
        seq += 1;
        let event = LockEvent {
            seq,
            time: START + seq,
            kind: EventKind::Unlocked,
            key_id: KeyId([7; 8]),
            result: 0,
            detail: 0,
        };
        phone
            .phone
            .outbox()
            .append(OutboxEvent::from_lock_event(lock.id(), 1, &event, None))
            .unwrap();
        engine.notify_new_events();
        u64::from(seq)
    };

    let mut loops = vec![run(&engine)];
    for round in 1..=3 {
        // A second start while one runs: still one loop.
        let newest = run(&engine);
        eventually("one of the two loops returns", || {
            loops.last().is_some_and(JoinHandle::is_finished) || newest.is_finished()
        })
        .await;
        if newest.is_finished() {
            newest.await.unwrap();
        } else {
            loops.push(newest);
        }
        let want = upload_one();
        eventually("the running loop uploads", || {
            cloud.event_counts().unwrap().unique >= want
        })
        .await;

        // Stop, then start at once (before the old loop has returned).
        engine.stop();
        loops.push(run(&engine));
        eventually("the old loop returns and the new one runs", || only_newest_runs(&loops)).await;
        let want = upload_one();
        eventually("the restarted loop uploads", || {
            cloud.event_counts().unwrap().unique >= want
        })
        .await;
        assert!(only_newest_runs(&loops), "round {round}: one loop runs");
    }
    engine.stop();
    eventually("every loop returned", || loops.iter().all(JoinHandle::is_finished)).await;
    assert_eq!(cloud.event_counts().unwrap().unique, u64::from(seq));
}
