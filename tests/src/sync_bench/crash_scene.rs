//! The scene the kill benchmarks share: a reference cloud in this
//! process (it outlives every phone child), two registered locks, a phone
//! store registered with the cloud, numbered events queued in it and,
//! when asked, events the cloud refuses for good (they end in the dead
//! letters).

use super::chaos::numbered_event;
use super::crash::number_of;
use super::harness::{cloud_for, past_keys, register, SceneError, START};
use super::phone_child::{open_store, PhoneChild};
use latchkey_core::outbox::{Outbox, OutboxConfig, OutboxEvent};
use latchkey_core::platform_keys::{Signer, SoftwareSigner};
use latchkey_protocol::LockId;
use latchkey_sim::cloud::wire::IssueKeyRequest;
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::SimWorld;
use std::collections::HashMap;
use std::path::Path;

/// The phone's name on the cloud.
const PHONE: &str = "crash-phone";

/// A cloud, its locks and a phone child pointed at it.
pub struct CrashScene {
    /// The reference cloud (state kept across the phone's deaths).
    pub cloud: CloudServer,
    /// The registered locks.
    pub locks: Vec<LockId>,
    /// How to start the phone.
    pub child: PhoneChild,
    /// Events queued so far (numbers `0..queued`).
    pub queued: u64,
    /// Events queued for a lock the cloud does not know ([`Self::queue_refused`]).
    pub refused: u64,
    _world: SimWorld,
}

impl CrashScene {
    /// Sets the scene up in `work` (which must outlive it). With
    /// `live_key`, the phone also holds a current key for the first lock,
    /// so a sync stores a key, lock metadata and a time token as well.
    pub async fn new(exe: &Path, work: &Path, live_key: bool) -> Result<Self, SceneError> {
        let world = SimWorld::new(START)?;
        let cloud = cloud_for(&world, &work.join("cloud")).await?;
        let mut locks = Vec::new();
        for i in 0..2 {
            let lock = world.add_lock(&format!("Door {i}"), LockConfig::default())?;
            register(&cloud, &lock)?;
            locks.push(lock.id());
        }
        let dir = work.join("phone");
        let holder = SoftwareSigner::load_or_create(&open_store(&dir)?)?.public_key();
        let token = cloud.register_phone(PHONE, holder, false)?.token;
        past_keys(&cloud, PHONE, &locks, START)?;
        if live_key {
            cloud.issue_key(&IssueKeyRequest {
                lock_id: locks[0],
                phone: PHONE.into(),
                role: "resident".into(),
                not_before: START - 86_400,
                not_after: START + 30 * 86_400,
                schedule: None,
                offline_allowed: true,
                label: "home".into(),
                cert_lifetime_s: None,
            })?;
        }
        let ca = work.join("ca.pem");
        std::fs::write(&ca, cloud.ca_pem())?;
        let child = PhoneChild {
            exe: exe.to_path_buf(),
            dir,
            url: cloud.base_url(),
            ca,
            token,
        };
        Ok(Self {
            cloud,
            locks,
            child,
            queued: 0,
            refused: 0,
            _world: world,
        })
    }

    /// Queues the next `count` numbered events in the phone's store (closed
    /// again before any child runs).
    pub fn queue(&mut self, count: u64) -> Result<(), SceneError> {
        let outbox = Outbox::new(&open_store(&self.child.dir)?, OutboxConfig { capacity: u64::MAX })?;
        let events = (self.queued..self.queued + count)
            .map(|n| numbered_event(&self.locks, n))
            .collect();
        outbox.append_batch(events)?;
        self.queued += count;
        Ok(())
    }

    /// Queues `count` events for a lock no cloud registered: each upload
    /// of one is refused for good (`unknown lock`), so the phone moves it
    /// to its dead letters.
    pub fn queue_refused(&mut self, count: u64) -> Result<(), SceneError> {
        let outbox = Outbox::new(&open_store(&self.child.dir)?, OutboxConfig { capacity: u64::MAX })?;
        let unknown = LockId([0xee; 16]);
        let events = (0..count)
            .map(|n| OutboxEvent::UnlockAttempt {
                lock_id: unknown,
                key_id: None,
                command: "unlock".into(),
                outcome: "ok".into(),
                fast_path: false,
                // Before START: never taken for a numbered event.
                started_at: u32::try_from(n).unwrap_or(0),
                duration_ms: 60,
            })
            .collect();
        outbox.append_batch(events)?;
        self.refused += count;
        Ok(())
    }

    /// How many copies of each queued event the cloud holds, by number
    /// (what the event says, not its id: a re-queued copy has a new id).
    pub fn copies(&self) -> Result<HashMap<u64, u64>, SceneError> {
        let mut copies: HashMap<u64, u64> = HashMap::new();
        for e in self.cloud.received_events(None)? {
            if let Some(n) = number_of(&self.locks, &e.lock_id, &e.event) {
                *copies.entry(n).or_insert(0) += 1;
            }
        }
        Ok(copies)
    }

    /// Queued events the phone still holds that the cloud already has: the
    /// cloud committed them and the phone never recorded it.
    pub fn committed_not_confirmed(&self) -> Result<u64, SceneError> {
        let held: std::collections::HashSet<String> =
            self.cloud.received_events(None)?.into_iter().map(|e| e.id).collect();
        let outbox = Outbox::new(&open_store(&self.child.dir)?, OutboxConfig { capacity: u64::MAX })?;
        let pending = outbox.peek(usize::MAX, usize::MAX)?;
        Ok(pending.iter().filter(|e| held.contains(&e.id.to_string())).count() as u64)
    }
}
