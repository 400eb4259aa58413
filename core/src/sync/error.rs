//! Sync errors, in two tiers: [`SyncError`] is what a caller can act on
//! (each maps to one [`DiagnosisCode`]); [`Failure`] is the engine's rich
//! internal account, converted in one place ([`Failure::public`]).

use crate::error::{DiagnosisCode, LatchkeyError};
use crate::outbox::OutboxError;
use crate::store::StoreError;
use std::time::Duration;

/// Why a sync step did not complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// The cloud could not be reached or is not answering properly
    /// (network, TLS, timeout, 5xx, 429). Retried automatically.
    #[error("the latchkey service can't be reached: {detail}")]
    Unreachable {
        /// What failed.
        detail: String,
        /// The server asked to wait this long, when it said.
        retry_after_ms: Option<u64>,
    },
    /// The cloud refused this phone's credentials even after a fresh token
    /// (signed out, token revoked, phone not allowed).
    #[error("the latchkey service refused this phone's sign-in: {detail}")]
    Auth {
        /// What the server said.
        detail: String,
    },
    /// The cloud refused the request itself; retrying will not help.
    /// Refused events are in the outbox's dead letters.
    #[error("the latchkey service refused the request: {detail}")]
    Rejected {
        /// What the server said.
        detail: String,
    },
    /// The phone's own storage failed.
    #[error("storage: {0}")]
    Storage(String),
    /// The configuration can't work (URL, roots, pins).
    #[error("sync configuration: {0}")]
    Config(String),
    /// The phone is offline: nothing was attempted.
    #[error("the phone is offline")]
    Offline,
}

impl SyncError {
    /// The diagnosis this error maps to.
    pub fn diagnosis(&self) -> DiagnosisCode {
        match self {
            SyncError::Unreachable { .. } | SyncError::Config(_) | SyncError::Offline => {
                DiagnosisCode::CloudUnreachable
            }
            SyncError::Auth { .. } => DiagnosisCode::CloudAuth,
            SyncError::Rejected { .. } => DiagnosisCode::CloudRejected,
            SyncError::Storage(_) => DiagnosisCode::Storage,
        }
    }
}

impl From<SyncError> for LatchkeyError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Storage(s) => LatchkeyError::Storage(s),
            other => LatchkeyError::Refused {
                code: other.diagnosis(),
                lock_result: None,
                reason: other.to_string(),
            },
        }
    }
}

/// What went wrong inside a pass, with everything needed to decide what
/// happens next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Connectivity went away mid-pass: not an error, just stop.
    WentOffline,
    /// No answer: connect, TLS, timeout, connection dropped, body cut.
    Network(String),
    /// A temporary refusal (408, 425, 429, 5xx), maybe with Retry-After.
    Busy {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    /// 401 even after a fresh token, or 403.
    Auth { status: u16, message: String },
    /// Any other 4xx: the request itself is refused.
    Rejected { status: u16, code: String, message: String },
    /// A 2xx whose body is not what the API promises.
    Protocol(String),
    /// Local storage.
    Storage(String),
    /// Configuration.
    Config(String),
}

impl Failure {
    /// The caller's view.
    pub(crate) fn public(&self) -> SyncError {
        match self {
            Failure::WentOffline => SyncError::Offline,
            Failure::Network(d) | Failure::Protocol(d) => SyncError::Unreachable {
                detail: d.clone(),
                retry_after_ms: None,
            },
            Failure::Busy {
                status,
                message,
                retry_after,
            } => SyncError::Unreachable {
                detail: format!("HTTP {status}: {message}"),
                retry_after_ms: retry_after.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            },
            Failure::Auth { status, message } => SyncError::Auth {
                detail: format!("HTTP {status}: {message}"),
            },
            Failure::Rejected { status, code, message } => SyncError::Rejected {
                detail: format!("HTTP {status} {code}: {message}"),
            },
            Failure::Storage(s) => SyncError::Storage(s.clone()),
            Failure::Config(s) => SyncError::Config(s.clone()),
        }
    }

    /// The server's requested wait, if any.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Busy { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Storage(e.to_string())
    }
}

impl From<OutboxError> for Failure {
    fn from(e: OutboxError) -> Self {
        Failure::Storage(e.to_string())
    }
}

impl From<LatchkeyError> for Failure {
    fn from(e: LatchkeyError) -> Self {
        Failure::Storage(e.to_string())
    }
}
