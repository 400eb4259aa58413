//! The table of [`FindingCode`]s: each code's stable name, the area it is
//! about, where it sits in the chain of things that must work, and its
//! usual severity and action.

use super::kinds::{FindingArea, PlatformAction, Severity};
use crate::error::DiagnosisCode;
use serde::{Deserialize, Serialize};

/// Where a finding sits in the chain of things that must work, first
/// first: sorting by it puts root causes before their consequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    /// The phone checks the key before it touches the radio.
    Key,
    Device,
    Radio,
    Permission,
    Location,
    Background,
    Scan,
    Link,
    LockTrust,
    Power,
    Mechanics,
    Upkeep,
    Network,
    Outcome,
}

/// The defaults a code carries.
pub(crate) struct CodeSpec {
    pub(crate) area: FindingArea,
    pub(crate) stage: Stage,
    pub(crate) severity: Severity,
    pub(crate) action: PlatformAction,
}

macro_rules! finding_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $area:ident, $stage:ident, $sev:ident, $action:ident; )*) => {
        /// A stable name for one finding. The names never change meaning; new
        /// codes are only added. Every [`DiagnosisCode`] has a finding code
        /// with the same name ([`FindingCode::from_diagnosis`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum FindingCode {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl FindingCode {
            /// Every code, in table order.
            pub const ALL: &'static [FindingCode] = &[ $(Self::$variant),* ];

            /// The stable snake_case name (also its JSON form).
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),* }
            }

            pub(crate) fn spec(self) -> CodeSpec {
                match self {
                    $(Self::$variant => CodeSpec {
                        area: FindingArea::$area,
                        stage: Stage::$stage,
                        severity: Severity::$sev,
                        action: PlatformAction::$action,
                    }),*
                }
            }
        }
    };
}

