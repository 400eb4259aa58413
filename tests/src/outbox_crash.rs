//! `latchkey-bench outbox-crash --rounds N [--json] [--dir D]`: proves that
//! an event the outbox acknowledged survives `kill -9`.
//!
//! Each round, the parent starts a child (this binary's hidden
//! `outbox-crash-child --dir D`) that appends events in a loop and prints
//! each id only after `append` returned. Once the child says it is ready,
//! the parent waits a random 5–80 ms, kills it with SIGKILL, reopens the
//! store and checks that every id ever acknowledged is still pending. All
//! rounds share one store, which keeps growing. Prints
//! `{"rounds":N,"acknowledged":A,"lost":L}` and exits with status 1 when
//! L is not 0.

use latchkey_core::outbox::{EventId, Outbox, OutboxConfig, OutboxEvent};
use latchkey_core::platform_keys::SoftwareKeyStore;
use latchkey_core::store::Store;
use latchkey_protocol::{EventKind, KeyId, LockEvent, LockId};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The hidden subcommand the parent runs as its child.
pub const CHILD_COMMAND: &str = "outbox-crash-child";
const READY: &str = "ready";
/// A child left alone (its parent died) stops by itself after this long.
const CHILD_LIFETIME: Duration = Duration::from_secs(30);

/// What the benchmark measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrashReport {
    /// Kill rounds run.
    pub rounds: u32,
    /// Events the children acknowledged.
    pub acknowledged: u64,
    /// Acknowledged events missing after a restart.
    pub lost: u64,
}

impl CrashReport {
    /// The report as one JSON object.
    pub fn to_json(&self) -> String {
        format!(
            r#"{{"rounds":{},"acknowledged":{},"lost":{}}}"#,
            self.rounds, self.acknowledged, self.lost
        )
    }
}

/// Entry point of `outbox-crash`; returns the process exit code.
pub fn main(args: &[String]) -> i32 {
    let rounds = flag(args, "--rounds").map(|v| v.parse::<u32>());
    let rounds = match rounds {
        None => 20,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("outbox-crash: --rounds needs a positive number");
            return 2;
        }
    };
    let (dir, temporary) = match flag(args, "--dir") {
        Some(d) => (PathBuf::from(d), false),
        None => (scratch_dir(), true),
    };
    let result = std::env::current_exe()
        .map_err(|e| format!("can't find this program's path: {e}"))
        .and_then(|exe| run(&exe, &dir, rounds));
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    match result {
        Ok(report) => {
            if args.iter().any(|a| a == "--json") {
                println!("{}", report.to_json());
            } else {
                println!(
                    "outbox-crash: {} rounds, {} events acknowledged, {} lost",
                    report.rounds, report.acknowledged, report.lost
                );
            }
            i32::from(report.lost != 0)
        }
        Err(e) => {
            eprintln!("outbox-crash: {e}");
            1
        }
    }
}

/// Runs `rounds` kill rounds on the store in `work_dir`, starting children
/// from `exe` (a binary that dispatches [`CHILD_COMMAND`] to [`child_main`]).
pub fn run(exe: &Path, work_dir: &Path, rounds: u32) -> Result<CrashReport, String> {
    let store_dir = work_dir.join("store");
    // Create the store (and its key file) before any child can be killed.
    open_outbox(&store_dir)?;
    let mut acknowledged: Vec<EventId> = Vec::new();
    let mut lost: HashSet<EventId> = HashSet::new();
    for round in 0..rounds {
        acknowledged.extend(kill_one_child(exe, &store_dir).map_err(|e| format!("round {round}: {e}"))?);
        let outbox = open_outbox(&store_dir).map_err(|e| format!("round {round}: reopening: {e}"))?;
        let pending: HashSet<EventId> = outbox.pending_ids().map_err(|e| e.to_string())?.into_iter().collect();
        for id in &acknowledged {
            if !pending.contains(id) {
                lost.insert(*id);
            }
        }
    }
    Ok(CrashReport {
        rounds,
        acknowledged: acknowledged.len() as u64,
        lost: lost.len() as u64,
    })
}

