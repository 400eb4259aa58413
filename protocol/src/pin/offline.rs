//! Offline time-bound PINs: a host derives a 9-digit code with no network;
//! the lock recomputes candidates from its own clock.
//!
//! Code = `M M S C C C C C C`:
//!
//! - `MM` (00–99), the menu: 00–23 a reusable hour code lasting `MM + 1`
//!   hours; 24–47 a one-time hour code lasting `MM − 23` hours; 48–75 a
//!   reusable day code lasting `MM − 47` days; 76–99 reserved (refused).
//! - `S`: the start unit modulo 10. The start unit is the hour number (hour
//!   codes) or the day number (day codes, from local midnight) since the
//!   unix epoch, in the lock's local time.
//! - `CCCCCC`: `HMAC-SHA256(PIN secret, "latchkey/v1/offline-pin" ‖ MM (u8)
//!   ‖ start unit (u32 BE))`, first 4 bytes as a big-endian u32, mod 10⁶,
//!   zero-padded.
//!
//! A code works from its start unit's beginning until start + duration. The
//! lock tries every start unit in `[now − duration + 1, now]` that is
//! congruent to `S` mod 10: at most 3 (durations are at most 24 hours or 28
//! days), so a random 9-digit guess is accepted with probability at most
//! 3 · 10⁻⁶.

use crate::crypto::{ct_eq, hkdf, mac16, random_array};
use crate::error::{ProtocolError, Result};
use crate::ids::LockId;

/// Digits in an offline PIN.
pub const OFFLINE_PIN_LEN: usize = 9;

const DOMAIN: &[u8] = b"latchkey/v1/offline-pin";
const HOUR_S: u32 = 3_600;
const DAY_S: u32 = 86_400;

/// The 32-byte secret a lock and its issuer share for offline PINs. Its
/// `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct PinSecret(pub [u8; 32]);

impl std::fmt::Debug for PinSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinSecret(…)")
    }
}

impl PinSecret {
    /// A fresh random secret.
    pub fn random() -> Result<Self> {
        Ok(Self(random_array()?))
    }

    /// The secret for one lock, derived from an authority-wide secret:
    /// `HKDF-SHA256(salt = "latchkey/v1/pin-secret", ikm = authority
    /// secret, info = lock id)`. The authority never stores per-lock
    /// secrets, and each lock's secret reveals nothing about another's.
    pub fn derive(authority_secret: &[u8], lock_id: &LockId) -> Result<Self> {
        let mut out = [0u8; 32];
        hkdf(b"latchkey/v1/pin-secret", authority_secret, &[&lock_id.0], &mut out)?;
        Ok(Self(out))
    }
}

/// What an offline PIN is: its menu digits `MM` (always 00–75).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OfflinePinKind {
    menu: u8,
}

impl OfflinePinKind {
    /// Longest hour code.
    pub const MAX_HOURS: u8 = 24;
    /// Longest day code.
    pub const MAX_DAYS: u8 = 28;

    /// The kind for menu digits `MM`; `None` for the reserved 76–99.
    pub fn from_menu(menu: u8) -> Option<Self> {
        (menu <= 75).then_some(Self { menu })
    }

    /// An hour code lasting `hours` (1–24), reusable or one-time.
    pub fn hours(hours: u8, one_time: bool) -> Option<Self> {
        let base = if one_time { 24 } else { 0 };
        (1..=Self::MAX_HOURS)
            .contains(&hours)
            .then_some(Self { menu: base + hours - 1 })
    }

    /// A reusable day code lasting `days` (1–28).
    pub fn days(days: u8) -> Option<Self> {
        (1..=Self::MAX_DAYS).contains(&days).then_some(Self { menu: 47 + days })
    }

    /// The menu digits `MM`.
    pub fn menu(self) -> u8 {
        self.menu
    }

    /// Whether it counts days (else hours).
    pub fn is_day_code(self) -> bool {
        self.menu >= 48
    }

    /// Whether it is burned on first use.
    pub fn one_time(self) -> bool {
        (24..48).contains(&self.menu)
    }

