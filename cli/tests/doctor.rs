//! `latchkey doctor`: a phone's snapshot as JSON, this computer with the
//! simulated lock, and the guided flow answered on stdin.

mod support;

use support::{json, parse, run, stdout};

const ANDROID: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/examples/diagnostics/android.json");

#[test]
fn a_phone_snapshot_is_diagnosed_as_json() {
    let v = json(&["doctor", "--snapshot", ANDROID, "--json"]);
    let first = &v["findings"][0];
    assert_eq!(first["code"], "android_scan_permission_blocked", "{v}");
    assert_eq!(first["action"], "open_app_settings", "{v}");
    assert_eq!(v["platform"], "android", "{v}");
}

#[test]
fn this_computer_and_the_simulated_lock_are_diagnosed_together() {
    let v = json(&["doctor", "--json", "--sim-fault", "jammed"]);
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"lock_jammed"), "{v}");
    assert_eq!(v["platform"], "linux", "{v}");
    assert!(
        v["lock_source"].as_str().is_some_and(|s| s.contains("status read")),
        "{v}"
    );
    assert!(v["probe"].as_array().is_some_and(|p| !p.is_empty()), "{v}");
}

#[test]
fn the_guided_flow_walks_a_misaligned_strike_to_its_diagnosis() {
    let args = [
        "doctor",
        "--guided",
        "door_not_fully_locking",
        "--sim-fault",
        "misaligned-strike",
    ];
    let out = stdout(&run(&args, "1\n").success());
    assert!(out.contains("faults bolt_not_thrown"), "{out}");
    assert!(out.contains("(strike_misaligned)"), "{out}");
    assert!(!out.contains("Bluetooth is off"), "{out}");
}

#[test]
fn the_guided_flow_picks_its_symptom_from_a_menu_and_ends_in_json() {
    let args = ["doctor", "--guided", "--sim-fault", "jammed", "--json"];
    let done = run(&args, "4\n2\n").success();
    let v = parse(&args, &done);
    assert_eq!(v["symptom"], "door_not_fully_locking", "{v}");
    assert_eq!(v["findings"][0]["code"], "lock_jammed", "{v}");
    assert_eq!(v["steps"][0]["answer"], "passed", "{v}");
    let prompts = support::stderr(&done);
    assert!(
        prompts.contains("[4] The door doesn't lock or unlock fully"),
        "{prompts}"
    );
}

#[test]
fn the_guided_flow_without_answers_stops_with_a_clear_message() {
    let args = ["doctor", "--guided", "door_not_fully_locking", "--sim-fault", "jammed"];
    let err = support::stderr(&run(&args, "").code(2));
    assert!(err.contains("no answer on stdin"), "{err}");
    support::assert_no_backtrace(&err);
}
