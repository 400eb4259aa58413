//! The iOS, macOS and Linux matrix, and the network: for each platform
//! state, the first finding and the action offered (iOS restricted goes to
//! the administrator, not the user; nothing about location on Apple
//! platforms; Linux rfkill).

mod diagnostics_common;

use diagnostics_common::{check_rows, ios, linux, macos, no_lock_facts, offline, row, Row};
use latchkey_core::diagnostics::{
    diagnose, BluezState, CbAuthorization as Auth, CbManagerState as State, DeviceSnapshot, FindingArea,
    FindingCode as C, PlatformAction as A, Severity,
};

fn apple_and_desktop_rows() -> Vec<Row> {
    vec![
        row("ios, all fine", ios(|_| {}), None),
        row(
            "ios restricted: ask the administrator, not the user",
            ios(|i| {
                i.state = Some(State::Unauthorized);
                i.authorization = Some(Auth::Restricted);
            }),
            Some((C::BluetoothPermissionRestricted, A::AskAdministrator)),
        ),
        row(
            "ios denied",
            ios(|i| {
                i.state = Some(State::Unauthorized);
                i.authorization = Some(Auth::Denied);
            }),
            Some((C::BluetoothPermissionDenied, A::OpenAppSettings)),
        ),
        row(
            "ios not asked yet",
            ios(|i| i.authorization = Some(Auth::NotDetermined)),
            Some((C::BluetoothPermissionNotAsked, A::RequestPermission)),
        ),
        row(
            "ios poweredOff",
            ios(|i| i.state = Some(State::PoweredOff)),
            Some((C::BluetoothOff, A::RequestEnableBluetooth)),
        ),
        row(
            "ios unsupported",
            ios(|i| i.state = Some(State::Unsupported)),
            Some((C::BluetoothUnsupported, A::None)),
        ),
        row(
            "ios resetting",
            ios(|i| i.state = Some(State::Resetting)),
            Some((C::BluetoothStarting, A::WaitAndRetry)),
        ),
        row(
            "ios unknown state is not a finding",
            ios(|i| i.state = Some(State::Unknown)),
            None,
        ),
        row(
            "ios build without the usage description",
            ios(|i| {
                i.usage_description_present = Some(false);
                i.authorization = Some(Auth::NotDetermined);
            }),
            Some((C::IosUsageDescriptionMissing, A::None)),
        ),
        row(
            "ios in the background without the bluetooth-central mode",
            ios(|i| {
                i.app_in_background = true;
                i.background_mode_declared = Some(false);
            }),
            Some((C::IosBackgroundModeMissing, A::None)),
        ),
        row(
            "macos, Terminal not granted Bluetooth",
            macos(|m| {
                m.state = Some(State::Unauthorized);
                m.authorization = Some(Auth::Denied);
            }),
            Some((C::MacosHostAppNotAllowed, A::OpenAppSettings)),
        ),
        row(
            "macos, managed Mac",
            macos(|m| m.authorization = Some(Auth::Restricted)),
            Some((C::BluetoothPermissionRestricted, A::AskAdministrator)),
        ),
        row(
            "macos, Bluetooth off",
            macos(|m| m.state = Some(State::PoweredOff)),
            Some((C::BluetoothOff, A::RequestEnableBluetooth)),
        ),
        row(
            "linux rfkill",
            linux(BluezState::RfkillBlocked),
            Some((C::LinuxRfkillBlocked, A::OpenBluetoothSettings)),
        ),
        row(
            "linux, no system bus",
            linux(BluezState::NoSystemBus),
            Some((C::LinuxNoSystemBus, A::None)),
        ),
        row(
            "linux, bluetoothd missing",
            linux(BluezState::BluetoothdMissing),
            Some((C::LinuxBluetoothServiceMissing, A::None)),
        ),
        row(
            "linux, adapter absent",
            linux(BluezState::AdapterAbsent),
            Some((C::LinuxAdapterMissing, A::None)),
        ),
        row(
            "linux, powered off",
            linux(BluezState::PoweredOff),
            Some((C::BluetoothOff, A::RequestEnableBluetooth)),
        ),
        row(
            "linux, not ready",
            linux(BluezState::NotReady),
            Some((C::BluetoothStarting, A::WaitAndRetry)),
        ),
        row("linux, ready", linux(BluezState::Ready), None),
        row("linux, unknown: no guess", linux(BluezState::Unknown), None),
        row(
            "offline",
            offline(linux(BluezState::Ready)),
            Some((C::NetworkOffline, A::SyncWhenOnline)),
        ),
    ]
}

#[test]
fn every_apple_and_desktop_state_gives_the_expected_first_finding_and_action() {
    check_rows(&apple_and_desktop_rows());
}

#[test]
fn nothing_about_location_is_ever_said_on_apple_platforms() {
    for r in apple_and_desktop_rows() {
        if !matches!(r.snapshot.device, DeviceSnapshot::Ios(_) | DeviceSnapshot::Macos(_)) {
            continue;
        }
        for f in diagnose(&r.snapshot, &no_lock_facts()) {
            let text = format!("{} {} {}", f.code, f.title, f.explanation).to_lowercase();
            assert!(!text.contains("location"), "{}: {}", r.name, text);
        }
    }
}

#[test]
fn the_host_app_is_named_on_macos() {
    let s = macos(|m| m.authorization = Some(Auth::Denied));
    let f = &diagnose(&s, &no_lock_facts())[0];
    assert_eq!(f.title, "Terminal isn't allowed to use Bluetooth");
}

#[test]
fn a_hardware_rfkill_switch_offers_no_settings_screen() {
    let mut s = linux(BluezState::RfkillBlocked);
    if let DeviceSnapshot::Linux(l) = &mut s.device {
        l.rfkill_hard_blocked = Some(true);
    }
    assert_eq!(diagnose(&s, &no_lock_facts())[0].action, A::None);
}

#[test]
fn being_offline_never_blocks_unlocking() {
    let s = offline(linux(BluezState::Ready));
    for f in diagnose(&s, &no_lock_facts()) {
        assert_eq!(f.code.area(), FindingArea::Network);
        assert_ne!(f.severity, Severity::BlocksUnlock);
    }
}

#[test]
fn sync_trouble_while_online_is_reported_with_its_error() {
    let mut s = linux(BluezState::Ready);
    s.network.last_sync_error = Some("unauthorized".into());
    let f = &diagnose(&s, &no_lock_facts())[0];
    assert_eq!(f.code, C::SyncFailing);
    assert!(f.explanation.contains("unauthorized"));
    s.network.cloud_reachable = Some(false);
    assert_eq!(diagnose(&s, &no_lock_facts())[0].code, C::CloudUnreachable);
}
