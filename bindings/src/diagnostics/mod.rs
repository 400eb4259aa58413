//! Diagnostics: why the phone can't open the lock, in plain words.
//! `client.diagnostics()` hands the engine the app's [`PlatformSnapshot`]
//! plus what the store knows about a lock and how the last command on it
//! ended, and returns findings root cause first.

mod findings;
mod snapshot;

pub use findings::{Finding, ReadinessCheck, ReadinessReport};

use crate::client::blocking;
use crate::session::{LastOutcome, Session, CLIENT_CLOSED};
use latchkey_core::diagnostics::{self as core, LockObservations, PlatformSnapshot, ReadinessPolicy};
use latchkey_core::{DiagnosisCode, Phone};
use latchkey_protocol::LockId;
use std::sync::Arc;

/// Why a diagnosis could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum DiagnosticsError {
    /// A lock id that is not 32 hex digits.
    #[error("`{lock_id}` is not a lock id (32 hex digits)")]
    InvalidLockId {
        /// What was passed.
        lock_id: String,
    },
    /// The store could not be read.
    #[error("storage failed: {reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
}

impl From<String> for DiagnosticsError {
    fn from(reason: String) -> Self {
        Self::Storage { reason }
    }
}

/// Diagnostics: `client.diagnostics()`.
#[derive(uniffi::Object)]
pub struct DiagnosticsClient {
    session: Session,
}

impl DiagnosticsClient {
    pub(crate) fn new(session: Session) -> Self {
        Self { session }
    }

    fn phone(&self) -> Result<Arc<Phone>, DiagnosticsError> {
        self.session.phone().ok_or_else(|| CLIENT_CLOSED.to_string().into())
    }

    /// What the store knows about `lock_id`, plus the last command's outcome.
    async fn observe(&self, lock_id: Option<String>) -> Result<LockObservations, DiagnosticsError> {
        let Some(hex) = lock_id else {
            return Ok(LockObservations::default());
        };
        let lock_id = LockId::from_hex(&hex).ok_or(DiagnosticsError::InvalidLockId { lock_id: hex })?;
        let phone = self.phone()?;
        let now = self.session.clock.now_unix();
        let last = self.session.last_outcome(&lock_id);
        blocking(move || {
            let mut builder = LockObservations::builder(phone.store(), lock_id, now).holder(phone.holder_key());
            builder = match &last {
                Some(LastOutcome::Failed(e, at)) => builder.last_error(e, *at),
                Some(LastOutcome::Succeeded(report, at)) => builder.last_report(report, *at),
                None => builder,
            };
            builder
                .build()
                .map_err(|e| DiagnosticsError::Storage { reason: e.to_string() })
        })
        .await
    }
}

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
        let findings = core::diagnose(&snapshot, &observations);
        log::debug!(target: "latchkey::diagnostics", "{} finding(s)", findings.len());
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
        Ok(core::offline_readiness(&snapshot, &observations, &ReadinessPolicy::default()).into())
    }
}

/// The finding that explains a failure's diagnosis code on its own (no
/// snapshot), in English: what a `CommandException.code` means for a person.
#[uniffi::export]
pub fn explain_diagnosis(code: DiagnosisCode) -> Finding {
    core::explain(code).into()
}
