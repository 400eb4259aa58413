//! The `latchkey-sim peripheral` binary as its own process on hci1 (path
//! in LATCHKEY_SIM_BIN, set by ./scripts/test-ble), its stdout read line
//! by line: what the lock says happened to it.

use super::LOCK_ADAPTER;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::sync::mpsc;

/// The path of the binary; `None` (the test skips, saying why) when the
/// harness did not build it.
pub fn sim_binary() -> Option<String> {
    let binary = std::env::var("LATCHKEY_SIM_BIN").ok();
    if binary.is_none() {
        eprintln!("skipped: LATCHKEY_SIM_BIN unset (./scripts/test-ble builds latchkey-sim and sets it)");
    }
    binary
}

/// The running binary; killed (SIGKILL) and reaped on drop, so a failing
/// test leaves no process behind.
pub struct SimProcess {
    /// The process.
    pub child: Child,
    lines: mpsc::UnboundedReceiver<String>,
}

impl SimProcess {
    /// `binary peripheral --adapter hci1 ARGS`.
    pub fn start<I, S>(binary: &str, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = Command::new(binary)
            .args(["peripheral", "--adapter", LOCK_ADAPTER])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {binary}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                eprintln!("[latchkey-sim] {line}");
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// The next line that starts with `prefix` (skipping others); `None`
    /// when the process ended or nothing came within `timeout`.
    pub async fn line_starting(&mut self, prefix: &str, timeout: Duration) -> Option<String> {
        tokio::time::timeout(timeout, async {
            while let Some(line) = self.lines.recv().await {
                if line.starts_with(prefix) {
                    return Some(line);
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
    }

    /// Every line the process printed until its stdout closed.
    pub async fn rest(&mut self) -> Vec<String> {
        let mut rest = Vec::new();
        while let Ok(Some(line)) = tokio::time::timeout(Duration::from_secs(5), self.lines.recv()).await {
            rest.push(line);
        }
        rest
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
