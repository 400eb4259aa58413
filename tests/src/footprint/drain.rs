//! `drain`: the phone's process alone uploading `events` queued events to
//! the reference cloud, which runs in this (the parent) process; the
//! figure is the phone process's peak RSS.

use super::child::DRAIN_CHILD;
use super::procs::{rss_mb, Running};
use crate::sync_bench::chaos::numbered_event;
use crate::sync_bench::harness::{cloud_for, past_keys, register, SceneError, START};
use latchkey_core::outbox::{Outbox, OutboxConfig};
use latchkey_core::platform_keys::{Signer, SoftwareKeyStore, SoftwareSigner};
use latchkey_core::store::Store;
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::SimWorld;
use std::path::Path;
use std::sync::Arc;

/// What the drain measured.
#[derive(Debug, Clone, PartialEq)]
pub struct DrainFigures {
    /// Events queued and uploaded.
    pub events: u64,
    /// Seconds the phone process took to empty its outbox.
    pub drain_s: f64,
    /// The phone process's peak RSS, MB.
    pub phone_peak_rss_mb: f64,
}

impl DrainFigures {
    /// One JSON object.
    pub fn json(&self) -> String {
        format!(
            r#"{{"events":{},"drain_s":{:.2},"phone_peak_rss_mb":{:.1}}}"#,
            self.events, self.drain_s, self.phone_peak_rss_mb
        )
    }
}

/// Queues `events` events and has a child process upload them.
pub async fn run(exe: &Path, events: u64) -> Result<DrainFigures, SceneError> {
    let work = tempfile::tempdir()?;
    let world = SimWorld::new(START)?;
    let cloud = cloud_for(&world, &work.path().join("cloud")).await?;
    let mut locks = Vec::new();
    for i in 0..4 {
        let lock = world.add_lock(&format!("Door {i}"), LockConfig::default())?;
        register(&cloud, &lock)?;
        locks.push(lock.id());
    }
    let store_dir = work.path().join("phone");
    let holder = {
        let store = Store::open(&store_dir, Arc::new(SoftwareKeyStore::beside(&store_dir)?))?.store;
        let outbox = Outbox::new(&store, OutboxConfig { capacity: u64::MAX })?;
        let mut n = 0;
        while n < events {
            let end = (n + 500).min(events);
            outbox.append_batch((n..end).map(|i| numbered_event(&locks, i)).collect())?;
            n = end;
        }
        SoftwareSigner::load_or_create(&store)?.public_key()
    };
    let token = cloud.register_phone("drain-phone", holder, false)?.token;
    past_keys(&cloud, "drain-phone", &locks, START)?;
    let ca = work.path().join("ca.pem");
    std::fs::write(&ca, cloud.ca_pem())?;
    let args: Vec<String> = vec![
        "footprint".into(),
        DRAIN_CHILD.into(),
        "--store".into(),
        store_dir.display().to_string(),
        "--url".into(),
        cloud.base_url(),
        "--ca".into(),
        ca.display().to_string(),
        "--token".into(),
        token,
    ];
    // The cloud answers on this process's runtime while the child runs.
    let exe = exe.to_path_buf();
    let said = tokio::task::spawn_blocking(move || Running::start(&exe, &args)?.finish()).await??;
    let drain_ms: f64 = said
        .iter()
        .find_map(|l| l.strip_prefix("idle "))
        .and_then(|ms| ms.parse().ok())
        .ok_or_else(|| format!("the phone did not empty its outbox: {said:?}"))?;
    let unique = cloud.event_counts()?.unique;
    cloud.shutdown().await;
    if unique != events {
        return Err(format!("the cloud holds {unique} events, not {events}").into());
    }
    Ok(DrainFigures {
        events,
        drain_s: drain_ms / 1000.0,
        phone_peak_rss_mb: rss_mb(&said).ok_or("the child did not report its RSS")?,
    })
}
