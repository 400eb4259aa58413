//! The lock's state as it reports it: bolt, door, battery, faults, clock,
//! revocation and event positions.

use crate::codec::{Reader, Writer};
use crate::error::Result;

/// Where the bolt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum BoltState {
    /// Not known (just booted, or between positions).
    Unknown = 0,
    /// Thrown fully: the door is locked.
    Locked = 1,
    /// Retracted: the door is unlocked.
    Unlocked = 2,
    /// The motor stalled; the bolt is stuck.
    Jammed = 3,
    /// The bolt went out only part-way (strike plate misaligned).
    PartiallyThrown = 4,
}

impl BoltState {
    /// Decodes a bolt state byte.
    pub fn from_u8(v: u8) -> Option<Self> {
        [
            Self::Unknown,
            Self::Locked,
            Self::Unlocked,
            Self::Jammed,
            Self::PartiallyThrown,
        ]
        .get(usize::from(v))
        .copied()
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        Self::from_u8(r.u8("bolt")?).ok_or_else(|| r.invalid("bolt", "unknown bolt state"))
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Locked => "locked",
            Self::Unlocked => "unlocked",
            Self::Jammed => "jammed",
            Self::PartiallyThrown => "partially_thrown",
        }
    }
}

/// What the door sensor says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum DoorState {
    /// No door sensor, or not calibrated.
    Unknown = 0,
    /// Closed.
    Closed = 1,
    /// Open.
    Open = 2,
}

impl DoorState {
    /// Decodes a door state byte.
    pub fn from_u8(v: u8) -> Option<Self> {
        [Self::Unknown, Self::Closed, Self::Open].get(usize::from(v)).copied()
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        Self::from_u8(r.u8("door")?).ok_or_else(|| r.invalid("door", "unknown door state"))
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Closed => "closed",
            Self::Open => "open",
        }
    }
}

/// Fault bits (a set: several can be true at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Faults(pub u8);

impl Faults {
    /// The motor stalled on the last actuation.
    pub const MOTOR_STALL: u8 = 1 << 0;
    /// The bolt did not reach its end position on the last lock.
    pub const BOLT_NOT_THROWN: u8 = 1 << 1;
    /// The door has been open longer than the lock's ajar limit.
    pub const DOOR_AJAR: u8 = 1 << 2;
    /// The battery is low: replace soon.
    pub const BATTERY_LOW: u8 = 1 << 3;
    /// The battery is too weak to actuate.
    pub const BATTERY_CRITICAL: u8 = 1 << 4;
    /// The clock was lost (power loss) and not re-set from a trusted token.
    pub const CLOCK_UNTRUSTED: u8 = 1 << 5;
    /// The keypad is locked out after repeated wrong PIN entries.
    pub const KEYPAD_LOCKED: u8 = 1 << 6;

    /// Whether `bit` is set.
    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }

    /// The snake_case names of the bits set, lowest bit first.
    pub fn names(self) -> Vec<&'static str> {
        const NAMES: [&str; 7] = [
            "motor_stall",
            "bolt_not_thrown",
            "door_ajar",
            "battery_low",
            "battery_critical",
            "clock_untrusted",
            "keypad_locked",
        ];
        (0..NAMES.len())
            .filter(|i| self.has(1 << i))
            .map(|i| NAMES[i])
            .collect()
    }
}

/// A full status report (22 bytes on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockStatus {
    /// Bolt position.
    pub bolt: BoltState,
    /// Door sensor.
    pub door: DoorState,
    /// Battery voltage in millivolts.
    pub battery_mv: u16,
    /// Battery charge estimate, 0–100.
    pub battery_percent: u8,
    /// Fault bits.
    pub faults: Faults,
    /// The lock's clock (unix seconds).
    pub lock_time: u32,
    /// Sequence number of the revocation list the lock holds.
    pub revocation_seq: u32,
    /// Sequence number of the newest event in the lock's log (0: none).
    pub event_head: u32,
    /// Bumped by every factory reset.
    pub epoch: u32,
}

