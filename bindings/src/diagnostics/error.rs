//! [`DiagnosticsError`]: why a diagnosis, a troubleshooting step or a
//! catalog call failed.

use crate::runtime::ClientFailure;

/// Why a diagnosis could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum DiagnosticsError {
    /// A lock id that is not 32 hex digits.
    #[error("`{lock_id}` is not a lock id (32 hex digits)")]
    InvalidLockId {
        /// What was passed.
        lock_id: String,
    },
    /// The store could not be read.
    #[error("storage failed: {reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
    /// The answer does not fit the troubleshooting step (a yes/no answer
    /// to a check, …).
    #[error("the answer `{answer}` does not fit step `{step}`")]
    AnswerDoesNotFit {
        /// The step's id, snake_case.
        step: String,
        /// The answer, snake_case.
        answer: String,
    },
    /// The troubleshooting flow is finished: start a new one.
    #[error("the troubleshooting flow is finished")]
    FlowFinished,
    /// A saved troubleshooting session or a translation file could not be
    /// read.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What was wrong.
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
    /// A finding handed back with a code this library does not know.
    #[error("unknown finding code `{code}`")]
    UnknownFindingCode {
        /// The code passed.
        code: String,
    },
}

impl ClientFailure for DiagnosticsError {
    fn closed() -> Self {
        Self::ClientClosed
    }
    fn internal(reason: String) -> Self {
        Self::Internal { reason }
    }
}
