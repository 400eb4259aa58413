//! Keypad PINs through the cloud: the newest signed PIN list of each lock
//! this phone uses (and, for a host, the lock's PIN secret for offline
//! PINs), the PIN list seqs locks acknowledged, reported back, and the
//! host's calls to change PINs and see which changes a lock is missing.

use super::engine::Inner;
use super::error::{Failure, SyncError};
use super::http::Api;
use super::status::SyncReport;
use crate::client::blocking;
use crate::store::{hex, LockMeta};
use latchkey_protocol::{LockId, PinList, PinSecret, Schedule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `GET /v1/locks/{id}/pins`.
#[derive(Deserialize)]
struct PinListBody {
    seq: u32,
    list: Option<String>,
    #[serde(default)]
    labels: BTreeMap<u8, String>,
    secret: Option<String>,
}

#[derive(Serialize)]
struct PinAckItem {
    #[serde(with = "hex")]
    lock_id: LockId,
    seq: u32,
    acknowledged_at: u32,
}

#[derive(Serialize)]
struct PinAckBody {
    acks: Vec<PinAckItem>,
}

#[derive(Deserialize)]
struct PinDriftBody {
    locks: Vec<CloudPinDrift>,
}

/// A PIN change a host asks for (`digits: None` deletes the slot).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PinChange {
    /// The slot.
    pub slot: u8,
    /// The new digits (4–8), or `None` to delete.
    pub digits: Option<String>,
    /// Whose PIN it is.
    pub label: Option<String>,
    /// `master`, `user` or `guest` (`None`: user).
    pub class: Option<String>,
    /// First second of validity.
    pub not_before: Option<u32>,
    /// First second after validity.
    pub not_after: Option<u32>,
    /// Days and hours allowed.
    pub schedule: Option<Schedule>,
    /// Burned on first use.
    pub one_time: bool,
}

#[derive(Serialize)]
struct ScheduleBody {
    weekdays: u8,
    start_minute: u16,
    end_minute: u16,
}

#[derive(Serialize)]
struct PinChangeBody<'a> {
    slot: u8,
    digits: Option<&'a str>,
    label: Option<&'a str>,
    class: Option<&'a str>,
    not_before: Option<u32>,
    not_after: Option<u32>,
    schedule: Option<ScheduleBody>,
    one_time: bool,
}

/// One change the cloud made to a lock's PINs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CloudPinChange {
    /// The PIN list seq that carries it.
    pub seq: u32,
    /// When (cloud clock, unix seconds).
    pub at: u32,
    /// `created`, `changed` or `deleted`.
    pub action: String,
    /// The slot.
    pub slot: u8,
    /// Whose PIN it is.
    pub label: String,
}

/// The cloud's view of one lock's keypad PINs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CloudPinDrift {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// Its name.
    pub name: String,
    /// The newest PIN list issued.
    pub cloud_seq: u32,
    /// The newest list a phone saw the lock holding.
    pub lock_seq: u32,
    /// Changes the lock has not received, oldest first.
    pub pending: Vec<CloudPinChange>,
    /// When the lock acknowledged `lock_seq` (phone clock).
    pub acknowledged_at: Option<u32>,
    /// Which phone reported it.
    pub reported_by: Option<String>,
    /// The lock holds the newest list.
    pub in_sync: bool,
}

/// Fetches a lock's newest PIN list (and a host's PIN secret).
pub(crate) async fn fetch(
    inner: &Inner,
    api: &Api<'_>,
    meta: &LockMeta,
    report: &mut SyncReport,
) -> Result<(), Failure> {
    let lock = meta.lock_id;
    let body: Option<PinListBody> =
        super::credentials::per_lock(api.get(&format!("/v1/locks/{lock}/pins")).await, report)?;
    let Some(body) = body else { return Ok(()) };
    if let Some(secret) = body.secret.as_deref().and_then(latchkey_protocol::hex::decode) {
        match <[u8; 32]>::try_from(secret.as_slice()) {
            Ok(bytes) => {
                let store = inner.phone.store().clone();
                let held = blocking(move || Ok(store.pins().pin_secret(&lock)?)).await?;
                if held.is_none_or(|h| h.0 != bytes) {
                    inner.phone.add_pin_secret(lock, PinSecret(bytes)).await?;
                }
            }
            Err(_) => report
                .problems
                .push(format!("the PIN secret for {} is not 32 bytes", meta.name)),
        }
    }
    let store = inner.phone.store().clone();
    let held = blocking(move || Ok(store.pins().newest(&lock)?.map_or(0, |l| l.list.seq))).await?;
    let (Some(hex), true) = (body.list, body.seq > held) else {
        return Ok(());
    };
    if let Some(list) = super::credentials::decode::<PinList>(&hex, PinList::decode, report) {
        match inner.phone.add_pin_list(list, body.labels).await {
            Ok(true) => report.pin_lists += 1,
            Ok(false) => {}
            Err(e) => report.problems.push(format!("PIN list for {}: {e}", meta.name)),
        }
    }
    Ok(())
}

/// Reports PIN list seqs locks acknowledged since the last report.
pub(crate) async fn report_acks(inner: &Inner, api: &Api<'_>, report: &mut SyncReport) -> Result<(), Failure> {
    let store = inner.phone.store().clone();
    let acked = blocking(move || {
        let mut out = Vec::new();
        for meta in store.locks().list_meta()? {
            if let Some(ack) = store.locks().state(&meta.lock_id)?.pin_ack {
                out.push(PinAckItem {
                    lock_id: meta.lock_id,
                    seq: ack.seq,
                    acknowledged_at: ack.acknowledged_at,
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
            .filter(|a| s.reported_pin_acks.get(&a.lock_id) != Some(&a.seq))
            .collect()
    };
    if fresh.is_empty() {
        return Ok(());
    }
    let reported: Vec<(LockId, u32)> = fresh.iter().map(|a| (a.lock_id, a.seq)).collect();
    let _drift: PinDriftBody = api.post("/v1/pin-acks", &PinAckBody { acks: fresh }).await?;
    let mut s = inner.state();
    for (lock_id, seq) in reported {
        s.reported_pin_acks.insert(lock_id, seq);
        report.pin_acks_reported += 1;
    }
    Ok(())
}

impl Inner {
    /// `POST /v1/locks/{id}/pins` (hosts).
    pub(crate) async fn change_pin(&self, lock_id: &LockId, change: &PinChange) -> Result<CloudPinChange, SyncError> {
        self.ensure_online()?;
        let body = PinChangeBody {
            slot: change.slot,
            digits: change.digits.as_deref(),
            label: change.label.as_deref(),
            class: change.class.as_deref(),
            not_before: change.not_before,
            not_after: change.not_after,
            schedule: change.schedule.map(|s| ScheduleBody {
                weekdays: s.weekdays,
                start_minute: s.start_minute,
                end_minute: s.end_minute,
            }),
            one_time: change.one_time,
        };
        let api = self.api().map_err(|f| f.public())?;
        api.post(&format!("/v1/locks/{lock_id}/pins"), &body)
            .await
            .map_err(|f| f.public())
    }

    /// `GET /v1/pin-drift` (hosts).
    pub(crate) async fn pin_drift(&self) -> Result<Vec<CloudPinDrift>, SyncError> {
        self.ensure_online()?;
        let api = self.api().map_err(|f| f.public())?;
        let body: PinDriftBody = api.get("/v1/pin-drift").await.map_err(|f| f.public())?;
        Ok(body.locks)
    }
}
