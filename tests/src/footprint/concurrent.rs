//! `concurrent`: the app's process and widget processes against one
//! simulated lock, first racing (all started at once, each unlocking
//! `per_process` times), then `rounds` rounds in which one or both are
//! killed with SIGKILL at a random moment. Afterwards the app is started
//! once more (taking in every journal) and collects what the lock still
//! holds. Then:
//!
//! - every event in the lock's log must be in the app's outbox once
//!   (`lost`: missing, `duplicated`: extra copies), and every command a
//!   process acknowledged must have its attempt record there (`lost`);
//! - no counter or command id was used twice: the lock refused no FAST
//!   request as a replayed counter (`counter_replays`) and answered no
//!   command with an earlier command's outcome (`replayed`), and it acted
//!   once per acknowledged attempt record at most (else `duplicated`).

use super::procs::{acknowledged, app_args, quick_args, Running};
use super::site::Site;
use crate::sync_bench::harness::SceneError;
use latchkey_core::outbox::OutboxEvent;
use latchkey_core::unlock::NoProgress;
use latchkey_core::ClientBuilder;
use latchkey_protocol::{Command, EventKind, ResultCode};
use latchkey_testkit::lock_socket::SocketTransport;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// What the concurrent run found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConcurrentFigures {
    /// Commands the app's processes acknowledged.
    pub app_acknowledged: u64,
    /// Commands the widget processes acknowledged.
    pub quick_acknowledged: u64,
    /// Kill rounds.
    pub kill_rounds: u32,
    /// Events in the lock's log.
    pub lock_events: u64,
    /// Lock events in the app's outbox afterwards (distinct).
    pub events_in_store: u64,
    /// Attempt records of successful commands in the outbox.
    pub attempts_in_store: u64,
    /// Lock events or acknowledged commands missing from the outbox.
    pub lost: u64,
    /// Extra copies in the outbox.
    pub duplicated: u64,
    /// FAST requests the lock refused as a replayed counter.
    pub counter_replays: u64,
    /// Commands answered with an earlier command's stored outcome.
    pub replayed: u64,
}

impl ConcurrentFigures {
    /// One JSON object.
    pub fn json(&self) -> String {
        format!(
            r#"{{"produced":{{"app":{},"quick":{}}},"kill_rounds":{},"lock_events":{},"events_in_store":{},"attempts_in_store":{},"lost":{},"duplicated":{},"counter_replays":{},"replayed":{}}}"#,
            self.app_acknowledged,
            self.quick_acknowledged,
            self.kill_rounds,
            self.lock_events,
            self.events_in_store,
            self.attempts_in_store,
            self.lost,
            self.duplicated,
            self.counter_replays,
            self.replayed
        )
    }

    /// Nothing lost, nothing twice, no counter or command id reused.
    pub fn clean(&self) -> bool {
        self.lost == 0 && self.duplicated == 0 && self.counter_replays == 0 && self.replayed == 0
    }
}

fn count(f: &mut ConcurrentFigures, app: &[String], quick: &[String]) {
    f.app_acknowledged += acknowledged(app);
    f.quick_acknowledged += acknowledged(quick);
    f.replayed += app.iter().chain(quick).filter(|l| *l == "replayed").count() as u64;
}

/// Races `widgets` widget processes and the app's, then kills for `rounds`.
pub async fn run(
    exe: &Path,
    site: &Site,
    widgets: u32,
    per_process: u64,
    rounds: u32,
) -> Result<ConcurrentFigures, SceneError> {
    let mut f = ConcurrentFigures {
        kill_rounds: rounds,
        ..Default::default()
    };
    let (owned, app, quick) = (
        exe.to_path_buf(),
        app_args(site, per_process),
        quick_args(site, per_process),
    );
    let raced = tokio::task::spawn_blocking(move || -> Result<_, SceneError> {
        let app = Running::start(&owned, &app)?;
        let widgets: Vec<Running> = (0..widgets)
            .map(|_| Running::start(&owned, &quick))
            .collect::<Result<_, _>>()?;
        let app = app.finish()?;
        let mut quick = Vec::new();
        for w in widgets {
            quick.extend(w.finish()?);
        }
        Ok((app, quick))
    })
    .await??;
    count(&mut f, &raced.0, &raced.1);

    for round in 0..rounds {
        let (owned, app, quick) = (exe.to_path_buf(), app_args(site, 0), quick_args(site, 0));
        let said = tokio::task::spawn_blocking(move || kill_round(&owned, &app, &quick, round)).await??;
        count(&mut f, &said.0, &said.1);
    }

    settle(site, &mut f).await?;
    Ok(f)
}

