//! The invariants a phone must keep across any death, checked once a
//! restarted phone has finished.

use crate::sync_bench::crash_scene::CrashScene;
use crate::sync_bench::harness::SceneError;
use crate::sync_bench::phone_child::open_store;
use latchkey_core::outbox::{Outbox, OutboxConfig};
use std::collections::HashSet;

/// What the scene broke, in words (empty: nothing).
pub fn after_recovery(scene: &CrashScene) -> Result<Vec<String>, SceneError> {
    let mut broken = Vec::new();
    let copies = scene.copies()?;
    let lost = (0..scene.queued).filter(|n| !copies.contains_key(n)).count();
    if lost > 0 {
        broken.push(format!("{lost} acknowledged events never reached the cloud"));
    }
    let duplicated = copies.values().filter(|&&c| c > 1).count();
    if duplicated > 0 {
        broken.push(format!("{duplicated} events reached the cloud more than once"));
    }
    // `open_store` refuses a quarantined store: nothing here damages one.
    let store = match open_store(&scene.child.dir) {
        Ok(store) => store,
        Err(e) => {
            broken.push(format!("the store does not open cleanly: {e}"));
            return Ok(broken);
        }
    };
    let outbox = Outbox::new(&store, OutboxConfig { capacity: u64::MAX })?;
    let pending = outbox.stats()?.pending;
    if pending > 0 {
        broken.push(format!("{pending} events still pending after the phone said idle"));
    }
    // Each refused event in the dead letters once: in both places for a
    // moment, never in neither, never twice.
    let dead = outbox.dead_letters()?;
    let ids: HashSet<_> = dead.iter().filter_map(|d| d.id).collect();
    if ids.len() as u64 != scene.refused || dead.len() as u64 != scene.refused {
        broken.push(format!(
            "{} dead letters ({} distinct events) for {} events the cloud refused",
            dead.len(),
            ids.len(),
            scene.refused
        ));
    }
    if !store
        .keys()
        .list()?
        .iter()
        .any(|k| k.key.grant.lock_id == scene.locks[0])
    {
        broken.push("the key the cloud issued is not on the phone".into());
    }
    Ok(broken)
}
