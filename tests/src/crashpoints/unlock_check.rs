//! The invariants of the unlock stages, checked once a restarted phone
//! has finished: what the lock did, what the cloud holds and believes,
//! and what the phone kept.

use super::unlock_scene::{Prelude, UnlockScene, CERT_LIFETIME_S};
use crate::sync_bench::harness::{SceneError, START};
use crate::sync_bench::phone_child::open_store;
use latchkey_core::outbox::{Outbox, OutboxConfig};
use latchkey_core::store::Store;
use latchkey_protocol::{EventKind, ResultCode};
use std::collections::HashMap;
use std::path::Path;

/// What the scene broke, in words (empty: nothing).
pub fn after_unlocks(scene: &UnlockScene) -> Result<Vec<String>, SceneError> {
    let mut broken = Vec::new();
    lock_and_commands(scene, &mut broken);
    cloud_views(scene, &mut broken)?;
    match open_store(&scene.dir) {
        Ok(store) => {
            phone_kept(scene, &store, &mut broken)?;
            super::ingest_check::widget_taken_in(scene, &store, &mut broken)?;
        }
        Err(e) => broken.push(format!("the store does not open cleanly: {e}")),
    }
    quarantine(scene, &mut broken)?;
    Ok(broken)
}

/// No unlock reported that the lock did not do, none actuated twice, the
/// unlocks after recovery all done, no fast-key counter used twice.
fn lock_and_commands(scene: &UnlockScene, broken: &mut Vec<String>) {
    let (actuated, events) = {
        let lock = scene.lock.lock();
        (lock.actuation_count() as usize, lock.events())
    };
    if scene.reported > actuated {
        broken.push(format!(
            "the phone reported {} unlocks done, the lock did {actuated}",
            scene.reported
        ));
    }
    if actuated > scene.attempted {
        broken.push(format!(
            "the lock actuated {actuated} times for {} commands",
            scene.attempted
        ));
    }
    if !scene.last_failures.is_empty() {
        broken.push(format!("after recovery: {}", scene.last_failures.join("; ")));
    }
    // A refusal met by a child that was then killed is in no `failed`
    // line the checks see: the lock's log shows every one.
    let replays = events
        .iter()
        .filter(|e| e.kind == EventKind::AccessDenied && e.result == ResultCode::CounterReplay as u8)
        .count();
    if replays > 0 {
        broken.push(format!("the lock refused {replays} fast-key counters used before"));
    }
}

/// Every lock event on the cloud once; the cloud's revocation and PIN
/// drift views what the lock holds.
fn cloud_views(scene: &UnlockScene, broken: &mut Vec<String>) -> Result<(), SceneError> {
    let lock_id = scene.lock.id();
    let (lock_seq, pin_seq, events) = {
        let lock = scene.lock.lock();
        (lock.revocation_seq(), lock.pin_seq(), lock.events())
    };
    let mut copies: HashMap<u64, u64> = HashMap::new();
    for e in scene.cloud.received_events(Some(&lock_id))? {
        if e.event["kind"] == "lock_event" {
            if let Some(seq) = e.event["seq"].as_u64() {
                *copies.entry(seq).or_insert(0) += 1;
            }
        }
    }
    let missing = events
        .iter()
        .filter(|e| !copies.contains_key(&u64::from(e.seq)))
        .count();
    if missing > 0 {
        broken.push(format!(
            "{missing} of the lock's {} events never reached the cloud",
            events.len()
        ));
    }
    let doubled = copies.values().filter(|&&c| c > 1).count();
    if doubled > 0 {
        broken.push(format!("{doubled} lock events reached the cloud twice"));
    }
    match scene.cloud.drift()?.into_iter().find(|d| d.lock_id == lock_id) {
        Some(d) if d.lock_seq == lock_seq && d.cloud_seq == lock_seq => {}
        Some(d) => broken.push(format!(
            "revocation drift: the cloud has issued {} and believes the lock holds {}; the lock holds {lock_seq}",
            d.cloud_seq, d.lock_seq
        )),
        None => broken.push("the cloud has no revocation drift view of the lock".into()),
    }
    match scene.cloud.pin_drift()?.into_iter().find(|d| d.lock_id == lock_id) {
        Some(d) if d.lock_seq == pin_seq && d.cloud_seq == pin_seq => {}
        Some(d) => broken.push(format!(
            "PIN drift: the cloud has issued list {} and believes the lock holds {}; the lock holds {pin_seq}",
            d.cloud_seq, d.lock_seq
        )),
        None => broken.push("the cloud has no PIN drift view of the lock".into()),
    }
    Ok(())
}

