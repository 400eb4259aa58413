//! Keypad PINs managed in the cloud: a host sets or deletes a lock's PIN
//! slots; each change re-signs the lock's whole PIN list with the next
//! sequence number and is logged with its time, so the drift view can say
//! which changes a lock has not received yet ("deleted in the portal on
//! Monday, the lock still accepts it"). The cloud keeps only the salted
//! slot hashes it put in the list, never the digits.

use super::error::ApiError;
use super::state::Cloud;
use super::store::{self, AckRecord, PhoneRecord};
use super::wire::{LockInfo, PinAckReport, PinChangeInfo, PinChangeRequest, PinDriftInfo, PinListInfo};
use latchkey_protocol::{LockId, PinClass, PinDigits, PinList, PinRule, PinSlot, Schedule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Changes kept per lock for the drift view (older ones are long delivered).
const CHANGES_KEPT: usize = 200;

/// One lock's managed PINs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct PinRegistry {
    /// Seq of the newest list (0: none issued).
    seq: u32,
    /// Hex of the newest signed list.
    list: Option<String>,
    /// Slot → holder label (the slots themselves are in the list).
    labels: BTreeMap<u8, String>,
    /// What changed, oldest first.
    changes: Vec<PinChangeInfo>,
}

impl Cloud {
    /// Sets or deletes one PIN slot of a lock and signs the next list.
    pub(super) fn change_pin(&self, lock_id: &LockId, request: &PinChangeRequest) -> Result<PinChangeInfo, ApiError> {
        let lock = self
            .lock_info(lock_id)?
            .ok_or_else(|| ApiError::not_found(format!("no lock {lock_id}")))?;
        let now = self.now();
        let _guard = self.write_guard();
        let mut registry: PinRegistry = store::get(&self.db.pins, &lock_id.0)?.unwrap_or_default();
        let mut slots = match &registry.list {
            Some(hex) => {
                latchkey_protocol::hex::decode(hex)
                    .and_then(|b| PinList::decode(&b).ok())
                    .ok_or_else(|| ApiError::internal("the stored PIN list does not decode"))?
                    .slots
            }
            None => Vec::new(),
        };
        let existed = slots.iter().any(|s| s.slot == request.slot);
        slots.retain(|s| s.slot != request.slot);
        let (action, label) = match request.digits.as_deref() {
            Some(digits) => {
                if slots.len() >= PinList::MAX_SLOTS {
                    return Err(ApiError::bad_request(format!(
                        "a lock holds at most {} PINs",
                        PinList::MAX_SLOTS
                    )));
                }
                slots.push(self.slot(&lock, request, digits)?);
                let label = request
                    .label
                    .clone()
                    .unwrap_or_else(|| format!("slot {}", request.slot));
                registry.labels.insert(request.slot, label.clone());
                (if existed { "changed" } else { "created" }, label)
            }
            None if existed => {
                let label = registry.labels.remove(&request.slot);
                ("deleted", label.unwrap_or_else(|| format!("slot {}", request.slot)))
            }
            None => {
                return Err(ApiError::not_found(format!(
                    "lock {lock_id} has no PIN in slot {}",
                    request.slot
                )));
            }
        };
        slots.sort_by_key(|s| s.slot);
        let seq = registry.seq + 1;
        let list = self
            .authority
            .pin_list(*lock_id, seq, now, 0, slots)
            .map_err(|e| ApiError::bad_request(format!("the PIN list can't be signed: {e}")))?;
        let change = PinChangeInfo {
            seq,
            at: now,
            action: action.into(),
            slot: request.slot,
            label,
        };
        registry.seq = seq;
        registry.list = Some(latchkey_protocol::hex::encode(&list.encode()));
        registry.changes.push(change.clone());
        let excess = registry.changes.len().saturating_sub(CHANGES_KEPT);
        registry.changes.drain(..excess);
        store::put(&self.db.pins, &lock_id.0, &registry)?;
        self.db.flush()?;
        Ok(change)
    }

    fn slot(&self, lock: &LockInfo, request: &PinChangeRequest, digits: &str) -> Result<PinSlot, ApiError> {
        let digits = PinDigits::new(digits).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let class = match request.class.as_deref().unwrap_or("user") {
            "master" => PinClass::Master,
            "user" => PinClass::User,
            "guest" => PinClass::Guest,
            other => return Err(ApiError::bad_request(format!("unknown PIN class {other:?}"))),
        };
        let schedule = match request.schedule {
            Some(s) => Some(
                Schedule::new(s.weekdays, s.start_minute, s.end_minute)
                    .map_err(|e| ApiError::bad_request(e.to_string()))?,
            ),
            None => None,
        };
        let rule = PinRule {
            class,
            not_before: request.not_before.unwrap_or(0),
            not_after: request.not_after.unwrap_or(u32::MAX),
            schedule,
            one_time: request.one_time,
        };
        self.authority
            .pin_slot(&lock.lock_id, request.slot, &digits, rule)
            .map_err(|e| ApiError::bad_request(e.to_string()))
    }

    /// The newest signed list of a lock, its slot labels, and for a host
    /// the lock's PIN secret (for offline PINs).
    pub(super) fn pin_list_info(&self, phone: &PhoneRecord, lock_id: &LockId) -> Result<PinListInfo, ApiError> {
        let registry: PinRegistry = store::get(&self.db.pins, &lock_id.0)?.unwrap_or_default();
        let secret = if phone.host {
            let secret = self
                .authority
                .pin_secret(lock_id)
                .map_err(|e| ApiError::internal(format!("PIN secret: {e}")))?;
            Some(latchkey_protocol::hex::encode(&secret.0))
        } else {
            None
        };
        Ok(PinListInfo {
            seq: registry.seq,
            list: registry.list,
            labels: registry.labels,
            secret,
        })
    }

    /// Records the PIN list seqs a phone saw locks acknowledge (only ever
    /// forward, never past what was issued); the drift of those locks.
    pub(super) fn report_pin_acks(
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
            out.push(self.pin_drift_of(&lock)?);
        }
        self.db.flush()?;
        Ok(out)
    }

    /// PIN drift of every lock that has managed PINs.
    pub(super) fn pin_drift(&self) -> Result<Vec<PinDriftInfo>, ApiError> {
        let mut out = Vec::new();
        for lock in store::list::<LockInfo>(&self.db.locks)? {
            if self.db.pins.contains_key(lock.lock_id.0)? {
                out.push(self.pin_drift_of(&lock)?);
            }
        }
        Ok(out)
    }

    fn pin_drift_of(&self, lock: &LockInfo) -> Result<PinDriftInfo, ApiError> {
        let registry: PinRegistry = store::get(&self.db.pins, &lock.lock_id.0)?.unwrap_or_default();
        let ack: Option<AckRecord> = store::get(&self.db.pin_acks, &lock.lock_id.0)?;
        let lock_seq = ack.as_ref().map_or(0, |a| a.seq);
        Ok(PinDriftInfo {
            lock_id: lock.lock_id,
            name: lock.name.clone(),
            cloud_seq: registry.seq,
            lock_seq,
            pending: registry.changes.into_iter().filter(|c| c.seq > lock_seq).collect(),
            acknowledged_at: ack.as_ref().map(|a| a.acknowledged_at),
            reported_by: ack.map(|a| a.reported_by),
            in_sync: lock_seq >= registry.seq,
        })
    }
}
