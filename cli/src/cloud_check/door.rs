//! The checks at the simulated lock (admin runs only): the cloud's key
//! opens a lock commissioned with the cloud's issuer, the phone carries
//! the cloud's revocation and PIN lists to it, and what the lock confirms
//! reaches the host's drift views; a PIN deleted in the portal shows as
//! pending until a phone carries the list.

use super::report::Verdict;
use super::setup::Kit;
use super::support::{completed, ensure};
use latchkey_core::sync::PinChange;
use latchkey_core::unlock::NoProgress;
use latchkey_protocol::{Command, LockId};

/// Slot the PIN checks use (away from the ones a person would pick).
const SLOT: u8 = 17;

/// One command at the lock; the events it left in the outbox.
async fn visit(kit: &Kit, lock_id: LockId, command: Command) -> Result<u64, String> {
    let before = kit.phone.outbox().stats().map_err(|e| e.to_string())?.pending;
    kit.phone
        .locks()
        .run_command(lock_id, command, &NoProgress)
        .await
        .map_err(|e| format!("{} at the simulated lock: {e}", command.name()))?;
    let after = kit.phone.outbox().stats().map_err(|e| e.to_string())?.pending;
    Ok(after.saturating_sub(before))
}

/// `door.visit`: the key the cloud issued unlocks and locks the lock.
pub async fn open(kit: &Kit) -> Verdict {
    kit.door()?;
    let lock_id = kit.lock()?;
    let events = visit(kit, lock_id, Command::Unlock).await? + visit(kit, lock_id, Command::Lock).await?;
    Ok(format!(
        "unlocked and locked with the cloud's key; {events} event(s) queued"
    ))
}

/// `revocation.delivered`: the phone carries the newest revocation list to
/// the lock, reports what the lock confirmed, and the host's drift view
/// shows the lock in step.
pub async fn revocation_delivered(kit: &Kit) -> Verdict {
    kit.door()?;
    let (lock_id, host) = (kit.lock()?, kit.host()?);
    let store = kit.phone.store();
    let list = store.revocations().get(&lock_id).map_err(|e| e.to_string())?;
    let seq = list
        .map(|l| l.seq)
        .ok_or("the phone holds no revocation list to deliver")?;
    visit(kit, lock_id, Command::Status).await?;
    let acked = store.locks().state(&lock_id).map_err(|e| e.to_string())?.revocation_ack;
    ensure(acked.is_some_and(|a| a.seq == seq), || {
        format!("the lock confirmed {acked:?}, not list {seq}")
    })?;
    let report = completed(kit.engine()?.sync_once().await)?;
    ensure(report.acks_reported >= 1, || "no acknowledgement was reported".into())?;
    let drift = host.cloud_drift().await.map_err(|e| format!("GET /v1/drift: {e}"))?;
    let lock = drift.iter().find(|d| d.lock_id == lock_id);
    ensure(lock.is_some_and(|d| d.lock_seq == seq && d.in_sync), || {
        format!("the host's drift view says {lock:?}, not list {seq} in sync")
    })?;
    Ok(format!(
        "list {seq} delivered, confirmed by the lock, in step in the host's view"
    ))
}

/// `pins`: a PIN the host sets reaches the phone as a signed list.
pub async fn pins(kit: &Kit) -> Verdict {
    let (lock_id, host) = (kit.lock()?, kit.host()?);
    let change = PinChange {
        slot: SLOT,
        digits: Some("24681357".into()),
        label: Some("cloud-check".into()),
        ..PinChange::default()
    };
    let set = host.change_pin(&lock_id, &change).await;
    let set = set.map_err(|e| format!("POST /v1/locks/{lock_id}/pins: {e}"))?;
    let engine = kit.engine()?;
    engine.refresh_credentials_soon();
    let report = completed(engine.sync_once().await)?;
    let newest = kit.phone.store().pins().newest(&lock_id).map_err(|e| e.to_string())?;
    let held = newest.as_ref().map(|n| n.list.seq);
    ensure(held == Some(set.seq), || {
        format!(
            "the phone holds PIN list {held:?}, not {} ({:?})",
            set.seq, report.problems
        )
    })?;
    Ok(format!("PIN {} {}: list {} on the phone", SLOT, set.action, set.seq))
}

/// `pins.delivered`: the phone carries the PIN list to the lock and
/// reports it; the host sees the lock in step, then, after deleting the
/// PIN in the portal, one change pending.
pub async fn pins_delivered(kit: &Kit) -> Verdict {
    kit.door()?;
    let (lock_id, host) = (kit.lock()?, kit.host()?);
    let newest = kit.phone.store().pins().newest(&lock_id).map_err(|e| e.to_string())?;
    let seq = newest
        .map(|n| n.list.seq)
        .ok_or("the phone holds no PIN list to deliver")?;
    visit(kit, lock_id, Command::Status).await?;
    let report = completed(kit.engine()?.sync_once().await)?;
    ensure(report.pin_acks_reported >= 1, || {
        "no PIN acknowledgement was reported".into()
    })?;
    let drift = host.pin_drift().await.map_err(|e| format!("GET /v1/pin-drift: {e}"))?;
    let lock = drift.iter().find(|d| d.lock_id == lock_id);
    ensure(lock.is_some_and(|d| d.lock_seq == seq && d.in_sync), || {
        format!("the host's PIN drift says {lock:?}, not list {seq} in sync")
    })?;
    let deleted = host.delete_pin(&lock_id, SLOT).await;
    let deleted = deleted.map_err(|e| format!("DELETE /v1/locks/{lock_id}/pins/{SLOT}: {e}"))?;
    let drift = host.pin_drift().await.map_err(|e| format!("GET /v1/pin-drift: {e}"))?;
    let lock = drift.iter().find(|d| d.lock_id == lock_id);
    ensure(lock.is_some_and(|d| d.pending_count == 1 && !d.in_sync), || {
        format!("after the deletion the host's PIN drift says {lock:?}")
    })?;
    Ok(format!(
        "list {seq} confirmed by the lock; the deletion (list {}) pending",
        deleted.seq
    ))
}
