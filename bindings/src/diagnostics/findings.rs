//! What the diagnostics engine returns: findings (what is wrong, why, the
//! fix and the button to offer) and readiness checklists. The core's small
//! enums are exported as they are; findings carry their code as its stable
//! snake_case name (`bluetooth_scan_denied_permanently`, …; the table is in
//! docs/diagnostics.md).

use super::DiagnosticsError;
use latchkey_core::diagnostics::{
    CheckStatus, Finding as CoreFinding, FindingArea, FindingCode, MessageArg, PlatformAction,
    ReadinessCheck as CoreCheck, ReadinessItem, ReadinessReport as CoreReport, Severity,
};

/// One thing the engine found; a list puts the root cause first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// The stable code, snake_case.
    pub code: String,
    /// How much it matters.
    pub severity: Severity,
    /// Which part of the system it is about.
    pub area: FindingArea,
    /// A short title for a resident.
    pub title: String,
    /// Why it happens, in plain words.
    pub explanation: String,
    /// The fix, one step per entry, in order (the UI numbers them).
    pub steps: Vec<String>,
    /// The button to offer.
    pub action: PlatformAction,
    /// For `RequestPermission` on Android: the manifest permissions to
    /// request together.
    pub permissions: Vec<String>,
    /// The placeholder values the texts were rendered with.
    pub args: Vec<MessageArg>,
}

impl From<CoreFinding> for Finding {
    fn from(f: CoreFinding) -> Self {
        Self {
            code: f.code.as_str().to_string(),
            area: f.code.area(),
            severity: f.severity,
            title: f.title,
            explanation: f.explanation,
            steps: f.steps,
            action: f.action,
            permissions: f.permissions,
            args: f.args,
        }
    }
}

impl Finding {
    /// The core's finding again (a finding the app kept, handed back to be
    /// localized or to answer a troubleshooting step).
    pub(crate) fn into_core(self) -> Result<CoreFinding, DiagnosticsError> {
        let code =
            FindingCode::from_name(&self.code).ok_or(DiagnosticsError::UnknownFindingCode { code: self.code })?;
        Ok(CoreFinding {
            code,
            severity: self.severity,
            title: self.title,
            explanation: self.explanation,
            steps: self.steps,
            action: self.action,
            permissions: self.permissions,
            args: self.args,
        })
    }
}

/// One line of a readiness checklist.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReadinessCheck {
    /// What is checked.
    pub item: ReadinessItem,
    /// The verdict.
    pub status: CheckStatus,
    /// A short title.
    pub title: String,
    /// One sentence on the verdict.
    pub message: String,
    /// The button to offer.
    pub action: PlatformAction,
    /// Why, when it did not pass.
    pub findings: Vec<Finding>,
}

/// A readiness checklist ("can this phone open the lock offline?",
/// "did everything kept offline reach the cloud?").
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReadinessReport {
    /// Every check passed (or only warned).
    pub ready: bool,
    /// The lines, in order.
    pub checks: Vec<ReadinessCheck>,
}

impl From<CoreReport> for ReadinessReport {
    fn from(r: CoreReport) -> Self {
        Self {
            ready: r.ready,
            checks: r.checks.into_iter().map(ReadinessCheck::from).collect(),
        }
    }
}

impl ReadinessReport {
    /// The core's report again (a report the app kept, handed back for the
    /// emergency sheet).
    pub(crate) fn into_core(self) -> Result<CoreReport, DiagnosticsError> {
        let checks = self
            .checks
            .into_iter()
            .map(|c| {
                Ok(CoreCheck {
                    item: c.item,
                    status: c.status,
                    title: c.title,
                    message: c.message,
                    action: c.action,
                    findings: c
                        .findings
                        .into_iter()
                        .map(Finding::into_core)
                        .collect::<Result<_, _>>()?,
                })
            })
            .collect::<Result<_, DiagnosticsError>>()?;
        Ok(CoreReport {
            ready: self.ready,
            checks,
        })
    }
}

impl From<CoreCheck> for ReadinessCheck {
    fn from(c: CoreCheck) -> Self {
        Self {
            item: c.item,
            status: c.status,
            title: c.title,
            message: c.message,
            action: c.action,
            findings: c.findings.into_iter().map(Finding::from).collect(),
        }
    }
}

/// How much a finding matters to the person at the door.
#[uniffi::remote(Enum)]
pub enum Severity {
    /// Unlocking with this phone can't work until it is fixed.
    BlocksUnlock,
    /// Unlocking works, but slower, less reliably, or something around it
    /// (background use, sync, upkeep) does not.
    Degrades,
    /// Worth knowing; nothing to fix now.
    Info,
}

/// What the app should offer next to the finding (one button). The
/// Kotlin/Swift glue maps each to the platform's screen or request.
#[uniffi::remote(Enum)]
pub enum PlatformAction {
    /// Open this app's page in the system settings (permissions).
    OpenAppSettings,
    /// Ask for the permissions listed in the finding's `permissions` again.
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

/// Which part of the system a finding is about; the troubleshooting flow
/// uses it to tell connectivity from credentials, power and mechanics.
#[uniffi::remote(Enum)]
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

/// A placeholder value in a finding's text (`{name}` in the catalog), kept
/// so the finding can be rendered again in another locale.
#[uniffi::remote(Record)]
pub struct MessageArg {
    /// The placeholder's name, without braces.
    pub name: String,
    /// Its value, already formatted.
    pub value: String,
}

/// One line of a checklist.
#[uniffi::remote(Enum)]
pub enum ReadinessItem {
    /// A valid, offline-allowed key for the lock, not about to expire.
    OfflineKey,
    /// The lock holds the newest revocation list the phone carries.
    RevocationCurrent,
    /// The lock's clock is trusted and close to the truth.
    LockClock,
    /// The lock's battery is healthy.
    Battery,
    /// The last unlock tried offline worked.
    LastOfflineUnlock,
    /// A backup way in is recorded.
    BackupEntry,
    /// The phone lets the app use Bluetooth in the background.
    BackgroundUse,
    /// The lock has its owner and no firmware update left it missing
    /// stored credentials.
    LockSetup,
    /// After reconnection: every queued event was uploaded.
    EventsUploaded,
    /// After reconnection: no lock is behind on revocations.
    DriftCleared,
    /// After reconnection: keys due for renewal were renewed.
    KeysRenewed,
    /// After reconnection: the last sync worked.
    SyncWorking,
}

/// How one check came out.
#[uniffi::remote(Enum)]
pub enum CheckStatus {
    /// Fine.
    Pass,
    /// Works, but act soon.
    Warn,
    /// Not ready.
    Fail,
    /// Not known yet (not checked, or never seen).
    Unknown,
}
