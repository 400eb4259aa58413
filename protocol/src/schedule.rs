//! Weekly schedules for keys ("Mon–Fri 08:00–18:00"), evaluated in the
//! lock's local time.

use crate::error::{ProtocolError, Result};

/// Minutes in a day.
pub(crate) const MINUTES_PER_DAY: u16 = 24 * 60;

/// Days a key may be used on, and the daily window.
///
/// `start_minute == end_minute` means the whole day. A window whose end is
/// before its start runs overnight (22:00–06:00); its early-morning part
/// belongs to the weekday on which the window started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Bit 0 = Monday … bit 6 = Sunday.
    pub weekdays: u8,
    /// Minutes after local midnight when the window opens (0–1439).
    pub start_minute: u16,
    /// Minutes after local midnight when the window closes (0–1439).
    pub end_minute: u16,
}

impl Schedule {
    /// Monday to Friday.
    pub const WORKDAYS: u8 = 0b001_1111;
    /// Every day.
    pub const EVERY_DAY: u8 = 0b111_1111;

    /// A validated schedule.
    pub fn new(weekdays: u8, start_minute: u16, end_minute: u16) -> Result<Self> {
        let s = Self {
            weekdays,
            start_minute,
            end_minute,
        };
        s.validate()?;
        Ok(s)
    }

    fn validate(&self) -> Result<()> {
        let invalid = |field, reason| ProtocolError::InvalidField {
            what: "schedule",
            field,
            reason,
        };
        if self.weekdays == 0 || self.weekdays > Self::EVERY_DAY {
            return Err(invalid("weekdays", "must name at least one day and only bits 0–6"));
        }
        if self.start_minute >= MINUTES_PER_DAY {
            return Err(invalid("start_minute", "must be below 1440"));
        }
        if self.end_minute >= MINUTES_PER_DAY {
            return Err(invalid("end_minute", "must be below 1440"));
        }
        Ok(())
    }

    /// Packs into 29 bits: weekdays (7) | start (11) | end (11).
    pub fn pack(&self) -> u32 {
        (u32::from(self.weekdays) << 22) | (u32::from(self.start_minute) << 11) | u32::from(self.end_minute)
    }

    /// Unpacks and validates.
    pub fn unpack(v: u32) -> Result<Self> {
        if v >> 29 != 0 {
            return Err(ProtocolError::InvalidField {
                what: "schedule",
                field: "packed",
                reason: "bits 29–31 must be zero",
            });
        }
        Self::new((v >> 22) as u8 & 0x7f, ((v >> 11) & 0x7ff) as u16, (v & 0x7ff) as u16)
    }

    /// Whether the schedule admits `unix_time` on a lock whose local time is
    /// UTC + `utc_offset_min`.
    pub fn allows(&self, unix_time: u32, utc_offset_min: i16) -> bool {
        let local = i64::from(unix_time) + i64::from(utc_offset_min) * 60;
        let days = local.div_euclid(86_400);
        let minute = (local.rem_euclid(86_400) / 60) as u16;
        // 1970-01-01 was a Thursday: (days + 3) mod 7 gives 0 = Monday.
        let weekday = (days + 3).rem_euclid(7) as u8;
        let previous = (weekday + 6) % 7;
        let day_on = |d: u8| self.weekdays & (1 << d) != 0;
        let (start, end) = (self.start_minute, self.end_minute);
        if start == end {
            day_on(weekday)
        } else if start < end {
            day_on(weekday) && minute >= start && minute < end
        } else {
            (day_on(weekday) && minute >= start) || (day_on(previous) && minute < end)
        }
    }
}
