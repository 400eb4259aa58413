//! Internet and the latchkey service. Being offline never blocks an
//! offline-allowed key; it only delays sync.

use super::Draft;
use crate::diagnostics::snapshot::NetworkSnapshot;
use crate::diagnostics::FindingCode as C;

pub(super) fn rules(n: &NetworkSnapshot, airplane_mode: bool, out: &mut Vec<Draft>) {
    if n.online == Some(false) {
        out.push(Draft::new(if airplane_mode {
            C::AirplaneModeOffline
        } else {
            C::NetworkOffline
        }));
        return;
    }
    if n.cloud_reachable == Some(false) {
        out.push(Draft::new(C::CloudUnreachable));
    } else if let Some(error) = n.last_sync_error.as_deref().filter(|e| !e.is_empty()) {
        out.push(sync_error(error));
    }
}

/// The finding for the sync engine's last error: its diagnosis codes have
/// their own findings; anything else is shown as is.
pub(crate) fn sync_error(error: &str) -> Draft {
    let draft = match C::from_name(error) {
        Some(code @ (C::CloudAuth | C::CloudRejected | C::CloudUnreachable)) => Draft::new(code),
        _ => Draft::new(C::SyncFailing),
    };
    draft.arg("error", error)
}
