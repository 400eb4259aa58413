//! The Android matrix: for each platform state, the first finding and the
//! action offered, including the traps every BLE library gets wrong
//! (location services off on Android 11, a permission denied for good,
//! neverForLocation, scan throttling, GATT 133).

mod diagnostics_common;

use diagnostics_common::{android, check_rows, codes, no_lock_facts, offline, row, Row};
use latchkey_core::diagnostics::{
    diagnose, AdapterState, FindingCode as C, PermissionState as P, PlatformAction as A, Severity,
};

fn android_rows() -> Vec<Row> {
    vec![
        row("android 12, all granted", android(31, |_| {}), None),
        row(
            "android 11, location services off: the scan is empty with no error",
            android(30, |a| a.location_services_on = Some(false)),
            Some((C::AndroidLocationServicesOff, A::OpenLocationSettings)),
        ),
        row(
            "android 12, BLUETOOTH_SCAN denied permanently: settings, not a new prompt",
            android(31, |a| a.permissions.bluetooth_scan = P::DeniedPermanently),
            Some((C::AndroidScanPermissionBlocked, A::OpenAppSettings)),
        ),
        row(
            "android 12, BLUETOOTH_SCAN denied once: ask again",
            android(31, |a| a.permissions.bluetooth_scan = P::Denied),
            Some((C::AndroidScanPermissionMissing, A::RequestPermission)),
        ),
        row(
            "android 13, BLUETOOTH_SCAN never asked",
            android(33, |a| a.permissions.bluetooth_scan = P::NotRequested),
            Some((C::AndroidScanPermissionMissing, A::RequestPermission)),
        ),
        row(
            "android 12, BLUETOOTH_CONNECT denied permanently",
            android(31, |a| a.permissions.bluetooth_connect = P::DeniedPermanently),
            Some((C::AndroidConnectPermissionBlocked, A::OpenAppSettings)),
        ),
        row(
            "android 12 with neverForLocation: no location finding, even with location off and denied",
            android(31, |a| {
                a.location_services_on = Some(false);
                a.permissions.access_fine_location = P::DeniedPermanently;
                a.permissions.access_coarse_location = P::DeniedPermanently;
                a.permissions.access_background_location = P::NotRequested;
                a.app_in_background = true;
            }),
            None,
        ),
        row(
            "android 12 without neverForLocation: location is needed",
            android(31, |a| {
                a.permissions.bluetooth_scan_never_for_location = false;
                a.permissions.access_fine_location = P::Denied;
                a.permissions.access_coarse_location = P::Denied;
            }),
            Some((C::AndroidLocationPermissionMissing, A::RequestPermission)),
        ),
        row(
            "android 12 without neverForLocation, approximate only",
            android(31, |a| {
                a.permissions.bluetooth_scan_never_for_location = false;
                a.permissions.access_fine_location = P::Denied;
            }),
            Some((C::AndroidPreciseLocationNeeded, A::RequestPermission)),
        ),
        row(
            "android 12 app targeting 30 keeps the location model: nearby-devices not needed",
            android(31, |a| {
                a.target_sdk = Some(30);
                a.permissions.bluetooth_scan = P::NotRequested;
                a.permissions.bluetooth_connect = P::NotRequested;
                a.location_services_on = Some(false);
            }),
            Some((C::AndroidLocationServicesOff, A::OpenLocationSettings)),
        ),
        row(
            "android 11 never needs nearby-devices",
            android(30, |a| {
                a.permissions.bluetooth_scan = P::DeniedPermanently;
                a.permissions.bluetooth_connect = P::NotRequested;
            }),
            None,
        ),
        row(
            "android 9 accepts approximate location",
            android(28, |a| a.permissions.access_fine_location = P::Denied),
            None,
        ),
        row(
            "android 10 needs precise location",
            android(29, |a| a.permissions.access_fine_location = P::Denied),
            Some((C::AndroidPreciseLocationNeeded, A::RequestPermission)),
        ),
        row(
            "android 11, location denied permanently",
            android(30, |a| {
                a.permissions.access_fine_location = P::DeniedPermanently;
                a.permissions.access_coarse_location = P::DeniedPermanently;
            }),
            Some((C::AndroidLocationPermissionBlocked, A::OpenAppSettings)),
        ),
        row(
            "android 11, location never asked",
            android(30, |a| {
                a.permissions.access_fine_location = P::NotRequested;
                a.permissions.access_coarse_location = P::NotRequested;
            }),
            Some((C::AndroidLocationPermissionMissing, A::RequestPermission)),
        ),
        row(
            "android 12, Bluetooth off",
            android(31, |a| a.adapter = Some(AdapterState::Off)),
            Some((C::BluetoothOff, A::RequestEnableBluetooth)),
        ),
        row(
            "android 12, Bluetooth off and BLUETOOTH_CONNECT missing: the prompt can't show",
            android(31, |a| {
                a.adapter = Some(AdapterState::Off);
                a.permissions.bluetooth_connect = P::Denied;
            }),
            Some((C::BluetoothOff, A::OpenBluetoothSettings)),
        ),
        row(
            "android, Bluetooth turning off",
            android(33, |a| a.adapter = Some(AdapterState::TurningOff)),
            Some((C::BluetoothOff, A::RequestEnableBluetooth)),
        ),
        row(
            "android, airplane mode switched Bluetooth off",
            android(34, |a| {
                a.adapter = Some(AdapterState::Off);
                a.airplane_mode = Some(true);
            }),
            Some((C::AirplaneModeBluetoothOff, A::RequestEnableBluetooth)),
        ),
        row(
            "android, Bluetooth turning on",
            android(34, |a| a.adapter = Some(AdapterState::TurningOn)),
            Some((C::BluetoothStarting, A::WaitAndRetry)),
        ),
        row(
            "android, no Bluetooth LE",
            android(30, |a| a.adapter = Some(AdapterState::NoBle)),
            Some((C::BluetoothUnsupported, A::None)),
        ),
        row(
            "android, no adapter",
            android(30, |a| a.adapter = Some(AdapterState::Absent)),
            Some((C::BluetoothUnsupported, A::None)),
        ),
        row(
            "android, scan throttling: wait, don't rescan",
            android(31, |a| a.scans_started_last_30s = 5),
            Some((C::AndroidScanThrottled, A::WaitAndRetry)),
        ),
        row(
            "android, 4 scans in 30 s is fine",
            android(31, |a| a.scans_started_last_30s = 4),
            None,
        ),
        row(
            "android, GATT 133: retry",
            android(31, |a| a.last_gatt_status = Some(133)),
            Some((C::GattConnectionFailed, A::WaitAndRetry)),
        ),
        row(
            "android, GATT 8: timeout, move closer",
            android(31, |a| a.last_gatt_status = Some(8)),
            Some((C::GattConnectionTimeout, A::MoveCloser)),
        ),
        row(
            "android, GATT 147: connection timeout",
            android(31, |a| a.last_gatt_status = Some(147)),
            Some((C::GattConnectionTimeout, A::MoveCloser)),
        ),
        row(
            "android, GATT 19: the lock hung up",
            android(31, |a| a.last_gatt_status = Some(19)),
            Some((C::GattDisconnectedByLock, A::WaitAndRetry)),
        ),
        row(
            "android, GATT 22: the phone hung up",
            android(31, |a| a.last_gatt_status = Some(22)),
            Some((C::GattDisconnectedByPhone, A::WaitAndRetry)),
        ),
        row(
            "android, GATT 5: stale pairing",
            android(31, |a| a.last_gatt_status = Some(5)),
            Some((C::GattPairingProblem, A::OpenBluetoothSettings)),
        ),
        row(
            "android, GATT 257: other error",
            android(31, |a| a.last_gatt_status = Some(257)),
            Some((C::GattError, A::WaitAndRetry)),
        ),
        row(
            "android, GATT 0 is success",
            android(31, |a| a.last_gatt_status = Some(0)),
            None,
        ),
        row(
            "android 11 in the background without background location: only the settings screen grants it",
            android(30, |a| {
                a.app_in_background = true;
                a.permissions.access_background_location = P::Denied;
            }),
            Some((C::AndroidBackgroundLocationMissing, A::OpenAppSettings)),
        ),
        row(
            "android 10 in the background without background location: the prompt still works",
            android(29, |a| {
                a.app_in_background = true;
                a.permissions.access_background_location = P::NotRequested;
            }),
            Some((C::AndroidBackgroundLocationMissing, A::RequestPermission)),
        ),
        row(
            "android, background restricted",
            android(31, |a| a.background_restricted = Some(true)),
            Some((C::AndroidBackgroundRestricted, A::OpenBatteryOptimisationSettings)),
        ),
        row(
            "android, battery optimised in the foreground is not a cause",
            android(31, |a| a.battery_optimised = Some(true)),
            None,
        ),
        row(
            "android, battery optimised in the background",
            android(31, |a| {
                a.battery_optimised = Some(true);
                a.app_in_background = true;
            }),
            Some((C::AndroidBatteryOptimised, A::OpenBatteryOptimisationSettings)),
        ),
        row(
            "android, airplane mode with Bluetooth on: offline only",
            offline(android(34, |a| a.airplane_mode = Some(true))),
            Some((C::AirplaneModeOffline, A::OpenAirplaneModeSettings)),
        ),
    ]
}

