//! Android: adapter, permissions by API level and target SDK, location
//! services, background limits, scan throttling, GATT status codes.

use super::Draft;
use crate::diagnostics::kinds::{PlatformAction, Severity};
use crate::diagnostics::snapshot::{AdapterState, AndroidSnapshot, PermissionState, ANDROID_SCAN_STARTS_PER_30S};
use crate::diagnostics::FindingCode as C;

const SCAN: &str = "android.permission.BLUETOOTH_SCAN";
const CONNECT: &str = "android.permission.BLUETOOTH_CONNECT";
const FINE: &str = "android.permission.ACCESS_FINE_LOCATION";
const COARSE: &str = "android.permission.ACCESS_COARSE_LOCATION";
const BACKGROUND: &str = "android.permission.ACCESS_BACKGROUND_LOCATION";

/// "Android 12" for API 31, as people know their phone.
pub(crate) fn android_version(api_level: u32) -> String {
    let name = match api_level {
        0..=22 => return "Android".into(),
        23 => "6",
        24 => "7",
        25 => "7.1",
        26 => "8",
        27 => "8.1",
        28 => "9",
        29 => "10",
        30 => "11",
        31 => "12",
        32 => "12L",
        33 => "13",
        34 => "14",
        35 => "15",
        36 => "16",
        _ => return format!("Android (API {api_level})"),
    };
    format!("Android {name}")
}

pub(super) fn rules(s: &AndroidSnapshot, out: &mut Vec<Draft>) {
    let version = android_version(s.api_level);
    match s.adapter {
        Some(AdapterState::Absent | AdapterState::NoBle) => {
            // Nothing else matters on a phone that can't do Bluetooth LE.
            out.push(Draft::new(C::BluetoothUnsupported));
            return;
        }
        Some(AdapterState::Off | AdapterState::TurningOff) => {
            let code = if s.airplane_mode == Some(true) {
                C::AirplaneModeBluetoothOff
            } else {
                C::BluetoothOff
            };
            let mut draft = Draft::new(code);
            // Android 12+ shows the "turn on Bluetooth" prompt only to apps
            // holding BLUETOOTH_CONNECT; without it, the settings screen works.
            if s.uses_nearby_devices_permissions() && !s.permissions.bluetooth_connect.granted() {
                draft = draft.action(PlatformAction::OpenBluetoothSettings);
            }
            out.push(draft);
        }
        Some(AdapterState::TurningOn) => out.push(Draft::new(C::BluetoothStarting)),
        Some(AdapterState::On) | None => {}
    }
    permissions(s, &version, out);
    if s.scan_needs_location() && s.location_services_on == Some(false) {
        out.push(Draft::new(C::AndroidLocationServicesOff).arg("android_version", &version));
    }
    background(s, &version, out);
    if s.api_level >= 24 && s.scans_started_last_30s >= ANDROID_SCAN_STARTS_PER_30S {
        out.push(Draft::new(C::AndroidScanThrottled).arg("seconds", 30));
    }
    if let Some(status) = s.last_gatt_status.filter(|s| *s != 0) {
        out.push(gatt(status));
    }
}

fn permission(state: PermissionState, missing: C, blocked: C, requested: &[&str], version: &str) -> Option<Draft> {
    let draft = match state {
        PermissionState::Granted => return None,
        PermissionState::DeniedPermanently => Draft::new(blocked),
        PermissionState::Denied | PermissionState::NotRequested => Draft::new(missing).permissions(requested),
    };
    Some(draft.arg("android_version", version))
}

fn permissions(s: &AndroidSnapshot, version: &str, out: &mut Vec<Draft>) {
    let p = &s.permissions;
    if s.uses_nearby_devices_permissions() {
        out.extend(permission(
            p.bluetooth_scan,
            C::AndroidScanPermissionMissing,
            C::AndroidScanPermissionBlocked,
            &[SCAN, CONNECT],
            version,
        ));
        out.extend(permission(
            p.bluetooth_connect,
            C::AndroidConnectPermissionMissing,
            C::AndroidConnectPermissionBlocked,
            &[SCAN, CONNECT],
            version,
        ));
    }
    if !s.scan_needs_location() {
        return;
    }
    let only_approximate =
        s.scan_needs_precise_location() && p.access_coarse_location.granted() && !p.access_fine_location.granted();
    if only_approximate {
        let mut draft = Draft::new(C::AndroidPreciseLocationNeeded).arg("android_version", version);
        draft = if p.access_fine_location == PermissionState::DeniedPermanently {
            draft.action(PlatformAction::OpenAppSettings)
        } else {
            draft.permissions(&[FINE, COARSE])
        };
        out.push(draft);
        return;
    }
    out.extend(permission(
        s.location_state(),
        C::AndroidLocationPermissionMissing,
        C::AndroidLocationPermissionBlocked,
        &[FINE, COARSE],
        version,
    ));
}

fn background(s: &AndroidSnapshot, version: &str, out: &mut Vec<Draft>) {
    let in_background = s.app_in_background;
    let while_away = if in_background {
        Severity::BlocksUnlock
    } else {
        Severity::Degrades
    };
    if s.background_restricted == Some(true) {
        out.push(Draft::new(C::AndroidBackgroundRestricted).severity(while_away));
    } else if in_background && s.battery_optimised == Some(true) {
        out.push(Draft::new(C::AndroidBatteryOptimised));
    }
    let background_location = s.permissions.access_background_location;
    if in_background
        && s.background_scan_needs_background_location()
        && s.location_state().granted()
        && !background_location.granted()
    {
        let mut draft = Draft::new(C::AndroidBackgroundLocationMissing)
            .severity(Severity::BlocksUnlock)
            .arg("android_version", version);
        // Android 11+ grants "all the time" only on the settings screen.
        if s.api_level == 29 && background_location != PermissionState::DeniedPermanently {
            draft = draft
                .action(PlatformAction::RequestPermission)
                .permissions(&[BACKGROUND]);
        }
        out.push(draft);
    }
}

/// The `status` of a failed `onConnectionStateChange`.
fn gatt(status: i32) -> Draft {
    let code = match status {
        133 => C::GattConnectionFailed,
        8 | 62 | 147 => C::GattConnectionTimeout,
        19 => C::GattDisconnectedByLock,
        22 => C::GattDisconnectedByPhone,
        5 | 15 | 137 => C::GattPairingProblem,
        _ => C::GattError,
    };
    Draft::new(code).arg("gatt_status", status)
}
