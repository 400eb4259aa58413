//! The chaos run: a phone uploads queued events to the reference cloud
//! through random 503s, 429s with Retry-After, connections dropped after
//! the commit, answers stalled mid-body, 401s and slow answers (seeded, so
//! the run is reproducible); then the cloud's copy is checked: every event
//! once, in order per lock, nothing left on the phone.

use super::harness::{cloud_for, cloud_phone, past_keys, register, test_config, SceneError, START};
use latchkey_core::outbox::OutboxEvent;
use latchkey_protocol::{EventKind, KeyId, LockEvent, LockId};
use latchkey_sim::cloud::{ChaosConfig, ChaosStats};
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::SimWorld;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// The faults of the chaos run.
pub fn chaos_config(seed: u64) -> ChaosConfig {
    ChaosConfig {
        seed,
        unauthorized: 0.04,
        unavailable: 0.08,
        rate_limited: 0.05,
        retry_after_s: 2,
        unavailable_retry_after_s: None,
        drop_after_commit: 0.08,
        stall_mid_body: 0.03,
        stall_ms: 1_500,
        slow: 0.05,
        slow_ms: 20,
    }
}

/// What the run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChaosRun {
    /// Events queued on the phone.
    pub sent: u64,
    /// Distinct events the cloud holds.
    pub server_unique: u64,
    /// Queued events the cloud does not hold.
    pub lost: u64,
    /// Deliveries of events the cloud already held (answered `duplicate`).
    pub duplicates_delivered: u64,
    /// Events stored out of their per-lock order.
    pub out_of_order: u64,
    /// Events still on the phone (pending plus dead letters).
    pub left_on_phone: u64,
    /// Faults the cloud injected.
    pub faults: ChaosStats,
    /// Upload requests that got an answer.
    pub upload_requests: u32,
    /// Wall time of the upload.
    pub elapsed: Duration,
}

impl ChaosRun {
    /// The figures the benchmark prints.
    pub fn json(&self) -> String {
        format!(
            r#"{{"sent":{},"server_unique":{},"lost":{},"duplicates_delivered":{}}}"#,
            self.sent, self.server_unique, self.lost, self.duplicates_delivered
        )
    }
}

/// The `n`-th event of a run: alternately a lock event (seq rising per
/// lock) and a phone's attempt record whose `started_at` encodes `n`.
pub fn numbered_event(locks: &[LockId], n: u64) -> OutboxEvent {
    let lock_id = locks[(n as usize / 2) % locks.len()];
    let serial = u32::try_from(n).unwrap_or(u32::MAX);
    if n % 2 == 0 {
        let event = LockEvent {
            seq: serial / 2 / locks.len() as u32 + 1,
            time: START + serial,
            kind: EventKind::Unlocked,
            key_id: KeyId([0x2b; 8]),
            result: 0,
            detail: 0,
        };
        OutboxEvent::from_lock_event(lock_id, 1, &event, Some(vec![0x5a; 64]))
    } else {
        OutboxEvent::UnlockAttempt {
            lock_id,
            key_id: Some(KeyId([0x2b; 8])),
            command: "unlock".into(),
            outcome: "ok".into(),
            fast_path: true,
            started_at: START + serial,
            duration_ms: 60,
        }
    }
}

/// Queues `events` events, uploads them through chaos with at most
/// `per_request` per request, and checks the cloud's copy.
pub async fn run(events: u64, per_request: usize, seed: u64) -> Result<ChaosRun, SceneError> {
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
    let mut config = test_config(&cloud);
    config.max_events_per_request = per_request;
    let phone = cloud_phone(&world, &cloud, phone_dir.path(), "chaos-phone", false, config).await?;
    past_keys(&cloud, "chaos-phone", &locks, START)?;
    let mut queued: HashSet<String> = HashSet::new();
    let mut n = 0;
    while n < events {
        let chunk: Vec<OutboxEvent> = (n..events.min(n + 1000)).map(|i| numbered_event(&locks, i)).collect();
        n += chunk.len() as u64;
        queued.extend(
            phone
                .phone
                .outbox()
                .append_batch(chunk)?
                .iter()
                .map(|id| id.to_string()),
        );
    }

    cloud.set_chaos(chaos_config(seed));
    phone.online();
    let started = Instant::now();
    let report = phone.engine.sync_until_idle(1_000_000).await;
    let elapsed = started.elapsed();
    let faults = cloud.chaos_stats();
    cloud.set_chaos(ChaosConfig::default());

    let received = cloud.received_events(None)?;
    let on_server: HashSet<&str> = received.iter().map(|e| e.id.as_str()).collect();
    let mut out_of_order = 0;
    let mut last: HashMap<(String, &str), u64> = HashMap::new();
    for e in &received {
        let kind = e.event["kind"].as_str().unwrap_or("");
        let order = match kind {
            "lock_event" => e.event["seq"].as_u64(),
            _ => e.event["started_at"].as_u64(),
        }
        .unwrap_or(0);
        let slot = last.entry((e.lock_id.clone().unwrap_or_default(), kind)).or_insert(0);
        if order <= *slot {
            out_of_order += 1;
        }
        *slot = order;
    }
    let stats = phone.phone.outbox().stats()?;
    let run = ChaosRun {
        sent: events,
        server_unique: cloud.event_counts()?.unique,
        lost: queued.iter().filter(|id| !on_server.contains(id.as_str())).count() as u64,
        duplicates_delivered: cloud.event_counts()?.duplicates,
        out_of_order,
        left_on_phone: stats.pending + stats.dead_letters,
        faults,
        upload_requests: report.upload_requests,
        elapsed,
    };
    cloud.shutdown().await;
    Ok(run)
}
