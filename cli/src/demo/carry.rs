//! The revocation a phone carries to the lock, and the network's return:
//! every queued event uploaded exactly once, drift cleared.

use super::cast::Cast;
use super::check::refused;
use super::narrator::Story;
use latchkey_core::outbox::{OutboxEvent, StoredEvent};
use latchkey_core::sync::SyncOutcome;
use latchkey_core::unlock::NoProgress;
use latchkey_protocol::KeyId;
use latchkey_sim::cloud::wire::ReceivedEvent;
use latchkey_testkit::cloud::SceneError;
use std::collections::{BTreeSet, HashMap};

/// Hannah revokes Carla's key; Alice's phone carries the list to the lock.
pub(crate) async fn revocation(story: &mut Story, cast: &Cast) -> Result<KeyId, SceneError> {
    let door = cast.door_id();
    story.step("Hannah revokes Carla's key in the cloud; the lock, offline, has not heard");
    let carla_key = cast
        .carla
        .phone
        .keys()
        .list()
        .await?
        .first()
        .map(|k| k.key.key_id())
        .ok_or("Carla's phone holds no key")?;
    let seq = cast.host.engine.revoke_key(&carla_key).await?;
    let drift = cast.host.engine.cloud_drift().await?;
    story.check(
        drift
            .iter()
            .any(|d| d.lock_id == door && !d.in_sync && d.cloud_seq == seq),
        &format!("the cloud shows drift: revocation list #{seq} issued, the lock holds #0"),
    );
    let still = cast.carla.phone.locks().unlock(door, &NoProgress).await;
    story.check(
        still.is_ok(),
        "Carla's key still opens the door: no lock can know what never reached it",
    );

    story.step("Alice's phone picks the list up on mobile data and carries it to the door");
    cast.alice.online();
    let report = cast.alice.engine.sync_until_idle(10).await;
    story.check(report.revocation_lists == 1, "revocation list fetched while passing by");
    cast.alice.offline();
    let visit = cast.alice.phone.locks().unlock(door, &NoProgress).await?;
    story.check(
        visit.revocation_seq_acked == Some(seq),
        &format!("the lock installed list #{seq} in the same connection as Alice's unlock"),
    );
    refused(
        story,
        cast.carla.phone.locks().unlock(door, &NoProgress).await,
        "key_revoked",
    );
    Ok(carla_key)
}

/// The network returns: uploads, checked against the cloud's own records.
pub(crate) async fn back_online(story: &mut Story, cast: &Cast, carla_key: KeyId) -> Result<(), SceneError> {
    story.step("The network returns: every queued event reaches the cloud exactly once");
    let mut queued = BTreeSet::new();
    for (name, phone) in cast.residents() {
        let pending = phone.phone.outbox().peek(usize::MAX, usize::MAX)?;
        story.detail(&format!("{name}: {} event(s) queued", pending.len()));
        queued.extend(pending.iter().map(queued_identity));
    }
    cast.house_network(true);
    for (name, phone) in cast.residents() {
        let report = phone.engine.sync_until_idle(20).await;
        story.check(
            report.outcome == SyncOutcome::Completed && report.pending_after == 0,
            &format!(
                "{name}: {} stored, {} already held (a lock event another phone brought first), {} request(s), outbox empty",
                report.uploaded, report.duplicates, report.upload_requests
            ),
        );
    }
    let mut copies: HashMap<String, usize> = HashMap::new();
    for event in cast.cloud.received_events(None)? {
        *copies.entry(received_identity(&event)).or_default() += 1;
    }
    let once = queued.iter().filter(|id| copies.get(*id) == Some(&1)).count();
    let duplicates = cast.cloud.event_counts()?.duplicates;
    story.check(
        once == queued.len() && copies.values().all(|n| *n == 1),
        &format!(
            "the cloud's records: each of the {} distinct queued events stored exactly once \
             ({duplicates} second copies recognised and not stored again)",
            queued.len()
        ),
    );

    story.step("Drift cleared, and the revoked key is gone from Carla's phone");
    let drift = cast.host.engine.cloud_drift().await?;
    story.check(
        !drift.is_empty() && drift.iter().all(|d| d.in_sync),
        "the cloud's drift view: every lock holds the newest revocation list",
    );
    let carla_keys = cast.carla.phone.keys().list().await?;
    story.check(
        carla_keys.iter().all(|k| k.key.key_id() != carla_key),
        "Carla's phone deleted the revoked key at its first sync",
    );
    Ok(())
}

/// What makes an event the same event: a lock's log entry is (lock, epoch,
/// seq), whichever phone collected it; anything else is its own id.
fn queued_identity(e: &StoredEvent) -> String {
    match &e.event {
        OutboxEvent::LockEvent {
            lock_id, epoch, seq, ..
        } => format!("{lock_id}/{epoch}/{seq}"),
        _ => e.id.to_string(),
    }
}

/// The same identity, from the cloud's record of an upload.
fn received_identity(r: &ReceivedEvent) -> String {
    let field = |name: &str| {
        r.event
            .get(name)
            .map(|v| v.to_string().replace('"', ""))
            .unwrap_or_default()
    };
    if field("kind") == "lock_event" {
        format!("{}/{}/{}", field("lock_id"), field("epoch"), field("seq"))
    } else {
        r.id.clone()
    }
}
