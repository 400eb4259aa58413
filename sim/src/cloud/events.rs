//! Received events: idempotent by event id, lock events also by (lock,
//! epoch, seq), kept in arrival order per lock. One upload is one atomic
//! sled batch, flushed before the answer. An event naming a lock is taken
//! only from a host or a phone that holds or held a key for that lock
//! (docs/cloud-api.md, "Access rules"): a stranger can't write into a
//! lock's history.
//!
//! `events` tree layout:
//!
//! | key | value |
//! | --- | --- |
//! | `e` 0 ‖ lock id ‖ position (u64 BE) | [`ReceivedEvent`] JSON |
//! | `e` 1 ‖ position | the same, for events that name no lock |
//! | `c` 0 ‖ lock id, `c` 1 | last position (u64 BE) |
//! | `i` ‖ event id (16 bytes) | the `e` key it was stored under |
//! | `s` ‖ lock id ‖ epoch ‖ seq | event id of that lock event |
//! | `n`, `d` | unique events stored, duplicates received (u64 BE) |

use super::claims::ClaimRefusal;
use super::error::ApiError;
use super::state::Cloud;
use super::store::PhoneRecord;
use super::wire::{EventResult, EventStatus, ReceivedEvent, UploadEvent};
use latchkey_protocol::LockId;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Kinds of event the cloud accepts, and whether they must name a lock.
const KINDS: &[(&str, bool)] = &[
    ("lock_event", true),
    ("unlock_attempt", true),
    ("failure", false),
    ("lock_reset_detected", true),
    ("revocation_delivered", true),
    ("time_delivered", true),
    ("gap_detected", true),
    ("pin_list_delivered", true),
    ("lock_claimed", true),
];
/// Largest single event accepted.
pub const MAX_EVENT_BYTES: usize = 16 * 1024;
/// Most events in one upload.
pub const MAX_EVENTS_PER_UPLOAD: usize = 1000;

/// What one upload changes, before it is applied.
#[derive(Default)]
struct Pending {
    batch: sled::Batch,
    ids: HashSet<uuid::Uuid>,
    lock_seqs: HashSet<Vec<u8>>,
    counters: HashMap<Vec<u8>, u64>,
    /// Locks already looked up in this upload: whether the phone may
    /// upload for them (`None`: no such lock).
    locks: HashMap<LockId, Option<bool>>,
    stored: u64,
    duplicates: u64,
}

impl Cloud {
    /// Stores a batch of events from `phone`; one result per event, in order.
    pub(super) fn ingest(&self, phone: &PhoneRecord, events: &[UploadEvent]) -> Result<Vec<EventResult>, ApiError> {
        if events.len() > MAX_EVENTS_PER_UPLOAD {
            return Err(ApiError::too_large(format!(
                "at most {MAX_EVENTS_PER_UPLOAD} events per upload"
            )));
        }
        let now = self.now();
        let _guard = self.write_guard();
        let mut pending = Pending::default();
        let mut results = Vec::with_capacity(events.len());
        for upload in events {
            let status = match self.ingest_one(phone, upload, now, &mut pending) {
                Ok(status) => EventResult {
                    id: upload.id.clone(),
                    status,
                    reason: None,
                },
                Err(Rejection::Refused(reason)) => EventResult {
                    id: upload.id.clone(),
                    status: EventStatus::Rejected,
                    reason: Some(reason),
                },
                // Nothing of the batch is applied: the phone retries it.
                Err(Rejection::Internal(e)) => return Err(e),
            };
            results.push(status);
        }
        let mut batch = std::mem::take(&mut pending.batch);
        for (key, last) in &pending.counters {
            batch.insert(key.as_slice(), &last.to_be_bytes());
        }
        batch.insert(b"n", &(self.count(b"n")? + pending.stored).to_be_bytes());
        batch.insert(b"d", &(self.count(b"d")? + pending.duplicates).to_be_bytes());
        self.db.events.apply_batch(batch)?;
        self.db.flush()?;
        Ok(results)
    }

