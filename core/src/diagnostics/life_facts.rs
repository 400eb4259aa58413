//! The lock's life as the store knows it, for [`super::LockObservations`]:
//! the last advertisement (no owner, lists asked for), another account's
//! claim, the firmware and what the last update dropped that is still
//! missing.

use super::observations::LifeObservation;
use crate::store::{KeptItem, LockState};
use latchkey_protocol::{Advertisement, Faults, FirmwareVersion};

/// The lock's life facts from what the store holds of it.
pub(crate) fn life_facts(state: &LockState) -> LifeObservation {
    let ad = state.last_seen.map(|s| (s.advertisement, s.seen_at));
    // A PIN list the lock confirmed after that advertisement (pushed in the
    // same visit) answered its request.
    let answered = |seen_at: u32| state.pin_ack.is_some_and(|a| a.acknowledged_at >= seen_at);
    let asks_for_lists = ad.is_some_and(|(a, at)| a.has(Advertisement::NEEDS_LISTS) && !answered(at));
    let mut lost: Vec<KeptItem> = Vec::new();
    if let Some(update) = &state.life.last_update {
        let seen_since = ad.is_some_and(|(_, at)| at >= update.at);
        // Only an answer from after the update's check speaks for its
        // clock (the delivery's own answers may share its second).
        let clock_trusted = state
            .current_status()
            .filter(|(_, at)| *at > update.at)
            .map(|(status, _)| !status.faults.has(Faults::CLOCK_UNTRUSTED));
        for item in update.unrepaired() {
            let still_missing = match item {
                // The lock's own advertisement says whether it still lacks it.
                KeptItem::PinList => !seen_since || asks_for_lists,
                KeptItem::ClockTrust => clock_trusted != Some(true),
                KeptItem::RevocationList => true,
                // Phones authenticate again by themselves; a log is not
                // something a phone can put back.
                KeptItem::KeysAndFastKeys | KeptItem::EventLog => false,
            };
            if still_missing {
                lost.push(item);
            }
        }
    }
    if asks_for_lists && !lost.contains(&KeptItem::PinList) {
        lost.push(KeptItem::PinList);
    }
    let firmware = state.life.firmware;
    LifeObservation {
        unclaimed: ad.is_some_and(|(a, _)| a.has(Advertisement::UNCLAIMED)),
        claimed_elsewhere: state.life.claimed_elsewhere_at.is_some(),
        firmware: firmware.map(|f| FirmwareVersion(f.version).to_string()),
        update_held: firmware
            .and_then(|f| f.download)
            .map(|(_, held, size)| (held, size))
            .filter(|(held, size)| held < size && *held > 0),
        update_rejected: state.life.firmware_rejected.map(|r| r.code.name().to_string()),
        credentials_lost: lost.iter().map(|i| i.name().to_string()).collect(),
    }
}
