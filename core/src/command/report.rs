//! What a command returns to the app.

use crate::unlock::UnlockPath;
use latchkey_protocol::{BoltState, Command, DoorState, EventGap, Faults, LockId};

/// The outcome of an unlock, lock or status command that the lock answered
/// with `ok` (refusals come back as [`crate::LatchkeyError`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandReport {
    /// The lock.
    pub lock_id: LockId,
    /// Its display name.
    pub lock_name: String,
    /// What was asked.
    pub command: Command,
    /// Which exchange carried it.
    pub path: UnlockPath,
    /// The answer was the lock's stored outcome of an earlier delivery of
    /// the same command (the connection had dropped): nothing moved twice.
    pub replayed: bool,
    /// Bolt position after the command.
    pub bolt: BoltState,
    /// Door sensor.
    pub door: DoorState,
    /// Battery estimate, 0–100.
    pub battery_percent: u8,
    /// Active faults.
    pub faults: Faults,
    /// Lock clock minus phone clock, seconds.
    pub clock_skew_s: i64,
    /// Round trips until the answer (1 for FAST and for AUTH).
    pub round_trips: u32,
    /// Frame bytes written until the answer.
    pub bytes_up: usize,
    /// Frame bytes received until the answer.
    pub bytes_down: usize,
    /// From connection to answer, in milliseconds of the transport's clock.
    pub latency_ms: u64,
    /// Connection attempts (more than 1 after a dropped connection).
    pub attempts: u32,
    /// The lock's epoch changed since the last contact: it was reset.
    pub lock_reset_detected: bool,
    /// The lock confirmed holding this revocation list.
    pub revocation_seq_acked: Option<u32>,
    /// The lock set its clock from a delivered time token.
    pub time_delivered: Option<u32>,
    /// Lock events collected into the outbox.
    pub events_collected: u32,
    /// Ranges the lock had overwritten before they could be collected.
    pub gaps: Vec<EventGap>,
    /// Follow-on work stopped early for this reason (retried next contact).
    pub housekeeping_error: Option<String>,
}
