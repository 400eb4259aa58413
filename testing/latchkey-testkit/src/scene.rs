//! The starting points of most scenarios: [`resident_scene`], a simulated
//! world with one lock, "Front door", and one phone (its own store in a
//! temporary directory) holding a resident key for it, no network; and
//! [`host_and_phone`], the same world with the reference cloud, a host's
//! phone and one other phone.

use crate::cloud::{cloud_for, cloud_phone, register, test_config, CloudPhone};
use crate::world::{GrantSpec, SimLockHandle, SimWorld};
use latchkey_core::{Client, ClientBuilder};
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use std::sync::Arc;

/// A world, its lock and a resident's phone.
pub struct ResidentScene {
    /// Clock, authority and radio.
    pub world: SimWorld,
    /// The lock.
    pub lock: SimLockHandle,
    /// The resident's phone (offline until told otherwise).
    pub phone: Arc<Client>,
    /// The phone's store lives here; removed on drop.
    pub dir: tempfile::TempDir,
}

/// A scene starting at `start` (unix seconds) with a lock built from
/// `config`; the resident key is valid from `start` for 30 days.
pub async fn resident_scene(start: u32, config: LockConfig) -> ResidentScene {
    resident_scene_with(start, config, |b| b).await
}

/// [`resident_scene`] with more settings on the phone's builder (an
/// outbox cap, a command policy).
pub async fn resident_scene_with(
    start: u32,
    config: LockConfig,
    settings: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> ResidentScene {
    let world = SimWorld::new(start).expect("a simulated world");
    let lock = world.add_lock("Front door", config).expect("a commissioned lock");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let phone = world
        .phone_with(dir.path(), LinkParams::mtu185(), &[&lock], settings)
        .await
        .expect("a phone");
    let key = world
        .issue(&phone, &lock, GrantSpec::resident(start))
        .expect("a resident key");
    phone.keys().add_key(key, "resident").await.expect("the key stored");
    ResidentScene {
        world,
        lock,
        phone,
        dir,
    }
}

/// A world with one lock registered with the reference cloud (TLS on
/// loopback), the host's phone and one other phone, both registered and
/// offline until told otherwise.
pub struct HostScene {
    /// Clock, authority and radio.
    pub world: SimWorld,
    /// The lock.
    pub lock: SimLockHandle,
    /// The reference cloud.
    pub cloud: CloudServer,
    /// The host's phone (may issue keys and change PINs).
    pub host: CloudPhone,
    /// The other phone (a guest, a resident, an owner: its key says).
    pub other: CloudPhone,
    /// The cloud's and the phones' directories; removed on drop.
    pub dirs: Vec<tempfile::TempDir>,
}

/// A [`HostScene`] starting at `start` with a lock named `lock_name`; the
/// other phone registers as `other_name`.
pub async fn host_and_phone(start: u32, lock_name: &str, other_name: &str) -> HostScene {
    let world = SimWorld::new(start).expect("a simulated world");
    let lock = world
        .add_lock(lock_name, LockConfig::default())
        .expect("a commissioned lock");
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("a directory")).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.expect("the reference cloud");
    register(&cloud, &lock).expect("the lock registered");
    let host = cloud_phone(&world, &cloud, dirs[1].path(), "host", true, test_config(&cloud))
        .await
        .expect("the host's phone");
    let other = cloud_phone(&world, &cloud, dirs[2].path(), other_name, false, test_config(&cloud))
        .await
        .expect("the other phone");
    HostScene {
        world,
        lock,
        cloud,
        host,
        other,
        dirs,
    }
}
