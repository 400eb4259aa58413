//! Linux: the BlueZ stack's state.

use super::Draft;
use crate::diagnostics::kinds::PlatformAction;
use crate::diagnostics::snapshot::{BluezState, LinuxSnapshot};
use crate::diagnostics::FindingCode as C;

pub(super) fn rules(s: &LinuxSnapshot, out: &mut Vec<Draft>) {
    let draft = match s.bluez {
        BluezState::NoSystemBus => Draft::new(C::LinuxNoSystemBus),
        BluezState::BluetoothdMissing => Draft::new(C::LinuxBluetoothServiceMissing),
        BluezState::AdapterAbsent => Draft::new(C::LinuxAdapterMissing),
        BluezState::PoweredOff => Draft::new(C::BluetoothOff),
        BluezState::RfkillBlocked => {
            let draft = Draft::new(C::LinuxRfkillBlocked);
            // A hardware switch: no settings screen can undo it.
            if s.rfkill_hard_blocked == Some(true) {
                draft.action(PlatformAction::None)
            } else {
                draft
            }
        }
        BluezState::NotReady => Draft::new(C::BluetoothStarting),
        BluezState::Ready | BluezState::Unknown => return,
    };
    out.push(draft);
}
