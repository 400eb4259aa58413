//! The platform snapshot the app fills for the diagnostics engine, exported
//! as the core defines it (UniFFI "remote" types: the declarations must
//! match the core's exactly, so a change there fails this build).
//!
//! Android: `dev.latchkey.android.AndroidPlatformSnapshot` fills it; iOS:
//! `PlatformSnapshotCollector`. Leave a fact `null`/`nil` when the app could
//! not read it: the engine makes no finding from an unknown fact.

use latchkey_core::diagnostics::{
    AdapterState, AndroidPermissions, AndroidSnapshot, BluezState, CbAuthorization, CbManagerState, DeviceSnapshot,
    IosSnapshot, LinuxSnapshot, MacosSnapshot, NetworkSnapshot, PermissionState, PlatformSnapshot,
};

/// The state of one runtime permission.
#[uniffi::remote(Enum)]
pub enum PermissionState {
    /// Granted.
    Granted,
    /// Denied, and the app may ask again (the system will show the prompt).
    Denied,
    /// Denied for good: asked before and `shouldShowRequestPermissionRationale`
    /// is false, so a new request shows nothing. Only the settings screen helps.
    DeniedPermanently,
    /// Never asked.
    NotRequested,
}

/// `BluetoothAdapter` state.
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Record)]
pub struct AndroidPermissions {
    /// `BLUETOOTH_SCAN` (Android 12+).
    pub bluetooth_scan: PermissionState,
    /// The manifest declares `BLUETOOTH_SCAN` with
    /// `usesPermissionFlags="neverForLocation"`: no location needed to scan.
    #[uniffi(default = false)]
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
#[uniffi::remote(Record)]
pub struct AndroidSnapshot {
    /// `Build.VERSION.SDK_INT` (30 = Android 11, 31 = Android 12).
    pub api_level: u32,
    /// The app's `targetSdkVersion`; when absent, assumed equal to `api_level`.
    #[uniffi(default = None)]
    pub target_sdk: Option<u32>,
    /// Runtime permissions.
    pub permissions: AndroidPermissions,
    /// `LocationManager.isLocationEnabled()`.
    #[uniffi(default = None)]
    pub location_services_on: Option<bool>,
    /// The Bluetooth adapter.
    #[uniffi(default = None)]
    pub adapter: Option<AdapterState>,
    /// `Settings.Global.AIRPLANE_MODE_ON`.
    #[uniffi(default = None)]
    pub airplane_mode: Option<bool>,
    /// The app is not in the foreground.
    #[uniffi(default = false)]
    pub app_in_background: bool,
    /// The app is subject to battery optimisation (not on the
    /// "unrestricted" / ignore-optimisations list).
    #[uniffi(default = None)]
    pub battery_optimised: Option<bool>,
    /// `ActivityManager.isBackgroundRestricted()`.
    #[uniffi(default = None)]
    pub background_restricted: Option<bool>,
    /// Scans started in the last 30 seconds (Android allows 5). Leave it
    /// 0: the client fills it from its own central's record.
    #[uniffi(default = 0)]
    pub scans_started_last_30s: u32,
    /// The last failed GATT status (133, 147, 8, 19, 22, …). Leave it
    /// `null`: the client fills it from its own central's record.
    #[uniffi(default = None)]
    pub last_gatt_status: Option<i32>,
}

/// `CBManagerState`. JSON accepts Apple's spelling too (`poweredOff`).
#[uniffi::remote(Enum)]
pub enum CbManagerState {
    /// Not known yet (the manager just started).
    Unknown,
    /// The Bluetooth stack is restarting.
    Resetting,
    /// The device has no Bluetooth LE.
    Unsupported,
    /// The app may not use Bluetooth (see the authorization).
    Unauthorized,
    /// Bluetooth is off.
    PoweredOff,
    /// Ready.
    PoweredOn,
}

/// `CBManagerAuthorization`. JSON accepts Apple's spelling too.
#[uniffi::remote(Enum)]
pub enum CbAuthorization {
    /// The person has not been asked yet.
    NotDetermined,
    /// Device management or Screen Time forbids it; the person can't change it.
    Restricted,
    /// The person said no.
    Denied,
    /// Allowed.
    AllowedAlways,
}

/// What an iOS app reads about its platform.
#[uniffi::remote(Record)]
pub struct IosSnapshot {
    /// `CBCentralManager.state`.
    #[uniffi(default = None)]
    pub state: Option<CbManagerState>,
    /// `CBManager.authorization`.
    #[uniffi(default = None)]
    pub authorization: Option<CbAuthorization>,
    /// Info.plist has `NSBluetoothAlwaysUsageDescription` (without it iOS
    /// ends the app when it touches Bluetooth).
    #[uniffi(default = None)]
    pub usage_description_present: Option<bool>,
    /// Info.plist declares the `bluetooth-central` background mode.
    #[uniffi(default = None)]
    pub background_mode_declared: Option<bool>,
    /// The app is not in the foreground.
    #[uniffi(default = false)]
    pub app_in_background: bool,
}

/// What the latchkey tool or a desktop app reads on a Mac.
#[uniffi::remote(Record)]
pub struct MacosSnapshot {
    /// `CBCentralManager.state`.
    #[uniffi(default = None)]
    pub state: Option<CbManagerState>,
    /// `CBManager.authorization` of the process.
    #[uniffi(default = None)]
    pub authorization: Option<CbAuthorization>,
    /// The app macOS asks about, when latchkey runs inside another one
    /// (e.g. "Terminal" or "iTerm").
    #[uniffi(default = None)]
    pub host_app: Option<String>,
}

/// The BlueZ stack's state, summarised as the first thing that stops it.
#[uniffi::remote(Enum)]
pub enum BluezState {
    /// Adapter present, powered, bluetoothd answering.
    Ready,
    /// No D-Bus system bus (containers, minimal systems).
    NoSystemBus,
    /// The bus is there but `org.bluez` is not (bluetoothd not running).
    BluetoothdMissing,
    /// bluetoothd runs but has no adapter.
    AdapterAbsent,
    /// The adapter is powered off.
    PoweredOff,
    /// rfkill blocks Bluetooth (`org.bluez.Error.Blocked`).
    RfkillBlocked,
    /// The adapter is not ready yet (`org.bluez.Error.NotReady`).
    NotReady,
    /// Not checked.
    Unknown,
}

/// What a desktop app or the CLI reads about BlueZ.
#[uniffi::remote(Record)]
pub struct LinuxSnapshot {
    /// The stack's state.
    pub bluez: BluezState,
    /// With [`BluezState::RfkillBlocked`]: a hardware switch blocks it
    /// (software can't undo it).
    #[uniffi(default = None)]
    pub rfkill_hard_blocked: Option<bool>,
}

/// The device facts, by platform (`"platform": "android"` in JSON).
#[uniffi::remote(Enum)]
pub enum DeviceSnapshot {
    /// An Android phone.
    Android(AndroidSnapshot),
    /// An iPhone or iPad.
    Ios(IosSnapshot),
    /// A Linux computer (BlueZ).
    Linux(LinuxSnapshot),
    /// A Mac (CoreBluetooth).
    Macos(MacosSnapshot),
}

/// Internet and cloud reachability.
#[uniffi::remote(Record)]
pub struct NetworkSnapshot {
    /// The phone has a network connection.
    #[uniffi(default = None)]
    pub online: Option<bool>,
    /// The latchkey service answered recently.
    #[uniffi(default = None)]
    pub cloud_reachable: Option<bool>,
    /// The sync engine's last error code (e.g. `timeout`, `unauthorized`),
    /// `None` when the last sync worked.
    #[uniffi(default = None)]
    pub last_sync_error: Option<String>,
}

/// The platform as the app sees it at one moment.
#[uniffi::remote(Record)]
pub struct PlatformSnapshot {
    /// Format version (1: the only one so far).
    #[uniffi(default = 1)]
    pub format: u32,
    /// The device's Bluetooth and permission facts.
    pub device: DeviceSnapshot,
    /// Connectivity.
    #[uniffi(default)]
    pub network: NetworkSnapshot,
}
