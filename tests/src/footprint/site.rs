//! The scene every footprint measurement starts from: one simulated lock
//! served on a Unix socket ([`LockSocket`]) so other processes reach it,
//! and the app's store (optionally full: 10,000 keys, 100,000 queued
//! events) with quick access set up for that lock: the app ran one AUTH,
//! so a FAST key is shared, then closed its store.

use crate::sync_bench::chaos::numbered_event;
use crate::sync_bench::drain::fill_keys;
use crate::sync_bench::harness::SceneError;
use latchkey_core::clock::{PhoneClock, SystemClock};
use latchkey_core::outbox::{Outbox, OutboxConfig};
use latchkey_core::platform_keys::SoftwareKeyStore;
use latchkey_core::store::Store;
use latchkey_core::unlock::NoProgress;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::lock_socket::LockSocket;
use latchkey_testkit::{GrantSpec, SimLockHandle, SimWorld};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Events appended per group while filling the store.
const GROUP: u64 = 500;

/// The world, its lock on a socket, and the app's directories.
pub struct Site {
    /// The world (its clock starts at this computer's time, which the
    /// child processes' phones read).
    pub world: SimWorld,
    /// The lock.
    pub lock: SimLockHandle,
    /// The lock served to other processes.
    pub socket: LockSocket,
    /// The app's store.
    pub store: PathBuf,
    /// The quick-access directory.
    pub quick: PathBuf,
    /// The app's software key store (shared with the quick processes, as
    /// a platform key store is).
    pub key_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Site {
    /// A site whose store holds `keys` keys (besides the lock's own) and
    /// `events` queued events.
    pub async fn new(keys: bool, events: u64) -> Result<Self, SceneError> {
        let dir = tempfile::tempdir()?;
        let world = SimWorld::new(SystemClock.now_unix())?;
        let config = LockConfig {
            event_capacity: 100_000,
            ..LockConfig::default()
        };
        let lock = world.add_lock("Front door", config)?;
        let store = dir.path().join("store");
        let quick = dir.path().join("quick");
        if keys || events > 0 {
            fill(&world, &store, keys, events)?;
        }
        {
            let quick = quick.clone();
            let phone = world
                .phone_with(&store, LinkParams::mtu185(), &[&lock], |b| b.quick_access(quick))
                .await?;
            let now = phone.clock().now_unix();
            let key = world.issue(&phone, &lock, GrantSpec::resident(now))?;
            phone.keys().add_key(key, "resident").await?;
            phone.locks().unlock(lock.id(), &NoProgress).await?;
        }
        let socket = LockSocket::serve(&dir.path().join("lock.sock"), world.transport(LinkParams::mtu185()))?;
        Ok(Self {
            key_file: SoftwareKeyStore::path_beside(&store),
            world,
            lock,
            socket,
            store,
            quick,
            _dir: dir,
        })
    }
}

/// Fills the store in `dir` with keys and queued events (closed again).
fn fill(world: &SimWorld, dir: &Path, keys: bool, events: u64) -> Result<(), SceneError> {
    let store = Store::open(dir, Arc::new(SoftwareKeyStore::beside(dir)?))?.store;
    if keys {
        fill_keys(world, &store)?;
    }
    let outbox = Outbox::new(&store, OutboxConfig { capacity: u64::MAX })?;
    let other = [latchkey_protocol::LockId([0x42; 16])];
    let mut n = 0;
    while n < events {
        let end = (n + GROUP).min(events);
        outbox.append_batch((n..end).map(|i| numbered_event(&other, i)).collect())?;
        n = end;
    }
    Ok(())
}
