//! Cloud sync: the phone's view of the vendor cloud (docs/cloud-api.md).
//!
//! The core owns the policy; the platform only reports connectivity and
//! schedules work. The integration story, in order:
//!
//! 1. Build a [`SyncEngine`] over the app's [`Phone`] with a
//!    [`SyncConfig`] (base URL, [`TrustRoots`], optional SPKI pins,
//!    timeouts) and an [`AuthProvider`] for the bearer token.
//! 2. Report connectivity with [`SyncEngine::set_connectivity`] whenever it
//!    changes. Offline, nothing is attempted and nothing is lost; coming
//!    back online resets the backoff and builds a fresh HTTP client.
//! 3. Run [`SyncEngine::run`] on the library's runtime (or call
//!    [`SyncEngine::sync_once`] when the platform schedules work), and call
//!    [`SyncEngine::notify_new_events`] after commands so their events go
//!    up promptly. A pass:
//!    - refreshes credentials when due (hourly by default): lock metadata,
//!      keys (renewed at about half their lifetime, deleted when revoked),
//!      revocation lists and ahead-of-time time tokens for the locks this
//!      phone holds keys for, keypad PIN lists (with the portal's change
//!      log, and the PIN secret for a phone entitled to make offline PINs)
//!      for the locks the cloud lists for it, all verified before they are
//!      stored; the next session with a lock delivers what it lacks;
//!    - reports the revocation and PIN list seqs locks acknowledged
//!      (credential and PIN drift);
//!    - drains the outbox: one batch in flight, outbox order, at most N
//!      events or 256 KiB per request; only what the cloud confirmed is
//!      deleted, in one flushed step; events it refuses for good go to the
//!      dead letters ([`crate::outbox::Outbox::dead_letters`]).
//! 4. Failures: a 401 asks the [`AuthProvider`] for a fresh token once and
//!    retries; Retry-After is honoured (capped at an hour); otherwise
//!    full-jitter exponential backoff. Each pass returns a [`SyncReport`];
//!    [`SyncEngine::status`] gives the standing picture (pending events,
//!    oldest age, last success, last error with its diagnosis code, dead
//!    letters, per-lock revocation and PIN drift). Hosts also change PINs
//!    ([`SyncEngine::change_pin`], [`SyncEngine::delete_pin`]) and read the
//!    cloud's drift ([`SyncEngine::cloud_drift`], [`SyncEngine::pin_drift`]).
//!
//! TLS is rustls with ring only. Roots are explicit: the platform's trust
//! store ([`TrustRoots::Platform`]) or PEM certificates the app passes
//! ([`TrustRoots::Pem`], e.g. a private CA or the reference cloud's test
//! CA). Tests drive everything deterministically with a [`ManualTimer`],
//! an injected [`PhoneClock`] and a seeded jitter.

mod auth;
mod backoff;
mod config;
mod credentials;
mod engine;
mod error;
mod host;
mod http;
mod pins;
mod status;
#[cfg(test)]
mod tests;
mod timer;
mod tls;
mod upload;
mod wire;

pub use auth::{AuthError, AuthProvider, StaticToken};
pub use config::{BackoffPolicy, Connectivity, SyncConfig, Timeouts, TlsSettings, TrustRoots};
pub use error::SyncError;
pub use host::{CloudKey, IssueKey};
pub use pins::{CloudPinChange, CloudPinDrift, PinChange};
pub use status::{LockDrift, SyncFailure, SyncOutcome, SyncReport, SyncStatus};
pub use timer::{ManualTimer, SyncTimer, TokioTimer};
pub use tls::spki_sha256;
pub use wire::{CloudKeyStatus, CloudLockDrift};

use crate::client::blocking;
use crate::clock::{PhoneClock, SystemClock};
use crate::outbox::DeadLetter;
use crate::{LatchkeyError, Phone};
use engine::Inner;
use latchkey_protocol::{Challenge, LockId, TimeToken};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// The sync engine of one phone. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct SyncEngine {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SyncEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncEngine")
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

/// Builds a [`SyncEngine`]; clock and timer default to the real ones.
pub struct SyncEngineBuilder {
    phone: Arc<Phone>,
    config: SyncConfig,
    auth: Arc<dyn AuthProvider>,
    clock: Arc<dyn PhoneClock>,
    timer: Arc<dyn SyncTimer>,
}

impl SyncEngineBuilder {
    /// The wall clock for renewals and timestamps (the phone's clock).
    pub fn clock(mut self, clock: Arc<dyn PhoneClock>) -> Self {
        self.clock = clock;
        self
    }

    /// The timer backoff and the background loop run on.
    pub fn timer(mut self, timer: Arc<dyn SyncTimer>) -> Self {
        self.timer = timer;
        self
    }

