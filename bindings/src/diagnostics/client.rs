//! [`DiagnosticsClient`]: the session and the texts every diagnostics
//! call uses, and what the store knows about a lock. Its exported calls
//! are in `mod.rs`; troubleshooting sessions in `wizard.rs`.

use super::catalog::Texts;
use super::error::DiagnosticsError;
use crate::session::Session;
use latchkey_core::diagnostics::{LockObservations, PlatformSnapshot};
use latchkey_core::LatchkeyError;
use latchkey_protocol::LockId;

/// Diagnostics: `client.diagnostics()` (English) or
/// `client.diagnosticsIn(catalog, locale)`.
#[derive(Clone, uniffi::Object)]
pub struct DiagnosticsClient {
    pub(super) session: Session,
    pub(super) texts: Texts,
}

impl DiagnosticsClient {
    pub(crate) fn new(session: Session, texts: Texts) -> Self {
        Self { session, texts }
    }

    /// What the store knows about `lock_id`, plus the last command's
    /// outcome (latchkey-core's `Client::observe`).
    pub(super) async fn observe(&self, lock_id: Option<String>) -> Result<LockObservations, DiagnosticsError> {
        let Some(hex) = lock_id else {
            return Ok(LockObservations::default());
        };
        let lock_id = LockId::from_hex(&hex).ok_or(DiagnosticsError::InvalidLockId { lock_id: hex })?;
        let client = self.session.client::<DiagnosticsError>()?;
        client.diagnostics().observe(lock_id).await.map_err(|e| match e {
            LatchkeyError::Internal { detail } => DiagnosticsError::Internal { reason: detail },
            other => DiagnosticsError::Storage {
                reason: other.to_string(),
            },
        })
    }

    /// `snapshot` with the radio facts the client's central recorded (an
    /// Android snapshot's scan count and last GATT status): the app does
    /// not report them.
    pub(super) fn complete(&self, snapshot: PlatformSnapshot) -> PlatformSnapshot {
        match self.session.client::<DiagnosticsError>() {
            Ok(client) => client.diagnostics().complete_snapshot(snapshot),
            Err(_) => snapshot,
        }
    }
}
