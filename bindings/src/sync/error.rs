//! [`SyncError`]: why a sync call failed, from the core's error, each
//! variant with its diagnosis code.

use crate::runtime::ClientFailure;
use latchkey_core::sync as core;
use latchkey_core::DiagnosisCode;

/// Why a sync call failed. Every variant carries its diagnosis code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum SyncError {
    /// The cloud can't be reached (network, TLS, 5xx, 429).
    #[error("the latchkey service can't be reached: {detail}")]
    Unreachable {
        /// `CloudUnreachable`.
        code: DiagnosisCode,
        /// What happened.
        detail: String,
        /// When the cloud asked to be tried again (Retry-After), in ms.
        retry_after_ms: Option<u64>,
    },
    /// The cloud refused this phone's sign-in, even with a fresh token.
    #[error("the latchkey service refused this phone's sign-in: {detail}")]
    Auth {
        /// `CloudAuth`.
        code: DiagnosisCode,
        /// What the cloud said.
        detail: String,
    },
    /// The cloud refused the request itself.
    #[error("the latchkey service refused the request: {detail}")]
    Rejected {
        /// `CloudRejected`.
        code: DiagnosisCode,
        /// What the cloud said.
        detail: String,
    },
    /// This phone's storage failed.
    #[error("storage failed: {reason}")]
    Storage {
        /// `Storage`.
        code: DiagnosisCode,
        /// What failed.
        reason: String,
    },
    /// The sync configuration is wrong (URL, roots, pins).
    #[error("sync configuration: {reason}")]
    Config {
        /// `CloudUnreachable`.
        code: DiagnosisCode,
        /// What is wrong.
        reason: String,
    },
    /// The phone is offline: nothing was attempted.
    #[error("the phone is offline")]
    Offline {
        /// `CloudUnreachable`.
        code: DiagnosisCode,
    },
    /// The client was closed; build a new one.
    #[error("the client was closed; build a new one")]
    ClientClosed {
        /// `Internal`.
        code: DiagnosisCode,
    },
    /// A failure inside the library itself.
    #[error("internal error: {reason}")]
    Internal {
        /// `Internal`.
        code: DiagnosisCode,
        /// What failed.
        reason: String,
    },
}

impl From<core::SyncError> for SyncError {
    fn from(e: core::SyncError) -> Self {
        let code = e.diagnosis();
        match e {
            core::SyncError::Unreachable { detail, retry_after_ms } => Self::Unreachable {
                code,
                detail,
                retry_after_ms,
            },
            core::SyncError::Auth { detail } => Self::Auth { code, detail },
            core::SyncError::Rejected { detail } => Self::Rejected { code, detail },
            core::SyncError::Storage(reason) => Self::Storage { code, reason },
            core::SyncError::Config(reason) => Self::Config { code, reason },
            core::SyncError::Offline => Self::Offline { code },
            core::SyncError::ClientClosed => Self::ClientClosed { code },
        }
    }
}

impl ClientFailure for SyncError {
    fn closed() -> Self {
        Self::ClientClosed {
            code: DiagnosisCode::Internal,
        }
    }
    fn internal(reason: String) -> Self {
        Self::Internal {
            code: DiagnosisCode::Internal,
            reason,
        }
    }
}
