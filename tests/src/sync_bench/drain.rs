//! The throughput figures: durable enqueue with group commit, cold open of
//! a full store, and draining 100,000 queued events to the reference cloud
//! on loopback.

use super::chaos::numbered_event;
use super::harness::{cloud_for, cloud_phone, past_keys, register, test_config, SceneError, START};
use latchkey_core::outbox::{Outbox, OutboxConfig};
use latchkey_core::platform_keys::{Signer, SoftwareKeyStore, SoftwareSigner};
use latchkey_core::store::{Store, StoredKey};
use latchkey_core::sync::{SyncOutcome, Timeouts};
use latchkey_protocol::{KeyGrant, KeyId, Role};
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::SimWorld;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Keys in the cold-open store.
pub const KEYS: u32 = 10_000;
/// Events queued, opened cold and drained.
pub const EVENTS: u64 = 100_000;
/// Events per group commit while enqueueing.
pub const GROUP: u64 = 100;

/// What was measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrainFigures {
    /// Durable (acknowledged) events per second, appended in groups.
    pub enqueue_per_s: f64,
    /// Opening the store (10,000 keys, 100,000 events) until its outbox
    /// counts are read, in milliseconds.
    pub cold_open_ms: f64,
    /// Seconds to upload all queued events.
    pub drain_s: f64,
    /// Events per upload request.
    pub events_per_request: f64,
}

/// Builds the store, measures enqueue and cold open, then drains it.
pub async fn run() -> Result<DrainFigures, SceneError> {
    let world = SimWorld::new(START)?;
    let cloud_dir = tempfile::tempdir()?;
    let phone_dir = tempfile::tempdir()?;
    let cloud = cloud_for(&world, cloud_dir.path()).await?;
    let mut locks = Vec::new();
    for i in 0..4 {
        let lock = world.add_lock(&format!("Door {i}"), LockConfig::default())?;
        register(&cloud, &lock)?;
        locks.push(lock.id());
    }

    let enqueue_per_s = {
        let store = open(phone_dir.path())?;
        fill_keys(&world, &store)?;
        let outbox = Outbox::new(&store, OutboxConfig { capacity: u64::MAX })?;
        let started = Instant::now();
        let mut n = 0;
        while n < EVENTS {
            outbox.append_batch((n..n + GROUP).map(|i| numbered_event(&locks, i)).collect())?;
            n += GROUP;
        }
        EVENTS as f64 / started.elapsed().as_secs_f64()
    };

    let started = Instant::now();
    let store = open(phone_dir.path())?;
    let pending = Outbox::new(&store, OutboxConfig::default())?.stats()?.pending;
    let cold_open = started.elapsed();
    drop(store);
    if pending != EVENTS {
        return Err(format!("the reopened store holds {pending} events, not {EVENTS}").into());
    }

    let mut config = test_config(&cloud);
    config.timeouts = Timeouts::default();
    let phone = cloud_phone(&world, &cloud, phone_dir.path(), "drain-phone", false, config).await?;
    past_keys(&cloud, "drain-phone", &locks, START)?;
    phone.online();
    let started = Instant::now();
    let report = phone.engine.sync_until_idle(100).await;
    let drain = started.elapsed();
    if report.outcome != SyncOutcome::Completed || report.uploaded != EVENTS {
        return Err(format!("the drain stopped early: {report:?}").into());
    }
    cloud.shutdown().await;
    Ok(DrainFigures {
        enqueue_per_s,
        cold_open_ms: ms(cold_open),
        drain_s: drain.as_secs_f64(),
        events_per_request: EVENTS as f64 / f64::from(report.upload_requests.max(1)),
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn open(dir: &Path) -> Result<Store, SceneError> {
    let keystore = Arc::new(SoftwareKeyStore::beside(dir)?);
    Ok(Store::open(dir, keystore)?.store)
}

/// 10,000 keys for this phone, signed by the world's issuer.
fn fill_keys(world: &SimWorld, store: &Store) -> Result<(), SceneError> {
    let holder = SoftwareSigner::load_or_create(store)?.public_key();
    let lock_id = latchkey_protocol::LockId([0x42; 16]);
    for i in 0..KEYS {
        let key = world.authority.issue_key(KeyGrant {
            key_id: KeyId::random()?,
            lock_id,
            lock_group: false,
            holder,
            role: Role::Guest,
            not_before: START,
            not_after: START + 86_400 + i,
            schedule: None,
            offline_allowed: true,
            serial: 1,
        })?;
        store.keys().put(&StoredKey {
            key,
            label: format!("guest {i}"),
            received_at: START,
            lock_name: Some("Bench door".into()),
        })?;
    }
    Ok(())
}
