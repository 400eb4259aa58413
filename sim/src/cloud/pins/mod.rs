//! Keypad PINs managed in the cloud: a host creates, changes or deletes a
//! lock's PIN slots; each change re-signs the lock's whole PIN list with
//! the next sequence number and is logged with its time, so the drift view
//! can say which changes a lock has not received yet ("deleted in the
//! portal on Monday, the lock still accepts it"). The cloud keeps only the
//! salted slot hashes it put in the list, never the digits.

mod drift;
mod routes;
mod rules;
#[cfg(test)]
mod tests;

pub(super) use routes::routes;

use super::error::ApiError;
use super::state::Cloud;
use super::store::{self, PhoneRecord};
use super::wire::{PinAction, PinChangeInfo, PinChangeRequest, PinListInfo};
use latchkey_protocol::{LockId, PinDigits, PinList, PinSecret, PinSlot};
use rules::{checked_name, differences, merged_rule, with_rule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Changes kept per lock for the drift view (older ones are long delivered;
/// the drift view still counts what it can no longer list).
const CHANGES_KEPT: usize = 200;

/// One lock's managed PINs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct PinRegistry {
    /// Seq of the newest list (0: none issued).
    seq: u32,
    /// Hex of the newest signed list.
    list: Option<String>,
    /// Slot → what the PIN is for (the slots themselves are in the list).
    labels: BTreeMap<u8, String>,
    /// Slot → who holds it, where the host said.
    #[serde(default)]
    holders: BTreeMap<u8, String>,
    /// What changed, oldest first.
    changes: Vec<PinChangeInfo>,
}

impl PinRegistry {
    /// The newest signed list, decoded.
    fn current(&self) -> Result<Option<PinList>, ApiError> {
        match &self.list {
            None => Ok(None),
            Some(hex) => latchkey_protocol::hex::decode(hex)
                .and_then(|b| PinList::decode(&b).ok())
                .map(Some)
                .ok_or_else(|| ApiError::internal("the stored PIN list does not decode")),
        }
    }

    /// The newest change on record for a slot.
    fn last_change(&self, slot: u8) -> Option<&PinChangeInfo> {
        self.changes.iter().rev().find(|c| c.slot == slot)
    }
}

/// A change before it has its seq and time.
struct Draft {
    action: PinAction,
    slot: u8,
    label: String,
    holder: Option<String>,
    changed: Vec<String>,
}

impl Cloud {
    /// Creates or changes one PIN slot of a lock and signs the next list.
    /// A request that changes nothing signs nothing and answers the slot's
    /// last change (so a retried request is harmless).
    pub(super) fn set_pin(&self, lock_id: &LockId, request: &PinChangeRequest) -> Result<PinChangeInfo, ApiError> {
        self.require_lock(lock_id)?;
        let secret = self.pin_secret_of(lock_id)?;
        let label = checked_name("label", request.label.as_deref())?;
        let holder = checked_name("holder", request.holder.as_deref().filter(|h| !h.is_empty()))?;
        let digits = match request.digits.as_deref() {
            Some(d) => Some(PinDigits::new(d).map_err(|e| ApiError::bad_request(e.to_string()))?),
            None => None,
        };
        let _guard = self.write_guard();
        let mut registry: PinRegistry = store::get(&self.db.pins, &lock_id.0)?.unwrap_or_default();
        let current = registry.current()?;
        let offline_valid_from = current.as_ref().map_or(0, |l| l.offline_valid_from);
        let mut slots = current.map(|l| l.slots).unwrap_or_default();
        let old = slots.iter().find(|s| s.slot == request.slot).copied();
        let rule = merged_rule(old.map(|s| s.rule()), request)?;
        let new = match (&digits, old) {
            (Some(d), Some(o)) if o.matches(&secret, d.as_str()) => with_rule(o, rule),
            (Some(d), _) => {
                PinSlot::new(&secret, request.slot, d, rule).map_err(|e| ApiError::bad_request(e.to_string()))?
            }
            (None, Some(o)) => with_rule(o, rule),
            (None, None) => {
                return Err(ApiError::not_found(format!(
                    "lock {lock_id} has no PIN in slot {}: give `digits` to create one",
                    request.slot
                )))
            }
        };
        let old_label = registry.labels.get(&request.slot).cloned();
        let old_holder = registry.holders.get(&request.slot).cloned();
        let label = label
            .or(old_label.clone())
            .unwrap_or_else(|| format!("slot {}", request.slot));
        let holder = match &request.holder {
            Some(h) if h.is_empty() => None,
            Some(_) => holder,
            None => old_holder.clone(),
        };
        let draft = match old {
            None => {
                if slots.len() >= PinList::MAX_SLOTS {
                    return Err(ApiError::bad_request(format!(
                        "a lock holds at most {} PINs",
                        PinList::MAX_SLOTS
                    )));
                }
                Draft::new(PinAction::Created, request.slot, label.clone(), holder.clone())
            }
            Some(o) => {
                let mut changed = differences(&o, &new);
                if old_label.as_deref() != Some(label.as_str()) {
                    changed.push("label".into());
                }
                if old_holder != holder {
                    changed.push("holder".into());
                }
                if changed.is_empty() {
                    return Ok(registry.last_change(request.slot).cloned().unwrap_or(PinChangeInfo {
                        seq: registry.seq,
                        at: self.now(),
                        action: PinAction::Changed,
                        slot: request.slot,
                        label,
                        holder,
                        changed,
                    }));
                }
                Draft {
                    changed,
                    ..Draft::new(PinAction::Changed, request.slot, label.clone(), holder.clone())
                }
            }
        };
        slots.retain(|s| s.slot != request.slot);
        slots.push(new);
        registry.labels.insert(request.slot, label);
        match holder {
            Some(h) => registry.holders.insert(request.slot, h),
            None => registry.holders.remove(&request.slot),
        };
        self.sign_and_record(lock_id, registry, slots, offline_valid_from, draft)
    }

    /// Empties one PIN slot of a lock and signs the next list. Deleting a
    /// slot whose last change was its deletion answers that change again.
    pub(super) fn delete_pin(&self, lock_id: &LockId, slot: u8) -> Result<PinChangeInfo, ApiError> {
        self.require_lock(lock_id)?;
        let _guard = self.write_guard();
        let mut registry: PinRegistry = store::get(&self.db.pins, &lock_id.0)?.unwrap_or_default();
        let current = registry.current()?;
        let offline_valid_from = current.as_ref().map_or(0, |l| l.offline_valid_from);
        let mut slots = current.map(|l| l.slots).unwrap_or_default();
        if !slots.iter().any(|s| s.slot == slot) {
            return match registry.last_change(slot) {
                Some(c) if c.action == PinAction::Deleted => Ok(c.clone()),
                _ => Err(ApiError::not_found(format!("lock {lock_id} has no PIN in slot {slot}"))),
            };
        }
        slots.retain(|s| s.slot != slot);
        let label = registry.labels.remove(&slot).unwrap_or_else(|| format!("slot {slot}"));
        let holder = registry.holders.remove(&slot);
        let draft = Draft::new(PinAction::Deleted, slot, label, holder);
        self.sign_and_record(lock_id, registry, slots, offline_valid_from, draft)
    }

    /// Signs the list for the next seq, logs the change, stores and
    /// flushes. The list is decoded again before it is kept: the cloud
    /// never hands out a list the lock would refuse to parse.
    fn sign_and_record(
        &self,
        lock_id: &LockId,
        mut registry: PinRegistry,
        slots: Vec<PinSlot>,
        offline_valid_from: u32,
        draft: Draft,
    ) -> Result<PinChangeInfo, ApiError> {
        let now = self.now();
        let seq = registry
            .seq
            .checked_add(1)
            .ok_or_else(|| ApiError::internal("the PIN list seq is exhausted"))?;
        let list = self
            .authority
            .pin_list(*lock_id, seq, now, offline_valid_from, slots)
            .map_err(|e| ApiError::bad_request(format!("the PIN list can't be signed: {e}")))?;
        let encoded = list.encode();
        PinList::decode(&encoded).map_err(|e| ApiError::bad_request(format!("the PIN list would not decode: {e}")))?;
        let change = PinChangeInfo {
            seq,
            at: now,
            action: draft.action,
            slot: draft.slot,
            label: draft.label,
            holder: draft.holder,
            changed: draft.changed,
        };
        registry.seq = seq;
        registry.list = Some(latchkey_protocol::hex::encode(&encoded));
        registry.changes.push(change.clone());
        let excess = registry.changes.len().saturating_sub(CHANGES_KEPT);
        registry.changes.drain(..excess);
        store::put(&self.db.pins, &lock_id.0, &registry)?;
        self.db.flush()?;
        Ok(change)
    }

    /// The newest signed list of a lock, who each slot is for, the changes
    /// after `since`, and the lock's PIN secret for a phone entitled to it.
    pub(super) fn pin_list_info(
        &self,
        phone: &PhoneRecord,
        lock_id: &LockId,
        since: Option<u32>,
    ) -> Result<PinListInfo, ApiError> {
        let registry: PinRegistry = store::get(&self.db.pins, &lock_id.0)?.unwrap_or_default();
        let secret = if self.may_make_offline_pins(phone, lock_id)? {
            Some(latchkey_protocol::hex::encode(&self.pin_secret_of(lock_id)?.0))
        } else {
            None
        };
        let since = since.unwrap_or(0);
        Ok(PinListInfo {
            seq: registry.seq,
            list: registry.list,
            labels: registry.labels,
            holders: registry.holders,
            changes: registry.changes.into_iter().filter(|c| c.seq > since).collect(),
            secret,
        })
    }

    /// Hosts and holders of an active owner or admin key for the lock may
    /// make offline PINs (docs/protocol.md, "Offline PINs").
    pub(super) fn may_make_offline_pins(&self, phone: &PhoneRecord, lock_id: &LockId) -> Result<bool, ApiError> {
        Ok(phone.host || self.holds_host_key(&phone.name, lock_id)?)
    }

    fn pin_secret_of(&self, lock_id: &LockId) -> Result<PinSecret, ApiError> {
        self.authority
            .pin_secret(lock_id)
            .map_err(|e| ApiError::internal(format!("PIN secret: {e}")))
    }

    fn require_lock(&self, lock_id: &LockId) -> Result<(), ApiError> {
        match self.lock_info(lock_id)? {
            Some(_) => Ok(()),
            None => Err(ApiError::not_found(format!("no lock {lock_id}"))),
        }
    }
}

impl Draft {
    fn new(action: PinAction, slot: u8, label: String, holder: Option<String>) -> Self {
        Self {
            action,
            slot,
            label,
            holder,
            changed: Vec::new(),
        }
    }
}
