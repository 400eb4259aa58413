//! The engine's insides: connectivity, the HTTP client's lifetime, backoff,
//! and one pass (credentials when due, acknowledged revocation seqs, then
//! the outbox), one pass at a time.

use super::auth::AuthProvider;
use super::backoff::Backoff;
use super::config::{Connectivity, SyncConfig};
use super::error::Failure;
use super::http::{build_client, Api};
use super::status::{SyncFailure, SyncOutcome, SyncReport};
use super::timer::SyncTimer;
use super::{credentials, upload};
use crate::client::blocking;
use crate::clock::PhoneClock;
use crate::Phone;
use latchkey_protocol::LockId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;

/// Mutable engine state, held briefly (never across an await).
pub(crate) struct State {
    pub(crate) connectivity: Connectivity,
    /// Dropped when connectivity returns or the network failed, so a pool
    /// poisoned by a dead network is never reused.
    client: Option<reqwest::Client>,
    backoff: Backoff,
    /// Timer time before which no pass is attempted.
    not_before: Option<Duration>,
    pub(crate) last_success_at: Option<u32>,
    pub(crate) last_error: Option<SyncFailure>,
    /// Timer time when credentials are next due (`None`: now).
    credentials_due: Option<Duration>,
    /// Acknowledged revocation seqs already reported, per lock.
    pub(crate) reported_acks: HashMap<LockId, u32>,
    /// Acknowledged PIN list seqs already reported, per lock: (seq,
    /// acknowledged at, last contact).
    pub(crate) reported_pin_acks: HashMap<LockId, (u32, u32, u32)>,
    /// Events per upload; halved while isolating an event the cloud refuses.
    pub(crate) upload_limit: usize,
    /// Events refused alone in a row, with no upload accepted between them.
    pub(crate) lone_refusals: u32,
}

/// Shared by every handle of one engine.
pub(crate) struct Inner {
    pub(crate) phone: Arc<Phone>,
    pub(crate) config: SyncConfig,
    pub(crate) base_url: String,
    tls: rustls::ClientConfig,
    pub(crate) auth: Arc<dyn AuthProvider>,
    pub(crate) clock: Arc<dyn PhoneClock>,
    pub(crate) timer: Arc<dyn SyncTimer>,
    pub(crate) online: AtomicBool,
    pub(crate) token: Mutex<Option<String>>,
    state: Mutex<State>,
    pass: tokio::sync::Mutex<()>,
    pub(crate) wake: Notify,
    pub(crate) stopped: AtomicBool,
    /// HTTP clients built so far (each drop of the client leads to one more).
    client_builds: AtomicU32,
}

