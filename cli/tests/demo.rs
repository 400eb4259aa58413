//! `latchkey demo`: the whole story, every step present and checked, as
//! text and as JSON.

mod support;

use support::{json, latchkey, stdout};

const STEPS: [&str; 18] = [
    "1. The reference cloud starts, and a lock is commissioned",
    "2. Hannah, the host, issues keys in the cloud",
    "3. Every phone syncs over TLS",
    "4. The network goes down at the house",
    "5. Alice unlocks for the first time",
    "6. Alice locks again (fast repeat",
    "7. Gus tries at 10:00 on Monday: his key works from noon",
    "8. The connection drops right after a request",
    "9. Hannah revokes Carla's key in the cloud",
    "10. Alice's phone picks the list up",
    "11. Gus's Android 12 phone: \"Nearby devices\" was denied for good",
    "12. The bolt jams",
    "13. The network returns: every queued event reaches the cloud exactly once",
    "14. Drift cleared",
    "15. The vendor publishes firmware 1.1.0, which drops the keypad PIN list",
    "16. At the door, offline, Alice's phone installs it and puts the PIN list back",
    "17. The front door is factory reset: the phones say plainly what stopped working",
    "18. Hannah brings it back in one flow",
];

#[test]
fn the_demo_tells_every_step_and_exits_zero() {
    let out = stdout(&latchkey(&["demo"]).success());
    for step in STEPS {
        assert!(out.contains(step), "missing {step:?} in:\n{out}");
    }
    for figure in [
        "auth path, 1 round trip(s)",
        "fast path, 1 round trip(s)",
        "ms on the radio model",
        "It did not keep the keypad PIN list (the app put it back).",
        "revocation list #1 and PIN list #1 installed",
    ] {
        assert!(out.contains(figure), "missing {figure:?} in:\n{out}");
    }
    assert!(out.contains("Every step behaved as told (18 steps"), "{out}");
    assert!(!out.contains('✗') && !out.contains("\x1b["), "{out}");
}

#[test]
fn the_demo_as_json_lists_every_step_and_check() {
    let v = json(&["demo", "--json"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["failures"], 0, "{v}");
    let steps = v["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), STEPS.len(), "{v}");
    for (step, expected) in steps.iter().zip(STEPS) {
        let heading = format!("{}. {}", step["number"], step["title"].as_str().unwrap_or_default());
        assert!(heading.starts_with(expected), "{heading:?} is not {expected:?}");
        assert_eq!(step["ok"], true, "{step}");
    }
    let checks: usize = steps.iter().map(|s| s["checks"].as_array().map_or(0, Vec::len)).sum();
    assert!(checks >= 25, "{checks} checks");
    assert!(v["seconds"].as_f64().is_some_and(|s| s < 10.0), "{v}");
}