    /// Checks the configuration (URL, roots, pins) and builds the engine.
    /// It starts offline until [`SyncEngine::set_connectivity`] says otherwise.
    pub fn build(self) -> Result<SyncEngine, SyncError> {
        let url = self.config.base_url.trim();
        if !url.starts_with("https://") || url.len() <= "https://".len() {
            return Err(SyncError::Config(format!(
                "the cloud URL must be https://…, not `{}`",
                self.config.base_url
            )));
        }
        if self.config.max_request_bytes < 1024 {
            return Err(SyncError::Config("max_request_bytes must be at least 1 KiB".into()));
        }
        let tls = tls::client_config(&self.config.tls).map_err(SyncError::Config)?;
        Ok(SyncEngine {
            inner: Arc::new(Inner::new(
                self.phone,
                self.config,
                tls,
                self.auth,
                self.clock,
                self.timer,
            )),
        })
    }
}

impl SyncEngine {
    /// Starts building an engine for `phone`.
    pub fn builder(phone: Arc<Phone>, config: SyncConfig, auth: Arc<dyn AuthProvider>) -> SyncEngineBuilder {
        SyncEngineBuilder {
            phone,
            config,
            auth,
            clock: Arc::new(SystemClock),
            timer: Arc::new(TokioTimer::new()),
        }
    }

    /// The phone this engine syncs.
    pub fn phone(&self) -> &Arc<Phone> {
        &self.inner.phone
    }

    /// The platform reports connectivity (also tells the [`Phone`], which
    /// then prefers offline-allowed keys). Wakes the background loop.
    pub fn set_connectivity(&self, connectivity: Connectivity) {
        self.inner.set_connectivity(connectivity);
    }

    /// As last reported.
    pub fn connectivity(&self) -> Connectivity {
        self.inner.state().connectivity
    }

    /// New events are waiting (after an unlock, say): wakes the loop.
    pub fn notify_new_events(&self) {
        self.inner.wake.notify_one();
    }

    /// Makes the next pass refresh credentials whatever the interval says
    /// (a push message said a key changed, the user pulled to refresh).
    pub fn refresh_credentials_soon(&self) {
        self.inner.credentials_now();
    }

    /// One pass now (unless offline or inside a backoff, which the report
    /// says). Passes never overlap.
    pub async fn sync_once(&self) -> SyncReport {
        self.inner.pass().await
    }

    /// Passes until nothing is pending, waiting out backoffs on the timer,
    /// at most `max_passes`; the counts of all passes, the last outcome.
    pub async fn sync_until_idle(&self, max_passes: u32) -> SyncReport {
        let mut total = SyncReport::new();
        for _ in 0..max_passes.max(1) {
            let report = self.inner.pass().await;
            let outcome = report.outcome.clone();
            let pending = report.pending_after;
            total.absorb(report);
            match outcome {
                SyncOutcome::Completed if pending == 0 || self.connectivity().metered => break,
                SyncOutcome::Completed => {}
                SyncOutcome::Offline => break,
                SyncOutcome::Deferred { retry_in_ms } | SyncOutcome::Failed { retry_in_ms, .. } => {
                    self.inner.timer.sleep(Duration::from_millis(retry_in_ms)).await;
                }
            }
        }
        total
    }

    /// The background loop: a pass whenever online and due, then sleep
    /// until the backoff ends, new events arrive, connectivity changes or
    /// the idle interval passes. Returns after [`SyncEngine::stop`].
    pub async fn run(&self) {
        let inner = &self.inner;
        while !inner.stopped.load(Ordering::SeqCst) {
            let wait = if inner.online.load(Ordering::SeqCst) {
                let report = inner.pass().await;
                match report.outcome {
                    SyncOutcome::Completed if report.pending_after > 0 && !self.connectivity().metered => {
                        Some(Duration::ZERO)
                    }
                    SyncOutcome::Completed => Some(inner.config.idle_interval),
                    SyncOutcome::Offline => None,
                    SyncOutcome::Deferred { retry_in_ms } | SyncOutcome::Failed { retry_in_ms, .. } => {
                        Some(Duration::from_millis(retry_in_ms))
                    }
                }
            } else {
                None
            };
            match wait {
                Some(d) if d.is_zero() => {}
                Some(d) => {
                    tokio::select! {
                        _ = inner.timer.sleep(d) => {}
                        _ = inner.wake.notified() => {}
                    }
                }
                None => inner.wake.notified().await,
            }
        }
    }

    /// Makes [`SyncEngine::run`] return (after its current pass).
    pub fn stop(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
        self.inner.wake.notify_one();
    }

    /// Events the cloud refused for good, with the reasons.
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetter>, SyncError> {
        let outbox = self.inner.phone.outbox().clone();
        blocking(move || outbox.dead_letters().map_err(|e| LatchkeyError::Storage(e.to_string())))
            .await
            .map_err(|e| SyncError::Storage(e.to_string()))
    }

    /// Fetches a time token bound to the challenge the phone just read from
    /// the lock's advertisement, and stores it for the next command (which
    /// then sets the lock's clock either way, not only forward).
    pub async fn time_token_at_door(&self, lock_id: &LockId, challenge: &Challenge) -> Result<TimeToken, SyncError> {
        self.inner.time_token_at_door(lock_id, challenge).await
    }
}
