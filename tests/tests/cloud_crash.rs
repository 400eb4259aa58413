//! The phone process is killed mid-upload at the upload's crash points,
//! over several rounds; after each restart it carries on, and the cloud
//! ends with every event exactly once.

use std::process::Command;

#[test]
fn a_phone_killed_mid_upload_delivers_every_event_exactly_once_after_restarts() {
    let output = Command::new(env!("CARGO_BIN_EXE_latchkey-bench"))
        .args(["sync", "crash", "--rounds", "8"])
        .output()
        .expect("latchkey-bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "status {}: {stdout}{stderr}", output.status);
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(report["rounds"], 8, "{report}");
    assert_eq!(report["queued"], 8 * 300, "{report}");
    assert_eq!(report["server_unique"], report["queued"], "{report}");
    assert_eq!(report["lost"], 0, "{report}");
    assert_eq!(report["duplicated"], 0, "{report}");
    assert_eq!(report["interrupted"], 8, "every kill lands mid-upload: {report}");
    // Rounds 2, 3, 6 and 7 die after the cloud committed and before the
    // phone recorded it; a kill just after the request left counts too
    // when the cloud committed what it had read.
    assert!(
        report["committed_not_confirmed"].as_u64() >= Some(4),
        "the commit-before-confirm window was missed: {report}"
    );
}
