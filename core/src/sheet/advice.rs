//! The advice on the sheet: what the battery reading means and what to do,
//! and the steps to take when the app can't connect.

use super::words::{args, method};
use crate::diagnostics::{Catalog, Texts, DEFAULT_LOCALE};
use crate::store::{BackupEntry, BackupMethod};

/// A battery reading from the lock's last full status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatteryReading {
    /// Charge estimate, 0–100.
    pub percent: u8,
    /// Voltage in millivolts.
    pub millivolts: u16,
    /// The lock reported its battery low.
    pub low: bool,
    /// The lock reported its battery too weak to drive the motor.
    pub critical: bool,
    /// When the phone read it (phone clock, unix seconds).
    pub observed_at: u32,
}

/// How worried to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatteryLevel {
    /// No reading yet.
    Unknown,
    /// Nothing to do.
    Good,
    /// Plan a replacement.
    Fair,
    /// Replace soon.
    Low,
    /// Replace now: the motor may not move.
    Critical,
}

/// The battery line of the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatteryAdvice {
    /// The last reading, if any.
    pub reading: Option<BatteryReading>,
    /// How worried to be.
    pub level: BatteryLevel,
    /// What to do, in a sentence or two.
    pub advice: String,
}

/// Readings older than this are called out as old.
const STALE_AFTER_S: u32 = 30 * 86_400;

impl BatteryAdvice {
    /// The advice for `reading`, as of `now`, in English.
    pub fn from_reading(reading: Option<BatteryReading>, now: u32) -> Self {
        Self::from_reading_in(reading, now, &Catalog::new().texts(DEFAULT_LOCALE))
    }

    /// The advice for `reading`, as of `now`, in the locale of `texts`.
    pub fn from_reading_in(reading: Option<BatteryReading>, now: u32, texts: &Texts<'_>) -> Self {
        let Some(r) = reading else {
            return Self {
                reading,
                level: BatteryLevel::Unknown,
                advice: texts.render("sheet.battery.advice.none", &[]),
            };
        };
        let (level, key) = if r.critical {
            (BatteryLevel::Critical, "critical")
        } else if r.low {
            (BatteryLevel::Low, "low")
        } else if r.percent < 30 {
            (BatteryLevel::Fair, "fair")
        } else {
            (BatteryLevel::Good, "good")
        };
        let mut advice = texts.render(&format!("sheet.battery.advice.{key}"), &[]);
        if now.saturating_sub(r.observed_at) > STALE_AFTER_S {
            let days = now.saturating_sub(r.observed_at) / 86_400;
            advice.push(' ');
            advice.push_str(&texts.render("sheet.battery.advice.old_reading", &args(&[("days", days.to_string())])));
        }
        Self { reading, level, advice }
    }
}

/// What the steps depend on.
pub(super) struct StepFacts<'a> {
    pub(super) has_offline_key: bool,
    pub(super) has_keypad_pins: bool,
    pub(super) can_make_offline_pins: bool,
    pub(super) other_holders: Vec<&'a str>,
    pub(super) backup: Option<&'a BackupEntry>,
    pub(super) battery: BatteryLevel,
}

/// The steps to take when the app can't connect, most likely fix first.
pub(super) fn steps(f: &StepFacts<'_>, texts: &Texts<'_>) -> Vec<String> {
    let step = |key: &str| texts.render(&format!("sheet.step.{key}"), &[]);
    let mut out = vec![step("get_close"), step("restart")];
    out.push(step(if f.has_offline_key {
        "offline_key"
    } else {
        "no_offline_key"
    }));
    if matches!(
        f.battery,
        BatteryLevel::Critical | BatteryLevel::Low | BatteryLevel::Unknown
    ) {
        out.push(step("batteries"));
    }
    if f.can_make_offline_pins {
        out.push(step("keypad_or_offline_pin"));
    } else if f.has_keypad_pins {
        out.push(step("keypad"));
    }
    out.push(match f.backup {
        Some(b) => texts.render(
            "sheet.step.backup",
            &args(&[("method", method(texts, b.method)), ("details", b.details.clone())]),
        ),
        None => step("no_backup"),
    });
    if !f.other_holders.is_empty() {
        out.push(texts.render(
            "sheet.step.ask_others",
            &args(&[("holders", texts.list(&f.other_holders))]),
        ));
    }
    let backup_is_keypad = f.backup.is_some_and(|b| b.method == BackupMethod::KeypadCode);
    if !backup_is_keypad && !f.has_keypad_pins {
        out.push(step("locksmith"));
    }
    out.push(step("afterwards"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(percent: u8, low: bool, critical: bool) -> Option<BatteryReading> {
        Some(BatteryReading {
            percent,
            millivolts: 5000,
            low,
            critical,
            observed_at: 1_000_000,
        })
    }

    #[test]
    fn battery_levels_follow_the_lock_flags_then_the_percentage() {
        let now = 1_000_000;
        assert_eq!(BatteryAdvice::from_reading(None, now).level, BatteryLevel::Unknown);
        assert_eq!(
            BatteryAdvice::from_reading(reading(5, true, true), now).level,
            BatteryLevel::Critical
        );
        assert_eq!(
            BatteryAdvice::from_reading(reading(20, true, false), now).level,
            BatteryLevel::Low
        );
        assert_eq!(
            BatteryAdvice::from_reading(reading(25, false, false), now).level,
            BatteryLevel::Fair
        );
        let old = BatteryAdvice::from_reading(reading(90, false, false), now + 40 * 86_400);
        assert_eq!(old.level, BatteryLevel::Good);
        assert!(old.advice.contains("40 days old"));
    }
}
