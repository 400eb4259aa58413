//! The physical lock: battery, motor, bolt and door sensor, with faults a
//! test can inject. Results say what the hardware did, never what the
//! command hoped for: a stalled motor is `jammed`, not `ok`.

use latchkey_protocol::{BoltState, Command, DoorState, Faults, ResultCode};

/// A hardware condition injected with [`crate::lock::SimLock::inject`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Mechanical binding: the motor stalls on every move (result
    /// `jammed`, bolt `Jammed`, fault `MOTOR_STALL`) until cleared.
    JammedBolt,
    /// The strike plate is misaligned: locking leaves the bolt
    /// `PartiallyThrown` (result `bolt_not_thrown`); unlocking still works.
    MisalignedStrike,
    /// The door opens (door sensor): locking is refused with `door_ajar`.
    DoorOpen,
    /// The door closes.
    DoorClosed,
    /// The battery now reads this many millivolts.
    BatteryMv(u16),
}

/// Battery and door parameters (from [`crate::lock::LockConfig`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct MechanicsConfig {
    pub(crate) full_mv: u16,
    pub(crate) low_mv: u16,
    pub(crate) critical_mv: u16,
    pub(crate) drop_per_actuation_mv: u16,
    pub(crate) door_ajar_limit_ms: u64,
}

/// Something the hardware noticed that belongs in the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HardwareEvent {
    /// The voltage fell below the low threshold (detail: millivolts).
    BatteryLow(u16),
    DoorOpened,
    DoorClosed,
}

#[derive(Debug)]
pub(crate) struct Mechanics {
    cfg: MechanicsConfig,
    bolt: BoltState,
    door: DoorState,
    battery_mv: u16,
    jammed: bool,
    misaligned: bool,
    /// Outcome bits of the last motor move.
    stalled: bool,
    not_thrown: bool,
    /// A lock was refused because the door was open (until it closes).
    refused_while_open: bool,
    door_opened_at_ms: Option<u64>,
    /// Re-armed when the voltage rises above the low threshold again.
    low_reported: bool,
    actuations: u64,
    /// The bolt's end-to-end travel, once calibrated (kept across a reset:
    /// it belongs to the door, not to the owner).
    travel_ms: Option<u16>,
}

/// The reference bolt's travel from fully retracted to fully thrown.
const REFERENCE_TRAVEL_MS: u16 = 640;

impl Mechanics {
    pub(crate) fn new(cfg: MechanicsConfig, battery_mv: u16) -> Self {
        Self {
            cfg,
            bolt: BoltState::Locked,
            door: DoorState::Closed,
            battery_mv,
            jammed: false,
            misaligned: false,
            stalled: false,
            not_thrown: false,
            refused_while_open: false,
            door_opened_at_ms: None,
            low_reported: battery_mv < cfg.low_mv,
            actuations: 0,
            travel_ms: None,
        }
    }

    /// Drives the bolt out and back in to learn its travel (the door's
    /// position does not matter: nothing is locked by it). Ends unlocked.
    pub(crate) fn calibrate(&mut self) -> (ResultCode, u16, Vec<HardwareEvent>) {
        if self.battery_mv < self.cfg.critical_mv {
            return (ResultCode::BatteryCritical, 0, Vec::new());
        }
        self.actuations += 2;
        let events = self.set_battery(self.battery_mv.saturating_sub(2 * self.cfg.drop_per_actuation_mv));
        let code = if self.jammed {
            self.bolt = BoltState::Jammed;
            ResultCode::Jammed
        } else if self.misaligned {
            self.bolt = BoltState::PartiallyThrown;
            ResultCode::BoltNotThrown
        } else {
            self.bolt = BoltState::Unlocked;
            self.travel_ms = Some(REFERENCE_TRAVEL_MS);
            ResultCode::Ok
        };
        self.stalled = code == ResultCode::Jammed;
        self.not_thrown = code == ResultCode::BoltNotThrown;
        let travel = if code.is_ok() { REFERENCE_TRAVEL_MS } else { 0 };
        (code, travel, events)
    }

    /// Whether the bolt's travel is known.
    pub(crate) fn calibrated(&self) -> bool {
        self.travel_ms.is_some()
    }

    /// A lock set up on the bench (the test and demo shortcut
    /// `SimLock::commission`) comes calibrated.
    pub(crate) fn set_calibrated(&mut self) {
        self.travel_ms = Some(REFERENCE_TRAVEL_MS);
    }

    /// Drives the motor for `command` (not for `Status`).
    pub(crate) fn actuate(&mut self, command: Command) -> (ResultCode, Vec<HardwareEvent>) {
        if !command.actuates() {
            return (ResultCode::Ok, Vec::new());
        }
        // Brown-out: the motor's inrush would reset the controller.
        if self.battery_mv < self.cfg.critical_mv {
            return (ResultCode::BatteryCritical, Vec::new());
        }
        let locking = command == Command::Lock;
        if locking && self.door == DoorState::Open {
            self.refused_while_open = true;
            return (ResultCode::DoorAjar, Vec::new());
        }
        self.actuations += 1;
        let (bolt, code) = if self.jammed {
            (BoltState::Jammed, ResultCode::Jammed)
        } else if locking && self.misaligned {
            (BoltState::PartiallyThrown, ResultCode::BoltNotThrown)
        } else if locking {
            (BoltState::Locked, ResultCode::Ok)
        } else {
            (BoltState::Unlocked, ResultCode::Ok)
        };
        self.bolt = bolt;
        self.stalled = code == ResultCode::Jammed;
        self.not_thrown = code == ResultCode::BoltNotThrown;
        let events = self.set_battery(self.battery_mv.saturating_sub(self.cfg.drop_per_actuation_mv));
        (code, events)
    }

