//! The ingest stage's own invariants, checked once a restarted phone has
//! finished (besides the unlock stages' ones: every lock event on the
//! cloud once, no fast-key counter reused, the store open): each unlock
//! the widget reported done on the cloud exactly once, and nothing of the
//! widget's left behind: no journal, no marker of a record taken in.

use super::unlock_scene::UnlockScene;
use crate::sync_bench::harness::SceneError;
use latchkey_core::outbox::{Outbox, OutboxConfig};
use latchkey_core::store::Store;
use std::collections::HashMap;

/// What the widget's side of `scene` broke, in words, into `broken`
/// (nothing for a scene without a widget).
pub(super) fn widget_taken_in(scene: &UnlockScene, store: &Store, broken: &mut Vec<String>) -> Result<(), SceneError> {
    let Some(widget) = &scene.widget else {
        return Ok(());
    };
    // The widget's attempts, found by their start times (no other
    // attempt starts then).
    let mut copies: HashMap<u64, usize> = widget.started.iter().map(|&at| (u64::from(at), 0)).collect();
    for e in scene.cloud.received_events(Some(&scene.lock.id()))? {
        if e.event["kind"] == "unlock_attempt" {
            if let Some(n) = e.event["started_at"].as_u64().and_then(|at| copies.get_mut(&at)) {
                *n += 1;
            }
        }
    }
    let lost = copies.values().filter(|&&n| n == 0).count();
    if lost > 0 {
        broken.push(format!("{lost} widget unlock attempts never reached the cloud"));
    }
    let doubled = copies.values().filter(|&&n| n > 1).count();
    if doubled > 0 {
        broken.push(format!(
            "{doubled} widget unlock attempts reached the cloud more than once"
        ));
    }
    let left: Vec<String> = widget
        .journals()?
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
        .collect();
    if !left.is_empty() {
        broken.push(format!(
            "journals left after the phone took them in: {}",
            left.join(", ")
        ));
    }
    let markers = Outbox::new(store, OutboxConfig { capacity: u64::MAX })?.journal_markers()?;
    if markers > 0 {
        broken.push(format!("{markers} journal markers left with no journal"));
    }
    Ok(())
}