    /// Seconds per unit: 3600 or 86 400.
    pub fn unit_s(self) -> u32 {
        if self.is_day_code() {
            DAY_S
        } else {
            HOUR_S
        }
    }

    /// Duration in units (hours or days).
    pub fn duration_units(self) -> u32 {
        u32::from(match self.menu {
            0..=23 => self.menu + 1,
            24..=47 => self.menu - 23,
            _ => self.menu - 47,
        })
    }

    /// The validity window `[from, until)` in unix seconds of a code that
    /// starts at `start_unit`, on a lock at UTC + `utc_offset_min`.
    pub fn window(self, start_unit: u32, utc_offset_min: i16) -> (u32, u32) {
        let unit = i64::from(self.unit_s());
        let offset = i64::from(utc_offset_min) * 60;
        let clamp = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
        let from = i64::from(start_unit) * unit - offset;
        (clamp(from), clamp(from + i64::from(self.duration_units()) * unit))
    }
}

/// The unit number (hours or days since the epoch, local time) of `unix`.
pub fn local_unit(unix: u32, utc_offset_min: i16, unit_s: u32) -> u32 {
    let local = i64::from(unix) + i64::from(utc_offset_min) * 60;
    local.div_euclid(i64::from(unit_s.max(1))).clamp(0, i64::from(u32::MAX)) as u32
}

fn code_value(secret: &PinSecret, menu: u8, start_unit: u32) -> u32 {
    let mac = mac16(&secret.0, &[DOMAIN, &[menu], &start_unit.to_be_bytes()]);
    u32::from_be_bytes([mac[0], mac[1], mac[2], mac[3]]) % 1_000_000
}

/// The 9-digit offline PIN of `kind` starting at `start_unit`.
pub fn offline_pin(secret: &PinSecret, kind: OfflinePinKind, start_unit: u32) -> String {
    format!(
        "{:02}{}{:06}",
        kind.menu,
        start_unit % 10,
        code_value(secret, kind.menu, start_unit)
    )
}

/// An offline PIN a host can hand out. Its `Debug` never prints the code.
#[derive(Clone, PartialEq, Eq)]
pub struct OfflinePin {
    /// The 9 digits to type.
    pub code: String,
    /// Its menu.
    pub kind: OfflinePinKind,
    /// Its start unit (local hour or day number).
    pub start_unit: u32,
    /// First second it works (unix s): the start rounded down to the hour
    /// or local midnight.
    pub valid_from: u32,
    /// First second it no longer works (unix s).
    pub valid_until: u32,
}

impl std::fmt::Debug for OfflinePin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfflinePin")
            .field("kind", &self.kind)
            .field("start_unit", &self.start_unit)
            .field("valid_from", &self.valid_from)
            .field("valid_until", &self.valid_until)
            .finish_non_exhaustive()
    }
}

/// Picks the code for a stay from `start_unix` lasting `duration_s`, on a
/// lock at UTC + `utc_offset_min`. The window is widened to whole units:
/// hour codes when the stay fits 24 whole hours (one-time codes must),
/// otherwise day codes from local midnight (at most 28 days). The result
/// says the exact window.
pub fn plan_offline_pin(
    secret: &PinSecret,
    start_unix: u32,
    duration_s: u32,
    one_time: bool,
    utc_offset_min: i16,
) -> Result<OfflinePin> {
    let invalid = |reason| ProtocolError::InvalidField {
        what: "offline PIN",
        field: "duration",
        reason,
    };
    if duration_s == 0 {
        return Err(invalid("the duration must be positive"));
    }
    let local_start = i64::from(start_unix) + i64::from(utc_offset_min) * 60;
    let local_end = local_start + i64::from(duration_s);
    let units_needed = |unit: u32| {
        let start_unit = local_start.div_euclid(i64::from(unit));
        let units = (local_end - start_unit * i64::from(unit) + i64::from(unit) - 1) / i64::from(unit);
        (start_unit.clamp(0, i64::from(u32::MAX)) as u32, units)
    };
    let (hour_unit, hours) = units_needed(HOUR_S);
    let (kind, start_unit) = match u8::try_from(hours)
        .ok()
        .and_then(|h| OfflinePinKind::hours(h, one_time))
    {
        Some(kind) => (kind, hour_unit),
        None if one_time => return Err(invalid("a one-time offline PIN lasts at most 24 hours")),
        None => {
            let (day_unit, days) = units_needed(DAY_S);
            let kind = u8::try_from(days)
                .ok()
                .and_then(OfflinePinKind::days)
                .ok_or_else(|| invalid("an offline PIN lasts at most 28 days"))?;
            (kind, day_unit)
        }
    };
    let (valid_from, valid_until) = kind.window(start_unit, utc_offset_min);
    Ok(OfflinePin {
        code: offline_pin(secret, kind, start_unit),
        kind,
        start_unit,
        valid_from,
        valid_until,
    })
}

