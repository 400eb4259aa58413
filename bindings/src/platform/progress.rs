//! Steps of a command, for the app's "Looking for your lock…",
//! "Connecting…", "Unlocking…" screens.

use super::callbacks::CallbackThread;
use latchkey_core::unlock::{Progress as CoreProgress, ProgressListener as CoreListener, UnlockPath};
use latchkey_core::DiagnosisCode;
use std::sync::Arc;
use std::time::Duration;

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
    /// A firmware image on its way to the lock.
    Transferring {
        /// Bytes the lock holds.
        sent: u32,
        /// The image's size.
        total: u32,
    },
    /// A step of setting a lock up (claiming or re-commissioning it).
    Setup {
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
            CoreProgress::Transferring { sent, total } => Self::Transferring { sent, total },
            CoreProgress::Setup { what } => Self::Setup { what: what.to_string() },
        }
    }
}

/// Receives the steps of a command, in order, on the library's own
/// progress thread (never the caller's, so a listener can't stall a
/// command and a command polled on the main thread can't stall the UI
/// through it): post to the main thread before touching UI. Every step
/// is delivered before the command's call returns.
#[uniffi::export(callback_interface)]
pub trait ProgressListener: Send + Sync {
    /// One step, in order.
    fn on_progress(&self, progress: Progress);
}

/// How long a command waits, at its end, for a slow listener to take its
/// last steps before returning anyway.
const FLUSH_WAIT: Duration = Duration::from_secs(2);

/// The thread that calls progress listeners.
static PROGRESS: CallbackThread = CallbackThread::new("latchkey-progress");

/// Forwards the core's steps to the app's listener (if any), on the
/// progress thread, and to the log.
pub(crate) struct ProgressBridge {
    listener: Option<Arc<dyn ProgressListener>>,
}

impl ProgressBridge {
    pub(crate) fn new(listener: Option<Box<dyn ProgressListener>>) -> Self {
        let listener: Option<Arc<dyn ProgressListener>> = listener.map(Arc::from);
        Self { listener }
    }

    /// Waits (up to [`FLUSH_WAIT`]) until the listener has taken every
    /// step sent so far, so a command returns after its last step.
    pub(crate) async fn flush(&self) {
        if self.listener.is_none() {
            return;
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        PROGRESS.run(Box::new(move || {
            let _ = tx.send(());
        }));
        if tokio::time::timeout(FLUSH_WAIT, rx).await.is_err() {
            log::warn!(target: "latchkey::command", "the progress listener is slow; returning without waiting for it");
        }
    }
}

impl CoreListener for ProgressBridge {
    fn on_progress(&self, progress: CoreProgress) {
        latchkey_core::log_line!(Debug, target: "latchkey::command", "{progress:?}");
        if let Some(listener) = &self.listener {
            let listener = listener.clone();
            let progress = Progress::from(progress);
            PROGRESS.run(Box::new(move || listener.on_progress(progress)));
        }
    }
}