#[test]
fn every_android_state_gives_the_expected_first_finding_and_action() {
    check_rows(&android_rows());
}

#[test]
fn android_12_with_never_for_location_makes_no_location_finding_at_all() {
    let s = android(31, |a| {
        a.location_services_on = Some(false);
        a.permissions.access_fine_location = P::DeniedPermanently;
        a.permissions.access_coarse_location = P::DeniedPermanently;
        a.permissions.access_background_location = P::DeniedPermanently;
        a.app_in_background = true;
    });
    assert!(diagnose(&s, &no_lock_facts()).is_empty());
}

#[test]
fn location_findings_say_why_android_asks_for_location() {
    let s = android(30, |a| {
        a.permissions.access_fine_location = P::Denied;
        a.permissions.access_coarse_location = P::Denied;
    });
    let f = &diagnose(&s, &no_lock_facts())[0];
    assert!(f.explanation.contains("Android 11"), "{}", f.explanation);
    assert!(f.explanation.contains("can reveal where you are"), "{}", f.explanation);
    assert!(f.explanation.contains("doesn't read or keep your location"));
    assert_eq!(
        f.permissions,
        vec![
            "android.permission.ACCESS_FINE_LOCATION",
            "android.permission.ACCESS_COARSE_LOCATION"
        ]
    );
}

