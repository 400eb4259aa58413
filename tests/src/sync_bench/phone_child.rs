//! The phone as a child process, for the benchmarks that kill it: it opens
//! the store in `--dir`, syncs with the reference cloud, and either is
//! killed or (with `--until-idle`) stops once the outbox is empty.
//!
//! The parent picks the moment of death with latchkey-core's crash points
//! (`LATCHKEY_CRASH_AT=name#N`, feature `crash-points`): the child kills
//! itself with SIGKILL exactly there, and the parent sees the point named
//! on its stderr and the signal in its exit status ([`died_at`]).

use super::harness::{SceneError, START};
use latchkey_core::crash_point::{CRASH_AT_ENV, CRASH_TRACE_ENV};
use latchkey_core::platform_keys::SoftwareKeyStore;
use latchkey_core::store::Store;
use latchkey_core::sync::{Connectivity, StaticToken, SyncConfig, SyncOutcome, TrustRoots};
use latchkey_core::ClientBuilder;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::SimWorld;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The hidden subcommand the parent runs as its child (after `sync`).
pub const CHILD_COMMAND: &str = "crash-child";
/// A child left alone stops by itself after this long.
const CHILD_LIFETIME: Duration = Duration::from_secs(60);
/// SIGKILL: how a child dies at its crash point.
const SIGKILL: i32 = 9;

/// Whether `output` is that of a child that died at the `hit`-th passage
/// of `point`: it named the point on stderr, then SIGKILL ended it (a kill
/// from elsewhere, or a death at another point, does not count).
pub fn died_at(output: &Output, point: &str, hit: u64) -> bool {
    output.status.signal() == Some(SIGKILL)
        && String::from_utf8_lossy(&output.stderr).contains(&format!("crash point {point}#{hit}:"))
}

/// How a child run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildEnd {
    /// Killed at the crash point it was given.
    Crashed,
    /// Emptied the outbox and exited: the crash point was never reached.
    Idle,
}

/// Where the phone child finds its store and its cloud.
#[derive(Debug, Clone)]
pub struct PhoneChild {
    /// This benchmark binary.
    pub exe: PathBuf,
    /// The phone's store directory.
    pub dir: PathBuf,
    /// The cloud's base URL.
    pub url: String,
    /// The cloud's CA certificate (PEM file).
    pub ca: PathBuf,
    /// The phone's bearer token.
    pub token: String,
}

impl PhoneChild {
    fn command(&self) -> Command {
        let mut c = Command::new(&self.exe);
        c.args(["sync", CHILD_COMMAND, "--url", &self.url, "--token", &self.token])
            .arg("--dir")
            .arg(&self.dir)
            .arg("--ca")
            .arg(&self.ca)
            .arg("--until-idle")
            .env_remove(CRASH_AT_ENV)
            .env_remove(CRASH_TRACE_ENV)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Runs a child that dies at the `hit`-th passage of crash point
    /// `point`, or ends idle if it never gets there.
    pub fn crash_at(&self, point: &str, hit: u64) -> Result<ChildEnd, SceneError> {
        let output = self.command().env(CRASH_AT_ENV, format!("{point}#{hit}")).output()?;
        if died_at(&output, point, hit) {
            return Ok(ChildEnd::Crashed);
        }
        Self::idle(&output).map(|()| ChildEnd::Idle)
    }

    /// Runs a child to the end, appending every crash point it passes to
    /// `trace` (one name a line).
    pub fn trace(&self, trace: &Path) -> Result<(), SceneError> {
        Self::idle(&self.command().env(CRASH_TRACE_ENV, trace).output()?)
    }

    /// Runs a child until the outbox is empty.
    pub fn run_until_idle(&self) -> Result<(), SceneError> {
        Self::idle(&self.command().output()?)
    }

    fn idle(output: &Output) -> Result<(), SceneError> {
        let said = String::from_utf8_lossy(&output.stdout);
        if output.status.success() && said.lines().any(|l| l == "idle") {
            Ok(())
        } else {
            let err = String::from_utf8_lossy(&output.stderr);
            Err(format!("the phone child failed ({}): {said}{err}", output.status).into())
        }
    }
}

/// Opens the phone's store as the parent does between children; a
/// quarantine is an error here.
pub fn open_store(dir: &Path) -> Result<Store, SceneError> {
    let keystore = SoftwareKeyStore::beside(dir)?;
    let outcome = Store::open(dir, Arc::new(keystore))?;
    if let Some(q) = outcome.quarantined {
        return Err(format!("the phone's store was quarantined: {}", q.reason).into());
    }
    Ok(outcome.store)
}

/// The child: opens the phone, syncs in a loop (until killed, or with
/// `--until-idle` until the outbox is empty); returns the exit code.
pub fn child_main(args: &[String]) -> i32 {
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (Some(dir), Some(url), Some(ca), Some(token)) = (flag("--dir"), flag("--url"), flag("--ca"), flag("--token"))
    else {
        eprintln!("{CHILD_COMMAND}: --dir, --url, --ca and --token are required");
        return 2;
    };
    let until_idle = args.iter().any(|a| a == "--until-idle");
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{CHILD_COMMAND}: runtime: {e}");
            return 1;
        }
    };
    match runtime.block_on(child(Path::new(&dir), url, Path::new(&ca), token, until_idle)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{CHILD_COMMAND}: {e}");
            1
        }
    }
}

async fn child(dir: &Path, url: String, ca: &Path, token: String, until_idle: bool) -> Result<(), SceneError> {
    let world = SimWorld::new(START)?;
    let mut config = SyncConfig::new(url, TrustRoots::Pem(vec![std::fs::read_to_string(ca)?]));
    config.max_events_per_request = 50;
    let client = ClientBuilder::new(dir)
        .allow_software_keys()
        .transport(Arc::new(world.transport(LinkParams::mtu185())))
        .clock(world.phone_clock())
        .cloud(config, Arc::new(StaticToken::new(token)))
        .build()
        .await?;
    if let Some(q) = client.store_quarantine() {
        return Err(format!("the phone's store was quarantined: {}", q.reason).into());
    }
    let engine = client.sync().ok_or("no sync engine")?;
    engine.set_connectivity(Connectivity::ONLINE);
    println!("syncing");
    let started = Instant::now();
    while started.elapsed() < CHILD_LIFETIME {
        let report = engine.sync_until_idle(1_000).await;
        if until_idle && report.outcome == SyncOutcome::Completed && report.pending_after == 0 {
            println!("idle");
            return Ok(());
        }
    }
    Err("gave up after a minute".into())
}
