//! The unlock stage's scene: a simulated lock and the reference cloud in
//! this process (both outlive the phone), a phone child that reaches the
//! lock through the [`bridge`](super::bridge), and the invariants checked
//! once a restarted phone has finished.

use super::bridge;
use super::unlock_child::CHILD_COMMAND;
use crate::sync_bench::harness::{cloud_for, register, SceneError, START};
use crate::sync_bench::phone_child::{died_at, open_store, ChildEnd};
use latchkey_core::crash_point::{CRASH_AT_ENV, CRASH_TRACE_ENV};
use latchkey_core::outbox::{Outbox, OutboxConfig};
use latchkey_core::platform_keys::{Signer, SoftwareSigner};
use latchkey_protocol::crypto::SigningKey;
use latchkey_sim::cloud::wire::IssueKeyRequest;
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::{SimLockHandle, SimWorld};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PHONE: &str = "unlock-phone";

/// The lock, the cloud, and how to start the phone.
pub struct UnlockScene {
    cloud: CloudServer,
    lock: SimLockHandle,
    exe: PathBuf,
    dir: PathBuf,
    ca: PathBuf,
    socket: PathBuf,
    token: String,
    /// `unlocked` lines the children printed (the phone said "done").
    reported: usize,
    /// `attempting` lines: unlocks the phone started.
    attempted: usize,
    /// `failed` lines of the last child, which nothing killed.
    last_failures: Vec<String>,
    _world: SimWorld,
}

fn key_request(lock: &SimLockHandle, phone: &str) -> IssueKeyRequest {
    IssueKeyRequest {
        lock_id: lock.id(),
        phone: phone.into(),
        role: "resident".into(),
        not_before: START - 86_400,
        not_after: START + 30 * 86_400,
        schedule: None,
        offline_allowed: true,
        label: "home".into(),
        cert_lifetime_s: None,
    }
}

