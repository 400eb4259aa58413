//! What can go wrong with quick access's files, mapped in one place into
//! the [`LatchkeyError`] a caller acts on (the same diagnosis codes as a
//! full client's).

use crate::error::{DiagnosisCode, LatchkeyError};
use crate::outbox::OutboxError;
use crate::platform_keys::PlatformKeyError;
use crate::store::StoreError;
use std::path::{Path, PathBuf};

/// Why a quick-access step failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum QuickError {
    /// Reading or writing a file in the quick-access directory failed.
    #[error("quick access: file error at {path}: {reason}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the platform said.
        reason: String,
    },
    /// A file is not what latchkey wrote (damaged, or sealed under
    /// another key).
    #[error("quick access: {path} can't be read: {reason}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// The platform key store could not unwrap (or wrap) the quick key.
    #[error(transparent)]
    KeyStore(#[from] PlatformKeyError),
    /// The app's store failed (app side only).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The app's outbox refused what a quick process recorded (full): it
    /// stays in the journal until there is room.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// Another process kept talking to the lock for longer than we waited.
    #[error("another part of the app (the app itself, a widget, a watch) kept talking to this lock for {waited_s} s; try again")]
    Busy {
        /// How long we waited.
        waited_s: u64,
    },
    /// Quick access was never set up in the directory, or the lock was
    /// never shared with it.
    #[error(
        "quick access has no record of that lock: open the app once so it shares the lock's keys with quick access"
    )]
    NotShared,
}

impl QuickError {
    pub(crate) fn io(path: &Path, e: &std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    }

    pub(crate) fn unreadable(path: &Path, reason: impl std::fmt::Display) -> Self {
        Self::Unreadable {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }
}

impl From<QuickError> for LatchkeyError {
    fn from(e: QuickError) -> Self {
        match e {
            QuickError::KeyStore(k) => k.into(),
            QuickError::Store(s) => s.into(),
            QuickError::Outbox(o) => o.into(),
            e @ QuickError::Busy { .. } => Self::Bluetooth {
                code: DiagnosisCode::ConnectionFailed,
                detail: e.to_string(),
            },
            e @ QuickError::NotShared => Self::refused_locally(DiagnosisCode::UnknownLock, e.to_string()),
            e @ (QuickError::Io { .. } | QuickError::Unreadable { .. }) => Self::Storage(e.to_string()),
        }
    }
}
