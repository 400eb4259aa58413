//! The `chaos` part of `latchkey-bench sync --json`, from a short chaos
//! run: exactly the keys docs/benchmarks.md documents, whole numbers, nothing lost.
//!
//! The rest of that object (`drain_100k_s`, `enqueue_per_s`,
//! `cold_open_ms`, …) comes from draining 100,000 events out of a store of
//! 10,000 keys, fixed sizes with no smaller form, so it is left to the
//! benchmark itself.

use latchkey_tests::sync_bench::chaos;
use serde_json::Value;
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_chaos_run_reports_the_specified_keys_with_nothing_lost() {
    let run = chaos::run(60, 10, 3).await.unwrap();
    let printed = run.json();
    let json: Value = serde_json::from_str(&printed).unwrap_or_else(|e| panic!("not JSON ({e}): {printed}"));
    let keys: BTreeSet<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from(["sent", "server_unique", "lost", "duplicates_delivered"]),
        "{printed}"
    );
    assert!(json.as_object().unwrap().values().all(Value::is_u64), "{printed}");
    assert_eq!(json["sent"], 60, "{printed}");
    assert_eq!(json["server_unique"], 60, "{printed}");
    assert_eq!(json["lost"], 0, "{printed}");
}
