//! The phone processes the footprint benchmark starts (this binary, run
//! with a hidden subcommand), each reaching the lock through the parent's
//! socket, with this computer's clock:
//!
//! - [`QUICK_CHILD`]: a widget's process: builds a `QuickUnlock` (the
//!   same call `latchkey unlock --quick` makes) and unlocks `--count`
//!   times (0: until killed);
//! - [`APP_CHILD`]: the app's process: builds the full client with quick
//!   access and unlocks `--count` times (0: until killed);
//! - [`DRAIN_CHILD`]: the app's process uploading its outbox to a cloud
//!   in another process until it is empty.
//!
//! Each prints `ready` once it is built, `ok <path>` or `replayed` or
//! `err <diagnosis>` after each command returned (so an `ok` line is an
//! acknowledged command), and last `rss <KiB>`, its peak resident set.

use crate::sync_bench::harness::SceneError;
use latchkey_core::clock::SystemClock;
use latchkey_core::platform_keys::SoftwareKeyStore;
use latchkey_core::sync::{Connectivity, StaticToken, SyncConfig, SyncOutcome, TrustRoots};
use latchkey_core::unlock::NoProgress;
use latchkey_core::{ClientBuilder, CommandReport, LatchkeyError, QuickUnlock};
use latchkey_protocol::LockId;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::lock_socket::SocketTransport;
use latchkey_testkit::{SimTransport, WorldClock};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The widget's process.
pub const QUICK_CHILD: &str = "footprint-quick-child";
/// The app's process running commands.
pub const APP_CHILD: &str = "footprint-app-child";
/// The app's process draining its outbox.
pub const DRAIN_CHILD: &str = "footprint-drain-child";
/// A child left alone (its parent died) stops by itself after this long.
const LIFETIME: Duration = Duration::from_secs(60);
/// Between two commands of one process.
const PAUSE: Duration = Duration::from_millis(4);

/// The value after `name` in `args`.
pub fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn required(args: &[String], name: &str) -> Result<String, SceneError> {
    flag(args, name).ok_or_else(|| format!("{name} is required").into())
}

/// Peak resident set size (VmHWM) of this process, in KiB.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn outcome_line(result: &Result<CommandReport, LatchkeyError>) -> String {
    match result {
        Ok(r) if r.replayed => "replayed".into(),
        Ok(r) => format!("ok {}", r.path.name()),
        Err(e) => format!("err {}", e.diagnosis().as_str()),
    }
}

/// Runs a child; returns the exit code.
pub fn main(which: &str, args: &[String]) -> i32 {
    // One thread and tokio's blocking pool: what a widget's process runs.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{which}: runtime: {e}");
            return 1;
        }
    };
    let result = runtime.block_on(async {
        match which {
            QUICK_CHILD => quick(args).await,
            APP_CHILD => app(args).await,
            _ => drain(args).await,
        }
    });
    say(&format!("rss {}", peak_rss_kb().unwrap_or(0)));
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{which}: {e}");
            1
        }
    }
}

fn count_and_lock(args: &[String]) -> Result<(u64, LockId), SceneError> {
    let count = flag(args, "--count").map_or(Ok(1), |c| c.parse::<u64>())?;
    let lock = required(args, "--lock")?;
    let lock = LockId::from_hex(&lock).ok_or_else(|| format!("not a lock id: {lock}"))?;
    Ok((count, lock))
}

async fn quick(args: &[String]) -> Result<(), SceneError> {
    let (count, lock) = count_and_lock(args)?;
    let key_store = Arc::new(SoftwareKeyStore::open_file(&PathBuf::from(required(
        args,
        "--key-file",
    )?))?);
    let transport = Arc::new(SocketTransport::new(required(args, "--socket")?));
    let quick = QuickUnlock::builder(required(args, "--quick-dir")?, key_store, transport).build();
    say("ready");
    let started = Instant::now();
    let mut n = 0;
    while (count == 0 || n < count) && started.elapsed() < LIFETIME {
        say(&outcome_line(&quick.unlock(lock, false, &NoProgress).await));
        n += 1;
        // A person taps a widget now and then: the app gets its turns.
        tokio::time::sleep(PAUSE).await;
    }
    Ok(())
}

async fn app(args: &[String]) -> Result<(), SceneError> {
    let (count, lock) = count_and_lock(args)?;
    let client = ClientBuilder::new(required(args, "--store")?)
        .allow_software_keys()
        .transport(Arc::new(SocketTransport::new(required(args, "--socket")?)))
        .clock(Arc::new(SystemClock))
        .quick_access(required(args, "--quick-dir")?)
        .build()
        .await?;
    say("ready");
    let started = Instant::now();
    let mut n = 0;
    while (count == 0 || n < count) && started.elapsed() < LIFETIME {
        say(&outcome_line(&client.locks().unlock(lock, &NoProgress).await));
        n += 1;
        tokio::time::sleep(PAUSE).await;
    }
    Ok(())
}

async fn drain(args: &[String]) -> Result<(), SceneError> {
    let ca = std::fs::read_to_string(required(args, "--ca")?)?;
    let config = SyncConfig::new(required(args, "--url")?, TrustRoots::Pem(vec![ca]));
    // No lock is visited: a radio with nothing on it, and the cloud's time.
    let clock = latchkey_sim::VirtualClock::starting_at(latchkey_testkit::START);
    let radio = latchkey_sim::radio::SimRadio::new(clock.clone());
    let client = ClientBuilder::new(required(args, "--store")?)
        .allow_software_keys()
        .transport(Arc::new(SimTransport::new(radio, LinkParams::mtu185())))
        .clock(Arc::new(WorldClock(clock)))
        .cloud(config, Arc::new(StaticToken::new(required(args, "--token")?)))
        .build()
        .await?;
    let engine = client.sync().ok_or("no sync engine")?;
    engine.set_connectivity(Connectivity::ONLINE);
    say("ready");
    let started = Instant::now();
    while started.elapsed() < LIFETIME * 5 {
        let report = engine.sync_until_idle(10_000).await;
        if report.outcome == SyncOutcome::Completed && report.pending_after == 0 {
            say(&format!("idle {}", started.elapsed().as_millis()));
            return Ok(());
        }
    }
    Err("the outbox did not empty in five minutes".into())
}
