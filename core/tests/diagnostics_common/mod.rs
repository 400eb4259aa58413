//! Snapshots shared by the diagnostics tests: healthy platforms that each
//! test bends one way.
#![allow(unreachable_pub)] // shared by several test binaries, each using a part
#![allow(dead_code)]

use latchkey_core::diagnostics::{
    diagnose, AdapterState, AndroidSnapshot, BluezState, CbAuthorization, CbManagerState, DeviceSnapshot, Finding,
    FindingCode, IosSnapshot, LinuxSnapshot, LockObservations, MacosSnapshot, PermissionState, PlatformAction,
    PlatformSnapshot,
};

/// Monday 2026-01-05 10:00:00 UTC.
pub const NOW: u32 = 1_767_607_200;

/// A phone on `api` with every permission that version asks for granted,
/// Bluetooth and location on, in the foreground, online.
pub fn android(api: u32, change: impl FnOnce(&mut AndroidSnapshot)) -> PlatformSnapshot {
    let mut a = AndroidSnapshot {
        api_level: api,
        target_sdk: Some(34),
        location_services_on: Some(true),
        adapter: Some(AdapterState::On),
        airplane_mode: Some(false),
        battery_optimised: Some(false),
        background_restricted: Some(false),
        ..AndroidSnapshot::default()
    };
    let p = &mut a.permissions;
    p.bluetooth_scan = PermissionState::Granted;
    p.bluetooth_scan_never_for_location = true;
    p.bluetooth_connect = PermissionState::Granted;
    p.access_fine_location = PermissionState::Granted;
    p.access_coarse_location = PermissionState::Granted;
    p.access_background_location = PermissionState::Granted;
    change(&mut a);
    online(DeviceSnapshot::Android(a))
}

/// An iPhone with Bluetooth on and allowed, foreground, online.
pub fn ios(change: impl FnOnce(&mut IosSnapshot)) -> PlatformSnapshot {
    let mut i = IosSnapshot {
        state: Some(CbManagerState::PoweredOn),
        authorization: Some(CbAuthorization::AllowedAlways),
        usage_description_present: Some(true),
        background_mode_declared: Some(true),
        app_in_background: false,
    };
    change(&mut i);
    online(DeviceSnapshot::Ios(i))
}

/// A Mac with Bluetooth on and allowed.
pub fn macos(change: impl FnOnce(&mut MacosSnapshot)) -> PlatformSnapshot {
    let mut m = MacosSnapshot {
        state: Some(CbManagerState::PoweredOn),
        authorization: Some(CbAuthorization::AllowedAlways),
        host_app: Some("Terminal".into()),
    };
    change(&mut m);
    online(DeviceSnapshot::Macos(m))
}

/// A Linux computer in the given BlueZ state.
pub fn linux(bluez: BluezState) -> PlatformSnapshot {
    online(DeviceSnapshot::Linux(LinuxSnapshot {
        bluez,
        rfkill_hard_blocked: None,
    }))
}

fn online(device: DeviceSnapshot) -> PlatformSnapshot {
    let mut s = PlatformSnapshot::new(device);
    s.network.online = Some(true);
    s.network.cloud_reachable = Some(true);
    s
}

/// Nothing known about the lock.
pub fn no_lock_facts() -> LockObservations {
    LockObservations::default()
}

/// The codes, in order.
pub fn codes(findings: &[Finding]) -> Vec<FindingCode> {
    findings.iter().map(|f| f.code).collect()
}

/// One line of a platform table: a state and the first finding and action
/// it must give (`None`: no finding at all).
pub struct Row {
    pub name: &'static str,
    pub snapshot: PlatformSnapshot,
    pub first: Option<(FindingCode, PlatformAction)>,
}

pub fn row(name: &'static str, snapshot: PlatformSnapshot, first: Option<(FindingCode, PlatformAction)>) -> Row {
    Row { name, snapshot, first }
}

/// Checks every row, reporting all mismatches at once.
pub fn check_rows(rows: &[Row]) {
    let mut failures = Vec::new();
    for r in rows {
        let findings = diagnose(&r.snapshot, &no_lock_facts());
        let got = findings.first().map(|f| (f.code, f.action));
        if got != r.first {
            failures.push(format!(
                "{}: expected {:?}, got {:?} (all: {:?})",
                r.name,
                r.first,
                got,
                codes(&findings)
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The same platform with no network.
pub fn offline(mut s: PlatformSnapshot) -> PlatformSnapshot {
    s.network.online = Some(false);
    s.network.cloud_reachable = Some(false);
    s
}
