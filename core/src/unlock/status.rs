//! The lock's status as one answer told it.

// `pub` for the unlock benchmark (feature `bench`); crate-private otherwise.
#![cfg_attr(not(feature = "bench"), allow(unreachable_pub))]

use latchkey_protocol::{CompactStatus, LockStatus};

/// The status as far as the answer told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusView {
    /// Compact fields (always present).
    pub compact: CompactStatus,
    /// The lock's clock.
    pub lock_time: u32,
    /// The full report (from AUTH or a session status request).
    pub full: Option<LockStatus>,
}
