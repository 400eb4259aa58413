//! Who and what the demo's story needs: the reference cloud, the lock on
//! the simulated radio, and four phones registered with the cloud.

use latchkey_core::sync::IssueKey;
use latchkey_protocol::{LockId, Role, Schedule};
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::cloud::{cloud_for, cloud_phone, register, test_config, CloudPhone, SceneError};
use latchkey_testkit::START;
use latchkey_testkit::{SimLockHandle, SimWorld};

/// Everyone in the story.
pub(crate) struct Cast {
    pub world: SimWorld,
    pub cloud: CloudServer,
    pub door: SimLockHandle,
    /// The host: manages keys in the cloud from elsewhere, always online.
    pub host: CloudPhone,
    /// The resident.
    pub alice: CloudPhone,
    /// A guest, weekdays from noon.
    pub gus: CloudPhone,
    /// The cleaner, whose key gets revoked.
    pub carla: CloudPhone,
    _dirs: tempfile::TempDir,
}

impl Cast {
    /// Starts the cloud, commissions the lock and registers the phones.
    pub async fn assemble() -> Result<Self, SceneError> {
        let world = SimWorld::new(START)?;
        let dirs = tempfile::tempdir()?;
        let dir = |name: &str| -> Result<std::path::PathBuf, SceneError> {
            let d = dirs.path().join(name);
            std::fs::create_dir_all(&d)?;
            Ok(d)
        };
        let cloud = cloud_for(&world, &dir("cloud")?).await?;
        let door = world.add_lock("Front door", LockConfig::default())?;
        register(&cloud, &door)?;
        let config = test_config(&cloud);
        let host = cloud_phone(&world, &cloud, &dir("hannah")?, "hannah", true, config.clone()).await?;
        let alice = cloud_phone(&world, &cloud, &dir("alice")?, "alice", false, config.clone()).await?;
        let gus = cloud_phone(&world, &cloud, &dir("gus")?, "gus", false, config.clone()).await?;
        let carla = cloud_phone(&world, &cloud, &dir("carla")?, "carla", false, config).await?;
        Ok(Self {
            world,
            cloud,
            door,
            host,
            alice,
            gus,
            carla,
            _dirs: dirs,
        })
    }

    /// The phones at the house (the host is elsewhere).
    pub fn residents(&self) -> [(&'static str, &CloudPhone); 3] {
        [("Alice", &self.alice), ("Gus", &self.gus), ("Carla", &self.carla)]
    }

    /// The house's network goes down or comes back.
    pub fn house_network(&self, up: bool) {
        for (_, phone) in self.residents() {
            if up {
                phone.online();
            } else {
                phone.offline();
            }
        }
    }

    /// The lock's id.
    pub fn door_id(&self) -> LockId {
        self.door.id()
    }
}

/// A key request for `phone` on `lock`.
pub(crate) fn grant(
    lock: LockId,
    phone: &str,
    role: Role,
    until: u32,
    schedule: Option<Schedule>,
    label: &str,
) -> IssueKey {
    IssueKey {
        lock_id: lock,
        phone: phone.into(),
        role,
        not_before: START - 60,
        not_after: until,
        schedule,
        offline_allowed: true,
        label: label.into(),
        cert_lifetime_s: None,
    }
}
