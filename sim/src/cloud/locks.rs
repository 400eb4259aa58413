//! Locks: commissioning records, and credential drift (which revocation
//! list each lock is known to hold against the newest one issued).

use super::error::ApiError;
use super::state::Cloud;
use super::store::{self, AckRecord, PhoneRecord};
use super::wire::{DriftInfo, LockInfo, RevocationAckReport};
use latchkey_protocol::LockId;

impl Cloud {
    /// Registers (or updates) a lock commissioned with this cloud's issuer.
    pub(super) fn register_lock(&self, lock: &LockInfo) -> Result<LockInfo, ApiError> {
        if lock.issuer_key != self.authority.public_key() {
            return Err(ApiError::bad_request(
                "the lock trusts another issuer key; commission it with this cloud's issuer",
            ));
        }
        if lock.name.is_empty() || lock.name.chars().count() > 128 {
            return Err(ApiError::bad_request("a lock name is 1 to 128 characters"));
        }
        // UTC−12:00 to UTC+14:00: every offset in use.
        if !(-720..=840).contains(&lock.utc_offset_min) {
            return Err(ApiError::bad_request("utc_offset_min is from -720 to 840"));
        }
        store::put(&self.db.locks, &lock.lock_id.0, lock)?;
        self.db.flush()?;
        Ok(lock.clone())
    }

    /// One lock's record.
    pub(super) fn lock_info(&self, lock_id: &LockId) -> Result<Option<LockInfo>, ApiError> {
        store::get(&self.db.locks, &lock_id.0)
    }

    /// The locks a phone may learn about: those it holds an active key for,
    /// or all of them for a host.
    pub(super) fn locks_for(&self, phone: &PhoneRecord) -> Result<Vec<LockInfo>, ApiError> {
        let mut out = Vec::new();
        for lock in store::list::<LockInfo>(&self.db.locks)? {
            if phone.host || self.has_active_key(&phone.name, &lock.lock_id)? {
                out.push(lock);
            }
        }
        Ok(out)
    }

    /// Records the revocation seqs a phone saw locks acknowledge (only
    /// ever forward; a seq the cloud never issued is ignored) and returns
    /// the drift of those locks. Acknowledgements for unknown locks, and
    /// for locks the phone may not read the lists of, are skipped: a
    /// revoked guest can't report the list that revokes it as delivered.
    pub(super) fn report_acks(
        &self,
        phone: &PhoneRecord,
        acks: &[RevocationAckReport],
    ) -> Result<Vec<DriftInfo>, ApiError> {
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
            let cloud_seq = self.revocation_seq(&ack.lock_id)?;
            let old: Option<AckRecord> = store::get(&self.db.acks, &ack.lock_id.0)?;
            let newer = old.as_ref().is_none_or(|o| ack.seq > o.seq);
            if newer && ack.seq <= cloud_seq {
                let record = AckRecord {
                    seq: ack.seq,
                    acknowledged_at: ack.acknowledged_at,
                    reported_at: now,
                    reported_by: phone.name.clone(),
                };
                store::put(&self.db.acks, &ack.lock_id.0, &record)?;
            }
            self.note_contact(&ack.lock_id, ack.acknowledged_at, &phone.name)?;
            out.push(self.drift_of(&lock)?);
        }
        self.db.flush()?;
        Ok(out)
    }

    /// Hosts, and phones holding an active key for the lock, may read its
    /// revocation and PIN lists and report what it acknowledged.
    pub(super) fn may_read_lists(&self, phone: &PhoneRecord, lock_id: &LockId) -> Result<bool, ApiError> {
        Ok(phone.host || self.has_active_key(&phone.name, lock_id)?)
    }

    /// Drift of every lock.
    pub(super) fn drift(&self) -> Result<Vec<DriftInfo>, ApiError> {
        store::list::<LockInfo>(&self.db.locks)?
            .iter()
            .map(|lock| self.drift_of(lock))
            .collect()
    }

    fn drift_of(&self, lock: &LockInfo) -> Result<DriftInfo, ApiError> {
        let cloud_seq = self.revocation_seq(&lock.lock_id)?;
        let ack: Option<AckRecord> = store::get(&self.db.acks, &lock.lock_id.0)?;
        let lock_seq = ack.as_ref().map_or(0, |a| a.seq);
        Ok(DriftInfo {
            lock_id: lock.lock_id,
            name: lock.name.clone(),
            cloud_seq,
            lock_seq,
            acknowledged_at: ack.as_ref().map(|a| a.acknowledged_at),
            reported_at: ack.as_ref().map(|a| a.reported_at),
            reported_by: ack.map(|a| a.reported_by),
            in_sync: lock_seq >= cloud_seq,
        })
    }
}
