//! Findings from what the phone knows about the lock and the key: key
//! states, the last failure (and when it is stale), battery, bolt and door,
//! clock, signal, revocation drift.

mod diagnostics_common;

use diagnostics_common::{android, codes, NOW};
use latchkey_core::diagnostics::{
    diagnose, explain, AdapterState, BatteryObservation, BatteryTrend, FindingArea, FindingCode as C, KeyState,
    LastError, LastSeen, LockObservations, PlatformAction as A, Severity,
};
use latchkey_core::DiagnosisCode as D;
use latchkey_protocol::{BoltState, DoorState, ResultCode};

fn obs(change: impl FnOnce(&mut LockObservations)) -> LockObservations {
    let mut o = LockObservations {
        observed_at: Some(NOW),
        ..LockObservations::default()
    };
    o.key.state = KeyState::Valid;
    o.key.offline_allowed = Some(true);
    o.key.expires_at = Some(NOW + 30 * 86_400);
    change(&mut o);
    o
}

fn first(o: &LockObservations) -> (C, A) {
    let findings = diagnose(&android(31, |_| {}), o);
    let f = findings.first().unwrap_or_else(|| panic!("no finding for {o:?}"));
    (f.code, f.action)
}

#[test]
fn each_key_state_has_its_finding() {
    let table = [
        (KeyState::NoKey, C::NoKey, A::AskAdministrator),
        (KeyState::UnknownLock, C::UnknownLock, A::SyncWhenOnline),
        (KeyState::Expired, C::KeyExpired, A::AskAdministrator),
        (KeyState::NotYetValid, C::KeyNotYetValid, A::None),
        (KeyState::OutsideSchedule, C::OutsideSchedule, A::None),
        (KeyState::Revoked, C::KeyRevoked, A::AskAdministrator),
        (KeyState::WrongLock, C::WrongLock, A::AskAdministrator),
        (KeyState::Rejected, C::KeyRejected, A::AskAdministrator),
    ];
    for (state, code, action) in table {
        assert_eq!(first(&obs(|o| o.key.state = state)), (code, action), "{state:?}");
    }
    assert!(diagnose(&android(31, |_| {}), &obs(|_| {})).is_empty());
}

#[test]
fn a_key_problem_comes_before_bluetooth_because_the_phone_checks_it_first() {
    let s = android(31, |a| a.adapter = Some(AdapterState::Off));
    let found = codes(&diagnose(&s, &obs(|o| o.key.state = KeyState::Expired)));
    assert_eq!(found, vec![C::KeyExpired, C::BluetoothOff]);
}

#[test]
fn an_online_only_key_blocks_only_while_offline() {
    let online_only = obs(|o| o.key.offline_allowed = Some(false));
    assert!(diagnose(&android(31, |_| {}), &online_only).is_empty());
    let mut offline = android(31, |_| {});
    offline.network.online = Some(false);
    let found = codes(&diagnose(&offline, &online_only));
    assert_eq!(found, vec![C::KeyNotOfflineAllowed, C::NetworkOffline]);
}

#[test]
fn a_key_about_to_expire_is_mentioned_not_blocking() {
    let o = obs(|o| o.key.expires_at = Some(NOW + 3600));
    let f = &diagnose(&android(31, |_| {}), &o)[0];
    assert_eq!((f.code, f.severity), (C::KeyExpiringSoon, Severity::Info));
}

#[test]
fn a_valid_key_refused_by_the_lock_for_its_time_means_the_lock_clock_is_wrong() {
    let o = obs(|o| {
        o.last_error = Some(LastError {
            diagnosis: D::KeyExpired,
            lock_result: Some(ResultCode::KeyExpired),
            at: Some(NOW),
        })
    });
    let f = &diagnose(&android(31, |_| {}), &o)[0];
    assert_eq!((f.code, f.severity), (C::LockClockSkewed, Severity::BlocksUnlock));
}

#[test]
fn the_lock_knows_better_about_revocation_and_wrong_locks() {
    for (diagnosis, code) in [(D::KeyRevoked, C::KeyRevoked), (D::WrongLock, C::WrongLock)] {
        let o = obs(|o| {
            o.last_error = Some(LastError {
                diagnosis,
                lock_result: None,
                at: None,
            })
        });
        assert_eq!(first(&o).0, code);
    }
}

#[test]
fn an_old_bluetooth_error_is_ignored_when_the_snapshot_shows_bluetooth_on() {
    let o = obs(|o| {
        o.last_error = Some(LastError {
            diagnosis: D::BluetoothOff,
            lock_result: None,
            at: Some(NOW - 60),
        })
    });
    assert!(diagnose(&android(31, |_| {}), &o).is_empty());
    let unknown_radio = android(31, |a| a.adapter = None);
    assert_eq!(codes(&diagnose(&unknown_radio, &o)), vec![C::BluetoothOff]);
}

#[test]
fn mechanical_faults_from_the_status_are_explained_without_blaming_bluetooth() {
    type Bend = fn(&mut LockObservations);
    let table: [(Bend, C, A); 5] = [
        (|o| o.mechanics.motor_stall = true, C::LockJammed, A::CallTechnician),
        (
            |o| o.mechanics.bolt = Some(BoltState::Jammed),
            C::LockJammed,
            A::CallTechnician,
        ),
        (
            |o| o.mechanics.bolt_not_thrown = true,
            C::BoltNotThrown,
            A::CallTechnician,
        ),
        (
            |o| o.mechanics.bolt = Some(BoltState::PartiallyThrown),
            C::BoltNotThrown,
            A::CallTechnician,
        ),
        (|o| o.mechanics.door_ajar = true, C::DoorAjar, A::None),
    ];
    for (change, code, action) in table {
        let o = obs(change);
        assert_eq!(first(&o), (code, action));
        for f in diagnose(&android(31, |_| {}), &o) {
            assert_ne!(f.code.area(), FindingArea::Phone, "{:?}", f.code);
        }
    }
}

