//! The acks step: the revocation list and PIN list seqs locks acknowledged
//! (and, for PINs, when this phone last talked to them), reported to the
//! cloud when they changed since the last report, so hosts see credential
//! and PIN drift.

use super::common::on_disk;
use super::error::Failure;
use super::http::Api;
use super::status::SyncReport;
use super::wire::{AckItem, AckRequest, DriftResponse, PinAckBody, PinAckItem, PinDriftBody};
use crate::client::read_pin_status;
use crate::store::Store;
use latchkey_protocol::LockId;
use std::collections::HashMap;

/// What was already reported, per lock. The engine keeps it from one pass
/// to the next; only the pass in progress holds it.
#[derive(Debug, Default)]
pub(super) struct Reported {
    /// Acknowledged revocation seqs.
    revocations: HashMap<LockId, u32>,
    /// Acknowledged PIN list seqs: (seq, acknowledged at, last contact).
    pins: HashMap<LockId, (u32, u32, u32)>,
}

/// Reports revocation seqs locks acknowledged since the last report.
pub(super) async fn report_revocations(
    api: &Api<'_>,
    store: &Store,
    reported: &mut Reported,
    report: &mut SyncReport,
) -> Result<(), Failure> {
    let store = store.clone();
    let acked = on_disk(move || {
        let mut out = Vec::new();
        for meta in store.locks().list_meta()? {
            if let Some(ack) = store.locks().state(&meta.lock_id)?.revocation_ack {
                out.push(AckItem {
                    lock_id: meta.lock_id,
                    seq: ack.seq,
                    acknowledged_at: ack.acknowledged_at,
                });
            }
        }
        Ok::<_, Failure>(out)
    })
    .await?;
    let fresh: Vec<AckItem> = acked
        .into_iter()
        .filter(|a| reported.revocations.get(&a.lock_id) != Some(&a.seq))
        .collect();
    if fresh.is_empty() {
        return Ok(());
    }
    let sent: Vec<(LockId, u32)> = fresh.iter().map(|a| (a.lock_id, a.seq)).collect();
    let _drift: DriftResponse = api.post("/v1/revocation-acks", &AckRequest { acks: fresh }).await?;
    crash_point!("sync.revocation_acks.reported");
    for (lock_id, seq) in sent {
        reported.revocations.insert(lock_id, seq);
        report.acks_reported += 1;
    }
    Ok(())
}

/// Reports the PIN list seqs locks acknowledged (in their current epoch),
/// with this phone's last contact, when either changed since the last
/// report.
pub(super) async fn report_pins(
    api: &Api<'_>,
    store: &Store,
    reported: &mut Reported,
    report: &mut SyncReport,
) -> Result<(), Failure> {
    let store = store.clone();
    let acked = on_disk(move || {
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
        Ok::<_, Failure>(out)
    })
    .await?;
    let fresh: Vec<PinAckItem> = acked
        .into_iter()
        .filter(|a| reported.pins.get(&a.lock_id) != Some(&a.mark()))
        .collect();
    if fresh.is_empty() {
        return Ok(());
    }
    let sent: Vec<(LockId, (u32, u32, u32))> = fresh.iter().map(|a| (a.lock_id, a.mark())).collect();
    let _drift: PinDriftBody = api.post("/v1/pin-acks", &PinAckBody { acks: fresh }).await?;
    crash_point!("sync.pin_acks.reported");
    for (lock_id, mark) in sent {
        // A later contact alone is news for the cloud, not a new ack.
        if reported.pins.get(&lock_id).map(|m| m.0) != Some(mark.0) {
            report.pin_acks_reported += 1;
        }
        reported.pins.insert(lock_id, mark);
    }
    Ok(())
}
