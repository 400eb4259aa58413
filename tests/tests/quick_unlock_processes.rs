//! A short run of `latchkey-bench footprint`: the app's process and two
//! widget processes race against one simulated lock, then are killed with
//! SIGKILL at random moments; afterwards every event the lock logged and
//! every acknowledged command is in the app's outbox exactly once, and the
//! lock never saw a FAST counter or a command id twice. (The figures are
//! the benchmark's; this only checks the counts.)

use std::process::Command;

#[test]
fn app_and_widget_processes_race_and_die_without_losing_or_reusing_anything() {
    let output = Command::new(env!("CARGO_BIN_EXE_latchkey-bench"))
        .args([
            "footprint",
            "--json",
            "--starts",
            "2",
            "--events",
            "300",
            "--keys",
            "0",
            "--widgets",
            "2",
            "--per-process",
            "8",
            "--rounds",
            "6",
        ])
        .output()
        .expect("latchkey-bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "status {}: {stdout}{stderr}", output.status);
    let figures: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    let c = &figures["concurrent"];
    for zero in ["lost", "duplicated", "counter_replays", "replayed"] {
        assert_eq!(c[zero], 0, "{zero}: {c}");
    }
    let app = c["produced"]["app"].as_u64().expect("a count");
    let quick = c["produced"]["quick"].as_u64().expect("a count");
    assert!(app >= 8 && quick >= 16, "the race ran: {c}");
    assert_eq!(c["lock_events"], c["events_in_store"], "{c}");
    assert!(figures["quick_unlock"]["peak_rss_mb"].as_f64().is_some_and(|m| m > 0.0));
    assert!(figures["drain"]["phone_peak_rss_mb"].as_f64().is_some_and(|m| m > 0.0));
}
