//! The small enums that classify a finding: its [`Severity`], the
//! [`PlatformAction`] to offer and the [`FindingArea`] it is about. Both the
//! code table (codes.rs, each code's defaults) and the finding itself
//! (finding.rs) use them, so they sit below both.

use serde::{Deserialize, Serialize};

/// How much a finding matters to the person at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Unlocking with this phone can't work until it is fixed.
    BlocksUnlock,
    /// Unlocking works, but slower, less reliably, or something around it
    /// (background use, sync, upkeep) does not.
    Degrades,
    /// Worth knowing; nothing to fix now.
    Info,
}

impl Severity {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BlocksUnlock => "blocks_unlock",
            Self::Degrades => "degrades",
            Self::Info => "info",
        }
    }
}

/// What the app should offer next to the finding (one button). The
/// Kotlin/Swift glue maps each to the platform's screen or request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformAction {
    /// Open this app's page in the system settings (permissions).
    OpenAppSettings,
    /// Ask for the permissions listed in [`Finding::permissions`](super::Finding::permissions) again.
    RequestPermission,
    /// Ask the system to switch Bluetooth on (Android `ACTION_REQUEST_ENABLE`,
    /// the iOS power alert, `bluetoothctl power on` on Linux).
    RequestEnableBluetooth,
    /// Open the system's location settings.
    OpenLocationSettings,
    /// Open the system's Bluetooth settings.
    OpenBluetoothSettings,
    /// Open the airplane-mode settings.
    OpenAirplaneModeSettings,
    /// Open the battery-optimisation settings for this app.
    OpenBatteryOptimisationSettings,
    /// Wait a moment, then try once more.
    WaitAndRetry,
    /// Go closer to the lock.
    MoveCloser,
    /// Replace the lock's batteries.
    ReplaceBatteries,
    /// Call a locksmith or service technician.
    CallTechnician,
    /// Ask the host, property manager or device administrator.
    AskAdministrator,
    /// Connect to the internet so the app can sync.
    SyncWhenOnline,
    /// Nothing to offer; the steps say what to do.
    None,
}

impl PlatformAction {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenAppSettings => "open_app_settings",
            Self::RequestPermission => "request_permission",
            Self::RequestEnableBluetooth => "request_enable_bluetooth",
            Self::OpenLocationSettings => "open_location_settings",
            Self::OpenBluetoothSettings => "open_bluetooth_settings",
            Self::OpenAirplaneModeSettings => "open_airplane_mode_settings",
            Self::OpenBatteryOptimisationSettings => "open_battery_optimisation_settings",
            Self::WaitAndRetry => "wait_and_retry",
            Self::MoveCloser => "move_closer",
            Self::ReplaceBatteries => "replace_batteries",
            Self::CallTechnician => "call_technician",
            Self::AskAdministrator => "ask_administrator",
            Self::SyncWhenOnline => "sync_when_online",
            Self::None => "none",
        }
    }
}

/// Which part of the system a finding is about; the troubleshooting flow
/// uses it to tell connectivity from credentials, power and mechanics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingArea {
    /// This phone or computer: Bluetooth, permissions, background limits.
    Phone,
    /// The radio link between phone and lock: range, connection errors.
    Signal,
    /// The digital key or PIN code.
    Key,
    /// The lock's clock, identity and software.
    Lock,
    /// The lock's batteries.
    LockPower,
    /// Bolt, strike plate and door.
    Mechanics,
    /// Internet and the vendor cloud.
    Network,
    /// A conclusion of the troubleshooting flow.
    Outcome,
}
