//! The rule tables, one file per platform plus the lock, and the ordering
//! that puts root causes first.
//!
//! Rules only report real causes: a fact that is unknown makes no
//! finding, and a permission the platform version does not need is never
//! mentioned.

mod android;
mod apple;
mod draft;
mod life;
mod linux;
mod lock;
mod network;

pub(crate) use draft::Draft;
pub(crate) use network::sync_error;

use super::observations::LockObservations;
use super::snapshot::{DeviceSnapshot, PlatformSnapshot};

/// Every finding the rules make, root cause first, one per code.
pub(crate) fn evaluate(snapshot: &PlatformSnapshot, observations: &LockObservations) -> Vec<Draft> {
    let mut out = Vec::new();
    let mut airplane = false;
    match &snapshot.device {
        DeviceSnapshot::Android(a) => {
            android::rules(a, &mut out);
            airplane = a.airplane_mode == Some(true);
        }
        DeviceSnapshot::Ios(i) => apple::ios(i, &mut out),
        DeviceSnapshot::Macos(m) => apple::macos(m, &mut out),
        DeviceSnapshot::Linux(l) => linux::rules(l, &mut out),
    }
    network::rules(&snapshot.network, airplane, &mut out);
    lock::rules(observations, snapshot, &mut out);
    life::rules(observations, &mut out);
    order(out)
}

/// Sorts by severity, then by stage (what must work first), keeping the
/// rules' own order among equals, and drops repeated codes.
pub(crate) fn order(mut drafts: Vec<Draft>) -> Vec<Draft> {
    latchkey_protocol::order::sort_by_key(&mut drafts, |d| (d.severity, d.code.spec().stage));
    let mut seen = std::collections::HashSet::new();
    drafts.retain(|d| seen.insert(d.code));
    drafts
}
