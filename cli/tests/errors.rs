//! Failures print the diagnosis (what is wrong, why, the numbered fix) or
//! a plain usage message, never a backtrace, and exit non-zero.

mod support;

use serde_json::Value;
use support::{assert_no_backtrace, latchkey, stderr};

#[test]
fn a_jammed_bolt_prints_the_diagnosis_and_fails() {
    let err = stderr(&latchkey(&["unlock", "--sim-fault", "jammed"]).code(1));
    assert!(
        err.contains("The bolt is stuck") && err.contains("(lock_jammed)") && err.contains("  1) "),
        "{err}"
    );
    assert_no_backtrace(&err);
    let run = latchkey(&["unlock", "--json", "--sim-fault", "jammed"]).code(1);
    let v: Value = serde_json::from_slice(&run.get_output().stdout).expect("JSON error");
    assert_eq!(v["error"]["code"], "lock_jammed", "{v}");
    assert_eq!(v["error"]["action"], "call_technician", "{v}");
    assert!(v["error"]["steps"].as_array().is_some_and(|s| !s.is_empty()), "{v}");
}

#[test]
fn flat_batteries_stop_the_unlock_with_their_own_diagnosis() {
    let err = stderr(&latchkey(&["unlock", "--sim-fault", "battery-flat"]).code(1));
    assert!(err.contains("(battery_critical)"), "{err}");
    assert!(!err.contains("(bluetooth_"), "{err}");
}

#[test]
fn an_unknown_lock_is_explained() {
    let err = stderr(&latchkey(&["status", "--lock", "Cellar"]).code(1));
    assert!(err.contains("Cellar") && err.contains("(unknown_lock)"), "{err}");
    assert_no_backtrace(&err);
}

#[test]
fn bluetooth_without_a_phone_store_is_a_usage_error() {
    let err = stderr(&latchkey(&["status", "--ble"]).code(2));
    assert!(err.contains("--ble needs --data-dir"), "{err}");
    let err = stderr(&latchkey(&["status", "--data-dir", "/tmp/latchkey-never-used"]).code(2));
    assert!(err.contains("needs --ble"), "{err}");
}

#[cfg(feature = "ble")]
#[test]
fn a_computer_without_a_system_bus_is_explained_not_a_backtrace() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().display().to_string();
    let bus = dir.clone() + "/no-bus-here";
    let out = assert_cmd::Command::cargo_bin("latchkey")
        .expect("the latchkey binary")
        .args(["scan", "--ble", "--data-dir", &dir])
        .env("NO_COLOR", "1")
        .env("DBUS_SYSTEM_BUS_ADDRESS", format!("unix:path={bus}"))
        .assert()
        .code(1);
    let err = stderr(&out);
    assert!(err.contains("(bluetooth_unavailable)"), "{err}");
    assert!(err.contains("no D-Bus system bus"), "the cause is named: {err}");
    assert!(
        err.contains("latchkey doctor --ble"),
        "the way to check this computer: {err}"
    );
    assert_no_backtrace(&err);
}

#[cfg(not(feature = "ble"))]
#[test]
fn a_build_without_bluetooth_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().display().to_string();
    let err = stderr(&latchkey(&["scan", "--ble", "--data-dir", &dir]).code(1));
    assert!(
        err.contains("(bluetooth_unavailable)") && err.contains("--features ble"),
        "{err}"
    );
}

#[test]
fn an_unreachable_cloud_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().display().to_string();
    let args = [
        "sync",
        "--cloud",
        "https://127.0.0.1:9",
        "--token",
        "t",
        "--data-dir",
        &dir,
    ];
    let err = stderr(&latchkey(&args).code(1));
    assert!(err.contains("(cloud_unreachable)"), "{err}");
    assert_no_backtrace(&err);
}
