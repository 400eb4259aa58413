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

mod limiter;
mod list;
mod offline;
mod usage;

pub use limiter::{
    keypad_lockout_s, keypad_max_guesses, KeypadLimiter, KEYPAD_FAILURES_BEFORE_LOCKOUT, KEYPAD_LEVEL_RESET_S,
    KEYPAD_LOCKOUT_BASE_S, KEYPAD_LOCKOUT_MAX_S, KEYPAD_STRIKE_FORGIVEN_S,
};
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_validated_and_never_printed() {
        assert!(PinDigits::new("123").is_err());
        assert!(PinDigits::new("123456789").is_err());
        assert!(PinDigits::new("12a4").is_err());
        let d = PinDigits::new("482913").unwrap();
        assert!(!format!("{d:?}").contains("482913"));
    }
}
