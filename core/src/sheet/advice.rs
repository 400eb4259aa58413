//! The advice on the sheet: what the battery reading means and what to do,
//! and the steps to take when the app can't connect.

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
    /// The advice for `reading`, as of `now`.
    pub fn from_reading(reading: Option<BatteryReading>, now: u32) -> Self {
        let Some(r) = reading else {
            return Self {
                reading,
                level: BatteryLevel::Unknown,
                advice: "No battery reading yet: open the lock once with the app to record one.".into(),
            };
        };
        let (level, mut advice) = if r.critical {
            (
                BatteryLevel::Critical,
                "Replace the batteries now: they are too weak to move the bolt. If the lock no longer \
                 reacts, power it from outside (emergency contacts, if the model has them) or use the \
                 backup way in."
                    .to_string(),
            )
        } else if r.low {
            (
                BatteryLevel::Low,
                "Replace the batteries within the next two weeks; keep a fresh set next to this sheet.".to_string(),
            )
        } else if r.percent < 30 {
            (
                BatteryLevel::Fair,
                "Plan a battery replacement in the coming weeks.".to_string(),
            )
        } else {
            (
                BatteryLevel::Good,
                "No action needed. The app warns when the battery runs low.".to_string(),
            )
        };
        let age_days = now.saturating_sub(r.observed_at) / 86_400;
        if now.saturating_sub(r.observed_at) > STALE_AFTER_S {
            advice.push_str(&format!(
                " This reading is {age_days} days old: open the lock with the app to refresh it."
            ));
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
pub(super) fn steps(f: &StepFacts<'_>) -> Vec<String> {
    let mut out = vec![
        "Stand within two metres of the lock. Make sure Bluetooth is on (airplane mode may switch it \
         off) and that the app may use Bluetooth (and, on Android, Location or Nearby devices)."
            .to_string(),
        "Close the app and open it again; switch Bluetooth off and on; try once more.".to_string(),
    ];
    if f.has_offline_key {
        out.push(
            "No internet is needed: a key marked \"works offline\" opens the lock without any \
             network. Do not sign out or reinstall the app while offline: the key would only come \
             back once you are online."
                .to_string(),
        );
    } else {
        out.push(
            "This phone holds no key that works offline: connect to the internet (mobile data or \
             Wi-Fi) and try again, or use one of the ways below."
                .to_string(),
        );
    }
    if matches!(
        f.battery,
        BatteryLevel::Critical | BatteryLevel::Low | BatteryLevel::Unknown
    ) {
        out.push(
            "If the lock shows no light and makes no sound, its batteries may be empty: power it \
             from outside if the model has emergency contacts, or use the backup way in."
                .to_string(),
        );
    }
    if f.has_keypad_pins || f.can_make_offline_pins {
        let mut s = "Use the keypad: type your PIN".to_string();
        if f.can_make_offline_pins {
            s.push_str(", or make an offline PIN in this app (works with no network on either side)");
        }
        s.push_str(
            ". After five wrong codes the keypad locks for a minute, then longer each time: wait \
             rather than guess.",
        );
        out.push(s);
    }
    out.push(match f.backup {
        Some(b) => format!("Use the backup way in: {} ({}).", b.method.describe(), b.details),
        None => "No backup way in is on record: record one in the app (a mechanical key, a neighbour) \
                 while you can."
            .to_string(),
    });
    if !f.other_holders.is_empty() {
        out.push(format!(
            "Ask someone else who holds a key: {}.",
            f.other_holders.join(", ")
        ));
    }
    let backup_is_keypad = f.backup.is_some_and(|b| b.method == BackupMethod::KeypadCode);
    if !backup_is_keypad && !f.has_keypad_pins {
        out.push("If all else fails, call a locksmith; keep this sheet to show who may enter.".to_string());
    }
    out.push(
        "Once inside and online, run \"App can't connect\" in the app's troubleshooting, so the \
         cause is found and fixed, and tell the host."
            .to_string(),
    );
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
