//! `latchkey-bench unlock` prints the JSON object docs/benchmarks.md documents, and
//! its radio figures (virtual time on the link model, so deterministic in
//! any build) meet the targets: one round trip for first contact and
//! repeat, no asymmetric work on the lock for a repeat, a repeat request
//! of at most 64 bytes, and a repeat at most half as long as Nuki's lock
//! action over the same model. The CPU figure is wall time: only its
//! presence is checked.

use latchkey_tests::unlock_bench;
use serde_json::Value;
use std::collections::BTreeSet;

const FIGURES: [&str; 6] = [
    "round_trips",
    "bytes_up",
    "bytes_down",
    "packets_up_mtu23",
    "virtual_ms_mtu185",
    "lock_asym_ops",
];

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

/// One figures object: exactly the six keys, each a whole number.
fn figures<'a>(json: &'a Value, path: [&str; 2]) -> &'a Value {
    let object = &json[path[0]][path[1]];
    assert_eq!(
        keys(object),
        BTreeSet::from(FIGURES),
        "{}.{}: {object}",
        path[0],
        path[1]
    );
    for key in FIGURES {
        assert!(
            object[key].is_u64(),
            "{}.{}.{key} is not a whole number: {object}",
            path[0],
            path[1]
        );
    }
    object
}

fn figure(object: &Value, key: &str) -> u64 {
    object[key].as_u64().unwrap()
}

#[tokio::test]
async fn the_unlock_benchmark_prints_the_specified_json_and_meets_its_targets() {
    let bench = unlock_bench::run().await.expect("the benchmark runs");
    let printed = bench.json();
    let json: Value = serde_json::from_str(&printed).unwrap_or_else(|e| panic!("not JSON ({e}): {printed}"));

    assert_eq!(
        keys(&json),
        BTreeSet::from(["unlock", "reference", "phone_unlock_cpu_us_median", "lock_energy"]),
        "{printed}"
    );
    assert_eq!(keys(&json["unlock"]), BTreeSet::from(["first", "repeat"]), "{printed}");
    assert_eq!(
        keys(&json["reference"]),
        BTreeSet::from(["nuki_like", "tedee_like"]),
        "{printed}"
    );
    let first = figures(&json, ["unlock", "first"]);
    let repeat = figures(&json, ["unlock", "repeat"]);
    let nuki = figures(&json, ["reference", "nuki_like"]);
    figures(&json, ["reference", "tedee_like"]);
    let cpu = json["phone_unlock_cpu_us_median"].as_f64().expect("a number");
    assert!(cpu > 0.0, "{printed}");

    assert_eq!(figure(first, "round_trips"), 1, "{printed}");
    assert_eq!(figure(repeat, "round_trips"), 1, "{printed}");
    assert_eq!(figure(repeat, "lock_asym_ops"), 0, "{printed}");
    assert!(figure(repeat, "bytes_up") <= 64, "{printed}");
    assert!(
        2 * figure(repeat, "virtual_ms_mtu185") <= figure(nuki, "virtual_ms_mtu185"),
        "the repeat must take at most half of nuki_like's time: {printed}"
    );
    // First contact does the asymmetric work a repeat avoids.
    assert!(figure(first, "lock_asym_ops") > 0, "{printed}");

    // By kind: a first contact verifies the certificate and the holder,
    // signs its answer and runs one key exchange; a repeat does none.
    let energy = &json["lock_energy"];
    let ops = |v: &Value| [figure(v, "verify"), figure(v, "sign"), figure(v, "ecdh")];
    assert_eq!(ops(&energy["first"]), [2, 1, 1], "{printed}");
    assert_eq!(ops(&energy["repeat"]), [0, 0, 0], "{printed}");
    // Junk: bounded by the budget (8 at once, one per 5 s), where a lock
    // without one pays for every frame.
    let junk = &energy["junk"];
    let budget = 8 + figure(junk, "virtual_s") / 5;
    let [verify, sign, ecdh] = ops(&junk["budgeted"]);
    assert!(verify + sign <= budget, "{printed}");
    assert_eq!(ecdh, 0, "{printed}");
    assert!(figure(junk, "lock_busy_answers") > 0, "{printed}");
    let [verify, sign, _] = ops(&junk["unlimited"]);
    assert!(verify + sign >= 10 * budget, "{printed}");
}
