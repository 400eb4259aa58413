//! `latchkey-bench sync crash --rounds N [--json]`: the phone process is
//! killed with SIGKILL at random moments while it uploads; after restarts
//! the cloud holds every event exactly once.
//!
//! The parent runs the reference cloud in-process. Each round it queues
//! more events in the phone's store (closed again before the child runs),
//! starts a child (`sync crash-child …`, this binary) that syncs in a
//! loop, waits until the child is uploading, then kills it at a random
//! moment. A last child runs until the outbox is empty. Then every queued
//! event is looked up on the cloud by its number. Prints
//! `{"rounds":N,"queued":Q,"server_unique":U,"lost":L,"duplicated":D,"interrupted":I}`
//! (I: rounds killed mid-upload: the cloud had received some, not all).

use super::chaos::numbered_event;
use super::harness::{cloud_for, past_keys, register, SceneError, START};
use latchkey_core::outbox::{Outbox, OutboxConfig};
use latchkey_core::platform_keys::{Signer, SoftwareKeyStore, SoftwareSigner};
use latchkey_core::store::Store;
use latchkey_core::sync::{Connectivity, StaticToken, SyncConfig, SyncOutcome, TrustRoots};
use latchkey_core::ClientBuilder;
use latchkey_protocol::LockId;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::SimWorld;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The hidden subcommand the parent runs as its child (after `sync`).
pub const CHILD_COMMAND: &str = "crash-child";
/// Events queued per round.
const PER_ROUND: u64 = 300;
/// A child left alone stops by itself after this long.
const CHILD_LIFETIME: Duration = Duration::from_secs(60);

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
    /// Rounds whose kill came mid-upload: the cloud had some, not all.
    pub interrupted: u32,
}

impl CrashReport {
    /// One JSON object.
    pub fn json(&self) -> String {
        format!(
            r#"{{"rounds":{},"queued":{},"server_unique":{},"lost":{},"duplicated":{},"interrupted":{}}}"#,
            self.rounds, self.queued, self.server_unique, self.lost, self.duplicated, self.interrupted
        )
    }
}

/// Runs `rounds` kill rounds, starting children from `exe`.
pub async fn run(exe: &Path, rounds: u32) -> Result<CrashReport, SceneError> {
    let work = tempfile::tempdir()?;
    let world = SimWorld::new(START)?;
    let cloud = cloud_for(&world, &work.path().join("cloud")).await?;
    let mut locks = Vec::new();
    for i in 0..2 {
        let lock = world.add_lock(&format!("Door {i}"), LockConfig::default())?;
        register(&cloud, &lock)?;
        locks.push(lock.id());
    }
    let store_dir = work.path().join("phone");
    let holder = {
        let store = open_store(&store_dir)?;
        SoftwareSigner::load_or_create(&store)?.public_key()
    };
    let token = cloud.register_phone("crash-phone", holder, false)?.token;
    past_keys(&cloud, "crash-phone", &locks, START)?;
    let ca = work.path().join("ca.pem");
    std::fs::write(&ca, cloud.ca_pem())?;
    let child = ChildArgs {
        exe: exe.to_path_buf(),
        dir: store_dir.clone(),
        url: cloud.base_url(),
        ca,
        token,
    };

    let mut queued = 0;
    let mut interrupted = 0;
    for _ in 0..rounds {
        let outbox = Outbox::new(&open_store(&store_dir)?, OutboxConfig { capacity: u64::MAX })?;
        let events = (queued..queued + PER_ROUND)
            .map(|n| numbered_event(&locks, n))
            .collect();
        outbox.append_batch(events)?;
        queued += PER_ROUND;
        drop(outbox);
        let [r] = latchkey_protocol::crypto::random_array::<1>()?;
        let before = cloud.event_counts()?.unique;
        child.kill_after(Duration::from_millis(20 + u64::from(r) % 180))?;
        let after = cloud.event_counts()?.unique;
        if after > before && after < queued {
            interrupted += 1;
        }
    }
    child.run_until_idle()?;

    let mut copies: HashMap<u64, u64> = HashMap::new();
    for e in cloud.received_events(None)? {
        if let Some(n) = number_of(&locks, &e.lock_id, &e.event) {
            *copies.entry(n).or_insert(0) += 1;
        }
    }
    let report = CrashReport {
        rounds,
        queued,
        server_unique: cloud.event_counts()?.unique,
        lost: (0..queued).filter(|n| !copies.contains_key(n)).count() as u64,
        duplicated: copies.values().filter(|&&c| c > 1).count() as u64,
        interrupted,
    };
    cloud.shutdown().await;
    Ok(report)
}

/// Recovers an event's number from what [`numbered_event`] put in it.
fn number_of(locks: &[LockId], lock_hex: &Option<String>, event: &serde_json::Value) -> Option<u64> {
    if event["kind"] == "unlock_attempt" {
        return event["started_at"].as_u64()?.checked_sub(u64::from(START));
    }
    let lock = locks.iter().position(|l| Some(l.to_hex()) == *lock_hex)? as u64;
    let seq = event["seq"].as_u64()?.checked_sub(1)?;
    Some((seq * locks.len() as u64 + lock) * 2)
}

struct ChildArgs {
    exe: PathBuf,
    dir: PathBuf,
    url: String,
    ca: PathBuf,
    token: String,
}

impl ChildArgs {
    fn command(&self, until_idle: bool) -> Command {
        let mut c = Command::new(&self.exe);
        c.args(["sync", CHILD_COMMAND, "--url", &self.url, "--token", &self.token])
            .arg("--dir")
            .arg(&self.dir)
            .arg("--ca")
            .arg(&self.ca)
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        if until_idle {
            c.arg("--until-idle");
        }
        c
    }

    /// Starts a child, waits for its first upload pass, kills it `delay` later.
    fn kill_after(&self, delay: Duration) -> Result<(), SceneError> {
        let mut child = self.command(false).spawn()?;
        let stdout = child.stdout.take().ok_or("the child has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let started = lines.next().transpose()?;
        if started.as_deref() == Some("syncing") {
            std::thread::sleep(delay);
        }
        // `Child::kill` is SIGKILL on Unix: kill -9.
        let _ = child.kill();
        child.wait()?;
        match started.as_deref() {
            Some("syncing") => Ok(()),
            other => Err(format!("the child did not start syncing (said {other:?})").into()),
        }
    }

    /// A last child that syncs until the outbox is empty.
    fn run_until_idle(&self) -> Result<(), SceneError> {
        let output = self.command(true).stdout(Stdio::piped()).output()?;
        let said = String::from_utf8_lossy(&output.stdout);
        if output.status.success() && said.lines().any(|l| l == "idle") {
            Ok(())
        } else {
            Err(format!("the last child failed ({}): {said}", output.status).into())
        }
    }
}

fn open_store(dir: &Path) -> Result<Store, SceneError> {
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
