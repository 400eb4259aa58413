//! The exported errors, one per concern, with fields a UI can act on. The
//! mapping from the core's errors happens here, in one place. Kotlin sees
//! them as `ClientException`, `CommandException` and `CredentialException`
//! (sealed classes); Swift as `ClientError`, … (enums conforming to Error).
//!
//! The platform-service errors (`BleError`, `KeyStoreError`, `AuthError`)
//! live beside their traits in `platform/`.

use crate::runtime::{ClientFailure, CLIENT_CLOSED};
use latchkey_core::platform_keys::PlatformKeyError;
use latchkey_core::store::StoreError;
use latchkey_core::{BuildError, DiagnosisCode, LatchkeyError};

/// Why a [`crate::LatchkeyClient`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ClientError {
    /// The configuration or the platform services are incomplete or wrong.
    #[error("invalid client configuration: {reason}")]
    InvalidConfig {
        /// What is wrong.
        reason: String,
    },
    /// The store was written by a newer app version. Nothing was changed:
    /// update the app.
    #[error("the store at {path} has format {found}; this build reads up to {supported}")]
    NewerStoreFormat {
        /// The store directory.
        path: String,
        /// The format on disk.
        found: u32,
        /// The newest format this build reads.
        supported: u32,
    },
    /// The key store can't be used right now (device locked, user not
    /// authenticated). Nothing was changed: retry later.
    #[error("the key store is unavailable: {reason}")]
    KeyStoreUnavailable {
        /// What the platform said.
        reason: String,
    },
    /// The key store's key does not open this store (a reset or different
    /// platform key). Nothing was changed: call `quarantineStore` to start
    /// over with an empty store, then sync.
    #[error("the key store can't open this store: {reason}")]
    KeyStoreWrongKey {
        /// Details.
        reason: String,
    },
    /// Another client (in this or another process) has the store open.
    #[error("the store at {path} is already open: {reason}")]
    StoreInUse {
        /// The store directory.
        path: String,
        /// What the platform said.
        reason: String,
    },
    /// Reading or writing the data directory failed.
    #[error("storage failed: {reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
    /// The signer failed to give its public key, or gave one that is not
    /// a P-256 point.
    #[error("the signer failed: {reason}")]
    Signer {
        /// What failed.
        reason: String,
    },
    /// A failure inside the library (a background task that died, a
    /// store that was closed under it).
    #[error("internal error: {reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
}

impl ClientFailure for ClientError {
    fn closed() -> Self {
        Self::Internal {
            reason: CLIENT_CLOSED.into(),
        }
    }
    fn internal(reason: String) -> Self {
        Self::Internal { reason }
    }
}

impl From<BuildError> for ClientError {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Store(e) => e.into(),
            BuildError::SoftwareKeyStore(e) => Self::Storage { reason: e.to_string() },
            BuildError::Outbox(e) => Self::Storage { reason: e.to_string() },
            e @ BuildError::QuickAccess { .. } => Self::Storage { reason: e.to_string() },
            BuildError::Sync(e) => Self::InvalidConfig { reason: e.to_string() },
            e @ (BuildError::NoTransport | BuildError::SoftwareKeysNotAllowed { .. }) => {
                Self::InvalidConfig { reason: e.to_string() }
            }
            e @ BuildError::Task(_) => Self::Internal { reason: e.to_string() },
        }
    }
}

impl From<StoreError> for ClientError {
    fn from(e: StoreError) -> Self {
        let reason = e.to_string();
        match e {
            StoreError::NewerFormat { path, found, supported } => Self::NewerStoreFormat {
                path: path.display().to_string(),
                found,
                supported,
            },
            StoreError::KeyStore(PlatformKeyError::Unavailable { .. }) => Self::KeyStoreUnavailable { reason },
            StoreError::KeyStore(PlatformKeyError::WrongKey) => Self::KeyStoreWrongKey { reason },
            StoreError::InUse { path, reason } => Self::StoreInUse {
                path: path.display().to_string(),
                reason,
            },
            _ => Self::Storage { reason },
        }
    }
}

