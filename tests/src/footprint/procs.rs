//! Starting the footprint's child processes and reading what they say.

use super::child::{APP_CHILD, QUICK_CHILD};
use super::site::Site;
use crate::sync_bench::harness::SceneError;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;

/// What a child said, line by line, read on a thread of its own.
pub struct Running {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    /// Everything read so far.
    pub said: Vec<String>,
}

impl Running {
    /// Starts `exe` with `args`, reading its stdout.
    pub fn start(exe: &Path, args: &[String]) -> Result<Self, SceneError> {
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout: ChildStdout = child.stdout.take().ok_or("the child has no stdout")?;
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    return;
                }
            }
        });
        Ok(Self {
            child,
            lines,
            said: Vec::new(),
        })
    }

    /// Waits (up to a minute) for the child to say `ready`.
    pub fn wait_ready(&mut self) -> Result<(), SceneError> {
        loop {
            let line = self
                .lines
                .recv_timeout(std::time::Duration::from_secs(60))
                .map_err(|_| format!("the child never said ready (said {:?})", self.said))?;
            self.said.push(line.clone());
            if line == "ready" {
                return Ok(());
            }
        }
    }

    /// Kills it with SIGKILL (`kill -9`) and collects what it said before.
    pub fn kill(mut self) -> Result<Vec<String>, SceneError> {
        let _ = self.child.kill();
        self.child.wait()?;
        Ok(self.drain())
    }

    /// Waits for it to end; fails when it failed.
    pub fn finish(mut self) -> Result<Vec<String>, SceneError> {
        let status = self.child.wait()?;
        let said = self.drain();
        if !status.success() {
            return Err(format!("a child failed ({status}); it said {said:?}").into());
        }
        Ok(said)
    }

    fn drain(&mut self) -> Vec<String> {
        // The reader thread ends at EOF (the child is gone).
        while let Ok(line) = self.lines.recv() {
            self.said.push(line);
        }
        std::mem::take(&mut self.said)
    }
}

/// Arguments of a widget's process unlocking `count` times (0: until killed).
pub fn quick_args(site: &Site, count: u64) -> Vec<String> {
    vec![
        "footprint".into(),
        QUICK_CHILD.into(),
        "--quick-dir".into(),
        site.quick.display().to_string(),
        "--key-file".into(),
        site.key_file.display().to_string(),
        "--socket".into(),
        site.socket.path().display().to_string(),
        "--lock".into(),
        site.lock.id().to_hex(),
        "--count".into(),
        count.to_string(),
    ]
}

/// Arguments of the app's process unlocking `count` times (0: until killed).
pub fn app_args(site: &Site, count: u64) -> Vec<String> {
    vec![
        "footprint".into(),
        APP_CHILD.into(),
        "--store".into(),
        site.store.display().to_string(),
        "--quick-dir".into(),
        site.quick.display().to_string(),
        "--socket".into(),
        site.socket.path().display().to_string(),
        "--lock".into(),
        site.lock.id().to_hex(),
        "--count".into(),
        count.to_string(),
    ]
}

/// The `rss` a child reported, in MB.
pub fn rss_mb(said: &[String]) -> Option<f64> {
    said.iter()
        .find_map(|l| l.strip_prefix("rss "))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
}

/// Commands a child acknowledged (`ok` lines).
pub fn acknowledged(said: &[String]) -> u64 {
    said.iter().filter(|l| l.starts_with("ok ")).count() as u64
}
