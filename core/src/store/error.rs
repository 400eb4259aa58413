//! What can go wrong with the credential store, in terms a caller can act
//! on. Storage-engine errors are mapped here, in one place, so no sled type
//! appears in the public API.

use crate::platform_keys::PlatformKeyError;
use std::path::PathBuf;

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The store was written by a newer version of the app. Nothing was
    /// changed: update the app, or keep using the newer version.
    #[error("the store at {path} has format version {found}; this build reads up to {supported}: update the app (nothing was changed)")]
    NewerFormat {
        /// The store directory.
        path: PathBuf,
        /// The version on disk.
        found: u32,
        /// The newest version this build understands.
        supported: u32,
    },
    /// The key store could not unwrap the store's data key (a different or
    /// reset key store, or it is locked). Nothing was changed: retry with
    /// the right key store, or quarantine the store explicitly
    /// ([`crate::store::Store::quarantine`]) and sync again.
    #[error("the store's data key could not be unwrapped (nothing was changed): {0}")]
    KeyStore(#[from] PlatformKeyError),
    /// Another handle (in this or another process) has the store open.
    #[error("the store at {path} is already open elsewhere: {reason}")]
    InUse {
        /// The store directory.
        path: PathBuf,
        /// What the platform said.
        reason: String,
    },
    /// A file system operation failed (permissions, disk full, …).
    #[error("file system error at {path}: {reason}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// What the platform said.
        reason: String,
    },
    /// The storage engine failed while reading or writing.
    #[error("storage engine error: {reason}")]
    Storage {
        /// What the engine said.
        reason: String,
    },
    /// One stored record can't be decrypted or decoded. Only that record is
    /// affected; it stays on disk untouched.
    #[error("unreadable record in `{tree}`: {reason}")]
    CorruptRecord {
        /// The tree it is in.
        tree: String,
        /// What was wrong.
        reason: String,
    },
    /// A value can't be stored (e.g. a counter that would wrap).
    #[error("invalid value: {reason}")]
    InvalidValue {
        /// What was wrong.
        reason: String,
    },
    /// A cryptographic primitive failed (random generator, cipher setup).
    #[error("cryptographic operation failed: {0}")]
    Crypto(&'static str),
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Storage { reason: e.to_string() }
    }
}

impl From<sled::transaction::TransactionError<StoreError>> for StoreError {
    fn from(e: sled::transaction::TransactionError<StoreError>) -> Self {
        match e {
            sled::transaction::TransactionError::Abort(e) => e,
            sled::transaction::TransactionError::Storage(e) => e.into(),
        }
    }
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>, e: &std::io::Error) -> Self {
        StoreError::Io {
            path: path.into(),
            reason: e.to_string(),
        }
    }

    pub(crate) fn corrupt(tree: &str, reason: impl std::fmt::Display) -> Self {
        StoreError::CorruptRecord {
            tree: tree.to_string(),
            reason: reason.to_string(),
        }
    }
}
