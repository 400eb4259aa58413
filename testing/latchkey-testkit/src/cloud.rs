//! The simulated world with a reference cloud: a cloud on loopback (TLS
//! with its test CA) sharing the world's clock and issuer, and phones with
//! a sync engine pointed at it. Used by the end-to-end tests, the sync
//! benchmark, the demo and the bindings' test build.

use crate::world::{SimLockHandle, SimWorld};
use latchkey_core::clock::PhoneClock;
use latchkey_core::sync::{
    AuthProvider, BackoffPolicy, Connectivity, ManualTimer, StaticToken, SyncConfig, SyncEngine, Timeouts, TrustRoots,
};
use latchkey_core::{Client, ClientBuilder};
use latchkey_protocol::LockId;
use latchkey_sim::cloud::wire::{IssueKeyRequest, LockInfo};
use latchkey_sim::cloud::{CloudClock, CloudConfig, CloudServer};
use latchkey_sim::radio::LinkParams;
use latchkey_sim::VirtualClock;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Anything that went wrong while setting a scene up.
pub type SceneError = Box<dyn std::error::Error + Send + Sync>;

/// A reference cloud on 127.0.0.1 keeping `world`'s time and signing with
/// `world`'s issuer, so locks the world commissions trust what it signs.
pub async fn cloud_for(world: &SimWorld, data_dir: &Path) -> Result<CloudServer, SceneError> {
    let mut config = CloudConfig::local(data_dir).with_clock(CloudClock::Virtual(world.clock.clone()));
    config.issuer_pkcs8 = Some(world.authority.pkcs8().to_vec());
    Ok(CloudServer::start(config).await?)
}

/// Registers a simulated lock's commissioning record with the cloud.
pub fn register(cloud: &CloudServer, lock: &SimLockHandle) -> Result<(), SceneError> {
    cloud.register_lock(&LockInfo {
        lock_id: lock.meta.lock_id,
        name: lock.meta.name.clone(),
        identity_key: lock.meta.identity_key,
        issuer_key: lock.meta.issuer_key,
        utc_offset_min: lock.meta.utc_offset_min,
        groups: lock.meta.groups.clone(),
    })?;
    Ok(())
}

/// Gives the registered phone `phone` a key for each of `locks` whose
/// grant ended a day before `now`. The cloud takes events naming a lock
/// only from a phone that holds or held a key for it; an ended key brings
/// nothing to sync (no lock record, list or time token), so upload tests
/// and benchmarks count only what they upload.
pub fn past_keys(cloud: &CloudServer, phone: &str, locks: &[LockId], now: u32) -> Result<(), SceneError> {
    for lock_id in locks {
        cloud.issue_key(&IssueKeyRequest {
            lock_id: *lock_id,
            phone: phone.to_string(),
            role: "resident".into(),
            not_before: now.saturating_sub(30 * 86_400),
            not_after: now.saturating_sub(86_400),
            schedule: None,
            offline_allowed: true,
            label: "an ended stay".into(),
            cert_lifetime_s: None,
        })?;
    }
    Ok(())
}

/// Sync settings for the test cloud: its CA as the only root, short
/// timeouts (a stalled answer is noticed in half a second), seeded jitter.
pub fn test_config(cloud: &CloudServer) -> SyncConfig {
    let mut config = SyncConfig::new(cloud.base_url(), TrustRoots::Pem(vec![cloud.ca_pem().to_string()]));
    config.timeouts = Timeouts {
        connect: Duration::from_secs(5),
        read: Duration::from_millis(500),
        total: Duration::from_secs(20),
    };
    config.backoff = BackoffPolicy {
        jitter_seed: Some(42),
        ..BackoffPolicy::default()
    };
    config
}

/// A phone clock that follows the world's clock, optionally set off by
/// some seconds (a guest who winds their phone's clock back).
#[derive(Debug, Clone)]
pub struct OffsetClock {
    world: VirtualClock,
    offset_s: Arc<AtomicI64>,
}

impl OffsetClock {
    /// The world's time, exactly.
    pub fn new(world: VirtualClock) -> Self {
        Self {
            world,
            offset_s: Arc::new(AtomicI64::new(0)),
        }
    }

    /// From now on, the phone's clock is `offset_s` off (negative: behind).
    pub fn set_offset(&self, offset_s: i64) {
        self.offset_s.store(offset_s, Ordering::SeqCst);
    }
}

impl PhoneClock for OffsetClock {
    fn now_unix(&self) -> u32 {
        let t = i64::from(self.world.unix_now()) + self.offset_s.load(Ordering::SeqCst);
        u32::try_from(t.max(0)).unwrap_or(u32::MAX)
    }
}

/// A phone registered with the cloud, and its sync engine.
pub struct CloudPhone {
    /// Its registered name.
    pub name: String,
    /// The phone.
    pub phone: Arc<Client>,
    /// Its sync engine (virtual timer, the phone's clock).
    pub engine: SyncEngine,
    /// The bearer token it uses (replace it to simulate a new sign-in).
    pub token: Arc<StaticToken>,
    /// Its clock (set an offset to wind it back).
    pub clock: OffsetClock,
    /// The engine's timer.
    pub timer: Arc<ManualTimer>,
}

impl CloudPhone {
    /// Reports the network up (unmetered).
    pub fn online(&self) {
        self.engine.set_connectivity(Connectivity::ONLINE);
    }

    /// Reports the network gone.
    pub fn offline(&self) {
        self.engine.set_connectivity(Connectivity::OFFLINE);
    }
}

/// A phone with its own store in `dir`, on `world`'s radio, registered
/// with `cloud` as `name` (a host when `host`), with `config`.
pub async fn cloud_phone(
    world: &SimWorld,
    cloud: &CloudServer,
    dir: &Path,
    name: &str,
    host: bool,
    config: SyncConfig,
) -> Result<CloudPhone, SceneError> {
    cloud_phone_with(world, cloud, dir, name, host, config, None).await
}

/// Like [`cloud_phone`], with the app's own token source instead of the
/// registered token (which [`CloudPhone::token`] still holds).
pub async fn cloud_phone_with(
    world: &SimWorld,
    cloud: &CloudServer,
    dir: &Path,
    name: &str,
    host: bool,
    config: SyncConfig,
    auth: Option<Arc<dyn AuthProvider>>,
) -> Result<CloudPhone, SceneError> {
    let clock = OffsetClock::new(world.clock.clone());
    // The token comes from registering the holder key, which exists once
    // the store is open: it is set right after the build.
    let token = Arc::new(StaticToken::new(""));
    let timer = Arc::new(ManualTimer::new());
    let phone = ClientBuilder::new(dir)
        .allow_software_keys()
        .transport(Arc::new(world.transport(LinkParams::mtu185())))
        .clock(Arc::new(clock.clone()))
        .cloud(config, auth.unwrap_or_else(|| token.clone()))
        .sync_timer(timer.clone())
        .build()
        .await?;
    let registered = cloud.register_phone(name, phone.holder_key(), host)?;
    token.set(registered.token);
    let engine = phone
        .sync()
        .cloned()
        .ok_or("the client was built without its sync engine")?;
    Ok(CloudPhone {
        name: name.to_string(),
        phone,
        engine,
        token,
        clock,
        timer,
    })
}