impl UnlockScene {
    /// A lock with a revocation list to carry (another phone's key was
    /// revoked) and a phone holding a key for it, in `work`.
    pub async fn new(exe: &Path, work: &Path) -> Result<Self, SceneError> {
        let world = SimWorld::new(START)?;
        let cloud = cloud_for(&world, &work.join("cloud")).await?;
        let lock = world.add_lock("Front door", LockConfig::default())?;
        register(&cloud, &lock)?;
        let dir = work.join("phone");
        let holder = SoftwareSigner::load_or_create(&open_store(&dir)?)?.public_key();
        let token = cloud.register_phone(PHONE, holder, false)?.token;
        cloud.issue_key(&key_request(&lock, PHONE))?;
        cloud.register_phone("other-phone", SigningKey::generate()?.public_key(), false)?;
        let other = cloud.issue_key(&key_request(&lock, "other-phone"))?;
        cloud.revoke_key(&other.key_id)?;
        let ca = work.join("ca.pem");
        std::fs::write(&ca, cloud.ca_pem())?;
        let socket = work.join("radio.sock");
        bridge::serve(&socket, world.transport(LinkParams::mtu185()))?;
        Ok(Self {
            cloud,
            lock,
            exe: exe.to_path_buf(),
            dir,
            ca,
            socket,
            token,
            reported: 0,
            attempted: 0,
            last_failures: Vec::new(),
            _world: world,
        })
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.exe);
        c.args([
            "crashpoints",
            CHILD_COMMAND,
            "--url",
            &self.cloud.base_url(),
            "--token",
            &self.token,
        ])
        .args(["--lock", &self.lock.id().to_hex()])
        .arg("--dir")
        .arg(&self.dir)
        .arg("--ca")
        .arg(&self.ca)
        .arg("--socket")
        .arg(&self.socket)
        .env_remove(CRASH_AT_ENV)
        .env_remove(CRASH_TRACE_ENV)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        c
    }

    /// Counts what a child said (complete lines only).
    fn heard(&mut self, output: &Output) -> String {
        let said = String::from_utf8_lossy(&output.stdout).into_owned();
        let complete = said.rsplit_once('\n').map_or("", |(c, _)| c);
        self.attempted += complete.lines().filter(|l| *l == "attempting").count();
        self.reported += complete.lines().filter(|l| *l == "unlocked").count();
        self.last_failures = complete
            .lines()
            .filter(|l| l.starts_with("failed"))
            .map(String::from)
            .collect();
        said
    }

    fn finished(&mut self, output: &Output) -> Result<(), SceneError> {
        let said = self.heard(output);
        if output.status.success() && said.lines().any(|l| l == "idle") {
            return Ok(());
        }
        let err = String::from_utf8_lossy(&output.stderr);
        Err(format!("the phone child failed ({}): {said}{err}", output.status).into())
    }

    /// A child that dies at the `hit`-th passage of `point` (or finishes).
    pub fn crash_at(&mut self, point: &str, hit: u64) -> Result<ChildEnd, SceneError> {
        let output = self.command().env(CRASH_AT_ENV, format!("{point}#{hit}")).output()?;
        if died_at(&output, point, hit) {
            self.heard(&output);
            return Ok(ChildEnd::Crashed);
        }
        self.finished(&output).map(|()| ChildEnd::Idle)
    }

    /// A child to the end, tracing the crash points it passes into `file`.
    pub fn trace(&mut self, file: &Path) -> Result<(), SceneError> {
        let output = self.command().env(CRASH_TRACE_ENV, file).output()?;
        self.finished(&output)
    }

    /// A child to the end.
    pub fn run_to_end(&mut self) -> Result<(), SceneError> {
        let output = self.command().output()?;
        self.finished(&output)
    }

    /// What the scene broke, in words (empty: nothing).
    pub fn violations(&self) -> Result<Vec<String>, SceneError> {
        let mut broken = Vec::new();
        let (actuated, lock_seq, events) = {
            let lock = self.lock.lock();
            (lock.actuation_count() as usize, lock.revocation_seq(), lock.events())
        };
        if self.reported > actuated {
            broken.push(format!(
                "the phone reported {} unlocks done, the lock did {actuated}",
                self.reported
            ));
        }
        if actuated > self.attempted {
            broken.push(format!(
                "the lock actuated {actuated} times for {} commands",
                self.attempted
            ));
        }
        if !self.last_failures.is_empty() {
            broken.push(format!("after recovery: {}", self.last_failures.join("; ")));
        }
        let mut copies: HashMap<u64, u64> = HashMap::new();
        for e in self.cloud.received_events(Some(&self.lock.id()))? {
            if e.event["kind"] == "lock_event" {
                if let Some(seq) = e.event["seq"].as_u64() {
                    *copies.entry(seq).or_insert(0) += 1;
                }
            }
        }
        let missing = events
            .iter()
            .filter(|e| !copies.contains_key(&u64::from(e.seq)))
            .count();
        if missing > 0 {
            broken.push(format!(
                "{missing} of the lock's {} events never reached the cloud",
                events.len()
            ));
        }
        let doubled = copies.values().filter(|&&c| c > 1).count();
        if doubled > 0 {
            broken.push(format!("{doubled} lock events reached the cloud twice"));
        }
        match self.cloud.drift()?.into_iter().find(|d| d.lock_id == self.lock.id()) {
            Some(d) if d.lock_seq == lock_seq && d.cloud_seq == lock_seq => {}
            Some(d) => broken.push(format!(
                "drift: the cloud has issued {} and believes the lock holds {}; the lock holds {lock_seq}",
                d.cloud_seq, d.lock_seq
            )),
            None => broken.push("the cloud has no drift view of the lock".into()),
        }
        match open_store(&self.dir) {
            Ok(store) => {
                let pending = Outbox::new(&store, OutboxConfig { capacity: u64::MAX })?
                    .stats()?
                    .pending;
                if pending > 0 {
                    broken.push(format!("{pending} events still pending after the phone said idle"));
                }
            }
            Err(e) => broken.push(format!("the store does not open cleanly: {e}")),
        }
        Ok(broken)
    }

    /// Stops the cloud.
    pub async fn close(self) {
        self.cloud.shutdown().await;
    }
}