/// Why an unlock, lock or status command failed. Every variant carries the
/// [`DiagnosisCode`] the diagnostics engine explains.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CommandError {
    /// Bluetooth, a permission or the radio stopped the command before it
    /// reached the lock: nothing happened at the door.
    #[error("{detail}")]
    Bluetooth {
        /// Which problem.
        code: DiagnosisCode,
        /// What the platform said.
        detail: String,
    },
    /// The request reached the lock but no answer came back, even after
    /// reconnecting: the lock may have acted. Tell the person to check the
    /// door.
    #[error("the lock may have acted, but no answer the phone could trust came back ({detail})")]
    OutcomeUnknown {
        /// Always `OutcomeUnknown`.
        code: DiagnosisCode,
        /// The last failure.
        detail: String,
    },
    /// The lock, or this phone's own check before any radio use, refused.
    #[error("{reason}")]
    Refused {
        /// Which problem.
        code: DiagnosisCode,
        /// The lock's result code name (`key_expired`), when the lock refused.
        lock_result: Option<String>,
        /// A sentence for logs.
        reason: String,
    },
    /// The lock's answer could not be trusted or understood.
    #[error("{detail}")]
    UntrustedAnswer {
        /// Which problem.
        code: DiagnosisCode,
        /// What was wrong.
        detail: String,
    },
    /// This phone's storage failed.
    #[error("storage failed: {reason}")]
    Storage {
        /// Always `Storage`.
        code: DiagnosisCode,
        /// What failed.
        reason: String,
    },
    /// The phone's platform key (holder signer, key store) couldn't be
    /// used: device locked, authentication cancelled, key reset. Nothing
    /// was sent to the lock.
    #[error("the phone's key couldn't be used: {detail}")]
    PhoneKey {
        /// Always `PhoneKeyUnavailable`.
        code: DiagnosisCode,
        /// What the platform said.
        detail: String,
    },
    /// The client was closed; build a new one.
    #[error("the client was closed; build a new one")]
    ClientClosed {
        /// Always `Internal`.
        code: DiagnosisCode,
    },
    /// A failure inside the library itself.
    #[error("internal error: {detail}")]
    Internal {
        /// Always `Internal`.
        code: DiagnosisCode,
        /// What failed.
        detail: String,
    },
    /// The command's [`CancelToken`](crate::CancelToken) was cancelled:
    /// the command was dropped as a cancelled coroutine's is (the lock
    /// acts at most once, the store is intact). Not a failure to explain:
    /// Swift's task-aware calls throw `CancellationError` instead.
    #[error("the command was cancelled")]
    Cancelled,
}

impl ClientFailure for CommandError {
    fn closed() -> Self {
        Self::ClientClosed {
            code: DiagnosisCode::Internal,
        }
    }
    fn internal(detail: String) -> Self {
        Self::Internal {
            code: DiagnosisCode::Internal,
            detail,
        }
    }
}

impl From<LatchkeyError> for CommandError {
    fn from(e: LatchkeyError) -> Self {
        let code = e.diagnosis();
        match e {
            LatchkeyError::Bluetooth { detail, .. } => Self::Bluetooth { code, detail },
            LatchkeyError::OutcomeUnknown { detail } => Self::OutcomeUnknown { code, detail },
            LatchkeyError::Refused {
                lock_result, reason, ..
            } => Self::Refused {
                code,
                lock_result: lock_result.map(|r| r.name().to_string()),
                reason,
            },
            LatchkeyError::Lock { detail, .. } => Self::UntrustedAnswer { code, detail },
            LatchkeyError::Storage(reason) => Self::Storage { code, reason },
            LatchkeyError::PhoneKey { detail } => Self::PhoneKey { code, detail },
            LatchkeyError::Internal { detail } => Self::Internal { code, detail },
        }
    }
}

impl CommandError {
    /// A lock id the app passed that is not 32 hex digits.
    pub(crate) fn bad_lock_id(lock_id: &str) -> Self {
        Self::Refused {
            code: DiagnosisCode::UnknownLock,
            lock_result: None,
            reason: format!("`{lock_id}` is not a lock id (32 hex digits)"),
        }
    }
}

/// Why credentials (lock metadata, keys, revocation lists, time tokens)
/// could not be stored or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CredentialError {
    /// The bytes or fields do not decode (damaged, or not what was asked).
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was being decoded (`digital key`, `lock id`, …).
        what: String,
        /// What was wrong.
        reason: String,
    },
    /// The credential decodes but is refused: issued to another phone, by
    /// an issuer no known lock trusts, or for an unknown lock.
    #[error("{reason}")]
    Rejected {
        /// Which problem (`KeyRejected`, `UnknownLock`).
        code: DiagnosisCode,
        /// A sentence for logs.
        reason: String,
    },
    /// This phone's storage failed.
    #[error("storage failed: {reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
    /// The client was closed; build a new one.
    #[error("the client was closed; build a new one")]
    ClientClosed,
    /// A failure inside the library itself.
    #[error("internal error: {reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
}

impl ClientFailure for CredentialError {
    fn closed() -> Self {
        Self::ClientClosed
    }
    fn internal(reason: String) -> Self {
        Self::Internal { reason }
    }
}

impl CredentialError {
    pub(crate) fn invalid(what: &str, reason: impl std::fmt::Display) -> Self {
        Self::Invalid {
            what: what.to_string(),
            reason: reason.to_string(),
        }
    }
}

impl From<LatchkeyError> for CredentialError {
    fn from(e: LatchkeyError) -> Self {
        match e {
            LatchkeyError::Storage(reason) => Self::Storage { reason },
            LatchkeyError::Internal { detail } => Self::Internal { reason: detail },
            other => Self::Rejected {
                code: other.diagnosis(),
                reason: other.to_string(),
            },
        }
    }
}

impl From<StoreError> for CredentialError {
    fn from(e: StoreError) -> Self {
        Self::Storage { reason: e.to_string() }
    }
}
