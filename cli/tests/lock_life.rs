//! `claim`, `recommission` and `firmware` against the simulated site, as
//! text and JSON, and the usage errors a technician can make.

mod support;

use support::{assert_no_backtrace, json, latchkey, parse, stderr, stdout};

#[test]
fn help_lists_the_lock_life_commands() {
    let out = stdout(&latchkey(&["--help"]).success());
    for command in ["claim", "recommission", "firmware"] {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "no line for {command} in:\n{out}"
        );
    }
}

#[test]
fn claim_sets_a_new_lock_up_offline_and_queues_its_registration() {
    let v = json(&["claim", "--json", "--name", "Shed"]);
    assert_eq!(
        (v["name"].as_str(), v["epoch"].as_u64(), v["recommissioned"].as_bool()),
        (Some("Shed"), Some(1), Some(false)),
        "{v}"
    );
    assert_eq!(v["firmware"], "1.0.0");
    let text = stdout(&latchkey(&["claim"]).success());
    assert!(
        text.contains("Garden gate") && text.contains("claimed for this account, offline"),
        "{text}"
    );
    assert!(
        text.contains("the cloud registers it at this phone's next sync"),
        "{text}"
    );
}

#[test]
fn a_mistyped_setup_code_is_refused_with_its_diagnosis() {
    let run = latchkey(&["claim", "--sim-wrong-code"]).code(1);
    let err = stderr(&run);
    assert!(
        err.contains("setup_code_wrong") && err.contains("Nothing was changed"),
        "{err}"
    );
    assert_no_backtrace(&err);
    let args = ["claim", "--sim-wrong-code", "--json"];
    let v = parse(&args, &latchkey(&args).code(1));
    assert_eq!(v["error"]["code"], "setup_code_wrong", "{v}");
}

#[test]
fn a_setup_code_that_is_not_one_is_a_usage_error() {
    let err = stderr(&latchkey(&["claim", "--setup-code", "LK1.12.34"]).code(2));
    assert!(err.contains("is not a lock's setup code"), "{err}");
    let err = stderr(&latchkey(&["claim", "--ble", "--data-dir", "/tmp/latchkey-never-used-life"]).code(2));
    assert!(err.contains("--setup-code"), "{err}");
}

#[test]
fn recommission_brings_the_reset_front_door_back_and_the_key_works_again() {
    let text = stdout(&latchkey(&["recommission"]).success());
    assert!(
        text.contains("factory reset (simulated)") && text.contains("the lock has no owner"),
        "{text}"
    );
    assert!(
        text.contains("re-commissioned, offline") && text.contains("epoch 2"),
        "{text}"
    );
    assert!(text.contains("this phone's key works again"), "{text}");
    let v = json(&["recommission", "--json", "--lock", "garage"]);
    assert_eq!(
        (v["name"].as_str(), v["epoch"].as_u64(), v["recommissioned"].as_bool()),
        (Some("Garage"), Some(2), Some(true)),
        "{v}"
    );
}

#[test]
fn firmware_show_says_what_the_lock_runs_and_what_the_phone_carries() {
    let v = json(&["firmware", "show", "--json", "--drops", "clock_trust"]);
    assert_eq!(
        (v["running"].as_str(), v["available"].as_str()),
        (Some("1.0.0"), Some("1.1.0")),
        "{v}"
    );
    assert_eq!(v["update_available"], true);
    assert_eq!(v["available_drops"], serde_json::json!(["clock_trust"]));
    let text = stdout(&latchkey(&["firmware", "show"]).success());
    assert!(
        text.contains("runs 1.0.0") && text.contains("`latchkey firmware update` installs it"),
        "{text}"
    );
}

#[test]
fn firmware_update_installs_offline_and_says_what_it_kept_and_put_back() {
    let v = json(&["firmware", "update", "--json", "--drops", "pin_list"]);
    assert_eq!(
        (v["before"].as_str(), v["running"].as_str(), v["installed"].as_bool()),
        (Some("1.0.0"), Some("1.1.0"), Some(true)),
        "{v}"
    );
    let pins = v["kept"]
        .as_array()
        .and_then(|k| k.iter().find(|c| c["what"] == "the keypad PIN list"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (pins["kept"].as_bool(), pins["repaired"].as_bool()),
        (Some(false), Some(true)),
        "{v}"
    );
    assert_eq!(v["still_missing"], serde_json::json!([]));
    let text = stdout(&latchkey(&["firmware", "update"]).success());
    assert!(text.contains("updated from 1.0.0 to 1.1.0, offline"), "{text}");
    assert!(text.contains("kept keys and fast keys, the keypad PIN list"), "{text}");
}

#[test]
fn firmware_drops_must_be_known_names() {
    let err = stderr(&latchkey(&["firmware", "update", "--drops", "keys"]).code(2));
    assert!(
        err.contains("`keys` is not pin_list, certificates or clock_trust"),
        "{err}"
    );
}
