//! Markers of what the outbox took in from elsewhere: quick access's
//! journal records (`crate::quick`). A record's events and its marker are
//! written in one atomic batch, so after any crash a record is either
//! wholly in the outbox and marked, or neither: ingesting again never
//! queues it twice. Markers are removed once the record's journal is gone.

use super::event::{EventId, OutboxEvent};
use super::layout;
use super::{Outbox, OutboxError};
use std::collections::HashSet;

impl Outbox {
    /// Appends `events` and marks `records` as taken in, all in one flushed
    /// batch (nothing of it on failure, [`OutboxError::Full`] included).
    pub(crate) fn append_marked(
        &self,
        events: Vec<OutboxEvent>,
        records: &[String],
    ) -> Result<Vec<EventId>, OutboxError> {
        self.append_with(events, |batch| {
            for id in records {
                batch.insert(layout::marker_key(id), &[]);
            }
        })
    }

    /// The records taken in so far (their markers still kept).
    pub(crate) fn marked(&self) -> Result<HashSet<String>, OutboxError> {
        let mut out = HashSet::new();
        for key in self.tree.scan_prefix([layout::MARKER]).keys() {
            let key = key?;
            out.insert(String::from_utf8_lossy(&key[1..]).into_owned());
        }
        Ok(out)
    }

    /// How many records are marked as taken in: none once their journals
    /// are gone (the crash driver checks it after each recovery).
    #[cfg(feature = "bench")]
    pub fn journal_markers(&self) -> Result<usize, OutboxError> {
        Ok(self.marked()?.len())
    }

    /// Removes the markers of `records` (their journal is gone).
    pub(crate) fn unmark(&self, records: &[String]) -> Result<(), OutboxError> {
        if records.is_empty() {
            return Ok(());
        }
        let _guard = self.lock();
        let mut batch = sled::Batch::default();
        for id in records {
            batch.remove(layout::marker_key(id));
        }
        self.tree.apply_batch(batch)?;
        self.store.inner.db.flush()?;
        Ok(())
    }
}