finding_codes! {
    /// This phone holds no key for the lock.
    NoKey = "no_key", Key, Key, BlocksUnlock, AskAdministrator;
    /// The phone has no record of the lock: sync first.
    UnknownLock = "unknown_lock", Key, Key, BlocksUnlock, SyncWhenOnline;
    /// The key has expired.
    KeyExpired = "key_expired", Key, Key, BlocksUnlock, AskAdministrator;
    /// The key is not valid yet.
    KeyNotYetValid = "key_not_yet_valid", Key, Key, BlocksUnlock, None;
    /// The key's schedule does not allow this day or hour.
    OutsideSchedule = "outside_schedule", Key, Key, BlocksUnlock, None;
    /// The key was revoked.
    KeyRevoked = "key_revoked", Key, Key, BlocksUnlock, AskAdministrator;
    /// The key is for another lock.
    WrongLock = "wrong_lock", Key, Key, BlocksUnlock, AskAdministrator;
    /// The lock does not accept the key itself.
    KeyRejected = "key_rejected", Key, Key, BlocksUnlock, AskAdministrator;
    /// The key's role may not ask for this command (a service key may not unlatch).
    RoleNotAllowed = "role_not_allowed", Key, Key, Degrades, None;
    /// The key works only while the phone is online, and it is not.
    KeyNotOfflineAllowed = "key_not_offline_allowed", Key, Key, BlocksUnlock, SyncWhenOnline;
    /// A PIN code typed on the keypad was refused (troubleshooting flow).
    PinCodeRejected = "pin_code_rejected", Key, Key, BlocksUnlock, AskAdministrator;
    /// The device has no Bluetooth LE.
    BluetoothUnsupported = "bluetooth_unsupported", Phone, Device, BlocksUnlock, None;
    /// Bluetooth is unavailable (reported by a failed command).
    BluetoothUnavailable = "bluetooth_unavailable", Phone, Device, BlocksUnlock, WaitAndRetry;
    /// iOS: this build of the app lacks the Bluetooth usage description.
    IosUsageDescriptionMissing = "ios_usage_description_missing", Phone, Device, BlocksUnlock, None;
    /// Linux: no D-Bus system bus to reach BlueZ.
    LinuxNoSystemBus = "linux_no_system_bus", Phone, Device, BlocksUnlock, None;
    /// Linux: the Bluetooth service (bluetoothd) is not running.
    LinuxBluetoothServiceMissing = "linux_bluetooth_service_missing", Phone, Device, BlocksUnlock, None;
    /// Linux: no Bluetooth adapter.
    LinuxAdapterMissing = "linux_adapter_missing", Phone, Device, BlocksUnlock, None;
    /// The phone's own storage failed.
    Storage = "storage", Phone, Device, BlocksUnlock, None;
    /// The phone's hardware-backed key couldn't be used (device locked,
    /// authentication cancelled, key reset).
    PhoneKeyUnavailable = "phone_key_unavailable", Phone, Device, BlocksUnlock, WaitAndRetry;
    /// Something failed inside latchkey itself.
    Internal = "internal", Phone, Device, BlocksUnlock, None;
    /// Bluetooth is off because airplane mode is on.
    AirplaneModeBluetoothOff = "airplane_mode_bluetooth_off", Phone, Radio, BlocksUnlock, RequestEnableBluetooth;
    /// Bluetooth is off.
    BluetoothOff = "bluetooth_off", Phone, Radio, BlocksUnlock, RequestEnableBluetooth;
    /// Linux: Bluetooth is blocked by rfkill (airplane-mode key or switch).
    LinuxRfkillBlocked = "linux_rfkill_blocked", Phone, Radio, BlocksUnlock, OpenBluetoothSettings;
    /// Bluetooth is starting up or resetting.
    BluetoothStarting = "bluetooth_starting", Phone, Radio, BlocksUnlock, WaitAndRetry;
    /// iOS/macOS: Bluetooth is restricted by device management or Screen Time.
    BluetoothPermissionRestricted = "bluetooth_permission_restricted", Phone, Permission, BlocksUnlock, AskAdministrator;
    /// iOS/macOS: the person said no to Bluetooth for this app.
    BluetoothPermissionDenied = "bluetooth_permission_denied", Phone, Permission, BlocksUnlock, OpenAppSettings;
    /// iOS/macOS: the app has not asked for Bluetooth yet.
    BluetoothPermissionNotAsked = "bluetooth_permission_not_asked", Phone, Permission, BlocksUnlock, RequestPermission;
    /// macOS: the app running latchkey (e.g. Terminal) may not use Bluetooth.
    MacosHostAppNotAllowed = "macos_host_app_not_allowed", Phone, Permission, BlocksUnlock, OpenAppSettings;
    /// A Bluetooth or location permission is missing (reported by a failed command).
    BluetoothPermission = "bluetooth_permission", Phone, Permission, BlocksUnlock, OpenAppSettings;
    /// Android 12+: "Nearby devices" (BLUETOOTH_SCAN) not granted; it can be asked for.
    AndroidScanPermissionMissing = "android_scan_permission_missing", Phone, Permission, BlocksUnlock, RequestPermission;
    /// Android 12+: BLUETOOTH_SCAN denied for good: only the settings screen can grant it.
    AndroidScanPermissionBlocked = "android_scan_permission_blocked", Phone, Permission, BlocksUnlock, OpenAppSettings;
    /// Android 12+: BLUETOOTH_CONNECT not granted; it can be asked for.
    AndroidConnectPermissionMissing = "android_connect_permission_missing", Phone, Permission, BlocksUnlock, RequestPermission;
    /// Android 12+: BLUETOOTH_CONNECT denied for good.
    AndroidConnectPermissionBlocked = "android_connect_permission_blocked", Phone, Permission, BlocksUnlock, OpenAppSettings;
    /// Android: location permission needed for Bluetooth scanning, not granted.
    AndroidLocationPermissionMissing = "android_location_permission_missing", Phone, Permission, BlocksUnlock, RequestPermission;
    /// Android: location permission needed for scanning, denied for good.
    AndroidLocationPermissionBlocked = "android_location_permission_blocked", Phone, Permission, BlocksUnlock, OpenAppSettings;
    /// Android: only approximate location granted where precise is needed.
    AndroidPreciseLocationNeeded = "android_precise_location_needed", Phone, Permission, BlocksUnlock, RequestPermission;
    /// Android: location services are off where scanning needs them.
    AndroidLocationServicesOff = "android_location_services_off", Phone, Location, BlocksUnlock, OpenLocationSettings;
    /// Android 10+: background location missing where background scanning needs it.
    AndroidBackgroundLocationMissing = "android_background_location_missing", Phone, Background, Degrades, OpenAppSettings;
    /// Android: the app is restricted in the background.
    AndroidBackgroundRestricted = "android_background_restricted", Phone, Background, Degrades, OpenBatteryOptimisationSettings;
    /// Android: battery optimisation may stop the app in the background.
    AndroidBatteryOptimised = "android_battery_optimised", Phone, Background, Degrades, OpenBatteryOptimisationSettings;
    /// iOS: this build cannot use Bluetooth in the background.
    IosBackgroundModeMissing = "ios_background_mode_missing", Phone, Background, Degrades, None;
    /// Android: too many scans in 30 s; the system silently ignores more.
    AndroidScanThrottled = "android_scan_throttled", Phone, Scan, BlocksUnlock, WaitAndRetry;
    /// The lock was not found nearby.
    LockOutOfRange = "lock_out_of_range", Signal, Link, BlocksUnlock, MoveCloser;
    /// The lock's signal is weak.
    WeakSignal = "weak_signal", Signal, Link, Degrades, MoveCloser;
    /// Android GATT status 133: a connection attempt failed.
    GattConnectionFailed = "gatt_connection_failed", Signal, Link, Degrades, WaitAndRetry;
    /// Android GATT status 8, 62 or 147: the connection timed out.
    GattConnectionTimeout = "gatt_connection_timeout", Signal, Link, Degrades, MoveCloser;
    /// Android GATT status 19: the lock ended the connection.
    GattDisconnectedByLock = "gatt_disconnected_by_lock", Signal, Link, Degrades, WaitAndRetry;
    /// Android GATT status 22: the phone's Bluetooth ended the connection.
    GattDisconnectedByPhone = "gatt_disconnected_by_phone", Signal, Link, Degrades, WaitAndRetry;
    /// Android GATT status 5, 15 or 137: a pairing (bonding) problem.
    GattPairingProblem = "gatt_pairing_problem", Signal, Link, Degrades, OpenBluetoothSettings;
    /// Another Android GATT error.
    GattError = "gatt_error", Signal, Link, Degrades, WaitAndRetry;
    /// The connection failed or dropped before the request reached the lock.
    ConnectionFailed = "connection_failed", Signal, Link, Degrades, WaitAndRetry;
    /// The request reached the lock but its answer was lost.
    OutcomeUnknown = "outcome_unknown", Signal, Link, Degrades, None;
    /// The lock is awake but cannot be found over Bluetooth (troubleshooting flow).
    LockNotAdvertising = "lock_not_advertising", Signal, Link, BlocksUnlock, CallTechnician;
    /// The lock's clock is not trusted (after losing power).
    ClockUntrusted = "clock_untrusted", Lock, LockTrust, BlocksUnlock, SyncWhenOnline;
    /// The lock's clock is off.
    LockClockSkewed = "lock_clock_skewed", Lock, LockTrust, Degrades, SyncWhenOnline;
    /// The keypad is locked after repeated wrong codes.
    KeypadLockedOut = "keypad_locked_out", Key, LockTrust, BlocksUnlock, WaitAndRetry;
    /// The lock is refusing unproven requests for a moment (a burst of
    /// failed or junk requests nearby).
    LockBusy = "lock_busy", Lock, LockTrust, BlocksUnlock, WaitAndRetry;
    /// The lock's answer did not prove it is the real lock.
    LockNotAuthentic = "lock_not_authentic", Lock, LockTrust, BlocksUnlock, CallTechnician;
    /// The app and the lock do not understand each other.
    ProtocolMismatch = "protocol_mismatch", Lock, LockTrust, BlocksUnlock, None;
    /// The lock refused for another reason.
    LockRefused = "lock_refused", Lock, LockTrust, BlocksUnlock, WaitAndRetry;
    /// The lock has no owner (new, or factory reset): claim or
    /// re-commission it.
    LockUnclaimed = "lock_unclaimed", Lock, LockTrust, BlocksUnlock, AskAdministrator;
    /// The lock belongs to another account.
    LockClaimedElsewhere = "lock_claimed_elsewhere", Lock, LockTrust, BlocksUnlock, AskAdministrator;
    /// The setup code does not match the lock.
    SetupCodeWrong = "setup_code_wrong", Lock, LockTrust, BlocksUnlock, None;
    /// Setting the lock up could not finish (a newer list is needed, or the
    /// bolt's calibration failed).
    SetupIncomplete = "setup_incomplete", Lock, LockTrust, BlocksUnlock, SyncWhenOnline;
    /// The lock shows no sign of life (troubleshooting flow).
    LockUnresponsive = "lock_unresponsive", LockPower, Power, BlocksUnlock, ReplaceBatteries;
    /// The lock's battery is too weak to move the bolt.
    BatteryCritical = "battery_critical", LockPower, Power, BlocksUnlock, ReplaceBatteries;
    /// A weak battery is making the motor stall.
    BatteryTooWeakForMotor = "battery_too_weak_for_motor", LockPower, Power, BlocksUnlock, ReplaceBatteries;
    /// The door is open, so the lock will not throw the bolt.
    DoorAjar = "door_ajar", Mechanics, Mechanics, BlocksUnlock, None;
    /// The bolt is jammed (the motor stalled).
    LockJammed = "lock_jammed", Mechanics, Mechanics, BlocksUnlock, CallTechnician;
    /// The bolt could not go all the way out.
    BoltNotThrown = "bolt_not_thrown", Mechanics, Mechanics, BlocksUnlock, CallTechnician;
    /// The strike plate is out of line with the bolt (troubleshooting flow).
    StrikeMisaligned = "strike_misaligned", Mechanics, Mechanics, BlocksUnlock, CallTechnician;
    /// The lock's battery is low.
    BatteryLow = "battery_low", LockPower, Upkeep, Degrades, ReplaceBatteries;
    /// The lock's battery is draining faster than it should.
    BatteryDrainingFast = "battery_draining_fast", LockPower, Upkeep, Degrades, CallTechnician;
    /// The lock has not yet received the newest revocation list.
    RevocationDrift = "revocation_drift", Lock, Upkeep, Degrades, MoveCloser;
    /// Keypad PIN changes the lock has not received (a deleted PIN still works).
    PinDrift = "pin_drift", Lock, Upkeep, Degrades, MoveCloser;
    /// The lock was factory reset since this phone last saw it.
    LockFactoryReset = "lock_factory_reset", Lock, Upkeep, Info, AskAdministrator;
    /// A firmware update dropped stored credentials (the PIN list, keys,
    /// the clock's trust) and no phone has put them back yet.
    FirmwareChangedCredentials = "firmware_changed_credentials", Lock, Upkeep, Degrades, MoveCloser;
    /// The lock refused a firmware image; the old firmware keeps running.
    FirmwareRejected = "firmware_rejected", Lock, Upkeep, Degrades, SyncWhenOnline;
    /// A firmware delivery stopped part-way; the lock keeps what it has.
    FirmwareUpdateInterrupted = "firmware_update_interrupted", Lock, Upkeep, Info, MoveCloser;
    /// The key expires soon.
    KeyExpiringSoon = "key_expiring_soon", Key, Upkeep, Info, SyncWhenOnline;
    /// The phone is offline (unlocking still works with offline keys).
    NetworkOffline = "network_offline", Network, Network, Info, SyncWhenOnline;
    /// The phone is offline because airplane mode is on.
    AirplaneModeOffline = "airplane_mode_offline", Network, Network, Info, OpenAirplaneModeSettings;
    /// Online, but the latchkey service cannot be reached.
    CloudUnreachable = "cloud_unreachable", Network, Network, Info, WaitAndRetry;
    /// Syncing with the latchkey service keeps failing.
    SyncFailing = "sync_failing", Network, Network, Degrades, WaitAndRetry;
    /// The latchkey service no longer accepts this phone's sign-in.
    CloudAuth = "cloud_auth", Network, Network, Degrades, None;
    /// The latchkey service refused some records for good.
    CloudRejected = "cloud_rejected", Network, Network, Info, None;
    /// Every check passed, yet the problem remains (troubleshooting flow).
    NoFaultFound = "no_fault_found", Outcome, Outcome, Info, CallTechnician;
    /// The problem is gone (troubleshooting flow).
    Resolved = "resolved", Outcome, Outcome, Info, None;
}

