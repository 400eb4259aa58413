//! What the checks share: a sync engine of their own over the phone (its
//! own backoff state, so one check's Retry-After never defers the next),
//! a phone clock that can be moved ahead, token sources that misbehave on
//! purpose, and a report in words.

use async_trait::async_trait;
use latchkey_core::clock::{PhoneClock, SystemClock};
use latchkey_core::sync::{
    AuthError, AuthProvider, BackoffPolicy, Connectivity, SyncConfig, SyncEngine, SyncOutcome, SyncReport, TrustRoots,
};
use latchkey_core::Client;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A new engine for `client` against `url`, online, with short backoffs
/// (the checks wait them out for real) and `tune` applied to its settings.
pub fn engine_for(
    client: &Arc<Client>,
    url: &str,
    roots: &TrustRoots,
    auth: Arc<dyn AuthProvider>,
    clock: Option<Arc<dyn PhoneClock>>,
    tune: impl FnOnce(&mut SyncConfig),
) -> Result<SyncEngine, String> {
    let mut config = SyncConfig::new(url, roots.clone());
    config.backoff = BackoffPolicy {
        base: Duration::from_millis(50),
        cap: Duration::from_millis(500),
        jitter_seed: Some(7),
        ..BackoffPolicy::default()
    };
    tune(&mut config);
    let mut builder = SyncEngine::builder(client, config, auth);
    if let Some(clock) = clock {
        builder = builder.clock(clock);
    }
    let engine = builder.build().map_err(|e| format!("the sync engine: {e}"))?;
    engine.set_connectivity(Connectivity::ONLINE);
    Ok(engine)
}

/// This computer's clock, moved ahead by a number of seconds.
#[derive(Debug, Default)]
pub struct AheadClock(AtomicI64);

impl AheadClock {
    /// `seconds` ahead of this computer's clock.
    pub fn by(seconds: i64) -> Self {
        Self(AtomicI64::new(seconds))
    }
}

impl PhoneClock for AheadClock {
    fn now_unix(&self) -> u32 {
        let t = i64::from(SystemClock.now_unix()) + self.0.load(Ordering::SeqCst);
        u32::try_from(t.max(0)).unwrap_or(u32::MAX)
    }
}

/// A sign-in whose first token the cloud no longer takes: the fresh one
/// comes when the engine asks after a 401.
#[derive(Debug)]
pub struct StaleFirst {
    good: String,
    /// How often the engine asked for a fresh token.
    pub refreshes: AtomicU32,
}

impl StaleFirst {
    /// Hands out a stale token first, then `good`.
    pub fn then(good: &str) -> Self {
        Self {
            good: good.to_string(),
            refreshes: AtomicU32::new(0),
        }
    }
}

#[async_trait]
impl AuthProvider for StaleFirst {
    async fn token(&self) -> Result<String, AuthError> {
        Ok("cloud-check-stale-token".into())
    }

    async fn refresh(&self, _rejected: &str) -> Result<String, AuthError> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        Ok(self.good.clone())
    }
}

/// How a pass ended, in a few words.
pub fn outcome(report: &SyncReport) -> String {
    match &report.outcome {
        SyncOutcome::Completed => "completed".into(),
        SyncOutcome::Offline => "offline".into(),
        SyncOutcome::Deferred { retry_in_ms } => format!("deferred for {retry_in_ms} ms"),
        SyncOutcome::Failed { error, retry_in_ms } => format!("failed ({error}; retry in {retry_in_ms} ms)"),
    }
}

/// `Ok(report)` when the pass completed, else why not.
pub fn completed(report: SyncReport) -> Result<SyncReport, String> {
    match report.outcome {
        SyncOutcome::Completed => Ok(report),
        _ => Err(format!("the pass {}", outcome(&report))),
    }
}

/// `Err(why)` unless `condition`.
pub fn ensure(condition: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(why())
    }
}