#[test]
fn a_permanently_denied_permission_is_never_requested_again() {
    let s = android(31, |a| a.permissions.bluetooth_scan = P::DeniedPermanently);
    let f = &diagnose(&s, &no_lock_facts())[0];
    assert_eq!(f.action, A::OpenAppSettings);
    assert!(
        f.permissions.is_empty(),
        "nothing to request: the prompt would not show"
    );
    assert!(f.steps.iter().any(|s| s.contains("Nearby devices")));
}

#[test]
fn a_request_lists_the_permissions_to_ask_for_together() {
    let s = android(31, |a| a.permissions.bluetooth_scan = P::Denied);
    let f = &diagnose(&s, &no_lock_facts())[0];
    assert_eq!(
        f.permissions,
        vec![
            "android.permission.BLUETOOTH_SCAN",
            "android.permission.BLUETOOTH_CONNECT"
        ]
    );
}

#[test]
fn the_gatt_status_reaches_the_text() {
    let s = android(31, |a| a.last_gatt_status = Some(133));
    let f = &diagnose(&s, &no_lock_facts())[0];
    assert_eq!(f.arg("gatt_status"), Some("133"));
    assert!(f.explanation.contains("133"));
    assert_eq!(f.severity, Severity::Degrades);
}

#[test]
fn findings_come_root_cause_first() {
    let mut s = android(31, |a| {
        a.last_gatt_status = Some(133);
        a.permissions.bluetooth_scan = P::Denied;
        a.adapter = Some(AdapterState::Off);
        a.scans_started_last_30s = 9;
    });
    s.network.online = Some(false);
    assert_eq!(
        codes(&diagnose(&s, &no_lock_facts())),
        vec![
            C::BluetoothOff,
            C::AndroidScanPermissionMissing,
            C::AndroidScanThrottled,
            C::GattConnectionFailed,
            C::NetworkOffline
        ]
    );
}

#[test]
fn background_problems_block_only_while_the_app_is_in_the_background() {
    let foreground = android(31, |a| a.background_restricted = Some(true));
    let background = android(31, |a| {
        a.background_restricted = Some(true);
        a.app_in_background = true;
    });
    assert_eq!(diagnose(&foreground, &no_lock_facts())[0].severity, Severity::Degrades);
    assert_eq!(
        diagnose(&background, &no_lock_facts())[0].severity,
        Severity::BlocksUnlock
    );
}
