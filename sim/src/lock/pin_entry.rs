//! [`SimLock`] at the keypad: entering a PIN, and what the keypad's state
//! shows (the installed list's sequence number, a lockout). The checks
//! themselves are the keypad's (`keypad.rs`).

use super::keypad::{KeypadClock, KeypadOutcome};
use super::SimLock;
use latchkey_protocol::pin::KEYPAD_FAILURES_BEFORE_LOCKOUT;
use latchkey_protocol::{Command, EventKind, KeyId, ResultCode};

impl SimLock {
    /// Someone types `digits` on the keypad and presses enter. An accepted
    /// PIN unlocks (the motor runs as for any unlock); every entry that is
    /// checked is logged (`pin_accepted` or `pin_rejected`).
    pub fn enter_pin(&mut self, digits: &str) -> KeypadOutcome {
        let now_ms = self.now_ms();
        if let Some(left_ms) = self.keypad.lockout_left_ms(now_ms) {
            return KeypadOutcome::LockedOut {
                retry_in_s: left_ms.div_ceil(1000) as u32,
            };
        }
        let clock = KeypadClock {
            now: self.lock_time(),
            trusted: self.rtc.trusted(),
            utc_offset_min: self.rtc.utc_offset_min(),
        };
        match self.keypad.check(digits, clock) {
            Ok(pin) => {
                // Detail: strikes still counted, so refused entries just
                // before a valid PIN stay visible to the host.
                let strikes = self.keypad.limiter.strikes(now_ms) as u16;
                let (result, hardware) = self.mech.actuate(Command::Unlock);
                self.record(EventKind::PinAccepted, pin.event_key_id(), result as u8, strikes);
                self.record_hardware(&hardware);
                KeypadOutcome::Accepted { pin, result }
            }
            Err((reason, pin)) => {
                let lockout = self.keypad.limiter.refused(now_ms);
                let key_id = pin.map_or(KeyId::default(), |p| p.event_key_id());
                // Detail: strikes counted with this one (5: it locked out).
                let strikes = match lockout {
                    Some(_) => KEYPAD_FAILURES_BEFORE_LOCKOUT,
                    None => self.keypad.limiter.strikes(now_ms),
                };
                self.record(EventKind::PinRejected, key_id, reason as u8, strikes as u16);
                if let Some(seconds) = lockout {
                    let code = ResultCode::KeypadLockedOut as u8;
                    self.record(EventKind::KeypadLockout, KeyId::default(), code, seconds as u16);
                }
                KeypadOutcome::Refused { reason }
            }
        }
    }

    /// Sequence number of the installed PIN list (0: none).
    pub fn pin_seq(&self) -> u32 {
        self.keypad.pin_seq()
    }

    /// Whether the keypad is locked out now.
    pub fn keypad_locked_out(&self) -> bool {
        self.keypad.lockout_left_ms(self.now_ms()).is_some()
    }
}
