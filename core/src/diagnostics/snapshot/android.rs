//! Android facts: permissions, location services, the adapter, background
//! limits, scan throttling and the last GATT status.

use serde::{Deserialize, Serialize};

/// The state of one runtime permission.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionState {
    /// Granted.
    Granted,
    /// Denied, and the app may ask again (the system will show the prompt).
    Denied,
    /// Denied for good: asked before and `shouldShowRequestPermissionRationale`
    /// is false, so a new request shows nothing. Only the settings screen helps.
    DeniedPermanently,
    /// Never asked.
    #[default]
    NotRequested,
}

impl PermissionState {
    /// Whether it is granted.
    pub fn granted(self) -> bool {
        self == Self::Granted
    }
}

/// `BluetoothAdapter` state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdapterState {
    /// `STATE_OFF`.
    Off,
    /// `STATE_TURNING_ON`.
    TurningOn,
    /// `STATE_ON`.
    On,
    /// `STATE_TURNING_OFF`.
    TurningOff,
    /// No Bluetooth adapter at all.
    Absent,
    /// Bluetooth, but no Bluetooth Low Energy (`FEATURE_BLUETOOTH_LE` missing).
    NoBle,
}

/// The Bluetooth and location permissions the app holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AndroidPermissions {
    /// `BLUETOOTH_SCAN` (Android 12+).
    pub bluetooth_scan: PermissionState,
    /// The manifest declares `BLUETOOTH_SCAN` with
    /// `usesPermissionFlags="neverForLocation"`: no location needed to scan.
    pub bluetooth_scan_never_for_location: bool,
    /// `BLUETOOTH_CONNECT` (Android 12+).
    pub bluetooth_connect: PermissionState,
    /// `ACCESS_FINE_LOCATION` (precise).
    pub access_fine_location: PermissionState,
    /// `ACCESS_COARSE_LOCATION` (approximate).
    pub access_coarse_location: PermissionState,
    /// `ACCESS_BACKGROUND_LOCATION` (Android 10+).
    pub access_background_location: PermissionState,
}

/// What an Android app reads about its platform.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AndroidSnapshot {
    /// `Build.VERSION.SDK_INT` (30 = Android 11, 31 = Android 12).
    pub api_level: u32,
    /// The app's `targetSdkVersion`; when absent, assumed equal to `api_level`.
    pub target_sdk: Option<u32>,
    /// Runtime permissions.
    pub permissions: AndroidPermissions,
    /// `LocationManager.isLocationEnabled()`.
    pub location_services_on: Option<bool>,
    /// The Bluetooth adapter.
    pub adapter: Option<AdapterState>,
    /// `Settings.Global.AIRPLANE_MODE_ON`.
    pub airplane_mode: Option<bool>,
    /// The app is not in the foreground.
    pub app_in_background: bool,
    /// The app is subject to battery optimisation (not on the
    /// "unrestricted" / ignore-optimisations list).
    pub battery_optimised: Option<bool>,
    /// `ActivityManager.isBackgroundRestricted()`.
    pub background_restricted: Option<bool>,
    /// Scans this app started in the last 30 seconds (Android allows 5).
    /// A client fills it from its own central's record
    /// (`Diagnostics::complete_snapshot`); apps leave it 0.
    pub scans_started_last_30s: u32,
    /// The `status` of the last GATT callback that failed (133, 147, 8, 19,
    /// 22, …); `None` or 0 when the last connection worked. A client fills
    /// it from its own central's record; apps leave it `None`.
    pub last_gatt_status: Option<i32>,
}

/// Scans Android allows an app to start within 30 seconds before it
/// silently ignores further ones (Android 7+).
pub(crate) const ANDROID_SCAN_STARTS_PER_30S: u32 = 5;

impl AndroidSnapshot {
    /// The Android 12 permission model applies: running on API 31+ and
    /// targeting 31+ (older targets keep the location-based model).
    pub fn uses_nearby_devices_permissions(&self) -> bool {
        self.api_level >= 31 && self.target_sdk.unwrap_or(self.api_level) >= 31
    }

    /// Whether scanning for the lock needs location: every version before
    /// the Android 12 model, and the Android 12 model unless the app
    /// declared `neverForLocation`.
    pub fn scan_needs_location(&self) -> bool {
        if self.uses_nearby_devices_permissions() {
            !self.permissions.bluetooth_scan_never_for_location
        } else {
            self.api_level >= 23
        }
    }

    /// Whether precise location is needed where location is (Android 10+;
    /// Android 6–9 accept approximate location for Bluetooth scanning).
    pub fn scan_needs_precise_location(&self) -> bool {
        self.scan_needs_location() && self.api_level >= 29
    }

    /// Whether scanning in the background needs `ACCESS_BACKGROUND_LOCATION`.
    pub fn background_scan_needs_background_location(&self) -> bool {
        self.scan_needs_location() && self.api_level >= 29
    }

    /// The location permission the scan needs, taken together.
    pub(crate) fn location_state(&self) -> PermissionState {
        let p = &self.permissions;
        let fine = p.access_fine_location;
        let coarse = p.access_coarse_location;
        if fine.granted() || (!self.scan_needs_precise_location() && coarse.granted()) {
            PermissionState::Granted
        } else if fine == PermissionState::DeniedPermanently
            && (self.scan_needs_precise_location() || coarse == PermissionState::DeniedPermanently)
        {
            PermissionState::DeniedPermanently
        } else if fine == PermissionState::NotRequested && coarse == PermissionState::NotRequested {
            PermissionState::NotRequested
        } else {
            PermissionState::Denied
        }
    }
}
