//! The offline readiness check (before an outage) and the after-reconnection
//! check.

mod diagnostics_common;

use diagnostics_common::{android, ios, linux, NOW};
use latchkey_core::diagnostics::{
    after_reconnection, offline_readiness, BatteryObservation, BatteryTrend, BluezState, CheckStatus as S,
    FindingCode as C, KeyState, LockObservations, PermissionState, PlatformAction, ReadinessItem as I, ReadinessPolicy,
    ReadinessReport, ReconnectionFacts, UnlockRecord,
};
use latchkey_core::outbox::OutboxStats;
use latchkey_core::store::BackupMethod;

fn ready_lock() -> LockObservations {
    let mut o = LockObservations {
        observed_at: Some(NOW),
        backup_entry: Some(BackupMethod::PhysicalKey),
        last_offline_unlock: Some(UnlockRecord {
            at: NOW - 86_400,
            succeeded: true,
            diagnosis: None,
        }),
        battery: Some(BatteryObservation {
            percent: Some(85),
            low: false,
            critical: false,
            trend: BatteryTrend::Steady,
        }),
        ..LockObservations::default()
    };
    o.key.state = KeyState::Valid;
    o.key.offline_allowed = Some(true);
    o.key.expires_at = Some(NOW + 20 * 86_400);
    o.clock.trusted = Some(true);
    o.clock.skew_s = Some(2);
    o.revocation.phone_seq = Some(3);
    o.revocation.lock_seq = Some(3);
    o
}

fn status(report: &ReadinessReport, item: I) -> S {
    report.checks.iter().find(|c| c.item == item).map(|c| c.status).unwrap()
}

#[test]
fn a_well_prepared_phone_and_lock_are_ready() {
    let report = offline_readiness(&android(31, |_| {}), &ready_lock(), &ReadinessPolicy::default());
    assert!(report.ready, "{report:#?}");
    assert_eq!(report.checks.len(), 8);
    assert!(report
        .checks
        .iter()
        .all(|c| c.status == S::Pass && c.findings.is_empty()));
    assert_eq!(report.checks[0].title, "A key that works without internet");
}

#[test]
fn each_gap_fails_its_own_line_with_the_finding_that_explains_it() {
    type Bend = fn(&mut LockObservations);
    let table: [(Bend, I, S, Option<C>); 13] = [
        (
            |o| o.key.offline_allowed = Some(false),
            I::OfflineKey,
            S::Fail,
            Some(C::KeyNotOfflineAllowed),
        ),
        (
            |o| o.key.expires_at = Some(NOW + 3600),
            I::OfflineKey,
            S::Warn,
            Some(C::KeyExpiringSoon),
        ),
        (
            |o| o.key.state = KeyState::Revoked,
            I::OfflineKey,
            S::Fail,
            Some(C::KeyRevoked),
        ),
        (
            |o| o.revocation.lock_seq = Some(2),
            I::RevocationCurrent,
            S::Fail,
            Some(C::RevocationDrift),
        ),
        (
            |o| o.clock.trusted = Some(false),
            I::LockClock,
            S::Fail,
            Some(C::ClockUntrusted),
        ),
        (
            |o| o.clock.skew_s = Some(600),
            I::LockClock,
            S::Warn,
            Some(C::LockClockSkewed),
        ),
        (
            |o| o.battery.as_mut().unwrap().percent = Some(20),
            I::Battery,
            S::Warn,
            Some(C::BatteryLow),
        ),
        (|o| o.battery = None, I::Battery, S::Unknown, None),
        (
            |o| {
                o.last_offline_unlock = Some(UnlockRecord {
                    at: NOW,
                    succeeded: false,
                    diagnosis: Some(latchkey_core::DiagnosisCode::ClockUntrusted),
                })
            },
            I::LastOfflineUnlock,
            S::Fail,
            Some(C::ClockUntrusted),
        ),
        (|o| o.backup_entry = None, I::BackupEntry, S::Fail, None),
        (
            |o| o.life.unclaimed = true,
            I::LockSetup,
            S::Fail,
            Some(C::LockUnclaimed),
        ),
        (
            |o| o.life.credentials_lost = vec!["pin_list".into()],
            I::LockSetup,
            S::Fail,
            Some(C::FirmwareChangedCredentials),
        ),
        (
            |o| o.life.update_held = Some((896, 16_384)),
            I::LockSetup,
            S::Warn,
            Some(C::FirmwareUpdateInterrupted),
        ),
    ];
    for (bend, item, expected, finding) in table {
        let mut o = ready_lock();
        bend(&mut o);
        let report = offline_readiness(&android(31, |_| {}), &o, &ReadinessPolicy::default());
        let line = report.checks.iter().find(|c| c.item == item).unwrap();
        assert_eq!(line.status, expected, "{item:?}: {line:#?}");
        assert_eq!(line.findings.first().map(|f| f.code), finding, "{item:?}");
        assert_eq!(report.ready, expected == S::Warn, "{item:?}");
    }
}

