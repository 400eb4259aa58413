//! What the phone remembers of a lock over time, for the readiness check
//! and the battery trend: the last unlock tried while offline and a short
//! history of battery readings. Both live in the lock's [`super::LockState`].

use crate::error::DiagnosisCode;
use serde::{Deserialize, Serialize};

/// One unlock and how it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockRecord {
    /// When (phone clock, unix seconds).
    pub at: u32,
    /// The door unlocked.
    pub succeeded: bool,
    /// Why not, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<DiagnosisCode>,
}

/// One battery reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatterySample {
    /// When (unix seconds).
    pub at: u32,
    /// Charge estimate, 0–100.
    pub percent: u8,
}

/// Readings kept per lock: at one a day or more apart, about a month.
pub const BATTERY_HISTORY_LEN: usize = 32;
/// A reading this soon after the last kept one replaces it instead of
/// adding one, so a burst of unlocks doesn't push out the history a trend
/// needs (it compares readings days apart).
pub const BATTERY_SAMPLE_SPACING_S: u32 = 12 * 3600;
/// A rise of this many points means new batteries: the old readings say
/// nothing about the new set and are dropped.
pub const BATTERY_REPLACED_RISE: u8 = 15;

/// Adds a reading to `history` (oldest first), keeping it bounded and
/// spaced (see the constants above).
pub fn push_battery_sample(history: &mut Vec<BatterySample>, sample: BatterySample) {
    if let Some(last) = history.last().copied() {
        if sample.at < last.at {
            return; // The phone's clock went back: keep the order.
        }
        if sample.percent >= last.percent.saturating_add(BATTERY_REPLACED_RISE) {
            history.clear();
        } else if history.len() > 1 && sample.at - last.at < BATTERY_SAMPLE_SPACING_S {
            // Keep the first reading of a spell and move its newest along,
            // so the newest reading is always the last one.
            let previous = history[history.len() - 2];
            if sample.at - previous.at < BATTERY_SAMPLE_SPACING_S {
                history.pop();
            }
        }
    }
    history.push(sample);
    if history.len() > BATTERY_HISTORY_LEN {
        let excess = history.len() - BATTERY_HISTORY_LEN;
        history.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: u32, percent: u8) -> BatterySample {
        BatterySample {
            at: 1_800_000_000 + hours * 3600,
            percent,
        }
    }

    #[test]
    fn readings_close_together_keep_the_first_and_the_newest() {
        let mut h = Vec::new();
        for (i, p) in [80, 80, 79, 79, 78].into_iter().enumerate() {
            push_battery_sample(&mut h, at(i as u32, p));
        }
        assert_eq!(h, vec![at(0, 80), at(4, 78)]);
    }

    #[test]
    fn readings_a_day_apart_are_all_kept_up_to_the_bound() {
        let mut h = Vec::new();
        for day in 0..40u32 {
            push_battery_sample(&mut h, at(day * 24, 90 - (day / 4) as u8));
        }
        assert_eq!(h.len(), BATTERY_HISTORY_LEN);
        assert_eq!(h.first(), Some(&at(8 * 24, 88)));
        assert_eq!(h.last(), Some(&at(39 * 24, 81)));
    }

    #[test]
    fn new_batteries_start_a_new_history() {
        let mut h = vec![at(0, 40), at(24, 30), at(48, 20)];
        push_battery_sample(&mut h, at(72, 100));
        assert_eq!(h, vec![at(72, 100)]);
    }

    #[test]
    fn a_reading_from_before_the_newest_is_ignored() {
        let mut h = vec![at(10, 50)];
        push_battery_sample(&mut h, at(5, 60));
        assert_eq!(h, vec![at(10, 50)]);
    }
}
