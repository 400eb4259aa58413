//! A short run of the `outbox-crash` benchmark: events acknowledged by a
//! child process survive it being killed with SIGKILL.

use std::process::Command;

#[test]
fn acknowledged_outbox_events_survive_kill_9() {
    let output = Command::new(env!("CARGO_BIN_EXE_latchkey-bench"))
        .args(["outbox-crash", "--rounds", "5", "--json"])
        .output()
        .expect("latchkey-bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "status {}: {stdout}{stderr}", output.status);
    let line = stdout.trim();
    assert!(line.starts_with(r#"{"rounds":5,"acknowledged":"#), "{line}");
    assert!(line.ends_with(r#","lost":0}"#), "{line}");
    let acknowledged: u64 = line
        .trim_start_matches(r#"{"rounds":5,"acknowledged":"#)
        .trim_end_matches(r#","lost":0}"#)
        .parse()
        .expect("a count");
    assert!(acknowledged > 0, "the children acknowledged nothing: {line}");
}