    fn set_battery(&mut self, mv: u16) -> Vec<HardwareEvent> {
        self.battery_mv = mv;
        if mv >= self.cfg.low_mv {
            self.low_reported = false;
            return Vec::new();
        }
        if self.low_reported {
            return Vec::new();
        }
        self.low_reported = true;
        vec![HardwareEvent::BatteryLow(mv)]
    }

    /// Applies an injected condition.
    pub(crate) fn inject(&mut self, fault: Fault, now_ms: u64) -> Vec<HardwareEvent> {
        match fault {
            Fault::JammedBolt => self.jammed = true,
            Fault::MisalignedStrike => self.misaligned = true,
            Fault::DoorOpen if self.door != DoorState::Open => {
                self.door = DoorState::Open;
                self.door_opened_at_ms = Some(now_ms);
                return vec![HardwareEvent::DoorOpened];
            }
            Fault::DoorClosed if self.door != DoorState::Closed => {
                self.door = DoorState::Closed;
                self.door_opened_at_ms = None;
                self.refused_while_open = false;
                return vec![HardwareEvent::DoorClosed];
            }
            Fault::DoorOpen | Fault::DoorClosed => {}
            Fault::BatteryMv(mv) => return self.set_battery(mv),
        }
        Vec::new()
    }

    /// A technician freed the bolt and aligned the strike. The bolt's
    /// position is unknown until the next move.
    pub(crate) fn clear_faults(&mut self) {
        self.jammed = false;
        self.misaligned = false;
        self.stalled = false;
        self.not_thrown = false;
        if matches!(self.bolt, BoltState::Jammed | BoltState::PartiallyThrown) {
            self.bolt = BoltState::Unknown;
        }
    }

    /// Fault bits the hardware contributes (everything but the clock).
    pub(crate) fn faults(&self, now_ms: u64) -> u8 {
        let mut bits = 0;
        if self.stalled {
            bits |= Faults::MOTOR_STALL;
        }
        if self.not_thrown {
            bits |= Faults::BOLT_NOT_THROWN;
        }
        let open_too_long = self
            .door_opened_at_ms
            .is_some_and(|t| now_ms.saturating_sub(t) >= self.cfg.door_ajar_limit_ms);
        if self.door == DoorState::Open && (self.refused_while_open || open_too_long) {
            bits |= Faults::DOOR_AJAR;
        }
        if self.battery_mv < self.cfg.low_mv {
            bits |= Faults::BATTERY_LOW;
        }
        if self.battery_mv < self.cfg.critical_mv {
            bits |= Faults::BATTERY_CRITICAL;
        }
        bits
    }

    /// Charge estimate: linear from the critical threshold (0 %) to a
    /// fresh set of cells (100 %).
    pub(crate) fn battery_percent(&self) -> u8 {
        let span = u32::from(self.cfg.full_mv.saturating_sub(self.cfg.critical_mv)).max(1);
        let above = u32::from(self.battery_mv.saturating_sub(self.cfg.critical_mv));
        (above * 100 / span).min(100) as u8
    }

    pub(crate) fn bolt(&self) -> BoltState {
        self.bolt
    }

    pub(crate) fn door(&self) -> DoorState {
        self.door
    }

    pub(crate) fn battery_mv(&self) -> u16 {
        self.battery_mv
    }

    /// Motor moves so far (refusals before the motor ran do not count).
    pub(crate) fn actuations(&self) -> u64 {
        self.actuations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mech() -> Mechanics {
        Mechanics::new(
            MechanicsConfig {
                full_mv: 6000,
                low_mv: 4800,
                critical_mv: 4400,
                drop_per_actuation_mv: 10,
                door_ajar_limit_ms: 60_000,
            },
            6000,
        )
    }

    #[test]
    fn battery_low_is_reported_once_per_crossing() {
        let mut m = mech();
        assert_eq!(m.inject(Fault::BatteryMv(4805), 0), vec![]);
        assert_eq!(m.actuate(Command::Unlock).1, vec![HardwareEvent::BatteryLow(4795)]);
        assert_eq!(m.actuate(Command::Lock).1, vec![]);
        assert_eq!(m.battery_percent(), 24);
    }

    #[test]
    fn door_open_too_long_is_ajar() {
        let mut m = mech();
        m.inject(Fault::DoorOpen, 0);
        assert_eq!(m.faults(59_999) & Faults::DOOR_AJAR, 0);
        assert_ne!(m.faults(60_000) & Faults::DOOR_AJAR, 0);
    }
}