/// Starts a child, kills it at a random moment, returns the ids it acknowledged.
fn kill_one_child(exe: &Path, store_dir: &Path) -> Result<Vec<EventId>, String> {
    let mut child = Command::new(exe)
        .arg(CHILD_COMMAND)
        .arg("--dir")
        .arg(store_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("can't start the child: {e}"))?;
    let stdout = child.stdout.take().ok_or("the child has no stdout")?;
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut ids = Vec::new();
        let mut reader = BufReader::new(stdout);
        let mut line = Vec::new();
        // Only complete lines count: a line cut short by the kill was never
        // acknowledged.
        while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 && line.ends_with(b"\n") {
            let text = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
            if text == READY {
                let _ = ready_tx.send(());
            } else if let Ok(id) = text.parse::<EventId>() {
                ids.push(id);
            }
            line.clear();
        }
        ids
    });
    let ready = ready_rx.recv_timeout(Duration::from_secs(20));
    if ready.is_ok() {
        let [r] = latchkey_protocol::crypto::random_array::<1>().map_err(|e| e.to_string())?;
        std::thread::sleep(Duration::from_millis(5 + u64::from(r) % 76));
    }
    // `Child::kill` is SIGKILL on Unix: kill -9.
    let _ = child.kill();
    let status = child.wait().map_err(|e| format!("waiting for the child: {e}"))?;
    let ids = reader.join().map_err(|_| "the reader thread failed")?;
    match ready {
        Ok(()) => Ok(ids),
        Err(_) => Err(format!("the child never became ready (exit status {status})")),
    }
}

/// Entry point of the hidden child: appends until killed; returns the
/// process exit code.
pub fn child_main(args: &[String]) -> i32 {
    let Some(dir) = flag(args, "--dir") else {
        eprintln!("{CHILD_COMMAND}: --dir is required");
        return 2;
    };
    match append_until_killed(Path::new(dir)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{CHILD_COMMAND}: {e}");
            1
        }
    }
}

fn append_until_killed(store_dir: &Path) -> Result<(), String> {
    let outbox = open_outbox(store_dir)?;
    let mut out = std::io::stdout().lock();
    let say = |out: &mut std::io::StdoutLock<'_>, line: &str| writeln!(out, "{line}").and_then(|()| out.flush());
    say(&mut out, READY).map_err(|e| e.to_string())?;
    let lock_id = LockId([0x1c; 16]);
    let started = Instant::now();
    let mut seq = 0u32;
    while started.elapsed() < CHILD_LIFETIME {
        // Alternate single appends and group commits: both must be durable.
        let count = if seq % 4 == 3 { 8 } else { 1 };
        let events: Vec<OutboxEvent> = (0..count)
            .map(|_| {
                seq += 1;
                lock_event(lock_id, seq)
            })
            .collect();
        let ids = outbox.append_batch(events).map_err(|e| e.to_string())?;
        for id in ids {
            // A closed pipe means the parent is gone: stop.
            if say(&mut out, &id.to_string()).is_err() {
                return Ok(());
            }
        }
    }
    Ok(())
}

fn lock_event(lock_id: LockId, seq: u32) -> OutboxEvent {
    let event = LockEvent {
        seq,
        time: 1_750_000_000 + seq,
        kind: EventKind::Unlocked,
        key_id: KeyId([0x2b; 8]),
        result: 0,
        detail: 0,
    };
    OutboxEvent::from_lock_event(lock_id, 1, &event, Some(vec![0x5a; 64]))
}

/// The store's outbox; no cap (and only access events are appended), so
/// nothing is ever dropped on purpose and any missing id is a real loss. A
/// quarantined store is reported and the run goes on: its events then
/// count as lost.
fn open_outbox(store_dir: &Path) -> Result<Outbox, String> {
    let keystore = SoftwareKeyStore::beside(store_dir).map_err(|e| e.to_string())?;
    let outcome = Store::open(store_dir, Arc::new(keystore)).map_err(|e| e.to_string())?;
    if let Some(q) = outcome.quarantined {
        eprintln!(
            "outbox-crash: the store was quarantined to {}: {}",
            q.path.display(),
            q.reason
        );
    }
    Outbox::new(&outcome.store, OutboxConfig { capacity: u64::MAX }).map_err(|e| e.to_string())
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn scratch_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!("latchkey-outbox-crash-{}-{nanos}", std::process::id()))
}
