//! The short form of `latchkey-bench crashpoints`: the phone killed at
//! every crash point a sync, an unlock, a key renewal and a damaged
//! store's quarantine pass (first passage), restarted on the same store
//! against the same cloud and lock, and checked: every acknowledged event
//! on the cloud exactly once and every refused one in the dead letters
//! once, no unlock reported that the lock did not do nor done twice, the
//! unlocks after recovery all accepted and no fast-key counter reused,
//! the cloud's revocation and PIN drift views the lock's, the renewed key
//! held, the store open (a damaged one quarantined once, reported, its
//! bytes kept).

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
    ] {
        assert!(killed.contains(&point), "{point} was not killed at: {report}");
    }
    assert!(report["points"].as_u64() >= Some(45), "{report}");
}
