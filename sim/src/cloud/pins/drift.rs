//! PIN drift: which PIN list each lock is known to hold (phones report
//! what the lock acknowledged), the changes it lacks, and when a phone last
//! talked to it.

use super::super::error::ApiError;
use super::super::state::Cloud;
use super::super::store::{self, AckRecord, ContactRecord, PhoneRecord};
use super::super::wire::{LockInfo, PinAckReport, PinDriftInfo};
use super::PinRegistry;
use latchkey_protocol::LockId;

impl Cloud {
    /// Records the PIN list seqs a phone saw locks acknowledge (only ever
    /// forward, never past what was issued) and when it last talked to
    /// them; answers the drift of those locks. Unknown locks, and locks the
    /// phone may not read the lists of, are skipped.
    pub(in super::super) fn report_pin_acks(
        &self,
        phone: &PhoneRecord,
        acks: &[PinAckReport],
    ) -> Result<Vec<PinDriftInfo>, ApiError> {
        let now = self.now();
        let _guard = self.write_guard();
        let mut out = Vec::new();
        for ack in acks {
            let Some(lock) = self.lock_info(&ack.lock_id)? else {
                continue;
            };
            if !self.may_read_lists(phone, &ack.lock_id)? {
                continue;
            }
            let registry: PinRegistry = store::get(&self.db.pins, &ack.lock_id.0)?.unwrap_or_default();
            let old: Option<AckRecord> = store::get(&self.db.pin_acks, &ack.lock_id.0)?;
            if old.as_ref().is_none_or(|o| ack.seq > o.seq) && ack.seq <= registry.seq {
                let record = AckRecord {
                    seq: ack.seq,
                    acknowledged_at: ack.acknowledged_at,
                    reported_at: now,
                    reported_by: phone.name.clone(),
                };
                store::put(&self.db.pin_acks, &ack.lock_id.0, &record)?;
            }
            let contact = ack.last_contact_at.unwrap_or(0).max(ack.acknowledged_at);
            self.note_contact(&ack.lock_id, contact, &phone.name)?;
            out.push(self.pin_drift_of(&lock)?);
        }
        self.db.flush()?;
        Ok(out)
    }

    /// Remembers that `phone` talked to the lock at `at` (its clock), if
    /// that is the latest contact on record. A time ahead of the cloud's
    /// clock counts as now. Not flushed: the caller flushes.
    pub(in super::super) fn note_contact(&self, lock_id: &LockId, at: u32, phone: &str) -> Result<(), ApiError> {
        let at = at.min(self.now());
        let old: Option<ContactRecord> = store::get(&self.db.contacts, &lock_id.0)?;
        if old.is_none_or(|o| at > o.at) {
            let record = ContactRecord {
                at,
                phone: phone.to_string(),
            };
            store::put(&self.db.contacts, &lock_id.0, &record)?;
        }
        Ok(())
    }

    /// PIN drift of every lock that has managed PINs.
    pub(in super::super) fn pin_drift(&self) -> Result<Vec<PinDriftInfo>, ApiError> {
        let mut out = Vec::new();
        for lock in store::list::<LockInfo>(&self.db.locks)? {
            if self.db.pins.contains_key(lock.lock_id.0)? {
                out.push(self.pin_drift_of(&lock)?);
            }
        }
        Ok(out)
    }

    /// PIN drift of one lock (in sync, with nothing pending, when it never
    /// had a managed PIN).
    pub(in super::super) fn lock_pin_drift(&self, lock_id: &LockId) -> Result<PinDriftInfo, ApiError> {
        let lock = self
            .lock_info(lock_id)?
            .ok_or_else(|| ApiError::not_found(format!("no lock {lock_id}")))?;
        self.pin_drift_of(&lock)
    }

    fn pin_drift_of(&self, lock: &LockInfo) -> Result<PinDriftInfo, ApiError> {
        let registry: PinRegistry = store::get(&self.db.pins, &lock.lock_id.0)?.unwrap_or_default();
        let ack: Option<AckRecord> = store::get(&self.db.pin_acks, &lock.lock_id.0)?;
        let contact: Option<ContactRecord> = store::get(&self.db.contacts, &lock.lock_id.0)?;
        let lock_seq = ack.as_ref().map_or(0, |a| a.seq);
        Ok(PinDriftInfo {
            lock_id: lock.lock_id,
            name: lock.name.clone(),
            cloud_seq: registry.seq,
            lock_seq,
            pending_count: registry.seq.saturating_sub(lock_seq),
            pending: registry.changes.into_iter().filter(|c| c.seq > lock_seq).collect(),
            acknowledged_at: ack.as_ref().map(|a| a.acknowledged_at),
            reported_at: ack.as_ref().map(|a| a.reported_at),
            reported_by: ack.map(|a| a.reported_by),
            last_contact_at: contact.as_ref().map(|c| c.at),
            last_contact_by: contact.map(|c| c.phone),
            in_sync: lock_seq >= registry.seq,
        })
    }
}
