//! `latchkey-bench crashpoints [--json] [--quick]`: the phone killed at
//! each of its crash points in turn, restarted on the same store against
//! the same cloud (and lock), and checked (docs/core.md, "Crash points").
//!
//! 1. **Discover**: a phone child syncs a fresh scene (a queued outbox
//!    ending in two events the cloud refuses, a current key to download)
//!    with `LATCHKEY_CRASH_TRACE` set; the trace names every crash point
//!    it passed and how often. A second scene is killed once mid-upload
//!    and its restart traced: the recovery path (the pre-open backup of a
//!    store not closed cleanly). Then the unlock stages ([`unlock_runs`]):
//!    a phone that syncs, unlocks the parent's lock twice (carrying a
//!    revocation list and a PIN list) and syncs again; the same with its
//!    key due for renewal; the same with its store damaged; the same with
//!    a quick-access directory, after a widget's process unlocked twice
//!    ([`ingest_scene`]): its journals are taken in as the client starts.
//! 2. **Kill**: for each point, a fresh scene whose child dies (SIGKILL)
//!    at its first passage (and, unless `--quick`, at its last), then a
//!    child that runs to the end.
//! 3. **Check** ([`after_recovery`], [`after_unlocks`]): every queued
//!    event on the cloud exactly once and every refused one in the dead
//!    letters once, the outbox empty, the store open (or quarantined once,
//!    reported, its bytes kept), the key the cloud issued held (renewed
//!    when due); no unlock reported that the lock did not do, none done
//!    twice, no fast-key counter reused; the cloud's revocation and PIN
//!    drift views what the lock holds; each widget unlock on the cloud
//!    once, no journal and no journal marker left ([`ingest_check`]).
//!
//! Prints `{"points":P,"runs":R,"landed":L,"violations":V,"results":[…]}`
//! (L: runs whose child died at its point; each result names the point,
//! the passage, the stage and what it violated). Exits with 1 when V is
//! not 0 or a run did not land.

mod bridge;
mod check;
mod ingest_check;
mod ingest_scene;
mod runs;
mod unlock_check;
mod unlock_child;
mod unlock_runs;
mod unlock_scene;

pub use check::after_recovery;
pub use runs::{run, PointRun, Report};
pub use unlock_check::after_unlocks;
pub use unlock_scene::{Prelude, UnlockScene};

/// Entry point of `crashpoints`; returns the exit code.
pub fn main(args: &[String]) -> i32 {
    if args.first().map(String::as_str) == Some(unlock_child::CHILD_COMMAND) {
        return unlock_child::child_main(&args[1..]);
    }
    let quick = args.iter().any(|a| a == "--quick");
    let json = args.iter().any(|a| a == "--json");
    let result = std::env::current_exe()
        .map_err(crate::sync_bench::harness::SceneError::from)
        .and_then(|exe| {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?
                .block_on(run(&exe, quick))
        });
    match result {
        Ok(report) => {
            if json {
                println!("{}", report.json());
            } else {
                for r in &report.results {
                    println!(
                        "{:<9} {:<48} #{:<3} {} {}",
                        r.stage,
                        r.point,
                        r.hit,
                        if r.landed { "killed" } else { "MISSED" },
                        r.violations.join("; ")
                    );
                }
                println!(
                    "{} points, {} runs, {} killed at their point, {} violations",
                    report.points, report.runs, report.landed, report.violations
                );
            }
            i32::from(report.violations != 0 || report.landed != report.runs)
        }
        Err(e) => {
            eprintln!("latchkey-bench crashpoints: {e}");
            1
        }
    }
}