impl FindingCode {
    /// The code with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// Which part of the system it is about.
    pub fn area(self) -> FindingArea {
        self.spec().area
    }

    /// Its usual severity (a rule may raise or lower it with the context).
    pub fn default_severity(self) -> Severity {
        self.spec().severity
    }

    /// Its usual action (a rule may pick another with the context).
    pub fn default_action(self) -> PlatformAction {
        self.spec().action
    }

    /// The finding that explains a failure code from latchkey-core.
    pub fn from_diagnosis(code: DiagnosisCode) -> Self {
        use DiagnosisCode as D;
        match code {
            D::BluetoothOff => Self::BluetoothOff,
            D::BluetoothPermission => Self::BluetoothPermission,
            D::BluetoothBlocked => Self::LinuxRfkillBlocked,
            D::BluetoothStarting => Self::BluetoothStarting,
            D::BluetoothUnavailable => Self::BluetoothUnavailable,
            D::LockOutOfRange => Self::LockOutOfRange,
            D::AndroidScanThrottled => Self::AndroidScanThrottled,
            D::ConnectionFailed => Self::ConnectionFailed,
            D::OutcomeUnknown => Self::OutcomeUnknown,
            D::NoKey => Self::NoKey,
            D::UnknownLock => Self::UnknownLock,
            D::KeyNotOfflineAllowed => Self::KeyNotOfflineAllowed,
            D::KeyExpired => Self::KeyExpired,
            D::KeyNotYetValid => Self::KeyNotYetValid,
            D::OutsideSchedule => Self::OutsideSchedule,
            D::KeyRevoked => Self::KeyRevoked,
            D::WrongLock => Self::WrongLock,
            D::KeyRejected => Self::KeyRejected,
            D::RoleNotAllowed => Self::RoleNotAllowed,
            D::LockJammed => Self::LockJammed,
            D::BoltNotThrown => Self::BoltNotThrown,
            D::DoorAjar => Self::DoorAjar,
            D::BatteryCritical => Self::BatteryCritical,
            D::ClockUntrusted => Self::ClockUntrusted,
            D::LockNotAuthentic => Self::LockNotAuthentic,
            D::ProtocolMismatch => Self::ProtocolMismatch,
            D::Storage => Self::Storage,
            D::PhoneKeyUnavailable => Self::PhoneKeyUnavailable,
            D::Internal => Self::Internal,
            D::LockRefused => Self::LockRefused,
            D::CloudUnreachable => Self::CloudUnreachable,
            D::CloudAuth => Self::CloudAuth,
            D::CloudRejected => Self::CloudRejected,
            D::KeypadLockedOut => Self::KeypadLockedOut,
            D::LockBusy => Self::LockBusy,
            D::LockUnclaimed => Self::LockUnclaimed,
            D::LockClaimedElsewhere => Self::LockClaimedElsewhere,
            D::SetupCodeWrong => Self::SetupCodeWrong,
            D::SetupIncomplete => Self::SetupIncomplete,
            D::FirmwareRejected => Self::FirmwareRejected,
            D::FirmwareUpdateInterrupted => Self::FirmwareUpdateInterrupted,
        }
    }
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FindingCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FindingCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown finding code `{name}`")))
    }
}