    fn ingest_one(
        &self,
        phone: &PhoneRecord,
        upload: &UploadEvent,
        now: u32,
        pending: &mut Pending,
    ) -> Result<EventStatus, Rejection> {
        let id = uuid::Uuid::parse_str(&upload.id).map_err(|_| Rejection::new("the id is not a UUID"))?;
        let id_key = [&b"i"[..], id.as_bytes()].concat();
        if pending.ids.contains(&id) || self.db.events.contains_key(&id_key).map_err(Rejection::storage)? {
            pending.duplicates += 1;
            return Ok(EventStatus::Duplicate);
        }
        let size = serde_json::to_vec(&upload.event).map(|v| v.len()).unwrap_or(usize::MAX);
        if size > MAX_EVENT_BYTES {
            return Err(Rejection::new(format!(
                "the event is larger than {MAX_EVENT_BYTES} bytes"
            )));
        }
        let kind = upload
            .event
            .get("kind")
            .and_then(Value::as_str)
            .ok_or_else(|| Rejection::new("the event has no `kind`"))?;
        let needs_lock = KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, needs)| *needs)
            .ok_or_else(|| Rejection::new(format!("unknown event kind `{kind}`")))?;
        let lock_id = match upload.event.get("lock_id") {
            None | Some(Value::Null) if !needs_lock => None,
            Some(Value::String(s)) => Some(LockId::from_hex(s).ok_or_else(|| Rejection::new("bad `lock_id`"))?),
            _ => return Err(Rejection::new(format!("a `{kind}` event needs a `lock_id`"))),
        };
        // A claim registers its lock first (from a host, with a receipt
        // the lock signed): the claim and what follows it are then the
        // lock's history like any other.
        if let (Some(lock_id), "lock_claimed") = (&lock_id, kind) {
            match self.register_claim(phone, &upload.event) {
                Ok(()) => pending.locks.remove(lock_id),
                Err(ClaimRefusal::Refused(why)) => return Err(Rejection::new(why)),
                Err(ClaimRefusal::Internal(e)) => return Err(Rejection::Internal(e)),
            };
        }
        if let Some(lock_id) = &lock_id {
            let access = match pending.locks.get(lock_id) {
                Some(access) => *access,
                None => {
                    let access = self.upload_access(phone, lock_id).map_err(Rejection::Internal)?;
                    pending.locks.insert(*lock_id, access);
                    access
                }
            };
            match access {
                None => return Err(Rejection::new(format!("unknown lock {lock_id}"))),
                Some(false) => return Err(Rejection::new(format!("this phone holds no key for lock {lock_id}"))),
                Some(true) => {}
            }
        }
        if kind == "lock_event" {
            let number = |field: &str| {
                upload
                    .event
                    .get(field)
                    .and_then(Value::as_u64)
                    .and_then(|v| u32::try_from(v).ok())
                    .ok_or_else(|| Rejection::new(format!("a lock event needs a 32-bit `{field}`")))
            };
            let (epoch, seq) = (number("epoch")?, number("seq")?);
            let lock = lock_id.map(|l| l.0).unwrap_or_default();
            let seq_key = [&b"s"[..], &lock, &epoch.to_be_bytes(), &seq.to_be_bytes()].concat();
            if pending.lock_seqs.contains(&seq_key)
                || self.db.events.contains_key(&seq_key).map_err(Rejection::storage)?
            {
                pending.duplicates += 1;
                return Ok(EventStatus::Duplicate);
            }
            pending.batch.insert(seq_key.as_slice(), id.as_bytes());
            pending.lock_seqs.insert(seq_key);
        }
        let (counter_key, prefix) = match &lock_id {
            Some(l) => ([&b"c\0"[..], &l.0].concat(), [&b"e\0"[..], &l.0].concat()),
            None => (b"c\x01".to_vec(), b"e\x01".to_vec()),
        };
        let position = match pending.counters.get(&counter_key) {
            Some(p) => *p,
            None => self.count(&counter_key).map_err(Rejection::Internal)?,
        } + 1;
        pending.counters.insert(counter_key, position);
        let record = ReceivedEvent {
            id: id.hyphenated().to_string(),
            lock_id: lock_id.map(|l| l.to_hex()),
            position,
            phone: phone.name.clone(),
            received_at: now,
            event: upload.event.clone(),
        };
        let value = serde_json::to_vec(&record).map_err(|e| Rejection::Internal(ApiError::internal(e.to_string())))?;
        let event_key = [prefix.as_slice(), &position.to_be_bytes()].concat();
        pending.batch.insert(event_key.as_slice(), value);
        pending.batch.insert(id_key.as_slice(), event_key);
        pending.ids.insert(id);
        pending.stored += 1;
        Ok(EventStatus::Stored)
    }

    /// Whether `phone` may upload events naming `lock_id`: a host, or a
    /// phone that holds or held a key for it (a revoked guest's attempts
    /// are history the host wants); `None` for an unknown lock.
    fn upload_access(&self, phone: &PhoneRecord, lock_id: &LockId) -> Result<Option<bool>, ApiError> {
        if !self.db.locks.contains_key(lock_id.0)? {
            return Ok(None);
        }
        Ok(Some(phone.host || self.ever_held_key(&phone.name, lock_id)?))
    }

    /// Stored events of one lock (or all: by lock id, then lock-less), in
    /// arrival order.
    pub(super) fn received(&self, lock_id: Option<&LockId>) -> Result<Vec<ReceivedEvent>, ApiError> {
        let prefix = match lock_id {
            Some(l) => [&b"e\0"[..], &l.0].concat(),
            None => b"e".to_vec(),
        };
        let mut out = Vec::new();
        for item in self.db.events.scan_prefix(prefix) {
            let (_, raw) = item?;
            out.push(
                serde_json::from_slice(&raw)
                    .map_err(|e| ApiError::internal(format!("a stored event does not decode: {e}")))?,
            );
        }
        Ok(out)
    }

    /// Unique events stored, and duplicates received, so far.
    pub(super) fn event_counts(&self) -> Result<(u64, u64), ApiError> {
        Ok((self.count(b"n")?, self.count(b"d")?))
    }

    fn count(&self, key: &[u8]) -> Result<u64, ApiError> {
        Ok(self
            .db
            .events
            .get(key)?
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map_or(0, u64::from_be_bytes))
    }
}

/// Why one event was not stored.
enum Rejection {
    /// Refused for good: the phone dead-letters it.
    Refused(String),
    /// The cloud failed: the whole upload fails and is retried.
    Internal(ApiError),
}

impl Rejection {
    fn new(reason: impl Into<String>) -> Self {
        Self::Refused(reason.into())
    }

    fn storage(e: sled::Error) -> Self {
        Self::Internal(e.into())
    }
}
