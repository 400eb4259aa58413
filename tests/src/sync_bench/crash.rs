//! `latchkey-bench sync crash --rounds N [--json]`: the phone process is
//! killed mid-upload, at a named crash point each round; after restarts
//! the cloud holds every event exactly once.
//!
//! The parent runs the reference cloud in-process. Each round it queues
//! 300 more events in the phone's store (closed again before the child
//! runs) and starts a child (`sync crash-child …`, this binary) that
//! uploads them 50 to a request and is killed at the k-th passage (k random,
//! 1–5: one of the round's first five uploads of at least six) of one of
//! the upload's crash
//! points, in turn: the request is on the wire, the cloud committed the
//! batch but the phone has not recorded it, the confirmation is written
//! but not flushed, it is flushed. A last child runs until the outbox is
//! empty. Then every queued event is looked up on the cloud by its number.
//! Prints
//! `{"rounds":N,"queued":Q,"server_unique":U,"lost":L,"duplicated":D,"interrupted":I,"committed_not_confirmed":C}`
//! (I: rounds whose kill came mid-upload: the cloud lacked part of the
//! queue, or held events the phone had not yet confirmed; C: rounds that
//! ended in that commit-before-confirm window).

use super::crash_scene::CrashScene;
use super::harness::SceneError;
use super::phone_child::ChildEnd;
use latchkey_protocol::LockId;
use std::path::Path;

/// Events queued per round.
const PER_ROUND: u64 = 300;
/// Uploads per round (the child sends 50 events a request).
const UPLOADS_PER_ROUND: u64 = 6;
/// Where the rounds kill the phone, in turn.
const KILL_POINTS: [&str; 4] = [
    "sync.http.post.request_sent",
    "sync.upload.committed_not_confirmed",
    "outbox.confirm.before_flush",
    "outbox.confirm.after_flush",
];

/// What the crash rounds found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrashReport {
    /// Kill rounds.
    pub rounds: u32,
    /// Events queued on the phone.
    pub queued: u64,
    /// Distinct events on the cloud.
    pub server_unique: u64,
    /// Queued events the cloud does not hold.
    pub lost: u64,
    /// Events the cloud holds more than once.
    pub duplicated: u64,
    /// Rounds whose kill came mid-upload: at the kill, the cloud lacked
    /// part of the queue, or held events the phone had not confirmed.
    pub interrupted: u32,
    /// Rounds killed after the cloud committed a batch and before the
    /// phone recorded it.
    pub committed_not_confirmed: u32,
}

impl CrashReport {
    /// One JSON object.
    pub fn json(&self) -> String {
        format!(
            r#"{{"rounds":{},"queued":{},"server_unique":{},"lost":{},"duplicated":{},"interrupted":{},"committed_not_confirmed":{}}}"#,
            self.rounds,
            self.queued,
            self.server_unique,
            self.lost,
            self.duplicated,
            self.interrupted,
            self.committed_not_confirmed
        )
    }
}

/// Runs `rounds` kill rounds, starting children from `exe`.
pub async fn run(exe: &Path, rounds: u32) -> Result<CrashReport, SceneError> {
    let work = tempfile::tempdir()?;
    let mut scene = CrashScene::new(exe, work.path(), false).await?;
    let mut interrupted = 0;
    let mut window = 0;
    for round in 0..rounds {
        scene.queue(PER_ROUND)?;
        let [r] = latchkey_protocol::crypto::random_array::<1>()?;
        let point = KILL_POINTS[round as usize % KILL_POINTS.len()];
        // Every POST of this scene is an upload (no acks, no renewals). A
        // round has at least UPLOADS_PER_ROUND uploads (more when the last
        // round left events behind): dying in one of the first
        // UPLOADS_PER_ROUND - 1 always leaves part of the queue unsent,
        // where a kill after the last one's confirm would not.
        let hit = 1 + u64::from(r) % (UPLOADS_PER_ROUND - 1);
        if scene.child.crash_at(point, hit)? != ChildEnd::Crashed {
            return Err(format!("round {round}: the phone never reached {point}#{hit}").into());
        }
        let after = scene.cloud.event_counts()?.unique;
        let unconfirmed = scene.committed_not_confirmed()?;
        if unconfirmed > 0 {
            window += 1;
        }
        if unconfirmed > 0 || after < scene.queued {
            interrupted += 1;
        }
    }
    scene.child.run_until_idle()?;

    let copies = scene.copies()?;
    let report = CrashReport {
        rounds,
        queued: scene.queued,
        server_unique: scene.cloud.event_counts()?.unique,
        lost: (0..scene.queued).filter(|n| !copies.contains_key(n)).count() as u64,
        duplicated: copies.values().filter(|&&c| c > 1).count() as u64,
        interrupted,
        committed_not_confirmed: window,
    };
    scene.cloud.shutdown().await;
    Ok(report)
}

/// Recovers an event's number from what
/// [`numbered_event`](super::chaos::numbered_event) put in it.
pub(crate) fn number_of(locks: &[LockId], lock_hex: &Option<String>, event: &serde_json::Value) -> Option<u64> {
    if event["kind"] == "unlock_attempt" {
        return event["started_at"]
            .as_u64()?
            .checked_sub(u64::from(super::harness::START));
    }
    let lock = locks.iter().position(|l| Some(l.to_hex()) == *lock_hex)? as u64;
    let seq = event["seq"].as_u64()?.checked_sub(1)?;
    Some((seq * locks.len() as u64 + lock) * 2)
}

/// Entry point of `sync crash`; returns the exit code.
pub fn main(args: &[String]) -> i32 {
    let rounds = match args.iter().position(|a| a == "--rounds").and_then(|i| args.get(i + 1)) {
        None => 20,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("sync crash: --rounds needs a positive number");
                return 2;
            }
        },
    };
    let result = std::env::current_exe().map_err(SceneError::from).and_then(|exe| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(run(&exe, rounds))
    });
    match result {
        Ok(report) => {
            println!("{}", report.json());
            i32::from(report.lost != 0 || report.duplicated != 0)
        }
        Err(e) => {
            eprintln!("sync crash: {e}");
            1
        }
    }
}