impl Inner {
    pub(crate) fn new(
        phone: Arc<Phone>,
        config: SyncConfig,
        tls: rustls::ClientConfig,
        auth: Arc<dyn AuthProvider>,
        clock: Arc<dyn PhoneClock>,
        timer: Arc<dyn SyncTimer>,
    ) -> Self {
        let base_url = config.base_url.trim_end_matches('/').to_string();
        let state = State {
            connectivity: Connectivity::OFFLINE,
            client: None,
            backoff: Backoff::new(config.backoff),
            not_before: None,
            last_success_at: None,
            last_error: None,
            credentials_due: None,
            reported_acks: HashMap::new(),
            reported_pin_acks: HashMap::new(),
            upload_limit: config.max_events_per_request.max(1),
            lone_refusals: 0,
        };
        phone.set_online(false);
        Self {
            phone,
            base_url,
            tls,
            auth,
            clock,
            timer,
            online: AtomicBool::new(false),
            token: Mutex::new(None),
            state: Mutex::new(state),
            pass: tokio::sync::Mutex::new(()),
            wake: Notify::new(),
            stopped: AtomicBool::new(false),
            client_builds: AtomicU32::new(0),
            config,
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // State updates are single assignments: a poisoned lock is usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The platform's report. Coming back online resets the backoff and
    /// drops the HTTP client (a fresh one is built for the next request).
    pub(crate) fn set_connectivity(&self, connectivity: Connectivity) {
        {
            let mut s = self.state();
            if connectivity.online && !s.connectivity.online {
                s.backoff.reset();
                s.not_before = None;
                s.client = None;
                // Whatever changed while offline (a revocation, say) is
                // fetched on the first pass back.
                s.credentials_due = None;
            }
            s.connectivity = connectivity;
        }
        self.online.store(connectivity.online, Ordering::SeqCst);
        self.phone.set_online(connectivity.online);
        self.wake.notify_one();
    }

    /// How many HTTP clients were built so far.
    #[cfg(test)]
    pub(crate) fn client_builds(&self) -> u32 {
        self.client_builds.load(Ordering::Relaxed)
    }

    /// Makes the next pass refresh credentials.
    pub(crate) fn credentials_now(&self) {
        self.state().credentials_due = None;
        self.wake.notify_one();
    }

    /// An API handle on the current client (built if needed).
    pub(crate) fn api(&self) -> Result<Api<'_>, Failure> {
        let client = {
            let mut s = self.state();
            match &s.client {
                Some(c) => c.clone(),
                None => {
                    let c = build_client(self.tls.clone(), &self.config.timeouts)?;
                    self.client_builds.fetch_add(1, Ordering::Relaxed);
                    s.client = Some(c.clone());
                    c
                }
            }
        };
        Ok(Api {
            client,
            base_url: &self.base_url,
            auth: self.auth.as_ref(),
            token: &self.token,
            online: &self.online,
            requests: AtomicU32::new(0),
        })
    }

    /// One pass. See the module docs for what it does and in which order.
    pub(crate) async fn pass(&self) -> SyncReport {
        let _one_at_a_time = self.pass.lock().await;
        let mut report = SyncReport::new();
        if !self.online.load(Ordering::SeqCst) {
            report.outcome = SyncOutcome::Offline;
            report.pending_after = self.pending().await;
            return report;
        }
        if let Some(wait) = self.backoff_left() {
            report.outcome = SyncOutcome::Deferred {
                retry_in_ms: millis(wait),
            };
            report.pending_after = self.pending().await;
            return report;
        }
        let result = match self.api() {
            Ok(api) => {
                let result = self.steps(&api, &mut report).await;
                report.requests = api.requests.load(Ordering::Relaxed);
                result
            }
            Err(f) => Err(f),
        };
        self.finish(report, result).await
    }

    async fn steps(&self, api: &Api<'_>, report: &mut SyncReport) -> Result<(), Failure> {
        let due = self.state().credentials_due.is_none_or(|at| self.timer.now() >= at);
        if due {
            credentials::refresh(self, api, report).await?;
            let next = self.timer.now().saturating_add(self.config.credentials_interval);
            self.state().credentials_due = Some(next);
        }
        credentials::report_acks(self, api, report).await?;
        super::pins::report_acks(self, api, report).await?;
        upload::drain(self, api, report).await
    }

    async fn finish(&self, mut report: SyncReport, result: Result<(), Failure>) -> SyncReport {
        report.pending_after = self.pending().await;
        let now_unix = self.clock.now_unix();
        let mut s = self.state();
        report.outcome = match result {
            Ok(()) => {
                s.backoff.reset();
                s.not_before = None;
                s.last_success_at = Some(now_unix);
                s.last_error = None;
                log::info!(
                    target: "latchkey::sync",
                    "sync done: {} event(s) uploaded in {} request(s), {} left; {} key(s) added, {} renewed, {} removed",
                    report.uploaded,
                    report.upload_requests,
                    report.pending_after,
                    report.keys_added,
                    report.keys_renewed,
                    report.keys_removed
                );
                SyncOutcome::Completed
            }
            Err(Failure::WentOffline) => SyncOutcome::Offline,
            Err(failure) => {
                if matches!(failure, Failure::Network(_)) {
                    s.client = None;
                }
                let wait = s.backoff.next_delay(failure.retry_after());
                s.not_before = Some(self.timer.now().saturating_add(wait));
                let error = failure.public();
                log::warn!(
                    target: "latchkey::sync",
                    "sync failed ({}, {} in a row): {error}; next attempt in {} s",
                    error.diagnosis(),
                    s.backoff.failures(),
                    wait.as_secs()
                );
                s.last_error = Some(SyncFailure {
                    code: error.diagnosis(),
                    message: error.to_string(),
                    at: now_unix,
                    consecutive: s.backoff.failures(),
                });
                SyncOutcome::Failed {
                    error,
                    retry_in_ms: millis(wait),
                }
            }
        };
        report
    }

    /// Time left in the current backoff.
    pub(crate) fn backoff_left(&self) -> Option<Duration> {
        let now = self.timer.now();
        self.state()
            .not_before
            .and_then(|at| at.checked_sub(now))
            .filter(|d| !d.is_zero())
    }

    async fn pending(&self) -> u64 {
        let outbox = self.phone.outbox().clone();
        blocking(move || outbox.len().map_err(|e| crate::LatchkeyError::Storage(e.to_string())))
            .await
            .unwrap_or(0)
    }
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
