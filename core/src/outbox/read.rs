//! Outbox reads: the oldest pending events for an upload, whether an id
//! is pending, the oldest one's age. Each walks the spool under the
//! outbox's lock (`spooled.rs`).

use super::event::{EventId, EventRecord, StoredEvent};
use super::layout;
use super::spooled::Found;
use super::{Outbox, OutboxError};
use crate::store::spool::SpoolMemory;
use crate::store::StoreError;
use std::ops::ControlFlow;

/// Events whose place `peek` remembers for `confirm`, at most.
const LOCATED_MAX: usize = 20_000;

impl Outbox {
    /// Up to `max_events` of the oldest pending events, in order, whose
    /// encodings add up to at most `max_bytes` (the first event is returned
    /// even when it alone is bigger, so an upload always makes progress).
    /// A record that can't be read is moved to the dead letters, not
    /// skipped silently.
    pub fn peek(&self, max_events: usize, max_bytes: usize) -> Result<Vec<StoredEvent>, OutboxError> {
        if max_events == 0 {
            return Ok(Vec::new());
        }
        let mut memory = self.lock();
        self.recover(&mut memory)?;
        loop {
            let counters = self.counters()?;
            let removed = self.removed()?;
            let mut out: Vec<StoredEvent> = Vec::new();
            let mut bytes = 0usize;
            let mut unreadable = Vec::new();
            let mut damaged = None;
            self.each(&removed, counters.next_position, |found| {
                match found {
                    Found::Event { position, value } => match self.read_event(position, value) {
                        Ok(record) => {
                            let stored = Self::stored(position, record);
                            if !out.is_empty() && bytes.saturating_add(stored.encoded_len) > max_bytes {
                                return Ok(ControlFlow::Break(()));
                            }
                            bytes = bytes.saturating_add(stored.encoded_len);
                            out.push(stored);
                            if out.len() >= max_events {
                                return Ok(ControlFlow::Break(()));
                            }
                        }
                        Err(e) => unreadable.push((position, value.to_vec(), e.to_string())),
                    },
                    Found::Damaged {
                        segment,
                        offset,
                        raw,
                        reason,
                    } => {
                        damaged = Some((segment.clone(), offset, raw.to_vec(), reason.to_string()));
                        return Ok(ControlFlow::Break(()));
                    }
                }
                Ok(ControlFlow::Continue(()))
            })?;
            let recount = !unreadable.is_empty();
            for (position, value, reason) in unreadable {
                let raw = Some(value.clone());
                self.move_to_dead(position, &value, None, raw, &format!("unreadable: {reason}"))?;
            }
            if recount {
                // A damaged frame may have carried a wrong position: count
                // what is pending from what is there.
                let counted = self.recount(self.counters()?)?;
                self.tree.insert(layout::COUNTERS, &counted.encode())?;
                self.store.inner.db.flush()?;
            }
            if let Some((segment, offset, raw, reason)) = damaged {
                self.set_aside(&segment, offset, &raw, &reason)?;
                continue;
            }
            // Remembered so confirming them needs no search (a cache: it
            // never grows past a few uploads' worth).
            if memory.located.len() > LOCATED_MAX {
                memory.located.clear();
            }
            for e in &out {
                let class = layout::class_byte(e.event.class());
                memory.located.insert(*e.id.0.as_bytes(), (e.position, class));
            }
            return Ok(out);
        }
    }

    /// The ids of every pending event, oldest first: one walk over the
    /// spool, opening each record (for checks and tools, not hot paths).
    pub fn pending_ids(&self) -> Result<Vec<EventId>, OutboxError> {
        let mut ids = Vec::new();
        self.first_record(&mut self.lock(), |_, record| {
            ids.push(record.id);
            false
        })?;
        Ok(ids)
    }

    /// Whether an event with this id is pending. Walks the spool, opening
    /// records until it finds it: for one id; [`Outbox::pending_ids`] for
    /// many.
    pub fn contains(&self, id: &EventId) -> Result<bool, OutboxError> {
        Ok(self.first_record(&mut self.lock(), |_, r| r.id == *id)?.is_some())
    }

    pub(super) fn oldest_appended_at_ms(&self) -> Result<Option<u64>, OutboxError> {
        let oldest = self.first_record(&mut self.lock(), |_, _| true)?;
        Ok(oldest.map(|(_, _, record)| record.appended_at_ms))
    }

    /// The oldest pending event that opens and that `wanted` takes (its
    /// position, stored value and record), walking under the outbox's lock
    /// (`memory` is its guard's).
    pub(super) fn first_record(
        &self,
        memory: &mut SpoolMemory,
        mut wanted: impl FnMut(u64, &EventRecord) -> bool,
    ) -> Result<Option<(u64, Vec<u8>, EventRecord)>, OutboxError> {
        self.recover(memory)?;
        let next = self.counters()?.next_position;
        let mut found = None;
        self.each(&self.removed()?, next, |item| {
            if let Found::Event { position, value } = item {
                if let Ok(record) = self.read_event(position, value) {
                    if wanted(position, &record) {
                        found = Some((position, value.to_vec(), record));
                        return Ok(ControlFlow::Break(()));
                    }
                }
            }
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(found)
    }

    /// Opens a stored value: the class byte, then the record sealed under
    /// the event's key in the `outbox` tree (where events lived before the
    /// spool; the same associated data since).
    pub(super) fn read_event(&self, position: u64, value: &[u8]) -> Result<EventRecord, StoreError> {
        let sealed = value.get(1..).unwrap_or_default();
        let plain = self
            .store
            .inner
            .sealer
            .open(layout::TREE, &layout::event_key(position), sealed)?;
        serde_json::from_slice(&plain)
            .map_err(|e| StoreError::corrupt(layout::TREE, format!("event does not decode: {e}")))
    }

    fn stored(position: u64, record: EventRecord) -> StoredEvent {
        let encoded_len = serde_json::to_vec(&record.event).map(|v| v.len()).unwrap_or(0);
        StoredEvent {
            id: record.id,
            position,
            appended_at_ms: record.appended_at_ms,
            event: record.event,
            encoded_len,
        }
    }
}