/// Starts both, waits until both are ready, kills one or both at a random
/// moment (5–80 ms later); the survivor finishes its current command and
/// is killed too after a while.
fn kill_round(
    exe: &Path,
    app: &[String],
    quick: &[String],
    round: u32,
) -> Result<(Vec<String>, Vec<String>), SceneError> {
    let mut a = Running::start(exe, app)?;
    let mut q = Running::start(exe, quick)?;
    a.wait_ready()?;
    q.wait_ready()?;
    let [r] = latchkey_protocol::crypto::random_array::<1>()?;
    std::thread::sleep(Duration::from_millis(5 + u64::from(r) % 76));
    // Round by round: the widget, the app, then both are the victims.
    let (first, second) = match round % 3 {
        0 => (q.kill()?, {
            std::thread::sleep(Duration::from_millis(30));
            a.kill()?
        }),
        1 => {
            let app = a.kill()?;
            std::thread::sleep(Duration::from_millis(30));
            (q.kill()?, app)
        }
        _ => {
            let app = a.kill()?;
            (q.kill()?, app)
        }
    };
    Ok((second, first))
}

/// The app once more, once the lock has acted on everything sent to it:
/// it takes in every journal when built; then status commands collect
/// what the lock still holds. Counts what the outbox has.
async fn settle(site: &Site, f: &mut ConcurrentFigures) -> Result<(), SceneError> {
    // A request a killed process sent just before it died may still be
    // on its way to the lock: the lock acts on it first, as a real one
    // would before the next phone's contact.
    if !site.socket.wait_idle(Duration::from_secs(10)) {
        return Err("the lock's socket still served a connection after 10 s".into());
    }
    let client = ClientBuilder::new(&site.store)
        .allow_software_keys()
        .transport(Arc::new(SocketTransport::new(site.socket.path())))
        .quick_access(&site.quick)
        .build()
        .await?;
    for _ in 0..20 {
        let report = client
            .locks()
            .run_command(site.lock.id(), Command::Status, &NoProgress)
            .await?;
        if report.events_collected == 0 {
            break;
        }
    }
    let log = site.lock.lock().events();
    let mut copies: HashMap<u32, u64> = HashMap::new();
    let mut attempts = 0;
    for stored in client.outbox().peek(usize::MAX, usize::MAX)? {
        match stored.event {
            OutboxEvent::LockEvent { lock_id, seq, .. } if lock_id == site.lock.id() => {
                *copies.entry(seq).or_insert(0) += 1;
            }
            OutboxEvent::UnlockAttempt {
                lock_id,
                command,
                outcome,
                ..
            } if lock_id == site.lock.id() && command == "unlock" && outcome == ResultCode::Ok.name() => {
                attempts += 1;
            }
            _ => {}
        }
    }
    let acted = log.iter().filter(|e| e.kind == EventKind::Unlocked).count() as u64;
    let acknowledged = f.app_acknowledged + f.quick_acknowledged;
    f.lock_events = log.len() as u64;
    f.events_in_store = copies.len() as u64;
    f.attempts_in_store = attempts;
    f.counter_replays = log
        .iter()
        .filter(|e| e.kind == EventKind::AccessDenied && e.result == ResultCode::CounterReplay as u8)
        .count() as u64;
    let missing: Vec<_> = log.iter().filter(|e| !copies.contains_key(&e.seq)).collect();
    for e in &missing {
        eprintln!(
            "concurrent: the lock's event {} ({:?}, result {}) is not in the outbox",
            e.seq, e.kind, e.result
        );
    }
    for (seq, n) in copies.iter().filter(|(_, n)| **n > 1) {
        eprintln!("concurrent: the lock's event {seq} is in the outbox {n} times");
    }
    if attempts > acted {
        eprintln!("concurrent: {attempts} successful unlock attempts, the lock unlocked {acted} times");
    }
    let missing = missing.len() as u64;
    f.lost = missing + acknowledged.saturating_sub(attempts);
    f.duplicated = copies.values().map(|c| c - 1).sum::<u64>() + attempts.saturating_sub(acted);
    Ok(())
}