/// The start units a lock tries for a code of `kind` whose `S` digit is
/// `s_digit`, when the current unit is `now_unit`: those in
/// `[now_unit − duration + 1, now_unit]` congruent to `s_digit` mod 10.
pub fn offline_candidate_units(kind: OfflinePinKind, s_digit: u32, now_unit: u32) -> Vec<u32> {
    let first = now_unit.saturating_sub(kind.duration_units() - 1);
    (first..=now_unit).filter(|u| u % 10 == s_digit).collect()
}

/// An offline PIN the lock recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfflinePinCandidate {
    /// Its menu.
    pub kind: OfflinePinKind,
    /// The start unit it was derived for.
    pub start_unit: u32,
    /// First second it worked (unix s).
    pub valid_from: u32,
    /// First second it no longer works (unix s).
    pub valid_until: u32,
}

/// Lock side: the offline PIN `digits` are, if they are one that works at
/// `now` (unix s, the lock's trusted clock) on a lock at UTC +
/// `utc_offset_min`. `None` for anything else: wrong length, reserved
/// menu, outside every window, or a wrong code.
pub fn match_offline_pin(
    secret: &PinSecret,
    digits: &str,
    now: u32,
    utc_offset_min: i16,
) -> Option<OfflinePinCandidate> {
    let b = digits.as_bytes();
    if b.len() != OFFLINE_PIN_LEN || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let digit = |i: usize| u32::from(b[i] - b'0');
    let kind = OfflinePinKind::from_menu((digit(0) * 10 + digit(1)) as u8)?;
    let typed: u32 = digits[3..].parse().ok()?;
    let now_unit = local_unit(now, utc_offset_min, kind.unit_s());
    // Check every candidate, so the time taken does not say which matched.
    let mut found = None;
    for unit in offline_candidate_units(kind, digit(2), now_unit) {
        let expected = code_value(secret, kind.menu, unit);
        if ct_eq(&expected.to_be_bytes(), &typed.to_be_bytes()) && found.is_none() {
            found = Some(unit);
        }
    }
    let start_unit = found?;
    let (valid_from, valid_until) = kind.window(start_unit, utc_offset_min);
    Some(OfflinePinCandidate {
        kind,
        start_unit,
        valid_from,
        valid_until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menus_map_to_kinds_and_back() {
        for menu in 0..=75u8 {
            let k = OfflinePinKind::from_menu(menu).unwrap();
            assert_eq!(k.menu(), menu);
            let back = if k.is_day_code() {
                OfflinePinKind::days(k.duration_units() as u8)
            } else {
                OfflinePinKind::hours(k.duration_units() as u8, k.one_time())
            };
            assert_eq!(back, Some(k));
        }
        assert_eq!(OfflinePinKind::from_menu(76), None);
        assert_eq!(OfflinePinKind::hours(25, false), None);
        assert_eq!(OfflinePinKind::days(29), None);
    }

    #[test]
    fn at_most_three_candidates_for_any_kind() {
        for menu in 0..=75u8 {
            let k = OfflinePinKind::from_menu(menu).unwrap();
            for s in 0..10 {
                assert!(offline_candidate_units(k, s, 500_000).len() <= 3, "menu {menu}");
            }
        }
    }
}
