//! What a command's firmware step taught the phone about the lock's
//! firmware (recorded with the rest of the command), and the comparison
//! of before and after an update: what the new firmware kept.

use crate::store::{FirmwareRecord, FirmwareRejection, KeptCheck, KeptItem, LockState, UpdateReport};
use crate::unlock::{FirmwareOutcome, HousekeepingResult, UnlockPath};
use latchkey_protocol::{Faults, FirmwareVersion, ResultCode};

/// Records the firmware facts of one command in the lock's state.
pub(super) fn observe(s: &mut LockState, outcome: Option<&FirmwareOutcome>, at: u32) {
    let Some(o) = outcome else {
        return;
    };
    if let Some(info) = &o.info {
        s.life.firmware = Some(FirmwareRecord::from_info(info, at));
    }
    let Some(record) = s.life.firmware.as_mut() else {
        return;
    };
    if let (Some((held, size)), Some(offered)) = (o.held, o.offered) {
        record.download = Some((offered.0, held, size));
    }
    if let Some(version) = o.installed {
        record.version = version.0;
        record.download = None;
    }
    if let (Some(code @ (ResultCode::FirmwareInvalid | ResultCode::FirmwareDowngrade)), Some(offered)) =
        (o.refused, o.offered)
    {
        record.download = None;
        s.life.firmware_rejected = Some(FirmwareRejection {
            version: offered.0,
            code,
            at,
        });
    }
}

/// What the new firmware kept: `before` is the delivery's first look at
/// the lock, `after` the check right after the install, `repairs` what the
/// same session then put back, `path` how the check's command got in (a
/// fast key that stopped working means the lock dropped it; `None`: the
/// command was refused, so that is not known and not reported).
pub(super) fn compare(
    before: &FirmwareOutcome,
    after: &FirmwareOutcome,
    repairs: &HousekeepingResult,
    path: Option<UnlockPath>,
    at: u32,
) -> Option<UpdateReport> {
    let (b_info, b_status) = (before.info.as_ref()?, before.status.as_ref()?);
    let (a_info, a_status) = (after.info.as_ref()?, after.status.as_ref()?);
    let mut checks = Vec::new();
    if let Some(path) = path {
        checks.push(KeptCheck {
            item: KeptItem::KeysAndFastKeys,
            kept: path == UnlockPath::Fast,
            // Every phone authenticates again by itself on its next contact.
            repaired: path != UnlockPath::Fast,
        });
    }
    if b_info.pin_seq > 0 {
        checks.push(KeptCheck {
            item: KeptItem::PinList,
            kept: a_info.pin_seq >= b_info.pin_seq,
            repaired: repairs.pin_seq_acked.is_some_and(|s| s >= b_info.pin_seq),
        });
    }
    if b_status.revocation_seq > 0 {
        checks.push(KeptCheck {
            item: KeptItem::RevocationList,
            kept: a_status.revocation_seq >= b_status.revocation_seq,
            repaired: repairs
                .revocation_seq_acked
                .is_some_and(|s| s >= b_status.revocation_seq),
        });
    }
    if !b_status.faults.has(Faults::CLOCK_UNTRUSTED) {
        checks.push(KeptCheck {
            item: KeptItem::ClockTrust,
            kept: !a_status.faults.has(Faults::CLOCK_UNTRUSTED),
            repaired: repairs.time_set.is_some(),
        });
    }
    checks.push(KeptCheck {
        item: KeptItem::EventLog,
        kept: a_status.epoch == b_status.epoch && a_status.event_head >= b_status.event_head,
        repaired: false,
    });
    for c in &mut checks {
        c.repaired &= !c.kept;
    }
    Some(UpdateReport {
        from: b_info.firmware.0,
        to: a_info.firmware.0,
        at,
        checks,
    })
}

/// What is known when the lock refuses the check after an install with
/// `clock_untrusted`: its new firmware did not keep the clock's trust
/// (nothing else could be read).
pub(super) fn clock_lost(before: &FirmwareOutcome, installed: FirmwareVersion, at: u32) -> Option<UpdateReport> {
    Some(UpdateReport {
        from: before.info.as_ref()?.firmware.0,
        to: installed.0,
        at,
        checks: vec![KeptCheck {
            item: KeptItem::ClockTrust,
            kept: false,
            repaired: false,
        }],
    })
}
