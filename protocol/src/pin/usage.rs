//! How a PIN event names the PIN it is about, without its digits.

use super::PinClass;
use crate::events::{EventKind, LockEvent};
use crate::ids::KeyId;

/// Which PIN an entry matched, as logged in a PIN event's key id field:
/// byte 0 the source (1 commissioning master, 2 list slot, 3 offline PIN);
/// for a slot, byte 1 its number, byte 2 its class and bytes 4–7 the list
/// seq; for an offline PIN, byte 1 its menu and bytes 4–7 its start unit.
/// Never any digits, salt or hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinUse {
    /// The master PIN set at commissioning.
    CommissioningMaster,
    /// A slot of the installed list.
    Slot {
        /// Its number.
        slot: u8,
        /// Its class.
        class: PinClass,
        /// The seq of the list it came from.
        list_seq: u32,
    },
    /// An offline time-bound PIN.
    Offline {
        /// Its menu digits (`MM`).
        menu: u8,
        /// Its start unit (local hour or day number).
        start_unit: u32,
    },
}

impl PinUse {
    /// The key id field of a PIN event.
    pub fn event_key_id(&self) -> KeyId {
        let mut id = [0u8; 8];
        match *self {
            Self::CommissioningMaster => id[0] = 1,
            Self::Slot { slot, class, list_seq } => {
                id[..3].copy_from_slice(&[2, slot, class as u8]);
                id[4..].copy_from_slice(&list_seq.to_be_bytes());
            }
            Self::Offline { menu, start_unit } => {
                id[..2].copy_from_slice(&[3, menu]);
                id[4..].copy_from_slice(&start_unit.to_be_bytes());
            }
        }
        KeyId(id)
    }

    /// The PIN a `pin_accepted` or `pin_rejected` event names (`None` for
    /// other kinds, or a rejected entry that matched nothing).
    pub fn from_event(event: &LockEvent) -> Option<Self> {
        if !matches!(event.kind, EventKind::PinAccepted | EventKind::PinRejected) {
            return None;
        }
        let b = event.key_id.0;
        let tail = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
        match b[0] {
            1 => Some(Self::CommissioningMaster),
            2 => Some(Self::Slot {
                slot: b[1],
                class: PinClass::from_bits(b[2])?,
                list_seq: tail,
            }),
            3 => Some(Self::Offline {
                menu: b[1],
                start_unit: tail,
            }),
            _ => None,
        }
    }
}