/// Nothing left to upload; after a renewal, the renewed key.
fn phone_kept(scene: &UnlockScene, store: &Store, broken: &mut Vec<String>) -> Result<(), SceneError> {
    let pending = Outbox::new(store, OutboxConfig { capacity: u64::MAX })?
        .stats()?
        .pending;
    if pending > 0 {
        broken.push(format!("{pending} events still pending after the phone said idle"));
    }
    let lock_id = scene.lock.id();
    let keys = store.keys().list()?;
    let Some(key) = keys.iter().find(|k| k.key.grant.lock_id == lock_id) else {
        broken.push("the phone holds no key for the lock".into());
        return Ok(());
    };
    // The first certificate ends at START + its lifetime; a renewal,
    // issued later, ends later and has a higher serial.
    let renewed = key.key.grant.serial > 1 && key.key.grant.not_after > START + CERT_LIFETIME_S;
    if scene.prelude == Prelude::KeyHalfway && !renewed {
        broken.push(format!(
            "the key was not renewed: serial {}, valid until {}",
            key.key.grant.serial, key.key.grant.not_after
        ));
    }
    Ok(())
}

/// A damaged store: the loss reported once, the damaged bytes kept aside,
/// nothing half done left beside the store. Any other scene: never a
/// quarantine.
fn quarantine(scene: &UnlockScene, broken: &mut Vec<String>) -> Result<(), SceneError> {
    let Some(damage) = &scene.damage else {
        if scene.quarantines > 0 {
            broken.push(format!("an intact store was quarantined {} times", scene.quarantines));
        }
        return Ok(());
    };
    if scene.quarantines != 1 {
        broken.push(format!(
            "the damaged store was reported quarantined {} times, not once",
            scene.quarantines
        ));
    }
    let beside = set_aside(&scene.dir)?;
    let places: Vec<_> = beside
        .iter()
        .filter(|p| p.is_dir() && p.to_string_lossy().contains(".quarantine-"))
        .collect();
    if !places
        .iter()
        .any(|p| std::fs::read(p.join("db")).is_ok_and(|bytes| bytes == *damage))
    {
        broken.push("no quarantine beside the store holds the damaged bytes".into());
    }
    if places.len() > 1 {
        broken.push(format!(
            "the damaged store was set aside in {} places, not one",
            places.len()
        ));
    }
    // A quarantine is a directory; anything else is a step not finished.
    let unfinished: Vec<String> = beside
        .iter()
        .filter(|p| !p.is_dir() || p.to_string_lossy().contains(".opening-backup"))
        .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
        .collect();
    if !unfinished.is_empty() {
        broken.push(format!("left beside the store: {}", unfinished.join(", ")));
    }
    Ok(())
}

/// What the store set aside beside its directory: quarantines and an
/// unfinished open's backup (`phone.quarantine…`, `phone.opening-backup…`).
fn set_aside(dir: &Path) -> Result<Vec<std::path::PathBuf>, SceneError> {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name().and_then(|n| n.to_str())) else {
        return Ok(Vec::new());
    };
    let prefixes = [format!("{name}.quarantine"), format!("{name}.opening-backup")];
    let mut out = Vec::new();
    for entry in std::fs::read_dir(parent)? {
        let entry = entry?;
        let file = entry.file_name();
        if file
            .to_str()
            .is_some_and(|n| prefixes.iter().any(|p| n.starts_with(p.as_str())))
        {
            out.push(entry.path());
        }
    }
    Ok(out)
}
