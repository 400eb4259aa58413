//! The lock and the key: credential state, the last failure, battery,
//! bolt and door, clock, signal, revocation drift.

use super::Draft;
use crate::diagnostics::kinds::{FindingArea, Severity};
use crate::diagnostics::observations::{BatteryTrend, KeyState, LockObservations};
use crate::diagnostics::snapshot::PlatformSnapshot;
use crate::diagnostics::FindingCode as C;
use latchkey_protocol::{BoltState, DoorState, ResultCode};

/// A key expiring within this many seconds is reported as expiring soon.
pub(crate) const EXPIRING_SOON_S: u32 = 3 * 86_400;
/// At or below this signal strength (dBm) connecting gets unreliable.
pub(crate) const WEAK_SIGNAL_DBM: i16 = -85;
/// A lock clock further off than this (seconds) is reported.
pub(crate) const CLOCK_SKEW_REPORT_S: i64 = 300;

pub(super) fn rules(obs: &LockObservations, snapshot: &PlatformSnapshot, out: &mut Vec<Draft>) {
    key(obs, snapshot, out);
    last_error(obs, snapshot, out);
    power(obs, out);
    mechanics(obs, out);
    if obs.clock.trusted == Some(false) {
        out.push(Draft::new(C::ClockUntrusted));
    } else if let Some(skew) = obs.clock.skew_s.filter(|s| s.abs() > CLOCK_SKEW_REPORT_S) {
        out.push(Draft::new(C::LockClockSkewed).arg("skew_s", skew));
    }
    if let Some(seen) = obs.last_seen.filter(|s| s.rssi <= WEAK_SIGNAL_DBM) {
        out.push(Draft::new(C::WeakSignal).arg("rssi", seen.rssi));
    }
    if obs.factory_reset_detected {
        out.push(Draft::new(C::LockFactoryReset));
    }
    if obs.pins.drift() {
        out.push(Draft::new(C::PinDrift).arg("changes", obs.pins.pending_changes.join("; ")));
    }
    let r = obs.revocation;
    if r.drift() {
        out.push(
            Draft::new(C::RevocationDrift)
                .arg("phone_seq", r.phone_seq.unwrap_or(0))
                .arg("lock_seq", r.lock_seq.unwrap_or(0)),
        );
    }
}

fn key(obs: &LockObservations, snapshot: &PlatformSnapshot, out: &mut Vec<Draft>) {
    let k = &obs.key;
    let code = match k.state {
        KeyState::Unknown => return,
        KeyState::Valid => {
            if k.offline_allowed == Some(false) && snapshot.network.online == Some(false) {
                out.push(Draft::new(C::KeyNotOfflineAllowed));
            }
            if let (Some(expires), Some(now)) = (k.expires_at, obs.observed_at) {
                if expires.saturating_sub(now) < EXPIRING_SOON_S {
                    out.push(Draft::new(C::KeyExpiringSoon).arg("expires_at", expires));
                }
            }
            return;
        }
        KeyState::NoKey => C::NoKey,
        KeyState::UnknownLock => C::UnknownLock,
        KeyState::Expired => C::KeyExpired,
        KeyState::NotYetValid => C::KeyNotYetValid,
        KeyState::OutsideSchedule => C::OutsideSchedule,
        KeyState::Revoked => C::KeyRevoked,
        KeyState::WrongLock => C::WrongLock,
        KeyState::Rejected => C::KeyRejected,
    };
    let mut draft = Draft::new(code);
    if let Some(expires) = k.expires_at {
        draft = draft.arg("expires_at", expires);
    }
    out.push(draft);
}

/// The last failure adds what the current facts can't show, and is
/// dropped where they show it is stale.
fn last_error(obs: &LockObservations, snapshot: &PlatformSnapshot, out: &mut Vec<Draft>) {
    let Some(error) = obs.last_error else {
        return;
    };
    let code = C::from_diagnosis(error.diagnosis);
    let key_known = obs.key.state != KeyState::Unknown;
    let draft = match code.area() {
        // The snapshot is fresher than an old "Bluetooth is off".
        FindingArea::Phone if code != C::Storage && snapshot.device.radio_state_known() => return,
        FindingArea::Key => {
            let judged_by_lock_clock = matches!(
                error.lock_result,
                Some(ResultCode::KeyExpired | ResultCode::KeyNotYetValid | ResultCode::OutsideSchedule)
            );
            match (obs.key.state, code) {
                // Valid by the phone's clock, refused by the lock's clock:
                // the lock's clock is wrong, not the key.
                (KeyState::Valid, _) if judged_by_lock_clock => {
                    Draft::new(C::LockClockSkewed).severity(Severity::BlocksUnlock)
                }
                // Only the lock can know these, or (a role the command is
                // not for) a valid key can't show them.
                (_, C::KeyRevoked | C::WrongLock | C::KeyRejected | C::RoleNotAllowed | C::KeypadLockedOut) => {
                    Draft::new(code)
                }
                (_, C::KeyNotOfflineAllowed) if snapshot.network.online == Some(true) => return,
                _ if key_known => return,
                _ => Draft::new(code),
            }
        }
        FindingArea::Mechanics if code == C::DoorAjar && obs.mechanics.door == Some(DoorState::Closed) => return,
        _ => Draft::new(code),
    };
    out.push(draft);
}

fn power(obs: &LockObservations, out: &mut Vec<Draft>) {
    let Some(b) = obs.battery else {
        return;
    };
    let with_percent = |d: Draft| match b.percent {
        Some(p) => d.arg("percent", p),
        None => d,
    };
    if b.critical {
        out.push(with_percent(Draft::new(C::BatteryCritical)));
    } else if b.low && stalled(obs) {
        // A weak battery can't drive the motor to the end: that looks like
        // a jam, so it comes first.
        out.push(with_percent(Draft::new(C::BatteryTooWeakForMotor)));
    } else if b.low {
        out.push(with_percent(Draft::new(C::BatteryLow)));
    }
    if b.trend == BatteryTrend::FallingFast {
        out.push(with_percent(Draft::new(C::BatteryDrainingFast)));
    }
}

fn stalled(obs: &LockObservations) -> bool {
    let m = &obs.mechanics;
    m.motor_stall
        || m.bolt == Some(BoltState::Jammed)
        || obs
            .last_error
            .is_some_and(|e| e.diagnosis == crate::error::DiagnosisCode::LockJammed)
}

fn mechanics(obs: &LockObservations, out: &mut Vec<Draft>) {
    let m = &obs.mechanics;
    if m.door_ajar {
        out.push(Draft::new(C::DoorAjar));
    }
    if m.motor_stall || m.bolt == Some(BoltState::Jammed) {
        out.push(Draft::new(C::LockJammed));
    }
    if m.bolt_not_thrown || m.bolt == Some(BoltState::PartiallyThrown) {
        out.push(Draft::new(C::BoltNotThrown));
    }
}
