//! `latchkey-bench footprint [--json] [--starts N] [--events N] [--keys 0]
//! [--widgets N] [--per-process N] [--rounds N]`: the phone's memory and
//! start-up measured phone-only, each phone in a process of its own, the
//! lock and the cloud in this (the parent) process:
//!
//! - `quick_unlock` ([`quick`]): a widget's process started `--starts`
//!   times (default 11) with the app's store full (10,000 keys,
//!   `--events` queued events, default 100,000): median cold start to the
//!   first packet reaching the lock, and the process's peak RSS;
//! - `drain` ([`drain`]): the app's process uploading `--events` queued
//!   events to the reference cloud: its peak RSS;
//! - `concurrent` ([`concurrent`]): the app's process and `--widgets`
//!   widget processes (default 2) racing, `--per-process` unlocks each
//!   (default 20), then `--rounds` kill -9 rounds (default 12): what was
//!   produced and what the app's outbox holds, `lost` and `duplicated`.
//!
//! Prints `{"quick_unlock":{…},"drain":{…},"concurrent":{…}}`; exits 1
//! when anything was lost, duplicated or reused. Goals (docs/benchmarks.md):
//! cold start ≤ 50 ms, quick peak RSS ≤ 15 MB, drain RSS ≤ 32 MB.

pub mod child;
pub mod concurrent;
pub mod drain;
pub mod procs;
pub mod quick;
pub mod site;

use crate::sync_bench::harness::SceneError;
use child::flag;

/// Whether `name` is one of the footprint's hidden child subcommands.
pub fn is_child(name: &str) -> bool {
    [child::QUICK_CHILD, child::APP_CHILD, child::DRAIN_CHILD].contains(&name)
}

fn number(args: &[String], name: &str, default: u64) -> Result<u64, String> {
    match flag(args, name) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| format!("{name} needs a number, not {v:?}")),
    }
}

/// Entry point of `latchkey-bench footprint …`; returns the exit code.
pub fn main(args: &[String]) -> i32 {
    if let Some(which) = args.first().filter(|a| is_child(a)) {
        return child::main(which, &args[1..]);
    }
    let result = (|| -> Result<String, SceneError> {
        let starts = number(args, "--starts", 11)? as u32;
        let events = number(args, "--events", 100_000)?;
        // 0: no keys besides the lock's own (short test runs).
        let keys = number(args, "--keys", 10_000)? > 0;
        let widgets = number(args, "--widgets", 2)? as u32;
        let per_process = number(args, "--per-process", 20)?;
        let rounds = number(args, "--rounds", 12)? as u32;
        let exe = std::env::current_exe()?;
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        runtime.block_on(async {
            let full = site::Site::new(keys, events).await?;
            let quick = quick::run(&exe, &full, starts)?;
            drop(full);
            let drain = drain::run(&exe, events).await?;
            let raced = site::Site::new(false, 0).await?;
            let concurrent = concurrent::run(&exe, &raced, widgets, per_process, rounds).await?;
            let json = format!(
                r#"{{"quick_unlock":{},"drain":{},"concurrent":{}}}"#,
                quick.json(),
                drain.json(),
                concurrent.json()
            );
            if concurrent.clean() {
                Ok(json)
            } else {
                Err(format!("lost, duplicated or reused: {json}").into())
            }
        })
    })();
    match result {
        Ok(json) => {
            println!("{json}");
            0
        }
        Err(e) => {
            eprintln!("latchkey-bench footprint: {e}");
            1
        }
    }
}
