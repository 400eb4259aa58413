//! The technician commands against the simulated site, as text and JSON.

mod support;

use support::{json, latchkey, stdout};

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
fn scan_lists_both_simulated_locks_with_signal_battery_and_pending_events() {
    let v = json(&["scan", "--json"]);
    let locks = v["locks"].as_array().expect("locks");
    assert_eq!(locks.len(), 2, "{v}");
    assert!(
        locks
            .iter()
            .all(|l| l["events_pending"] == true && l["rssi"].is_i64() && l["battery_low"] == false),
        "{v}"
    );
    let names: Vec<&str> = locks.iter().filter_map(|l| l["name"].as_str()).collect();
    assert!(names.contains(&"Front door") && names.contains(&"Garage"), "{v}");
    let text = stdout(&latchkey(&["scan"]).success());
    assert!(text.contains("2 lock(s) in range") && text.contains("dBm"), "{text}");
}

#[test]
fn unlock_lock_and_status_report_the_bolt() {
    let unlocked = json(&["unlock", "--json"]);
    assert_eq!(unlocked["bolt"], "unlocked", "{unlocked}");
    assert_eq!(unlocked["lock_name"], "Front door");
    assert_eq!(unlocked["command"], "unlock");
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
    assert!(text.contains("Front door") && text.contains("bolt locked"), "{text}");
}

#[test]
fn status_shows_the_fault_the_resident_ran_into() {
    let v = json(&["status", "--json", "--sim-fault", "misaligned-strike"]);
    assert_eq!(v["bolt"], "partially_thrown", "{v}");
    assert_eq!(v["faults"], serde_json::json!(["bolt_not_thrown"]), "{v}");
}

#[test]
fn events_show_the_log_with_its_gap_marked() {
    let v = json(&["events", "--json", "--lock", "Garage"]);
    assert_eq!(v["gaps"][0]["first"], 1, "{v}");
    let last = v["gaps"][0]["last"].as_u64().expect("gap end");
    assert!(last > 1, "{v}");
    let events = v["events"].as_array().expect("events");
    assert_eq!(events.first().map(|e| e["seq"].clone()), Some((last + 1).into()), "{v}");
    assert!(events.iter().any(|e| e["kind"] == "keypad_lockout"), "{v}");
    let text = stdout(&latchkey(&["events", "--lock", "Garage"]).success());
    assert!(text.contains(&format!("gap: entries 1–{last}")), "{text}");
}

#[test]
fn keys_are_listed_with_validity_and_the_offline_flag() {
    let v = json(&["keys", "--json"]);
    let keys = v["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 2, "{v}");
    assert!(
        keys.iter().all(|k| k["valid_now"] == true
            && k["state"] == "valid"
            && k["offline_allowed"] == true
            && k["role"] == "service"),
        "{v}"
    );
    assert_eq!(v["holder_key"].as_str().map(str::len), Some(128), "{v}");
}

#[test]
fn offline_check_says_what_is_missing() {
    let v = json(&["offline-check", "--json"]);
    assert_eq!(v["report"]["ready"], false, "no backup way in is recorded: {v}");
    let checks = v["report"]["checks"].as_array().expect("checks");
    assert!(checks.iter().any(|c| c["status"] == "fail"), "{v}");
    assert!(checks.iter().any(|c| c["status"] == "pass"), "{v}");
    let text = stdout(&latchkey(&["offline-check"]).success());
    assert!(
        text.contains("NOT ready to open the lock with no network") && text.contains('✗'),
        "{text}"
    );
}

#[test]
fn sync_uploads_what_the_phone_collected_to_the_reference_cloud() {
    let v = json(&["sync", "--json"]);
    assert_eq!(v["outcome"], "completed", "{v}");
    let uploaded = v["uploaded"].as_u64().unwrap_or_default();
    assert!(uploaded > 0, "{v}");
    assert_eq!(v["pending_after"], 0, "{v}");
    assert_eq!(v["cloud_holds"].as_u64(), Some(uploaded), "{v}");
}

#[test]
fn the_sheet_prints_as_markdown_and_json() {
    let md = stdout(&latchkey(&["sheet"]).success());
    assert!(md.starts_with("# Emergency access: Front door"), "{md}");
    let v = json(&["sheet", "--json"]);
    assert_eq!(v["lock_name"], "Front door", "{v}");
}
