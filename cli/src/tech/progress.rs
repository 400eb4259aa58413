//! Progress on stderr while a command waits: a spinner with the current
//! stage (scanning, connecting, authenticating…), only when stderr is a
//! terminal, so scripts and `--json` output stay clean.

use latchkey_core::unlock::{Progress, ProgressListener};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// A spinner line on stderr; `stage` changes its text.
pub struct Spinner {
    stage: Arc<Mutex<String>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Spinner {
    /// Starts spinning with `text` (does nothing when stderr is not a terminal).
    pub fn start(text: &str) -> Self {
        let stage = Arc::new(Mutex::new(text.to_string()));
        let task = std::io::stderr().is_terminal().then(|| {
            let stage = stage.clone();
            tokio::spawn(async move {
                for frame in FRAMES.iter().cycle() {
                    let text = stage.lock().map(|s| s.clone()).unwrap_or_default();
                    eprint!("\r\x1b[2K{frame} {text}");
                    let _ = std::io::stderr().flush();
                    tokio::time::sleep(Duration::from_millis(80)).await;
                }
            })
        });
        Self { stage, task }
    }

    /// Changes the text.
    pub fn stage(&self, text: &str) {
        if let Ok(mut s) = self.stage.lock() {
            *s = text.to_string();
        }
    }

    /// Stops and clears the line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            eprint!("\r\x1b[2K");
            let _ = std::io::stderr().flush();
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop();
    }
}

impl ProgressListener for Spinner {
    fn on_progress(&self, progress: Progress) {
        let text = match progress {
            Progress::Scanning => "scanning for the lock…".to_string(),
            Progress::Connecting { rssi } => format!("connecting ({rssi} dBm)…"),
            Progress::Authenticating { path } => format!("authenticating ({})…", path.name()),
            Progress::Actuating => "the lock is moving the bolt…".to_string(),
            Progress::Retrying { attempt } => format!("connection lost, retrying (attempt {attempt})…"),
            Progress::Transferring { sent, total } => {
                format!("sending the firmware: {} of {} KiB…", sent / 1024, total / 1024)
            }
            Progress::Setup { what } => format!("{what}…"),
            other => format!("{other:?}"),
        };
        self.stage(&text);
    }
}
