//! The decisions shared by AUTH, FAST and in-session actuation once a
//! request has authenticated: stored outcomes, credential checks against
//! the lock's own clock and lists, running the motor, logging.

use super::credentials::StoredOutcome;
use super::SimLock;
use latchkey_protocol::{Command, CommandId, DigitalKey, EventKind, KeyId, ResultCode};

impl SimLock {
    /// The outcome stored for an earlier identical command, if any: the
    /// caller answers with it and does not actuate again.
    /// Looking it up does not keep it in the bounded store longer.
    pub(super) fn stored_outcome(&self, key_id: &KeyId, command_id: &CommandId) -> Option<StoredOutcome> {
        self.creds.outcomes.peek(&(*key_id, *command_id)).copied()
    }

    /// Credential checks after authentication, in this order: revocation,
    /// trusted clock, validity window and schedule (by the lock's RTC and
    /// local-time offset), role. No signature is involved: the
    /// certificate was verified when it entered the cache or fast table.
    pub(super) fn authorize(&self, cert: &DigitalKey, command: Command) -> Result<(), ResultCode> {
        if self.creds.is_revoked(&cert.key_id()) {
            return Err(ResultCode::KeyRevoked);
        }
        let time_limited = cert.grant.not_after != u32::MAX || cert.grant.schedule.is_some();
        if self.rtc.trusted() {
            cert.check_time(self.lock_time(), self.rtc.utc_offset_min())?;
        } else if time_limited {
            return Err(ResultCode::ClockUntrusted);
        }
        if !cert.grant.role.may(command) {
            return Err(ResultCode::RoleNotAllowed);
        }
        Ok(())
    }

    /// Carries out an authorized command: runs the motor, stores the
    /// outcome under (key id, command id) and logs it. `Status` neither
    /// moves nor is stored (there is nothing to protect from a repeat).
    pub(super) fn execute(&mut self, key_id: KeyId, command: Command, command_id: CommandId) -> ResultCode {
        let (code, hardware) = self.mech.actuate(command);
        if command.actuates() {
            self.creds
                .outcomes
                .insert((key_id, command_id), StoredOutcome { command, code });
            let kind = match (code, command) {
                (ResultCode::Ok, Command::Lock) => EventKind::Locked,
                (ResultCode::Ok, Command::Unlatch) => EventKind::Unlatched,
                (ResultCode::Ok, _) => EventKind::Unlocked,
                (ResultCode::Jammed, _) => EventKind::Jammed,
                (ResultCode::BoltNotThrown, _) => EventKind::BoltNotThrown,
                // Door ajar, brown-out: the command was refused by the
                // hardware; `result` says why.
                _ => EventKind::AccessDenied,
            };
            self.record(kind, key_id, code as u8, u16::from(command as u8));
        }
        self.record_hardware(&hardware);
        code
    }

    /// Logs an authenticated refusal.
    pub(super) fn deny(&mut self, key_id: KeyId, command: Command, code: ResultCode) {
        self.record(EventKind::AccessDenied, key_id, code as u8, u16::from(command as u8));
    }
}
