//! What the app tells the engine about the platform: a [`PlatformSnapshot`]
//! (device facts plus network), in a JSON format shared by the bindings, the
//! CLI and the docs (`docs/diagnostics.md`).
//!
//! Every fact the app could not read may be left out (or `null`): the
//! engine makes no finding from an unknown fact. Unknown JSON fields are
//! ignored so a newer app can talk to an older core.

mod android;
mod apple;
mod linux;

pub(crate) use android::ANDROID_SCAN_STARTS_PER_30S;
pub use android::{AdapterState, AndroidPermissions, AndroidSnapshot, PermissionState};
pub use apple::{CbAuthorization, CbManagerState, IosSnapshot, MacosSnapshot};
pub use linux::{probe_linux, BluezState, LinuxProbe, LinuxSnapshot, ProbeFact};

use serde::{Deserialize, Serialize};

/// The newest snapshot format this build reads.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// The platform as the app sees it at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformSnapshot {
    /// Format version ([`SNAPSHOT_FORMAT`]); 1 when absent.
    #[serde(default = "format_one")]
    pub format: u32,
    /// The device's Bluetooth and permission facts.
    pub device: DeviceSnapshot,
    /// Connectivity.
    #[serde(default)]
    pub network: NetworkSnapshot,
}

fn format_one() -> u32 {
    1
}

/// The device facts, by platform (`"platform": "android"` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "platform", rename_all = "snake_case")]
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

impl DeviceSnapshot {
    /// The platform's name as in JSON.
    pub fn platform_name(&self) -> &'static str {
        match self {
            Self::Android(_) => "android",
            Self::Ios(_) => "ios",
            Self::Linux(_) => "linux",
            Self::Macos(_) => "macos",
        }
    }

    /// Whether the snapshot says anything about the Bluetooth radio's state
    /// (so that an old "Bluetooth is off" error can be judged stale).
    pub fn radio_state_known(&self) -> bool {
        match self {
            Self::Android(a) => a.adapter.is_some(),
            Self::Ios(i) => i.state.is_some_and(|s| s != CbManagerState::Unknown),
            Self::Linux(l) => l.bluez != BluezState::Unknown,
            Self::Macos(m) => m.state.is_some_and(|s| s != CbManagerState::Unknown),
        }
    }
}

/// Internet and cloud reachability.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkSnapshot {
    /// The phone has a network connection.
    pub online: Option<bool>,
    /// The latchkey service answered recently.
    pub cloud_reachable: Option<bool>,
    /// The sync engine's last error code (e.g. `timeout`, `unauthorized`),
    /// `None` when the last sync worked.
    pub last_sync_error: Option<String>,
}

/// Why a snapshot or observations document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// Not valid JSON, or a field has the wrong type or an unknown value.
    #[error("the diagnostics document is not valid: {0}")]
    Invalid(String),
    /// Written by a newer app than this build understands.
    #[error("the diagnostics document has format {found}, this build reads up to {supported}: update latchkey")]
    TooNew {
        /// The document's format.
        found: u32,
        /// The newest this build reads.
        supported: u32,
    },
}

impl PlatformSnapshot {
    /// A snapshot of `device` with unknown network state.
    pub fn new(device: DeviceSnapshot) -> Self {
        Self {
            format: SNAPSHOT_FORMAT,
            device,
            network: NetworkSnapshot::default(),
        }
    }

    /// Reads the JSON format documented in `docs/diagnostics.md`.
    pub fn from_json(json: &str) -> Result<Self, SnapshotError> {
        // As bytes, like the store's records: one compiled decoder per type.
        let snapshot: Self =
            serde_json::from_slice(json.as_bytes()).map_err(|e| SnapshotError::Invalid(e.to_string()))?;
        if snapshot.format > SNAPSHOT_FORMAT {
            return Err(SnapshotError::TooNew {
                found: snapshot.format,
                supported: SNAPSHOT_FORMAT,
            });
        }
        Ok(snapshot)
    }

    /// The JSON form (pretty-printed).
    pub fn to_json(&self) -> String {
        // Plain data with string keys always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