#[test]
fn a_door_ajar_error_is_stale_once_the_door_reads_closed() {
    let o = obs(|o| {
        o.mechanics.door = Some(DoorState::Closed);
        o.last_error = Some(LastError {
            diagnosis: D::DoorAjar,
            lock_result: Some(ResultCode::DoorAjar),
            at: Some(NOW - 600),
        });
    });
    assert!(diagnose(&android(31, |_| {}), &o).is_empty());
}

#[test]
fn battery_findings_separate_empty_low_and_draining() {
    let battery = |percent, low, critical, trend| BatteryObservation {
        percent: Some(percent),
        low,
        critical,
        trend,
    };
    let o = obs(|o| o.battery = Some(battery(0, true, true, BatteryTrend::Unknown)));
    assert_eq!(first(&o), (C::BatteryCritical, A::ReplaceBatteries));
    let o = obs(|o| o.battery = Some(battery(20, true, false, BatteryTrend::Steady)));
    let f = &diagnose(&android(31, |_| {}), &o)[0];
    assert_eq!(
        (f.code, f.severity, f.arg("percent")),
        (C::BatteryLow, Severity::Degrades, Some("20"))
    );
    let o = obs(|o| o.battery = Some(battery(60, false, false, BatteryTrend::FallingFast)));
    assert_eq!(first(&o), (C::BatteryDrainingFast, A::CallTechnician));
    let o = obs(|o| o.battery = Some(battery(90, false, false, BatteryTrend::Steady)));
    assert!(diagnose(&android(31, |_| {}), &o).is_empty());
}

#[test]
fn a_stalled_motor_on_a_low_battery_points_at_the_battery_first() {
    let o = obs(|o| {
        o.battery = Some(BatteryObservation {
            percent: Some(12),
            low: true,
            critical: false,
            trend: BatteryTrend::Unknown,
        });
        o.mechanics.motor_stall = true;
    });
    assert_eq!(
        codes(&diagnose(&android(31, |_| {}), &o)),
        vec![C::BatteryTooWeakForMotor, C::LockJammed]
    );
}

#[test]
fn clock_signal_reset_and_drift() {
    assert_eq!(
        first(&obs(|o| o.clock.trusted = Some(false))),
        (C::ClockUntrusted, A::SyncWhenOnline)
    );
    assert_eq!(first(&obs(|o| o.clock.skew_s = Some(-900))).0, C::LockClockSkewed);
    assert!(diagnose(&android(31, |_| {}), &obs(|o| o.clock.skew_s = Some(40))).is_empty());
    let weak = obs(|o| o.last_seen = Some(LastSeen { rssi: -92, at: NOW }));
    assert_eq!(first(&weak), (C::WeakSignal, A::MoveCloser));
    assert_eq!(first(&obs(|o| o.factory_reset_detected = true)).0, C::LockFactoryReset);
    let drift = obs(|o| {
        o.revocation.phone_seq = Some(4);
        o.revocation.lock_seq = Some(3);
    });
    assert_eq!(first(&drift), (C::RevocationDrift, A::MoveCloser));
    let current = obs(|o| {
        o.revocation.phone_seq = Some(4);
        o.revocation.lock_seq = Some(4);
    });
    assert!(diagnose(&android(31, |_| {}), &current).is_empty());
}

#[test]
fn an_unreachable_lock_is_a_distance_problem() {
    let o = obs(|o| {
        o.last_error = Some(LastError {
            diagnosis: D::LockOutOfRange,
            lock_result: None,
            at: Some(NOW),
        })
    });
    assert_eq!(first(&o), (C::LockOutOfRange, A::MoveCloser));
}

#[test]
fn every_diagnosis_code_is_explained_by_the_finding_of_the_same_name() {
    let all = [
        D::BluetoothOff,
        D::BluetoothPermission,
        D::BluetoothUnavailable,
        D::LockOutOfRange,
        D::ConnectionFailed,
        D::OutcomeUnknown,
        D::NoKey,
        D::UnknownLock,
        D::KeyNotOfflineAllowed,
        D::KeyExpired,
        D::KeyNotYetValid,
        D::OutsideSchedule,
        D::KeyRevoked,
        D::WrongLock,
        D::KeyRejected,
        D::LockJammed,
        D::BoltNotThrown,
        D::DoorAjar,
        D::BatteryCritical,
        D::ClockUntrusted,
        D::LockNotAuthentic,
        D::ProtocolMismatch,
        D::Storage,
        D::LockRefused,
        D::CloudUnreachable,
        D::CloudAuth,
        D::CloudRejected,
    ];
    for d in all {
        let f = explain(d);
        assert_eq!(f.code.as_str(), d.as_str());
        assert!(!f.title.is_empty() && !f.steps.is_empty(), "{d}");
        assert_eq!(serde_json::to_value(d).unwrap(), d.as_str(), "serde name of {d}");
    }
}
