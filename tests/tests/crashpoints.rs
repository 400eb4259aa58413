//! The short form of `latchkey-bench crashpoints`: the phone killed at
//! every crash point a sync, an unlock, a key renewal, a damaged store's
//! quarantine and taking in a widget's journals pass (first passage),
//! restarted on the same store against the same cloud and lock, and
//! checked: every acknowledged event on the cloud exactly once and every
//! refused one in the dead letters once, no unlock reported that the lock
//! did not do nor done twice, the unlocks after recovery all accepted and
//! no fast-key counter reused, the cloud's revocation and PIN drift views
//! the lock's, the renewed key held, the store open (a damaged one
//! quarantined once, reported, its bytes kept), each widget unlock on the
//! cloud once and no journal or journal marker left. Then the checks
//! themselves, fed a scene that breaks them.

use latchkey_core::outbox::{Outbox, OutboxConfig};
use latchkey_tests::crashpoints::{after_recovery, after_unlocks, Prelude, UnlockScene};
use latchkey_tests::sync_bench::chaos::numbered_event;
use latchkey_tests::sync_bench::crash_scene::CrashScene;
use latchkey_tests::sync_bench::phone_child::open_store;
use std::path::Path;
use std::process::Command;

#[test]
fn a_phone_killed_at_each_crash_point_recovers_with_nothing_lost_or_doubled() {
    let output = Command::new(env!("CARGO_BIN_EXE_latchkey-bench"))
        .args(["crashpoints", "--json", "--quick"])
        .output()
        .expect("latchkey-bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "status {}: {stdout}{stderr}", output.status);
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(report["violations"], 0, "{report}");
    assert_eq!(report["landed"], report["runs"], "a kill missed its point: {report}");
    let killed: Vec<&str> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["point"].as_str())
        .collect();
    for point in [
        "sync.http.post.request_sent",
        "sync.upload.committed_not_confirmed",
        "outbox.confirm.before_flush",
        "outbox.confirm.after_flush",
        "store.keys.put.before_flush",
        "store.generation.between_db_and_marker",
        "store.backup.after_rename",
        "unlock.answer_received",
        "unlock.revocations.installed_on_lock",
        "unlock.record.fast_key_stored",
        "store.fast_keys.put.after_flush",
        "sync.revocation_acks.reported",
        "outbox.dead_letter.between_flushes",
        "outbox.dead_letter.after_flush",
        "unlock.pins.installed_on_lock",
        "unlock.record.pin_ack_stored",
        "sync.pin_acks.reported",
        "sync.renewal.issued_not_stored",
        "store.quarantine.noted",
        "store.quarantine.between_renames",
        "store.quarantine.before_fresh_store",
        "store.quarantine.fresh_store_opened",
        "quick.ingest.events_queued",
        "quick.ingest.applied",
        "quick.ingest.journals_removed",
        "quick.ingest.markers_removed",
    ] {
        assert!(killed.contains(&point), "{point} was not killed at: {report}");
    }
    assert!(report["points"].as_u64() >= Some(50), "{report}");
    let ingest_runs = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["stage"] == "ingest")
        .count();
    assert!(ingest_runs >= 6, "the ingest stage kills at its own points: {report}");
}

fn bench() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_latchkey-bench"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checks_catch_an_event_the_cloud_never_got_and_one_it_stored_twice() {
    let work = tempfile::tempdir().unwrap();
    let mut scene = CrashScene::new(bench(), work.path(), true).await.unwrap();
    scene.queue(10).unwrap();
    scene.child.run_until_idle().unwrap();
    assert_eq!(
        after_recovery(&scene).unwrap(),
        Vec::<String>::new(),
        "nothing broken yet"
    );

    // A phone that forgot it had uploaded event 3 queues it again (an
    // unlock attempt: only its id would dedupe it), and one that confirmed
    // event 10 without uploading it drops it.
    {
        let outbox = Outbox::new(
            &open_store(&scene.child.dir).unwrap(),
            OutboxConfig { capacity: u64::MAX },
        )
        .unwrap();
        let ids = outbox
            .append_batch(vec![numbered_event(&scene.locks, 3), numbered_event(&scene.locks, 10)])
            .unwrap();
        assert_eq!(outbox.confirm(&ids[1..]).unwrap(), 1);
        scene.queued = 11;
    }
    scene.child.run_until_idle().unwrap();

    let broken = after_recovery(&scene).unwrap();
    assert_eq!(
        broken,
        vec![
            "1 acknowledged events never reached the cloud".to_string(),
            "1 events reached the cloud more than once".to_string(),
        ]
    );
    scene.cloud.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checks_catch_a_fast_key_counter_used_twice() {
    let work = tempfile::tempdir().unwrap();
    let mut scene = UnlockScene::new(bench(), work.path(), Prelude::Fresh).await.unwrap();
    // AUTH, then FAST: the phone holds a fast key and its counter.
    scene.run_to_end().unwrap();
    assert_eq!(
        after_unlocks(&scene).unwrap(),
        Vec::<String>::new(),
        "nothing broken yet"
    );
    let saved = work.path().join("saved");
    copy_dir(scene.phone_dir(), &saved);
    // Two more FAST unlocks move the lock's counter on.
    scene.run_to_end().unwrap();
    assert_eq!(
        after_unlocks(&scene).unwrap(),
        Vec::<String>::new(),
        "nothing broken yet"
    );

    // The store loses its last writes (as a write acknowledged before it
    // was durable would): the counter goes back, and the next FAST unlock
    // uses a counter the lock has seen. The lock refuses it; the phone
    // forgets that fast key and opens with AUTH in the same command, so
    // the unlocks succeed, and only the lock's log shows the reuse.
    std::fs::remove_dir_all(scene.phone_dir()).unwrap();
    copy_dir(&saved, scene.phone_dir());
    scene.run_to_end().unwrap();

    let broken = after_unlocks(&scene).unwrap();
    assert_eq!(
        broken,
        vec!["the lock refused 1 fast-key counters used before".to_string()],
        "the reused counter is caught, and nothing else broke"
    );
    scene.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checks_catch_a_widget_journal_left_behind_and_one_taken_in_twice() {
    let work = tempfile::tempdir().unwrap();
    let mut scene = UnlockScene::new(bench(), work.path(), Prelude::WidgetJournals)
        .await
        .unwrap();
    let journals = scene.quick_dir().expect("a quick-access directory").join("journal");
    let saved = work.path().join("saved");
    copy_dir(&journals, &saved);
    // The phone takes the widget's two journals in, uploads their
    // attempts, and removes the journals and then their markers.
    scene.run_to_end().unwrap();
    assert_eq!(
        after_unlocks(&scene).unwrap(),
        Vec::<String>::new(),
        "nothing broken yet"
    );

    // One journal comes back (as its deletion would after a power cut,
    // had its marker gone first): left behind until the next start, then
    // taken in a second time, its attempt uploaded again.
    let mut names: Vec<_> = std::fs::read_dir(&saved)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    let name = names[0].to_string_lossy().into_owned();
    std::fs::copy(saved.join(&name), journals.join(&name)).unwrap();
    assert_eq!(
        after_unlocks(&scene).unwrap(),
        vec![format!("journals left after the phone took them in: {name}")]
    );
    scene.run_to_end().unwrap();
    assert_eq!(
        after_unlocks(&scene).unwrap(),
        vec!["1 widget unlock attempts reached the cloud more than once".to_string()],
        "the second copy is caught, and nothing else broke"
    );
    scene.close().await;
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}
