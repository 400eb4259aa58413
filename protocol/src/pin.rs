//! Keypad PIN codes: the digits a person types on the lock's keypad, how
//! the lock stores them (salted hashes only), the issuer-signed list that
//! manages them ([`PinList`]), the offline time-bound codes a host derives
//! with no network ([`offline_pin`]), and the keypad's attempt limiting.
//!
//! Two kinds of code share one keypad and never collide:
//!
//! - **managed PINs**, 4–8 digits, each in a slot of the lock's [`PinList`]
//!   (or the master PIN set at commissioning);
//! - **offline PINs**, exactly 9 digits `MM S CCCCCC`, checked against the
//!   PIN secret shared at commissioning (see [`OfflinePinKind`]).
//!
//! Slots hold a salted hash keyed with the lock's PIN secret
//! ([`pin_hash`]), never the digits. The key matters because phones carry
//! the list: with a plain salted hash, any guest phone could try all 10⁸
//! PINs against every slot (the master's too) in seconds; without the
//! secret it cannot. On the lock the secret and the hashes sit side by
//! side, so a flash dump can still be brute-forced offline: flash read-out
//! protection still matters.

mod list;
mod offline;
mod usage;

pub use list::{PinClass, PinList, PinRule, PinSlot, PinSlotChange};
pub use offline::{
    local_unit, match_offline_pin, offline_candidate_units, offline_pin, plan_offline_pin, OfflinePin,
    OfflinePinCandidate, OfflinePinKind, PinSecret, OFFLINE_PIN_LEN,
};
pub use usage::PinUse;

use crate::crypto::{ct_eq, mac16};
use crate::error::{ProtocolError, Result};

/// Digits typed on a keypad for a managed PIN (4–8 ASCII digits). Its
/// `Debug` never prints the digits.
#[derive(Clone, PartialEq, Eq)]
pub struct PinDigits(String);

impl std::fmt::Debug for PinDigits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PinDigits({} digits)", self.0.len())
    }
}

impl PinDigits {
    /// Fewest digits a managed PIN may have.
    pub const MIN_LEN: usize = 4;
    /// Most digits a managed PIN may have (9 digits are offline PINs).
    pub const MAX_LEN: usize = 8;

    /// Validates 4–8 ASCII digits.
    pub fn new(digits: &str) -> Result<Self> {
        let ok_len = (Self::MIN_LEN..=Self::MAX_LEN).contains(&digits.len());
        if !ok_len || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ProtocolError::InvalidField {
                what: "PIN",
                field: "digits",
                reason: "a managed PIN is 4 to 8 digits",
            });
        }
        Ok(Self(digits.to_string()))
    }

    /// The digits (secret: never log them).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a PIN is stored: `HMAC-SHA256(key = the lock's PIN secret,
/// "latchkey/v1/pin-slot" ‖ salt (16) ‖ the ASCII digits)`, truncated to 16
/// bytes. The salt is random per slot, so one PIN looks different in every
/// slot, list and lock.
pub fn pin_hash(secret: &PinSecret, salt: &[u8; 16], digits: &str) -> [u8; 16] {
    mac16(&secret.0, &[b"latchkey/v1/pin-slot", salt, digits.as_bytes()])
}

/// Whether `digits` hash to `hash` (constant-time compare).
pub fn pin_matches(secret: &PinSecret, salt: &[u8; 16], hash: &[u8; 16], digits: &str) -> bool {
    ct_eq(&pin_hash(secret, salt, digits), hash)
}

/// Consecutive refused entries after which the keypad locks out.
pub const KEYPAD_FAILURES_BEFORE_LOCKOUT: u32 = 5;
/// Length of the first lockout, in seconds.
pub const KEYPAD_LOCKOUT_BASE_S: u32 = 60;
/// Longest lockout, in seconds (each further failed batch doubles the
/// previous one up to this).
pub const KEYPAD_LOCKOUT_MAX_S: u32 = 3_600;

/// Length of lockout number `level` (0 for the first since the last
/// accepted entry): 60 s, 120 s, 240 s, … capped at one hour.
pub fn keypad_lockout_s(level: u32) -> u32 {
    let doubled = u64::from(KEYPAD_LOCKOUT_BASE_S) << level.min(32);
    doubled.min(u64::from(KEYPAD_LOCKOUT_MAX_S)) as u32
}

/// The most codes an attacker can try within `window_s` seconds against the
/// lockout schedule, typing instantly and starting with a clean keypad: a
/// batch of [`KEYPAD_FAILURES_BEFORE_LOCKOUT`] whenever the keypad is open.
/// This is the figure the brute-force margin in `docs/protocol.md` uses.
pub fn keypad_max_guesses(window_s: u64) -> u64 {
    let mut guesses = 0u64;
    let mut t = 0u64;
    let mut level = 0u32;
    while t < window_s {
        guesses += u64::from(KEYPAD_FAILURES_BEFORE_LOCKOUT);
        t += u64::from(keypad_lockout_s(level));
        level = level.saturating_add(1);
    }
    guesses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_doubles_up_to_an_hour() {
        let s: Vec<u32> = (0..9).map(keypad_lockout_s).collect();
        assert_eq!(s, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(keypad_lockout_s(u32::MAX), 3600);
    }

    #[test]
    fn digits_are_validated_and_never_printed() {
        assert!(PinDigits::new("123").is_err());
        assert!(PinDigits::new("123456789").is_err());
        assert!(PinDigits::new("12a4").is_err());
        let d = PinDigits::new("482913").unwrap();
        assert!(!format!("{d:?}").contains("482913"));
    }
}
