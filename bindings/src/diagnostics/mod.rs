//! Diagnostics: why the phone can't open the lock, in plain words.
//! `client.diagnostics()` hands the engine the app's [`PlatformSnapshot`]
//! plus what the store knows about a lock and how the last command on it
//! ended, and returns findings root cause first.

mod catalog;
mod client;
mod error;
mod findings;
mod snapshot;
mod wizard;

pub(crate) use catalog::Texts;
pub use catalog::{match_locale, MessageCatalog};
pub use client::DiagnosticsClient;
pub use error::DiagnosticsError;
pub use findings::{Finding, ReadinessCheck, ReadinessReport};
pub use wizard::{Troubleshooter, WizardStep};

use latchkey_core::diagnostics::{
    self as core, PlatformSnapshot, ReadinessPolicy, ReconnectionFacts, Symptom, Troubleshooter as CoreTroubleshooter,
};
use latchkey_core::DiagnosisCode;
use std::sync::Arc;

#[uniffi::export(async_runtime = "tokio")]
impl DiagnosticsClient {
    /// The findings for this platform snapshot and, when `lock_id` is
    /// given, that lock (its stored state, keys, drift and how the last
    /// command on it ended), root cause first, in English.
    pub async fn diagnose(
        &self,
        snapshot: PlatformSnapshot,
        lock_id: Option<String>,
    ) -> Result<Vec<Finding>, DiagnosticsError> {
        let observations = self.observe(lock_id).await?;
        let snapshot = self.complete(snapshot);
        let findings = self
            .texts
            .with(|catalog, locale| core::diagnose_in(&snapshot, &observations, catalog, locale));
        latchkey_core::log_line!(Debug, target: "latchkey::diagnostics", "{} finding(s)", findings.len());
        Ok(findings.into_iter().map(Finding::from).collect())
    }

    /// Can this phone open `lock_id` with no network? Run it before an
    /// outage (moving in, a guest's arrival).
    pub async fn offline_readiness(
        &self,
        snapshot: PlatformSnapshot,
        lock_id: String,
    ) -> Result<ReadinessReport, DiagnosticsError> {
        let observations = self.observe(Some(lock_id)).await?;
        let snapshot = self.complete(snapshot);
        let policy = ReadinessPolicy::default();
        let report = self
            .texts
            .with(|catalog, locale| core::offline_readiness_in(&snapshot, &observations, &policy, catalog, locale));
        Ok(report.into())
    }

    /// After the network is back: did everything kept offline reach the
    /// cloud? The app fills `facts` from `sync().status()` (pending events,
    /// dead letters, locks not in sync, the last error's code).
    pub fn after_reconnection(&self, facts: ReconnectionFacts) -> ReadinessReport {
        let report = self
            .texts
            .with(|catalog, locale| core::after_reconnection_in(&facts, catalog, locale));
        report.into()
    }

    /// A guided troubleshooting session for `symptom` (and `lock_id`, when
    /// the person means one lock): see [`Troubleshooter`].
    pub fn troubleshoot(&self, symptom: Symptom, lock_id: Option<String>) -> Arc<Troubleshooter> {
        wizard::start(self, symptom, lock_id)
    }

    /// Picks up a session saved with `Troubleshooter.toJson`.
    pub fn resume_troubleshooting(
        &self,
        json: String,
        lock_id: Option<String>,
    ) -> Result<Arc<Troubleshooter>, DiagnosticsError> {
        let state = CoreTroubleshooter::from_json(&json)
            .map_err(|e| DiagnosticsError::InvalidInput { reason: e.to_string() })?;
        Ok(Arc::new(Troubleshooter::new(self.clone(), lock_id, state)))
    }
}

/// What the sync engine knows after the network is back (the input of
/// `DiagnosticsClient.afterReconnection`).
#[uniffi::remote(Record)]
pub struct ReconnectionFacts {
    /// The phone is online.
    pub online: bool,
    /// Events still waiting for upload (`SyncStatus.pendingEvents`).
    pub queued_events: u64,
    /// Events the cloud refused for good (`SyncStatus.deadLetters`).
    pub dead_letters: u64,
    /// Locks that have not acknowledged the newest revocation list
    /// (`SyncStatus.locks` not in sync).
    pub locks_with_drift: u32,
    /// Keys due for renewal that were not renewed yet.
    pub keys_due_for_renewal: u32,
    /// The last sync's error code, if it failed (`SyncFailure.code`, snake_case).
    pub last_sync_error: Option<String>,
}

/// The finding that explains a failure's diagnosis code on its own (no
/// snapshot), in English: what a `CommandException.code` means for a person.
#[uniffi::export]
pub fn explain_diagnosis(code: DiagnosisCode) -> Finding {
    core::explain(code).into()
}

/// [`explain_diagnosis`] with texts in `locale` from `catalog`.
#[uniffi::export]
pub fn explain_diagnosis_in(code: DiagnosisCode, catalog: Arc<MessageCatalog>, locale: String) -> Finding {
    core::explain_in(code, &catalog.get(), &locale).into()
}
