//! What went wrong in the simulation, as the bindings report it.

/// What went wrong in the simulation (a test's own mistake, usually).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum SimulationError {
    /// No lock with this id was commissioned in this world.
    #[error("no simulated lock {lock_id}")]
    UnknownLock {
        /// The id asked for.
        lock_id: String,
    },
    /// An argument was invalid (bad key bytes, an empty validity window).
    #[error("invalid: {reason}")]
    Invalid {
        /// What was wrong.
        reason: String,
    },
    /// The simulated radio refused (out of range, the link closed).
    #[error("radio: {reason}")]
    Radio {
        /// What happened.
        reason: String,
    },
}

/// An invalid-argument error with `reason` in words.
pub(crate) fn invalid(reason: impl std::fmt::Display) -> SimulationError {
    SimulationError::Invalid {
        reason: reason.to_string(),
    }
}
