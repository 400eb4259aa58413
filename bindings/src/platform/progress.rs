//! Steps of a command, for the app's "Looking for your lock…",
//! "Connecting…", "Unlocking…" screens.

use latchkey_core::unlock::{Progress as CoreProgress, ProgressListener as CoreListener, UnlockPath};
use latchkey_core::DiagnosisCode;
use std::sync::Arc;

/// One step of a command, in order.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Progress {
    /// Looking for the lock's advertisement.
    Scanning,
    /// Connecting to the lock.
    Connecting {
        /// Signal strength of its advertisement, in dBm.
        rssi: i16,
    },
    /// The request is sent; waiting for the lock.
    Authenticating {
        /// Which exchange.
        path: UnlockPath,
    },
    /// The lock acts on the request as it arrives.
    Actuating,
    /// The connection dropped after the request may have reached the
    /// lock; reconnecting to ask for the outcome (nothing moves twice).
    Retrying {
        /// Attempt number, from 2.
        attempt: u32,
    },
    /// The lock answered.
    Done {
        /// Its result code name (`ok`, `key_expired`, …).
        result: String,
    },
    /// The command failed (the same as the error the call throws).
    Failed {
        /// Stable diagnosis code.
        code: DiagnosisCode,
        /// Why, for logs.
        reason: String,
    },
    /// Follow-on work in the same connection (events, revocations, time).
    Housekeeping {
        /// What is being done.
        what: String,
    },
}

impl From<CoreProgress> for Progress {
    fn from(p: CoreProgress) -> Self {
        match p {
            CoreProgress::Scanning => Self::Scanning,
            CoreProgress::Connecting { rssi } => Self::Connecting { rssi },
            CoreProgress::Authenticating { path } => Self::Authenticating { path },
            CoreProgress::Actuating => Self::Actuating,
            CoreProgress::Retrying { attempt } => Self::Retrying { attempt },
            CoreProgress::Done { code } => Self::Done {
                result: code.name().to_string(),
            },
            CoreProgress::Failed { code, reason } => Self::Failed { code, reason },
            CoreProgress::Housekeeping { what } => Self::Housekeeping { what: what.to_string() },
        }
    }
}

/// Receives the steps of a command. Called on a background thread: post
/// to the main thread before touching UI.
#[uniffi::export(foreign)]
pub trait ProgressListener: Send + Sync {
    /// One step, in order.
    fn on_progress(&self, progress: Progress);
}

/// Forwards the core's steps to the app's listener (if any) and the log.
pub(crate) struct ProgressBridge {
    listener: Option<Arc<dyn ProgressListener>>,
}

impl ProgressBridge {
    pub(crate) fn new(listener: Option<Arc<dyn ProgressListener>>) -> Self {
        Self { listener }
    }
}

impl CoreListener for ProgressBridge {
    fn on_progress(&self, progress: CoreProgress) {
        log::debug!(target: "latchkey::command", "{progress:?}");
        if let Some(listener) = &self.listener {
            listener.on_progress(progress.into());
        }
    }
}
