//! The simulated locks' keypads and batteries, for tests of the PIN and
//! troubleshooting APIs: the authority's PIN secret and signed PIN lists
//! (what the cloud would send a host's phone), typing a code on the
//! keypad, and setting the battery voltage.

use super::error::{invalid, SimulationError};
use super::SimulatedWorld;
use latchkey_protocol::{PinClass, PinDigits, PinRule};
use latchkey_sim::lock::{Fault, KeypadOutcome};

/// A resident's PIN for [`SimulatedWorld::pin_list`]: always valid.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SimulatedPin {
    /// The slot number (unique in a list).
    pub slot: u8,
    /// 4–8 digits.
    pub digits: String,
}

/// What the keypad did with a typed code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SimulatedKeypadOutcome {
    /// Accepted; the motor ran with this result (`ok`, `jammed`, …).
    Accepted {
        /// The motor's result code name.
        result: String,
    },
    /// Refused, with the reason's result code name (`pin_not_recognized`, …).
    Refused {
        /// Why.
        reason: String,
    },
    /// The keypad is locked out.
    LockedOut {
        /// Seconds until it takes entries again.
        retry_in_s: u32,
    },
}

#[uniffi::export]
impl SimulatedWorld {
    /// The lock's PIN secret (32 bytes), as the cloud gives it to a host's
    /// phone (`pins().addPinSecret`).
    pub fn pin_secret(&self, lock_id: String) -> Result<Vec<u8>, SimulationError> {
        let lock = self.handle(&lock_id)?;
        let secret = self.world().authority.pin_secret(&lock.id()).map_err(invalid)?;
        Ok(secret.0.to_vec())
    }

    /// Signs PIN list `seq` for the lock holding `pins`; returns its wire
    /// encoding (for `pins().addPinList`).
    pub fn pin_list(&self, lock_id: String, seq: u32, pins: Vec<SimulatedPin>) -> Result<Vec<u8>, SimulationError> {
        let lock = self.handle(&lock_id)?;
        let authority = &self.world().authority;
        let slots = pins
            .iter()
            .map(|p| {
                let digits = PinDigits::new(&p.digits).map_err(invalid)?;
                let rule = PinRule::always(PinClass::User);
                authority.pin_slot(&lock.id(), p.slot, &digits, rule).map_err(invalid)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let list = authority
            .pin_list(lock.id(), seq, self.now_unix(), 0, slots)
            .map_err(invalid)?;
        Ok(list.encode())
    }

    /// Someone types `digits` on the lock's keypad and presses enter.
    pub fn enter_pin(&self, lock_id: String, digits: String) -> Result<SimulatedKeypadOutcome, SimulationError> {
        let outcome = self.handle(&lock_id)?.lock().enter_pin(&digits);
        Ok(match outcome {
            KeypadOutcome::Accepted { result, .. } => SimulatedKeypadOutcome::Accepted {
                result: result.name().to_string(),
            },
            KeypadOutcome::Refused { reason } => SimulatedKeypadOutcome::Refused {
                reason: reason.name().to_string(),
            },
            KeypadOutcome::LockedOut { retry_in_s } => SimulatedKeypadOutcome::LockedOut { retry_in_s },
        })
    }

    /// Sets the lock's battery voltage (a new lock reads about 6000 mV;
    /// low and critical thresholds come from its configuration).
    pub fn set_battery_millivolts(&self, lock_id: String, millivolts: u16) -> Result<(), SimulationError> {
        self.handle(&lock_id)?.lock().inject(Fault::BatteryMv(millivolts));
        Ok(())
    }
}
