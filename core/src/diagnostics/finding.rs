//! What the engine returns: a [`Finding`] with a stable [`FindingCode`], a
//! [`Severity`], plain-language text and the [`PlatformAction`] to offer.

use super::codes::FindingCode;
use super::kinds::{PlatformAction, Severity};
use serde::{Deserialize, Serialize};

/// A placeholder value in a finding's text (`{name}` in the catalog), kept
/// so the finding can be rendered again in another locale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageArg {
    /// The placeholder's name, without braces.
    pub name: String,
    /// Its value, already formatted.
    pub value: String,
}

/// One thing the engine found, root cause first in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The stable code (see the table in `docs/diagnostics.md`).
    pub code: FindingCode,
    /// How much it matters.
    pub severity: Severity,
    /// A short title for a resident.
    pub title: String,
    /// Why it happens, in plain words.
    pub explanation: String,
    /// The fix, one step per entry, in order (the UI numbers them).
    pub steps: Vec<String>,
    /// The button to offer.
    pub action: PlatformAction,
    /// For [`PlatformAction::RequestPermission`] on Android: the manifest
    /// permissions to request together (e.g. `android.permission.BLUETOOTH_SCAN`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
    /// The placeholder values the text was rendered with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<MessageArg>,
}

impl Finding {
    /// The value of one placeholder, when the finding has it.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|a| a.name == name).map(|a| a.value.as_str())
    }
}
