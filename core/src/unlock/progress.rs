//! Progress reports for a command, so the app can show what is happening
//! ("Looking for your lock…", "Connecting…", "Unlocking…").

use crate::error::DiagnosisCode;
use latchkey_protocol::ResultCode;

/// Which exchange carried the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlockPath {
    /// Fast repeat unlock (HMAC only).
    Fast,
    /// Standard first-contact unlock (signatures, key agreement).
    Auth,
    /// Fast was tried, the lock had lost the fast key (e.g. after a reset),
    /// and a standard AUTH followed in the same connection.
    FastThenAuth,
}

impl UnlockPath {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            UnlockPath::Fast => "fast",
            UnlockPath::Auth => "auth",
            UnlockPath::FastThenAuth => "fast_then_auth",
        }
    }
}

/// One step of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Looking for the lock's advertisement.
    Scanning,
    /// Connecting to the lock (signal strength in dBm).
    Connecting {
        /// Signal strength of the advertisement.
        rssi: i16,
    },
    /// Request sent; waiting for the lock.
    Authenticating {
        /// Which exchange.
        path: UnlockPath,
    },
    /// The request is on its way and the lock acts on it as it arrives.
    Actuating,
    /// The connection dropped after the request may have reached the lock,
    /// or its answer could not be trusted; reconnecting to ask for the
    /// outcome.
    Retrying {
        /// Attempt number, from 2.
        attempt: u32,
    },
    /// The lock answered.
    Done {
        /// Its result.
        code: ResultCode,
    },
    /// The command failed: what went wrong, as a diagnosis code and a
    /// sentence (the same as the error the call returns).
    Failed {
        /// Stable diagnosis code.
        code: DiagnosisCode,
        /// Why, for logs.
        reason: String,
    },
    /// Extra work in the same connection (events, revocations, time).
    Housekeeping {
        /// What is being done.
        what: &'static str,
    },
    /// A firmware image on its way to the lock: bytes the lock holds, of
    /// the whole.
    Transferring {
        /// Bytes the lock holds.
        sent: u32,
        /// The image's size.
        total: u32,
    },
    /// A step of setting a lock up (claiming or re-commissioning it).
    Setup {
        /// What is being done.
        what: &'static str,
    },
}

/// Receives progress reports. Implemented by the app (through the bindings)
/// or by the CLI.
pub trait ProgressListener: Send + Sync {
    /// Called for each step, in order.
    fn on_progress(&self, progress: Progress);
}

/// A listener that ignores everything.
pub struct NoProgress;

impl ProgressListener for NoProgress {
    fn on_progress(&self, _: Progress) {}
}
