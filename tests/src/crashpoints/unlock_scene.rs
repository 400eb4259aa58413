//! The unlock stages' scene: a simulated lock and the reference cloud in
//! this process (both outlive the phone), a phone child that reaches the
//! lock through the [`bridge`](super::bridge), and what the children said
//! (judged by [`after_unlocks`](super::after_unlocks) once a restarted
//! phone has finished).

use super::bridge;
use super::ingest_scene::{WidgetReach, WidgetSide};
use super::unlock_child::CHILD_COMMAND;
use crate::sync_bench::harness::{cloud_for, register, SceneError, START};
use crate::sync_bench::phone_child::{died_at, ChildEnd};
use latchkey_core::crash_point::{CRASH_AT_ENV, CRASH_TRACE_ENV};
use latchkey_protocol::crypto::SigningKey;
use latchkey_sim::cloud::wire::{IssueKeyRequest, PinChangeRequest};
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::{SimLockHandle, SimWorld};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PHONE: &str = "unlock-phone";
/// The lifetime of the key certificates the cloud issues the phone.
pub(super) const CERT_LIFETIME_S: u32 = 86_400;

/// What happened to the phone before the runs the driver kills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prelude {
    /// Nothing: a phone that never synced.
    Fresh,
    /// The phone ran once (synced, unlocked twice, synced), then the
    /// world's clock passed 60 % of its key certificate's lifetime: the
    /// next sync renews the key.
    KeyHalfway,
    /// The phone ran once, then its database file was overwritten while
    /// it was closed: the next start quarantines the store, and a sync
    /// rebuilds it from the cloud.
    DamagedStore,
    /// The phone ran once with a quick-access directory (its AUTH left a
    /// fast key, shared with quick processes), then a widget's process
    /// unlocked the lock twice with it: the next phone takes the widget's
    /// journals in.
    WidgetJournals,
}

/// The lock, the cloud, and how to start the phone.
pub struct UnlockScene {
    /// What happened before the runs that count.
    pub prelude: Prelude,
    pub(super) cloud: CloudServer,
    pub(super) lock: SimLockHandle,
    exe: PathBuf,
    pub(super) dir: PathBuf,
    ca: PathBuf,
    socket: PathBuf,
    holder: PathBuf,
    token: String,
    /// `unlocked` lines the children printed (the phone said "done").
    pub(super) reported: usize,
    /// `attempting` lines: unlocks the phone started.
    pub(super) attempted: usize,
    /// `quarantined` lines: opens that reported a store set aside.
    pub(super) quarantines: usize,
    /// `failed` lines of the last child, which nothing killed.
    pub(super) last_failures: Vec<String>,
    /// What [`Prelude::DamagedStore`] wrote over the database file.
    pub(super) damage: Option<Vec<u8>>,
    /// [`Prelude::WidgetJournals`]: the quick-access directory the phone
    /// keeps, and the widget's unlocks.
    pub(super) widget: Option<WidgetSide>,
    pub(super) world: SimWorld,
}

impl UnlockScene {
    /// A lock with a revocation list to carry (another phone's key was
    /// revoked) and a PIN list (a host set the cleaner's PIN), and a phone
    /// holding a key for it, in `work`; then `prelude`.
    pub async fn new(exe: &Path, work: &Path, prelude: Prelude) -> Result<Self, SceneError> {
        let world = SimWorld::new(START)?;
        let cloud = cloud_for(&world, &work.join("cloud")).await?;
        let lock = world.add_lock("Front door", LockConfig::default())?;
        register(&cloud, &lock)?;
        let holder_key = SigningKey::generate()?;
        let holder = work.join("holder.pk8");
        std::fs::write(&holder, holder_key.pkcs8())?;
        let token = cloud.register_phone(PHONE, holder_key.public_key(), false)?.token;
        cloud.issue_key(&key_request(&lock, PHONE))?;
        cloud.register_phone("other-phone", SigningKey::generate()?.public_key(), false)?;
        let other = cloud.issue_key(&key_request(&lock, "other-phone"))?;
        cloud.revoke_key(&other.key_id)?;
        cloud.set_pin(
            &lock.id(),
            &PinChangeRequest {
                slot: 3,
                digits: Some("482913".into()),
                label: Some("Cleaner".into()),
                ..PinChangeRequest::default()
            },
        )?;
        let ca = work.join("ca.pem");
        std::fs::write(&ca, cloud.ca_pem())?;
        let socket = work.join("radio.sock");
        bridge::serve(&socket, world.transport(LinkParams::mtu185()))?;
        let mut scene = Self {
            prelude,
            cloud,
            lock,
            exe: exe.to_path_buf(),
            dir: work.join("phone"),
            ca,
            socket,
            holder,
            token,
            reported: 0,
            attempted: 0,
            quarantines: 0,
            last_failures: Vec::new(),
            damage: None,
            widget: (prelude == Prelude::WidgetJournals).then(|| WidgetSide::new(work.join("quick"))),
            world,
        };
        match prelude {
            Prelude::Fresh => {}
            Prelude::KeyHalfway => {
                scene.run_to_end()?;
                scene.world.clock.advance_secs(u64::from(CERT_LIFETIME_S) * 6 / 10);
            }
            Prelude::DamagedStore => {
                scene.run_to_end()?;
                let db = scene.dir.join("db");
                let damage = vec![0xa5; std::fs::metadata(&db)?.len() as usize];
                std::fs::write(&db, &damage)?;
                scene.damage = Some(damage);
            }
            Prelude::WidgetJournals => {
                scene.run_to_end()?;
                let reach = WidgetReach {
                    store_dir: &scene.dir,
                    holder: &scene.holder,
                    world: &scene.world,
                    lock: &scene.lock,
                };
                let done = match scene.widget.as_mut() {
                    Some(widget) => widget.unlock(reach).await?,
                    None => 0,
                };
                // The widget's unlocks count with the phone's.
                scene.attempted += done;
                scene.reported += done;
            }
        }
        Ok(scene)
    }

    /// The phone's store directory.
    pub fn phone_dir(&self) -> &Path {
        &self.dir
    }

    /// The quick-access directory the phone keeps
    /// ([`Prelude::WidgetJournals`] only).
    pub fn quick_dir(&self) -> Option<&Path> {
        self.widget.as_ref().map(|w| w.dir.as_path())
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.exe);
        c.args(["crashpoints", CHILD_COMMAND, "--url", &self.cloud.base_url()])
            .args(["--token", &self.token, "--lock", &self.lock.id().to_hex()])
            .args(["--now", &self.world.clock.unix_now().to_string()])
            .arg("--dir")
            .arg(&self.dir)
            .arg("--ca")
            .arg(&self.ca)
            .arg("--socket")
            .arg(&self.socket)
            .arg("--holder")
            .arg(&self.holder)
            .args(
                self.widget
                    .iter()
                    .flat_map(|w| [std::ffi::OsStr::new("--quick-dir"), w.dir.as_os_str()]),
            )
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
        let count = |prefix: &str| complete.lines().filter(|l| l.starts_with(prefix)).count();
        self.attempted += count("attempting");
        self.reported += count("unlocked");
        self.quarantines += count("quarantined");
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

    /// Stops the cloud.
    pub async fn close(self) {
        self.cloud.shutdown().await;
    }
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
        cert_lifetime_s: Some(CERT_LIFETIME_S),
    }
}
