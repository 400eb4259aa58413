//! The public handle: [`SyncEngine`], its builder, connectivity and the
//! passes (one now, until idle, or the background loop). Calls made on
//! demand are in `calls.rs`.

use super::auth::AuthProvider;
use super::config::{Connectivity, SyncConfig};
use super::engine::Inner;
use super::error::SyncError;
use super::status::{SyncOutcome, SyncReport};
use super::timer::{SyncTimer, TokioTimer};
use super::tls;
use crate::clock::{PhoneClock, SystemClock};
use crate::Client;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// The sync engine of one phone. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct SyncEngine {
    pub(super) inner: Arc<Inner>,
}

impl std::fmt::Debug for SyncEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncEngine")
            .field("base_url", &self.inner.base_url())
            .finish_non_exhaustive()
    }
}

/// Builds a [`SyncEngine`]; clock and timer default to the real ones.
pub struct SyncEngineBuilder {
    client: Weak<Client>,
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
                self.client,
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
    /// Starts building an engine for `client`. The engine holds the client
    /// weakly: it belongs to the client ([`crate::ClientBuilder::cloud`]
    /// attaches it), and once the client is dropped its passes do nothing
    /// and its loop returns.
    pub fn builder(client: &Arc<Client>, config: SyncConfig, auth: Arc<dyn AuthProvider>) -> SyncEngineBuilder {
        SyncEngineBuilder {
            client: Arc::downgrade(client),
            config,
            auth,
            clock: Arc::new(SystemClock),
            timer: Arc::new(TokioTimer::new()),
        }
    }

    /// The client this engine syncs, unless it was dropped.
    pub fn client(&self) -> Option<Arc<Client>> {
        self.inner.client().ok()
    }

    /// The platform reports connectivity (also tells the [`Client`], which
    /// then prefers offline-allowed keys). Wakes the background loop.
    pub fn set_connectivity(&self, connectivity: Connectivity) {
        self.inner.set_connectivity(connectivity);
    }

    /// As last reported.
    pub fn connectivity(&self) -> Connectivity {
        self.inner.connectivity()
    }

    /// New events are waiting (after an unlock, say): wakes the loop.
    pub fn notify_new_events(&self) {
        self.inner.wake();
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
                    self.inner.sleep(Duration::from_millis(retry_in_ms)).await;
                }
            }
        }
        total
    }

    /// The background loop: a pass whenever online and due, then sleep
    /// until the backoff ends, new events arrive, connectivity changes or
    /// the idle interval passes. Returns after [`SyncEngine::stop`]. One
    /// loop runs at a time: while one runs, another `run` returns at once;
    /// after a stop, a new `run` starts once the old loop's pass is over.
    pub async fn run(&self) {
        let inner = &self.inner;
        let Some(turn) = inner.loop_turn().await else {
            crate::log_line!(Debug, target: "latchkey::sync", "background loop not started: one runs already, or a stop came first");
            return;
        };
        while turn.goes_on() {
            let wait = if inner.is_online() {
                let report = inner.pass().await;
                match report.outcome {
                    SyncOutcome::Completed if report.pending_after > 0 && !self.connectivity().metered => {
                        Some(Duration::ZERO)
                    }
                    SyncOutcome::Completed => Some(inner.idle_interval()),
                    SyncOutcome::Offline => None,
                    SyncOutcome::Deferred { retry_in_ms } | SyncOutcome::Failed { retry_in_ms, .. } => {
                        Some(Duration::from_millis(retry_in_ms))
                    }
                }
            } else {
                None
            };
            inner.wait(wait).await;
        }
    }

    /// Makes the running [`SyncEngine::run`] return (after its current
    /// pass); a later `run` starts a new loop.
    pub fn stop(&self) {
        self.inner.stop();
    }
}
