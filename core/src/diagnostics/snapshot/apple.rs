//! iOS and macOS facts, as CoreBluetooth reports them. Nothing about
//! location: Apple platforms never tie Bluetooth to location.

use serde::{Deserialize, Serialize};

/// `CBManagerState`. JSON accepts Apple's spelling too (`poweredOff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    #[serde(alias = "poweredOff")]
    PoweredOff,
    /// Ready.
    #[serde(alias = "poweredOn")]
    PoweredOn,
}

/// `CBManagerAuthorization`. JSON accepts Apple's spelling too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CbAuthorization {
    /// The person has not been asked yet.
    #[serde(alias = "notDetermined")]
    NotDetermined,
    /// Device management or Screen Time forbids it; the person can't change it.
    Restricted,
    /// The person said no.
    Denied,
    /// Allowed.
    #[serde(alias = "allowedAlways")]
    AllowedAlways,
}

/// What an iOS app reads about its platform.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IosSnapshot {
    /// `CBCentralManager.state`.
    pub state: Option<CbManagerState>,
    /// `CBManager.authorization`.
    pub authorization: Option<CbAuthorization>,
    /// Info.plist has `NSBluetoothAlwaysUsageDescription` (without it iOS
    /// ends the app when it touches Bluetooth).
    pub usage_description_present: Option<bool>,
    /// Info.plist declares the `bluetooth-central` background mode.
    pub background_mode_declared: Option<bool>,
    /// The app is not in the foreground.
    pub app_in_background: bool,
}

/// What the latchkey tool or a desktop app reads on a Mac.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MacosSnapshot {
    /// `CBCentralManager.state`.
    pub state: Option<CbManagerState>,
    /// `CBManager.authorization` of the process.
    pub authorization: Option<CbAuthorization>,
    /// The app macOS asks about, when latchkey runs inside another one
    /// (e.g. "Terminal" or "iTerm").
    pub host_app: Option<String>,
}
