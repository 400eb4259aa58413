//! Keypad PINs through the cloud. The pass's PIN step: the newest signed
//! PIN list of each lock the cloud lists for this phone, with what each
//! slot is for, who holds it and the portal's change log since the list
//! the lock last confirmed (so pending changes can be dated); for a phone
//! entitled to make offline PINs, the lock's PIN secret. The acknowledged
//! PIN list seqs go back in the acks step (`acks.rs`); `host.rs` has the
//! host's calls.
//!
//! The session delivers what is stored here: after any command the unlock
//! engine carries the newest list to the lock when the lock has not
//! confirmed it (`crate::unlock` housekeeping, `PushPins`).

mod host;

pub use host::PinChange;
pub(super) use host::{change_pin, delete_pin, pin_drift};

use super::common::{decode, on_disk, per_lock};
use super::error::Failure;
use super::http::Api;
use super::status::SyncReport;
use super::wire::PinListBody;
use crate::client::read_pin_status;
use crate::store::{LockMeta, PinListNotes};
use crate::Client;
use latchkey_protocol::{LockId, PinList, PinSecret};

/// PIN lists (and secrets) for the locks the cloud lists for this phone
/// (those it holds an active key for; every lock for a host, which manages
/// locks it may hold no key for), then forgets the secrets of the others.
pub(super) async fn refresh(
    api: &Api<'_>,
    phone: &Client,
    listed: &[LockId],
    report: &mut SyncReport,
) -> Result<(), Failure> {
    let store = phone.store().clone();
    let metas = on_disk(move || store.locks().list_meta()).await?;
    for meta in metas.iter().filter(|m| listed.contains(&m.lock_id)) {
        fetch(api, phone, meta, report).await?;
    }
    forget_secrets_except(phone, listed).await
}

/// Fetches a lock's newest PIN list with its notes, and the PIN secret
/// when this phone is entitled to it (forgotten when it no longer is).
async fn fetch(api: &Api<'_>, phone: &Client, meta: &LockMeta, report: &mut SyncReport) -> Result<(), Failure> {
    let lock = meta.lock_id;
    let store = phone.store().clone();
    let (held, acked) = on_disk(move || {
        let status = read_pin_status(&store, &lock)?;
        Ok::<_, Failure>((status.held_seq.unwrap_or(0), status.acked.map_or(0, |a| a.seq)))
    })
    .await?;
    let path = format!("/v1/locks/{lock}/pins?since={acked}");
    let Some(body) = per_lock(api.get::<PinListBody>(&path).await, &mut report.problems)? else {
        return Ok(());
    };
    secret(phone, meta, body.secret.as_deref(), report).await?;
    let (Some(hex), true) = (body.list, body.seq > held) else {
        return Ok(());
    };
    let Some(list) = decode::<PinList>(&hex, PinList::decode, &mut report.problems) else {
        return Ok(());
    };
    let mut changes = Vec::new();
    for change in &body.changes {
        match change.record() {
            Some(record) => changes.push(record),
            None => report.problems.push(format!(
                "PIN change {} for {}: unknown action `{}`",
                change.seq, meta.name, change.action
            )),
        }
    }
    let notes = PinListNotes {
        labels: body.labels,
        holders: body.holders,
        changes,
    };
    match phone.pins().add_managed_pin_list(list, notes).await {
        Ok(true) => report.pin_lists += 1,
        Ok(false) => {}
        Err(e) => report.problems.push(format!("PIN list for {}: {e}", meta.name)),
    }
    Ok(())
}

/// Stores the PIN secret the cloud sent, or forgets a held one the cloud
/// no longer sends (the phone is no longer entitled to make offline PINs).
async fn secret(phone: &Client, meta: &LockMeta, hex: Option<&str>, report: &mut SyncReport) -> Result<(), Failure> {
    let lock = meta.lock_id;
    let store = phone.store().clone();
    let held = on_disk(move || store.pins().pin_secret(&lock)).await?;
    let Some(hex) = hex else {
        if held.is_some() {
            let store = phone.store().clone();
            on_disk(move || store.pins().remove_pin_secret(&lock)).await?;
        }
        return Ok(());
    };
    let bytes = latchkey_protocol::hex::decode(hex).and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok());
    match bytes {
        Some(bytes) if held.is_none_or(|h| h.0 != bytes) => {
            phone.pins().add_pin_secret(lock, PinSecret(bytes)).await?;
        }
        Some(_) => {}
        None => report
            .problems
            .push(format!("the PIN secret for {} is not 32 bytes of hex", meta.name)),
    }
    Ok(())
}

/// Forgets the PIN secrets of locks the cloud no longer lists for this
/// phone (its key ended or was revoked): it may no longer make offline
/// PINs for them.
async fn forget_secrets_except(phone: &Client, listed: &[LockId]) -> Result<(), Failure> {
    let store = phone.store().clone();
    let listed = listed.to_vec();
    on_disk(move || {
        for meta in store.locks().list_meta()? {
            if !listed.contains(&meta.lock_id) {
                store.pins().remove_pin_secret(&meta.lock_id)?;
            }
        }
        Ok::<_, Failure>(())
    })
    .await
}
