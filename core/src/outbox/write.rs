//! Outbox writes. Each is one atomic batch on the `outbox` tree (events,
//! index and counters together) followed by a flush, done one at a time
//! under the store's outbox lock.

use super::event::{DeadRecord, EventClass, EventId, EventRecord, OutboxEvent};
use super::layout::{self, Counters};
use super::{now_ms, Outbox, OutboxError};
use crate::changes::ChangeArea;
use crate::store::StoreError;
use std::collections::HashSet;
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
        let _guard = self.lock();
        let inner = &self.store.inner;
        let mut counters = self.counters()?;
        let mut batch = sled::Batch::default();

        let overflow = (counters.pending() + events.len() as u64).saturating_sub(self.config.capacity);
        if overflow > counters.diagnostic {
            return Err(OutboxError::Full {
                capacity: self.config.capacity,
                access_events: counters.access,
                incoming: events.len(),
            });
        }
        self.drop_oldest_diagnostics(overflow, &mut counters, &mut batch)?;

        let appended_at_ms = now_ms();
        let mut ids = Vec::with_capacity(events.len());
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
            batch.insert(&key, value);
            batch.insert(layout::index_key(&inner.sealer, &record.id), &position.to_be_bytes());
            if class == EventClass::Diagnostic {
                batch.insert(&layout::diagnostic_key(position), &[]);
            }
            counters.add(class);
            ids.push(record.id);
        }
        batch.insert(layout::COUNTERS, &counters.encode());
        also(&mut batch);
        self.tree.apply_batch(batch)?;
        crash_point!("outbox.append.before_flush");
        inner.db.flush()?;
        crash_point!("outbox.append.after_flush");
        self.store.changes().touch(ChangeArea::Outbox);
        Ok(ids)
    }

    /// Deletes exactly these events (the cloud confirmed them), in one
    /// flushed step; returns how many were pending. Unknown ids (already
    /// confirmed) are ignored.
    pub fn confirm(&self, ids: &[EventId]) -> Result<usize, OutboxError> {
        let _guard = self.lock();
        let mut counters = self.counters()?;
        let mut batch = sled::Batch::default();
        let mut removed = 0;
        let mut seen = HashSet::new();
        for id in ids.iter().filter(|id| seen.insert(**id)) {
            let index = layout::index_key(&self.store.inner.sealer, id);
            let Some(pos) = self.tree.get(&index)? else { continue };
            batch.remove(index);
            let Some(position) = layout::position_of(&pos) else {
                continue;
            };
            if let Some(value) = self.tree.get(layout::event_key(position))? {
                self.remove_event(position, layout::class_of(&value), &mut counters, &mut batch);
                removed += 1;
            }
        }
        batch.insert(layout::COUNTERS, &counters.encode());
        self.tree.apply_batch(batch)?;
        crash_point!("outbox.confirm.before_flush");
        self.store.inner.db.flush()?;
        crash_point!("outbox.confirm.after_flush");
        self.store.changes().touch(ChangeArea::Outbox);
        Ok(removed)
    }

    /// Moves one pending event to the dead letters with `reason` (the
    /// server refused it for good); returns whether it was pending.
    pub fn dead_letter(&self, id: &EventId, reason: &str) -> Result<bool, OutboxError> {
        let _guard = self.lock();
        let index = layout::index_key(&self.store.inner.sealer, id);
        let Some(position) = self.tree.get(&index)?.and_then(|p| layout::position_of(&p)) else {
            return Ok(false);
        };
        let key = layout::event_key(position);
        let Some(value) = self.tree.get(key)? else {
            return Ok(false);
        };
        let record = self.read_event(&key, &value)?;
        self.move_to_dead(position, &value, Some(record), None, reason)?;
        Ok(true)
    }

    /// Moves a record that can't be read to the dead letters (raw bytes kept).
    pub(super) fn dead_letter_unreadable(
        &self,
        position: u64,
        key: &[u8],
        value: &[u8],
        reason: &str,
    ) -> Result<(), OutboxError> {
        let _guard = self.lock();
        // Another caller may have moved it meanwhile.
        if self.tree.get(key)?.as_deref() != Some(value) {
            return Ok(());
        }
        self.move_to_dead(
            position,
            value,
            None,
            Some(value.to_vec()),
            &format!("unreadable: {reason}"),
        )
    }

    /// Writes the dead letter and flushes before removing the event, so a
    /// crash in between leaves it in both places (moved again later), never
    /// in neither.
    fn move_to_dead(
        &self,
        position: u64,
        value: &[u8],
        record: Option<EventRecord>,
        unreadable: Option<Vec<u8>>,
        reason: &str,
    ) -> Result<(), OutboxError> {
        let inner = &self.store.inner;
        let dead = DeadRecord {
            position,
            reason: reason.to_string(),
            dead_at_ms: now_ms(),
            record,
            unreadable,
        };
        let dead_key = position.to_be_bytes();
        let plain = serde_json::to_vec(&dead).map_err(|e| StoreError::InvalidValue {
            reason: format!("can't encode a dead letter: {e}"),
        })?;
        self.dead
            .insert(dead_key, inner.sealer.seal(layout::DEAD_TREE, &dead_key, &plain)?)?;
        inner.db.flush()?;
        crash_point!("outbox.dead_letter.between_flushes");

        let mut counters = self.counters()?;
        let mut batch = sled::Batch::default();
        if let Some(record) = &dead.record {
            batch.remove(layout::index_key(&inner.sealer, &record.id));
        }
        self.remove_event(position, layout::class_of(value), &mut counters, &mut batch);
        batch.insert(layout::COUNTERS, &counters.encode());
        self.tree.apply_batch(batch)?;
        inner.db.flush()?;
        crash_point!("outbox.dead_letter.after_flush");
        self.store.changes().touch(ChangeArea::Outbox);
        Ok(())
    }

    fn drop_oldest_diagnostics(
        &self,
        count: u64,
        counters: &mut Counters,
        batch: &mut sled::Batch,
    ) -> Result<(), OutboxError> {
        let sealer = &self.store.inner.sealer;
        for item in self.tree.scan_prefix([layout::DIAGNOSTIC]).take(count as usize) {
            let (key, _) = item?;
            let Some(position) = layout::position_of(&key) else {
                continue;
            };
            let event_key = layout::event_key(position);
            if let Some(value) = self.tree.get(event_key)? {
                if let Ok(record) = self.read_event(&event_key, &value) {
                    batch.remove(layout::index_key(sealer, &record.id));
                }
            }
            self.remove_event(position, EventClass::Diagnostic, counters, batch);
            counters.dropped_diagnostics += 1;
        }
        Ok(())
    }

    fn remove_event(&self, position: u64, class: EventClass, counters: &mut Counters, batch: &mut sled::Batch) {
        batch.remove(&layout::event_key(position));
        if class == EventClass::Diagnostic {
            batch.remove(&layout::diagnostic_key(position));
        }
        counters.remove(class);
    }

    /// The counters; rebuilt from the events if the record is missing or
    /// damaged (never trusted blindly, never a reason to fail).
    pub(super) fn counters(&self) -> Result<Counters, OutboxError> {
        if let Some(raw) = self.tree.get(layout::COUNTERS)? {
            if let Ok(c) = Counters::decode(&raw) {
                return Ok(c);
            }
        }
        let mut c = Counters {
            next_position: 1,
            ..Counters::default()
        };
        for item in self.tree.scan_prefix([layout::EVENT]) {
            let (key, value) = item?;
            if let Some(position) = layout::position_of(&key) {
                c.next_position = c.next_position.max(position + 1);
                c.add(layout::class_of(&value));
            }
        }
        // A forward scan, not `next_back()`: sled's reverse iteration
        // carries a 1 MiB constant (its unbounded upper key) into every
        // binary that links it, a quarter of the mobile library's budget.
        for key in self.dead.iter().keys().flatten() {
            if let Some(position) = layout::position_of(&key) {
                c.next_position = c.next_position.max(position + 1);
            }
        }
        Ok(c)
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, ()> {
        // Each write is one atomic batch, so a panic elsewhere can't leave
        // half an update behind: a poisoned lock is safe to reuse.
        self.store.inner.outbox_lock.lock().unwrap_or_else(|p| p.into_inner())
    }
}
