//! The weekly schedule a key or a PIN may carry; in a file of its own
//! because both the key bodies (mod.rs) and the PIN bodies (pins.rs) use it.

use serde::{Deserialize, Serialize};

/// A weekly schedule: the days (bit 0 = Monday) and the minutes of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleSpec {
    /// Bit 0 = Monday … bit 6 = Sunday.
    pub weekdays: u8,
    /// First minute of the day allowed (local time).
    pub start_minute: u16,
    /// First minute of the day no longer allowed.
    pub end_minute: u16,
}