impl LockStatus {
    /// Length on the wire.
    pub const LEN: usize = 22;

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.put_u8(self.bolt as u8);
        out.put_u8(self.door as u8);
        out.put_u16(self.battery_mv);
        out.put_u8(self.battery_percent);
        out.put_u8(self.faults.0);
        out.put_u32(self.lock_time);
        out.put_u32(self.revocation_seq);
        out.put_u32(self.event_head);
        out.put_u32(self.epoch);
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let bolt = BoltState::read(r)?;
        let door = DoorState::read(r)?;
        let battery_mv = r.u16("battery_mv")?;
        let battery_percent = r.u8("battery_percent")?;
        if battery_percent > 100 {
            return Err(r.invalid("battery_percent", "above 100"));
        }
        Ok(Self {
            bolt,
            door,
            battery_mv,
            battery_percent,
            faults: Faults(r.u8("faults")?),
            lock_time: r.u32("lock_time")?,
            revocation_seq: r.u32("revocation_seq")?,
            event_head: r.u32("event_head")?,
            epoch: r.u32("epoch")?,
        })
    }

    /// The compact form carried by a fast result: bolt (3 bits) and door
    /// (2 bits) in one byte, battery percent, faults.
    pub fn compact(&self) -> CompactStatus {
        CompactStatus {
            bolt: self.bolt,
            door: self.door,
            battery_percent: self.battery_percent,
            faults: self.faults,
        }
    }
}

/// The 3-byte status in a fast result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactStatus {
    /// Bolt position.
    pub bolt: BoltState,
    /// Door sensor.
    pub door: DoorState,
    /// Battery charge estimate, 0–100.
    pub battery_percent: u8,
    /// Fault bits.
    pub faults: Faults,
}

impl CompactStatus {
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.put_u8(self.bolt as u8 | (self.door as u8) << 3);
        out.put_u8(self.battery_percent);
        out.put_u8(self.faults.0);
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let packed = r.u8("bolt_door")?;
        if packed >> 5 != 0 {
            return Err(r.invalid("bolt_door", "reserved bits must be zero"));
        }
        let bolt = BoltState::from_u8(packed & 0b111).ok_or_else(|| r.invalid("bolt_door", "unknown bolt state"))?;
        let door = DoorState::from_u8(packed >> 3).ok_or_else(|| r.invalid("bolt_door", "unknown door state"))?;
        let battery_percent = r.u8("battery_percent")?;
        if battery_percent > 100 {
            return Err(r.invalid("battery_percent", "above 100"));
        }
        Ok(Self {
            bolt,
            door,
            battery_percent,
            faults: Faults(r.u8("faults")?),
        })
    }
}

/// What a command asks the lock to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Command {
    /// Retract the bolt.
    Unlock = 1,
    /// Throw the bolt.
    Lock = 2,
    /// Retract the bolt and pull the latch (door opens on push).
    Unlatch = 3,
    /// Authenticate and report status only; opens a session for follow-on
    /// commands (events, revocations, time).
    Status = 4,
}

impl Command {
    /// Decodes a command byte.
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            1 => Some(Self::Unlock),
            2 => Some(Self::Lock),
            3 => Some(Self::Unlatch),
            4 => Some(Self::Status),
            _ => None,
        }
    }

    /// Whether the command moves the bolt.
    pub fn actuates(self) -> bool {
        !matches!(self, Self::Status)
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Command::Unlock => "unlock",
            Command::Lock => "lock",
            Command::Unlatch => "unlatch",
            Command::Status => "status",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Faults;

    #[test]
    fn fault_names_follow_the_bits() {
        assert!(Faults(0).names().is_empty());
        assert_eq!(
            Faults(Faults::MOTOR_STALL | Faults::BATTERY_LOW).names(),
            ["motor_stall", "battery_low"]
        );
        assert_eq!(Faults(0x7f).names().len(), 7);
        assert_eq!(Faults(0x80).names(), Vec::<&str>::new(), "an unknown bit has no name");
    }
}
