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
    /// The client this engine belonged to was dropped (closed).
    #[error("the client was closed; build a new one")]
    ClientClosed,
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
            SyncError::ClientClosed => DiagnosisCode::Internal,
        }
    }
}

impl From<SyncError> for LatchkeyError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Storage(s) => LatchkeyError::Storage(s),
            e @ SyncError::ClientClosed => LatchkeyError::Internal { detail: e.to_string() },
            other => LatchkeyError::Refused {
                code: other.diagnosis(),
                lock_result: None,
                reason: other.to_string(),
            },
        }
    }
}

/// What went wrong inside a pass, with everything needed to decide what
/// happens next. Local failures keep their own types (`#[from]`) until
/// [`Failure::public`] turns them into a [`SyncError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Failure {
    /// Connectivity went away mid-pass: not an error, just stop.
    #[error("the phone went offline")]
    WentOffline,
    /// No answer: connect, TLS, timeout, connection dropped, body cut.
    #[error("{0}")]
    Network(String),
    /// A temporary refusal (408, 425, 429, 5xx), maybe with Retry-After.
    #[error("HTTP {status}: {message}")]
    Busy {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    /// 401 even after a fresh token, or 403.
    #[error("HTTP {status}: {message}")]
    Auth { status: u16, message: String },
    /// Any other 4xx: the request itself is refused.
    #[error("HTTP {status} {code}: {message}")]
    Rejected { status: u16, code: String, message: String },
    /// A 2xx whose body is not what the API promises.
    #[error("{0}")]
    Protocol(String),
    /// A request this phone could not put into JSON. The request never
    /// left, and the same input fails the same way every time.
    #[error("can't encode {what}: {reason}")]
    Encode { what: &'static str, reason: String },
    /// The credential store.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The event outbox.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// A [`crate::Client`] call (storing a verified credential) or the
    /// blocking pool that ran local work: already the public error.
    #[error(transparent)]
    Phone(#[from] LatchkeyError),
    /// The client was dropped: nothing to sync.
    #[error("the client was closed")]
    ClientClosed,
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
            // Not the disk's fault nor the network's: like a refusal,
            // retrying the same request will not help.
            e @ Failure::Encode { .. } => SyncError::Rejected { detail: e.to_string() },
            Failure::Store(e) => SyncError::Storage(e.to_string()),
            Failure::Outbox(e) => SyncError::Storage(e.to_string()),
            Failure::Phone(LatchkeyError::Storage(s)) => SyncError::Storage(s.clone()),
            // The phone refused something the cloud sent that the pass
            // can't go on without: the cloud is not answering properly.
            Failure::Phone(other) => SyncError::Unreachable {
                detail: format!("the cloud sent what this phone can't use: {other}"),
                retry_after_ms: None,
            },
            Failure::ClientClosed => SyncError::ClientClosed,
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
