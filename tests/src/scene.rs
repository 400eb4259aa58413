//! The starting point of most phone-and-lock scenarios: a simulated world
//! with one lock, "Front door", and one phone (its own store in a
//! temporary directory) holding a resident key for it, no network.

use latchkey_core::simworld::{GrantSpec, SimLockHandle, SimWorld};
use latchkey_core::Phone;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;

/// A world, its lock and a resident's phone.
pub struct ResidentScene {
    /// Clock, authority and radio.
    pub world: SimWorld,
    /// The lock.
    pub lock: SimLockHandle,
    /// The resident's phone (offline until told otherwise).
    pub phone: Phone,
    /// The phone's store lives here; removed on drop.
    pub dir: tempfile::TempDir,
}

/// A scene starting at `start` (unix seconds) with a lock built from
/// `config`; the resident key is valid from `start` for 30 days.
pub async fn resident_scene(start: u32, config: LockConfig) -> ResidentScene {
    let world = SimWorld::new(start).expect("a simulated world");
    let lock = world.add_lock("Front door", config).expect("a commissioned lock");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let phone = world
        .phone(dir.path(), LinkParams::mtu185(), &[&lock])
        .await
        .expect("a phone");
    let key = world
        .issue(&phone, &lock, GrantSpec::resident(start))
        .expect("a resident key");
    phone.add_key(key, "resident").await.expect("the key stored");
    ResidentScene {
        world,
        lock,
        phone,
        dir,
    }
}
