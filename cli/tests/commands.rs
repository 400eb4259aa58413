//! The `latchkey` binary driven as a technician and a script would: the
//! demo, each command against the simulated site (text and --json), and
//! failures that print a diagnosis instead of a backtrace.

use assert_cmd::Command;
use serde_json::Value;

fn latchkey(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("latchkey")
        .expect("the latchkey binary")
        .args(args)
        .env("NO_COLOR", "1")
        .assert()
}

fn json(args: &[&str]) -> Value {
    let out = latchkey(args).success().get_output().stdout.clone();
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {}", String::from_utf8_lossy(&out)))
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

#[test]
fn the_demo_tells_every_step_and_exits_zero() {
    let run = latchkey(&["demo"]).success();
    let out = stdout(&run);
    for step in [
        "1. The reference cloud starts",
        "3. Every phone syncs over TLS",
        "5. Alice unlocks for the first time",
        "6. Alice locks again (fast repeat",
        "7. Gus tries at 10:00 on Monday",
        "10. Alice's phone picks the list up",
        "11. Gus's Android 12 phone",
        "12. The bolt jams",
        "13. The network returns: every queued event reaches the cloud exactly once",
        "14. Drift cleared",
        "Every step behaved as told",
    ] {
        assert!(out.contains(step), "missing {step:?} in:\n{out}");
    }
    assert!(!out.contains("✗"), "{out}");
}

#[test]
fn help_explains_every_command_in_one_line() {
    let out = stdout(&latchkey(&["--help"]).success());
    for command in [
        "demo",
        "doctor",
        "sheet",
        "cloud",
        "scan",
        "status",
        "unlock",
        "lock",
        "events",
        "keys",
        "offline-check",
        "sync",
    ] {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "no line for {command} in:\n{out}"
        );
    }
}

#[test]
fn scan_lists_both_simulated_locks_with_pending_events() {
    let v = json(&["scan", "--json"]);
    let locks = v["locks"].as_array().expect("locks");
    assert_eq!(locks.len(), 2, "{v}");
    assert!(
        locks.iter().all(|l| l["events_pending"] == true && l["rssi"].is_i64()),
        "{v}"
    );
    let names: Vec<&str> = locks.iter().filter_map(|l| l["name"].as_str()).collect();
    assert!(names.contains(&"Front door") && names.contains(&"Garage"), "{v}");
}

#[test]
fn unlock_lock_and_status_report_the_bolt() {
    let unlocked = json(&["unlock", "--json"]);
    assert_eq!(unlocked["bolt"], "unlocked", "{unlocked}");
    assert_eq!(unlocked["lock_name"], "Front door");
    assert_eq!(unlocked["round_trips"], 1);
    let locked = json(&["lock", "--json", "--lock", "garage"]);
    assert_eq!(
        (locked["bolt"].as_str(), locked["lock_name"].as_str()),
        (Some("locked"), Some("Garage"))
    );
    let status = json(&["status", "--json"]);
    assert_eq!(status["command"], "status");
    assert!(status["battery_percent"].as_u64().is_some_and(|p| p > 50), "{status}");
    let text = stdout(&latchkey(&["status"]).success());
    assert!(text.contains("Front door") && text.contains("bolt Locked"), "{text}");
}

#[test]
fn events_show_the_log_with_its_gap_marked() {
    let v = json(&["events", "--json", "--lock", "Garage"]);
    assert_eq!(v["gaps"], serde_json::json!([{"first": 1, "last": 8}]), "{v}");
    let events = v["events"].as_array().expect("events");
    assert_eq!(events.first().map(|e| e["seq"].clone()), Some(9.into()), "{v}");
    assert!(events.iter().any(|e| e["kind"] == "keypad_lockout"), "{v}");
    let text = stdout(&latchkey(&["events", "--lock", "Garage"]).success());
    assert!(text.contains("gap: entries 1–8"), "{text}");
}

#[test]
fn keys_are_listed_with_validity_and_the_offline_flag() {
    let v = json(&["keys", "--json"]);
    let keys = v["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 2, "{v}");
    assert!(
        keys.iter()
            .all(|k| k["valid_now"] == true && k["offline_allowed"] == true && k["role"] == "service"),
        "{v}"
    );
}

#[test]
fn offline_check_says_what_is_missing() {
    let v = json(&["offline-check", "--json"]);
    assert_eq!(v["report"]["ready"], false, "no backup way in is recorded: {v}");
    let checks = v["report"]["checks"].as_array().expect("checks");
    assert!(checks.iter().any(|c| c["status"] == "fail"), "{v}");
    assert!(checks.iter().any(|c| c["status"] == "pass"), "{v}");
}

#[test]
fn sync_uploads_what_the_phone_collected() {
    let v = json(&["sync", "--json"]);
    assert_eq!(v["outcome"], "completed", "{v}");
    assert!(v["uploaded"].as_u64().is_some_and(|n| n > 0), "{v}");
    assert_eq!(v["pending_after"], 0, "{v}");
}

#[test]
fn a_jammed_bolt_prints_the_diagnosis_and_fails() {
    let run = latchkey(&["unlock", "--sim-fault", "jammed"]).failure();
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        err.contains("The bolt is stuck") && err.contains("lock_jammed"),
        "{err}"
    );
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
    let run = latchkey(&["unlock", "--json", "--sim-fault", "jammed"]).failure();
    let v: Value = serde_json::from_slice(&run.get_output().stdout).expect("JSON error");
    assert_eq!(v["error"]["code"], "lock_jammed", "{v}");
    assert!(v["error"]["steps"].as_array().is_some_and(|s| !s.is_empty()), "{v}");
}

#[test]
fn an_unknown_lock_is_explained() {
    let run = latchkey(&["status", "--lock", "Cellar"]).failure();
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(err.contains("Cellar") && err.contains("unknown_lock"), "{err}");
}

#[test]
fn the_guided_doctor_walks_a_misaligned_strike_to_its_diagnosis() {
    let run = Command::cargo_bin("latchkey")
        .expect("the latchkey binary")
        .args([
            "doctor",
            "--guided",
            "door_not_fully_locking",
            "--sim-fault",
            "misaligned-strike",
            "--no-color",
        ])
        .write_stdin("1\n")
        .assert()
        .success();
    let out = stdout(&run);
    assert!(out.contains("the lock refused: bolt_not_thrown"), "{out}");
    assert!(out.contains("(strike_misaligned)"), "{out}");
    assert!(!out.contains("Bluetooth is off"), "{out}");
}