#[test]
fn an_untried_offline_unlock_is_not_yet_ready() {
    let mut o = ready_lock();
    o.last_offline_unlock = None;
    let report = offline_readiness(&android(31, |_| {}), &o, &ReadinessPolicy::default());
    assert_eq!(status(&report, I::LastOfflineUnlock), S::Unknown);
    assert!(!report.ready);
    let line = &report.checks[4];
    assert!(line.message.contains("Wi-Fi and mobile data off"), "{}", line.message);
}

#[test]
fn background_use_is_judged_as_if_the_app_were_in_the_background() {
    let policy = ReadinessPolicy::default();
    // Android 11: background scanning needs "all the time" location.
    let s = android(30, |a| {
        a.permissions.access_background_location = PermissionState::Denied
    });
    let report = offline_readiness(&s, &ready_lock(), &policy);
    let line = report.checks.iter().find(|c| c.item == I::BackgroundUse).unwrap();
    assert_eq!(line.status, S::Fail);
    assert_eq!(line.findings[0].code, C::AndroidBackgroundLocationMissing);
    assert_eq!(line.action, PlatformAction::OpenAppSettings);
    // Android 12 with neverForLocation needs none.
    let s = android(31, |a| {
        a.permissions.access_background_location = PermissionState::Denied
    });
    assert_eq!(
        status(&offline_readiness(&s, &ready_lock(), &policy), I::BackgroundUse),
        S::Pass
    );
    // Battery optimisation only warns.
    let s = android(31, |a| a.battery_optimised = Some(true));
    assert_eq!(
        status(&offline_readiness(&s, &ready_lock(), &policy), I::BackgroundUse),
        S::Warn
    );
    // An iOS build without the background mode fails it.
    let s = ios(|i| i.background_mode_declared = Some(false));
    assert_eq!(
        status(&offline_readiness(&s, &ready_lock(), &policy), I::BackgroundUse),
        S::Fail
    );
    // A desktop has no background limits.
    let s = linux(BluezState::Ready);
    assert_eq!(
        status(&offline_readiness(&s, &ready_lock(), &policy), I::BackgroundUse),
        S::Pass
    );
}

#[test]
fn after_reconnection_everything_uploaded_drift_cleared_keys_renewed() {
    let facts = ReconnectionFacts {
        online: true,
        ..ReconnectionFacts::default()
    };
    let report = after_reconnection(&facts);
    assert!(report.ready, "{report:#?}");
    assert_eq!(report.checks.len(), 4);
}

#[test]
fn after_reconnection_names_what_is_still_pending() {
    let stats = OutboxStats {
        pending: 12,
        access: 10,
        diagnostic: 2,
        dropped_diagnostics: 0,
        dead_letters: 1,
        capacity: 200_000,
        oldest_appended_at_ms: None,
    };
    let mut facts = ReconnectionFacts::from_outbox(&stats, true);
    facts.locks_with_drift = 2;
    facts.keys_due_for_renewal = 1;
    facts.last_sync_error = Some("cloud_auth".into());
    let report = after_reconnection(&facts);
    assert!(!report.ready);
    let by_item = |item| report.checks.iter().find(|c| c.item == item).unwrap();
    assert_eq!(by_item(I::EventsUploaded).status, S::Fail);
    assert!(
        by_item(I::EventsUploaded).message.starts_with("12 records"),
        "{:?}",
        by_item(I::EventsUploaded)
    );
    assert!(by_item(I::DriftCleared).message.starts_with("2 locks"));
    assert_eq!(by_item(I::DriftCleared).action, PlatformAction::MoveCloser);
    assert_eq!(by_item(I::KeysRenewed).status, S::Fail);
    assert_eq!(by_item(I::SyncWorking).findings[0].code, C::CloudAuth);

    facts = ReconnectionFacts::from_outbox(&OutboxStats { pending: 0, ..stats }, true);
    let report = after_reconnection(&facts);
    assert_eq!(report.checks[0].status, S::Warn, "dead letters are kept for support");
    assert!(report.ready);

    let offline = after_reconnection(&ReconnectionFacts::default());
    assert_eq!(offline.checks[3].status, S::Unknown);
}

#[test]
fn every_line_has_text_for_each_status_it_can_take() {
    let mut o = ready_lock();
    o.key.state = KeyState::Unknown;
    o.clock = Default::default();
    let report = offline_readiness(
        &ios(|i| i.background_mode_declared = None),
        &o,
        &ReadinessPolicy::default(),
    );
    for c in &report.checks {
        assert!(
            !c.message.starts_with("readiness."),
            "no text for {:?}/{:?}",
            c.item,
            c.status
        );
    }
}
