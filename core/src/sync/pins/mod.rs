//! Keypad PINs through the cloud: the newest signed PIN list of each lock
//! this phone uses, with what each slot is for, who holds it and the
//! portal's change log since the list the lock last confirmed (so pending
//! changes can be dated); for a phone entitled to make offline PINs, the
//! lock's PIN secret. Then the PIN list seqs locks acknowledged, and when
//! this phone last talked to them, reported back. `host.rs` has the
//! host's calls.
//!
//! The session delivers what is stored here: after any command the unlock
//! engine carries the newest list to the lock when the lock has not
//! confirmed it (`crate::unlock` housekeeping, `PushPins`).

mod host;

pub use host::{CloudPinChange, CloudPinDrift, PinChange};

use super::engine::Inner;
use super::error::Failure;
use super::http::Api;
use super::status::SyncReport;
use crate::client::{blocking, read_pin_status};
use crate::store::{hex, LockMeta, PinListNotes};
use host::PinDriftBody;
use latchkey_protocol::{LockId, PinList, PinSecret};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `GET /v1/locks/{id}/pins`.
#[derive(Deserialize)]
struct PinListBody {
    seq: u32,
    list: Option<String>,
    #[serde(default)]
    labels: BTreeMap<u8, String>,
    #[serde(default)]
    holders: BTreeMap<u8, String>,
    #[serde(default)]
    changes: Vec<CloudPinChange>,
    secret: Option<String>,
}

#[derive(Serialize)]
struct PinAckItem {
    #[serde(with = "hex")]
    lock_id: LockId,
    seq: u32,
    acknowledged_at: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_contact_at: Option<u32>,
}

impl PinAckItem {
    /// What makes a report new: another seq or a later contact.
    fn mark(&self) -> (u32, u32, u32) {
        (self.seq, self.acknowledged_at, self.last_contact_at.unwrap_or(0))
    }
}

#[derive(Serialize)]
struct PinAckBody {
    acks: Vec<PinAckItem>,
}

/// Fetches a lock's newest PIN list with its notes, and the PIN secret
/// when this phone is entitled to it (forgotten when it no longer is).
pub(crate) async fn fetch(
    inner: &Inner,
    api: &Api<'_>,
    meta: &LockMeta,
    report: &mut SyncReport,
) -> Result<(), Failure> {
    let lock = meta.lock_id;
    let store = inner.phone.store().clone();
    let (held, acked) = blocking(move || {
        let status = read_pin_status(&store, &lock)?;
        Ok((status.held_seq.unwrap_or(0), status.acked.map_or(0, |a| a.seq)))
    })
    .await?;
    let path = format!("/v1/locks/{lock}/pins?since={acked}");
    let Some(body) = super::credentials::per_lock(api.get::<PinListBody>(&path).await, report)? else {
        return Ok(());
    };
    secret(inner, meta, body.secret.as_deref(), report).await?;
    let (Some(hex), true) = (body.list, body.seq > held) else {
        return Ok(());
    };
    let Some(list) = super::credentials::decode::<PinList>(&hex, PinList::decode, report) else {
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
    match inner.phone.add_managed_pin_list(list, notes).await {
        Ok(true) => report.pin_lists += 1,
        Ok(false) => {}
        Err(e) => report.problems.push(format!("PIN list for {}: {e}", meta.name)),
    }
    Ok(())
}

/// Stores the PIN secret the cloud sent, or forgets a held one the cloud
/// no longer sends (the phone is no longer entitled to make offline PINs).
async fn secret(inner: &Inner, meta: &LockMeta, hex: Option<&str>, report: &mut SyncReport) -> Result<(), Failure> {
    let lock = meta.lock_id;
    let store = inner.phone.store().clone();
    let held = blocking(move || Ok(store.pins().pin_secret(&lock)?)).await?;
    let Some(hex) = hex else {
        if held.is_some() {
            let store = inner.phone.store().clone();
            blocking(move || Ok(store.pins().remove_pin_secret(&lock)?)).await?;
        }
        return Ok(());
    };
    let bytes = latchkey_protocol::hex::decode(hex).and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok());
    match bytes {
        Some(bytes) if held.is_none_or(|h| h.0 != bytes) => {
            inner.phone.add_pin_secret(lock, PinSecret(bytes)).await?;
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
pub(crate) async fn forget_secrets_except(inner: &Inner, listed: &[LockId]) -> Result<(), Failure> {
    let store = inner.phone.store().clone();
    let listed = listed.to_vec();
    blocking(move || {
        for meta in store.locks().list_meta()? {
            if !listed.contains(&meta.lock_id) {
                store.pins().remove_pin_secret(&meta.lock_id)?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(())
}

/// Reports the PIN list seqs locks acknowledged (in their current epoch),
/// with this phone's last contact, when either changed since the last
/// report.
pub(crate) async fn report_acks(inner: &Inner, api: &Api<'_>, report: &mut SyncReport) -> Result<(), Failure> {
    let store = inner.phone.store().clone();
    let acked = blocking(move || {
        let mut out = Vec::new();
        for meta in store.locks().list_meta()? {
            let status = read_pin_status(&store, &meta.lock_id)?;
            let state = store.locks().state(&meta.lock_id)?;
            let observed = state.last_status.map(|s| s.observed_at);
            if let Some(ack) = status.acked {
                let contact = status.last_contact.max(observed).filter(|&c| c > ack.acknowledged_at);
                out.push(PinAckItem {
                    lock_id: meta.lock_id,
                    seq: ack.seq,
                    acknowledged_at: ack.acknowledged_at,
                    last_contact_at: contact,
                });
            }
        }
        Ok(out)
    })
    .await?;
    let fresh: Vec<PinAckItem> = {
        let s = inner.state();
        acked
            .into_iter()
            .filter(|a| s.reported_pin_acks.get(&a.lock_id) != Some(&a.mark()))
            .collect()
    };
    if fresh.is_empty() {
        return Ok(());
    }
    let reported: Vec<(LockId, (u32, u32, u32))> = fresh.iter().map(|a| (a.lock_id, a.mark())).collect();
    let _drift: PinDriftBody = api.post("/v1/pin-acks", &PinAckBody { acks: fresh }).await?;
    let mut s = inner.state();
    for (lock_id, mark) in reported {
        if s.reported_pin_acks.get(&lock_id).map(|m| m.0) != Some(mark.0) {
            report.pin_acks_reported += 1;
        }
        s.reported_pin_acks.insert(lock_id, mark);
    }
    Ok(())
}
