//! Outbox writes, one at a time under the store's outbox lock. An append
//! writes its events to the spool (synced), then commits one atomic batch
//! on the `outbox` tree (counters, what was removed, markers) and flushes;
//! a confirm, a drop or a dead letter commits only that batch.

use super::event::{EventClass, EventId, EventRecord, OutboxEvent};
use super::layout::{self, Counters};
use super::spooled::{Found, Removed};
use super::{now_ms, Outbox, OutboxError};
use crate::changes::ChangeArea;
use crate::store::spool::SpoolMemory;
use crate::store::StoreError;
use std::collections::HashSet;
use std::ops::ControlFlow;
use std::sync::MutexGuard;

impl Outbox {
    /// Appends events in order with a single flush (group commit); returns
    /// their ids once all are on disk. All or nothing: when they do not fit
    /// even after dropping every diagnostic event, nothing is appended and
    /// [`OutboxError::Full`] says so.
    pub fn append_batch(&self, events: Vec<OutboxEvent>) -> Result<Vec<EventId>, OutboxError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        self.append_with(events, |_| {})
    }

    /// Appends `events` like [`Outbox::append_batch`], and in the same
    /// atomic batch whatever `also` adds to it (`ingested.rs`'s markers).
    pub(super) fn append_with(
        &self,
        events: Vec<OutboxEvent>,
        also: impl FnOnce(&mut sled::Batch),
    ) -> Result<Vec<EventId>, OutboxError> {
        let mut memory = self.lock();
        self.recover(&mut memory)?;
        let inner = &self.store.inner;
        let mut counters = self.counters()?;
        let mut removed = self.removed()?;

        let overflow = (counters.pending() + events.len() as u64).saturating_sub(self.config.capacity);
        if overflow > counters.diagnostic {
            return Err(OutboxError::Full {
                capacity: self.config.capacity,
                access_events: counters.access,
                incoming: events.len(),
            });
        }
        self.drop_oldest_diagnostics(overflow, &mut counters, &mut removed)?;

        let appended_at_ms = now_ms();
        let mut ids = Vec::with_capacity(events.len());
        let mut values = Vec::with_capacity(events.len());
        for event in events {
            let position = counters.next_position;
            counters.next_position += 1;
            let class = event.class();
            let record = EventRecord {
                id: EventId::new(),
                appended_at_ms,
                event,
            };
            let key = layout::event_key(position);
            let plain = serde_json::to_vec(&record).map_err(|e| StoreError::InvalidValue {
                reason: format!("can't encode an outbox event: {e}"),
            })?;
            let mut value = vec![layout::class_byte(class)];
            value.extend(inner.sealer.seal(layout::TREE, &key, &plain)?);
            values.push((position, value));
            counters.add(class);
            ids.push(record.id);
        }
        let frame: Vec<(u64, &[u8])> = values.iter().map(|(p, v)| (*p, v.as_slice())).collect();
        // Synced before the batch that counts it commits; an append that
        // dies or fails in between is cut off before the next one.
        memory.recovered = false;
        self.spool().append(&frame)?;
        crash_point!("outbox.append.spooled");
        if overflow > 0 {
            self.settle_head(&mut removed, counters.next_position)?;
        }
        let mut batch = sled::Batch::default();
        batch.insert(layout::COUNTERS, &counters.encode());
        batch.insert(layout::REMOVED, removed.encode());
        also(&mut batch);
        self.tree.apply_batch(batch)?;
        crash_point!("outbox.append.before_flush");
        inner.db.flush()?;
        crash_point!("outbox.append.after_flush");
        memory.recovered = true;
        if overflow > 0 {
            self.collect_segments(&removed, counters.next_position);
        }
        self.store.changes().touch(ChangeArea::Outbox);
        Ok(ids)
    }

    /// Deletes exactly these events (the cloud confirmed them), in one
    /// flushed step; returns how many were pending. Unknown ids (already
    /// confirmed) are ignored.
    pub fn confirm(&self, ids: &[EventId]) -> Result<usize, OutboxError> {
        let mut memory = self.lock();
        self.recover(&mut memory)?;
        let mut counters = self.counters()?;
        let mut removed = self.removed()?;
        let next = counters.next_position;
        let mut confirmed = 0;
        let mut seen = HashSet::new();
        let mut missing = HashSet::new();
        for id in ids.iter().filter(|id| seen.insert(**id)) {
            match memory.located.remove(id.0.as_bytes()) {
                Some((position, class)) => {
                    if position < next && removed.insert(position) {
                        counters.remove(layout::class_of(&[class]));
                        confirmed += 1;
                    }
                }
                None => {
                    missing.insert(*id);
                }
            }
        }
        // Not read by `peek` in this process: looked for.
        if !missing.is_empty() {
            let walk = removed.clone();
            self.each(&walk, next, |found| {
                if let Found::Event { position, value } = found {
                    if let Ok(record) = self.read_event(position, value) {
                        if missing.remove(&record.id) && removed.insert(position) {
                            counters.remove(layout::class_of(value));
                            confirmed += 1;
                        }
                    }
                }
                Ok(if missing.is_empty() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                })
            })?;
        }
        if confirmed == 0 {
            return Ok(0);
        }
        self.settle_head(&mut removed, next)?;
        let mut batch = sled::Batch::default();
        batch.insert(layout::COUNTERS, &counters.encode());
        batch.insert(layout::REMOVED, removed.encode());
        self.tree.apply_batch(batch)?;
        crash_point!("outbox.confirm.before_flush");
        self.store.inner.db.flush()?;
        crash_point!("outbox.confirm.after_flush");
        self.collect_segments(&removed, next);
        self.store.changes().touch(ChangeArea::Outbox);
        Ok(confirmed)
    }

    /// Moves one pending event to the dead letters with `reason` (the
    /// server refused it for good); returns whether it was pending.
    pub fn dead_letter(&self, id: &EventId, reason: &str) -> Result<bool, OutboxError> {
        let mut memory = self.lock();
        let found = self.first_record(&mut memory, |_, record| record.id == *id)?;
        let Some((position, value, record)) = found else {
            return Ok(false);
        };
        memory.located.remove(id.0.as_bytes());
        self.move_to_dead(position, &value, Some(record), None, reason)?;
        Ok(true)
    }

    /// Writes the dead letter and flushes before removing the event, so a
    /// crash in between leaves it in both places (moved again later), never
    /// in neither. The caller holds the outbox's lock.
    pub(super) fn move_to_dead(
        &self,
        position: u64,
        value: &[u8],
        record: Option<EventRecord>,
        unreadable: Option<Vec<u8>>,
        reason: &str,
    ) -> Result<(), OutboxError> {
        self.write_dead(position, record, unreadable, reason)?;
        crash_point!("outbox.dead_letter.between_flushes");

        let mut counters = self.counters()?;
        let mut removed = self.removed()?;
        if removed.insert(position) {
            counters.remove(layout::class_of(value));
        }
        self.settle_head(&mut removed, counters.next_position)?;
        let mut batch = sled::Batch::default();
        batch.insert(layout::COUNTERS, &counters.encode());
        batch.insert(layout::REMOVED, removed.encode());
        self.tree.apply_batch(batch)?;
        self.store.inner.db.flush()?;
        crash_point!("outbox.dead_letter.after_flush");
        self.collect_segments(&removed, counters.next_position);
        self.store.changes().touch(ChangeArea::Outbox);
        Ok(())
    }

    fn drop_oldest_diagnostics(
        &self,
        count: u64,
        counters: &mut Counters,
        removed: &mut Removed,
    ) -> Result<(), OutboxError> {
        if count == 0 {
            return Ok(());
        }
        let mut dropping = Vec::new();
        self.each(removed, counters.next_position, |found| {
            if let Found::Event { position, value } = found {
                if layout::class_of(value) == EventClass::Diagnostic {
                    dropping.push(position);
                }
            }
            Ok(if dropping.len() as u64 >= count {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            })
        })?;
        for position in dropping {
            if removed.insert(position) {
                counters.remove(EventClass::Diagnostic);
                counters.dropped_diagnostics += 1;
            }
        }
        Ok(())
    }

    /// The counters; counted again from the events if the record is
    /// missing or damaged (never trusted blindly, never a reason to fail).
    pub(super) fn counters(&self) -> Result<Counters, OutboxError> {
        if let Some(raw) = self.tree.get(layout::COUNTERS)? {
            if let Ok(c) = Counters::decode(&raw) {
                return Ok(c);
            }
        }
        self.recount(Counters::default())
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, SpoolMemory> {
        // Each write is one atomic batch (an uncommitted spool frame is cut
        // off by `recover`), so a panic elsewhere can't leave half an
        // update behind: a poisoned lock is safe to reuse.
        self.store.inner.outbox_lock.lock().unwrap_or_else(|p| p.into_inner())
    }
}
