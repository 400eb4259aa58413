//! One pass: the steps in order (credentials and PIN lists when due, the
//! acknowledged seqs, then the outbox), each handed only what it needs,
//! and the backoff that follows a failure.

use super::{upload_limits, Carried, Inner};
use crate::sync::acks;
use crate::sync::common::{millis, on_disk};
use crate::sync::error::Failure;
use crate::sync::http::Api;
use crate::sync::status::{Standing, SyncFailure, SyncOutcome, SyncReport};
use crate::sync::{credentials, life, pins, upload};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::time::Duration;

impl Inner {
    /// One pass. See the module docs for what it does and in which order.
    ///
    /// Boxed: its four callers (one pass, passes until idle, the loop, the
    /// upload before a sign-out) share one copy of the pass's state
    /// machine instead of each inlining it (with a fourth caller the
    /// mobile library grew by about 70 KB).
    pub(in crate::sync) fn pass(&self) -> Pin<Box<dyn Future<Output = SyncReport> + Send + '_>> {
        Box::pin(self.one_pass())
    }

    async fn one_pass(&self) -> SyncReport {
        let mut carried = self.pass.lock().await;
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
                let result = self.steps(&api, &mut carried, &mut report).await;
                report.requests = api.requests.load(Ordering::Relaxed);
                result
            }
            Err(f) => Err(f),
        };
        self.finish(report, result).await
    }

    async fn steps(&self, api: &Api<'_>, carried: &mut Carried, report: &mut SyncReport) -> Result<(), Failure> {
        let client = self.client()?;
        let phone = client.as_ref();
        let due = self.state().credentials_due.is_none_or(|at| self.timer.now() >= at);
        if due {
            let listed = credentials::refresh(api, phone, self.clock.as_ref(), report).await?;
            pins::refresh(api, phone, &listed, report).await?;
            life::fetch_firmware(api, phone, report).await?;
            let next = self.timer.now().saturating_add(self.config.credentials_interval);
            self.state().credentials_due = Some(next);
        }
        // Widgets' unlocks join the outbox before it is uploaded; new
        // credentials reach the quick-access files.
        phone.refresh_quick_access_quietly().await;
        acks::report_revocations(api, phone.store(), &mut carried.reported, report).await?;
        acks::report_pins(api, phone.store(), &mut carried.reported, report).await?;
        let limits = upload_limits(&self.config);
        upload::drain(api, phone.outbox(), &limits, &self.metered, &mut carried.pace, report).await
    }

    async fn finish(&self, mut report: SyncReport, result: Result<(), Failure>) -> SyncReport {
        report.pending_after = self.pending().await;
        let report = self.settle(report, result);
        self.standing_changed();
        report
    }

    fn settle(&self, mut report: SyncReport, result: Result<(), Failure>) -> SyncReport {
        let now_unix = self.clock.now_unix();
        let mut s = self.state();
        report.outcome = match result {
            Ok(()) => {
                s.backoff.reset();
                s.not_before = None;
                s.last_success_at = Some(now_unix);
                s.last_error = None;
                crate::log_line!(Info, target: "latchkey::sync",
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
    fn backoff_left(&self) -> Option<Duration> {
        let now = self.timer.now();
        self.state()
            .not_before
            .and_then(|at| at.checked_sub(now))
            .filter(|d| !d.is_zero())
    }

    /// What the engine knows of itself, for the status screen.
    pub(in crate::sync) fn standing(&self) -> Standing {
        let next_attempt_in_ms = self.backoff_left().map(millis);
        let s = self.state();
        Standing {
            connectivity: s.connectivity,
            last_success_at: s.last_success_at,
            last_error: s.last_error.clone(),
            next_attempt_in_ms,
        }
    }

    /// Events waiting; a store that can't say counts as none (the report
    /// is informative, the pass's outcome says what failed).
    async fn pending(&self) -> u64 {
        let Ok(client) = self.client() else {
            return 0;
        };
        let outbox = client.outbox().clone();
        on_disk(move || outbox.len()).await.unwrap_or(0)
    }
}
