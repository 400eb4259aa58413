//! Taking in what quick processes recorded about one lock, exactly once,
//! under the lock's guard (so every record about it is complete and on
//! disk, and none is being written):
//!
//! 1. records already marked in the outbox (taken in before a crash) have
//!    their state merged again: merging twice changes nothing;
//! 2. the events of the others go into the outbox with their markers in
//!    one atomic batch, the lock's own events once each: a lock event the
//!    store already collected (at or below its cursor) or that two records
//!    both carry is queued once, and a gap is trimmed to what is still
//!    missing;
//! 3. their state is merged, their fast key adopted, their PIN
//!    acknowledgement recorded;
//! 4. journals whose process is gone and whose every record is marked are
//!    deleted, a damaged one is kept aside (`.damaged`), and markers of
//!    records no journal holds any more are removed.
//!
//! A crash between any two steps leaves nothing lost and nothing twice:
//! the next ingest finds the markers. The crash points
//! `quick.ingest.events_queued`, `.applied`, `.journals_removed` and
//! `.markers_removed` (docs/core.md, "Crash points") stop it after each.

use super::access::QuickAccess;
use super::error::QuickError;
use super::guard::LockGuard;
use super::journal::{self, JournalFile, JournalRecord};
use super::layout::{sync_dir, QuickDir};
use crate::outbox::{Outbox, OutboxEvent};
use crate::store::Store;
use std::collections::HashSet;

impl QuickAccess {
    /// Ingests the records about `guard`'s lock; returns how many were new.
    pub(crate) fn ingest(&self, store: &Store, outbox: &Outbox, guard: &LockGuard) -> Result<usize, QuickError> {
        let _one_at_a_time = self.upkeep();
        let lock_id = guard.lock_id();
        let files = journal::read_all(&self.dir, &self.sealer)?;
        let marked = outbox.marked()?;
        let ours: Vec<&JournalRecord> = files
            .iter()
            .flat_map(|f| &f.records)
            .filter(|r| r.lock_id == lock_id)
            .collect();
        let (before, new): (Vec<&JournalRecord>, Vec<&JournalRecord>) =
            ours.into_iter().partition(|r| marked.contains(&r.id));
        for record in before {
            apply(store, record)?;
        }
        let ids: Vec<String> = new.iter().map(|r| r.id.clone()).collect();
        if !new.is_empty() {
            outbox.append_marked(new_events(store, outbox, &new)?, &ids)?;
            crash_point!("quick.ingest.events_queued");
            for record in &new {
                apply(store, record)?;
            }
            crash_point!("quick.ingest.applied");
        }
        let mut taken = marked;
        taken.extend(ids.iter().cloned());
        tidy(&self.dir, outbox, files, &taken)?;
        Ok(ids.len())
    }
}

/// The events of `records` to queue: the lock's events not yet collected,
/// once each; gaps trimmed to what is still missing; the rest as they are.
fn new_events(store: &Store, outbox: &Outbox, records: &[&JournalRecord]) -> Result<Vec<OutboxEvent>, QuickError> {
    let mut out = Vec::new();
    let mut lock_events = HashSet::new();
    let mut gaps = HashSet::new();
    let mut states = std::collections::HashMap::new();
    for record in records {
        let state = match states.get(&record.lock_id) {
            Some(s) => s,
            None => {
                // The store's cursor, or further where the outbox holds more.
                let mut state = store.locks().state(&record.lock_id)?;
                for (epoch, seq) in outbox.collected(&record.lock_id)? {
                    state.advance_event_cursor(epoch, seq);
                }
                states.entry(record.lock_id).or_insert(state)
            }
        };
        for event in &record.events {
            match event {
                OutboxEvent::LockEvent { epoch, seq, .. } => {
                    if *seq > state.event_cursor(*epoch) && lock_events.insert((*epoch, *seq)) {
                        out.push(event.clone());
                    }
                }
                OutboxEvent::GapDetected {
                    lock_id,
                    epoch,
                    first_seq,
                    last_seq,
                    at,
                } => {
                    let first = (*first_seq).max(state.event_cursor(*epoch).saturating_add(1));
                    if first <= *last_seq && gaps.insert((*epoch, first, *last_seq)) {
                        out.push(OutboxEvent::GapDetected {
                            lock_id: *lock_id,
                            epoch: *epoch,
                            first_seq: first,
                            last_seq: *last_seq,
                            at: *at,
                        });
                    }
                }
                other => out.push(other.clone()),
            }
        }
    }
    Ok(out)
}

/// Merges what one record learned into the store (repeatable).
fn apply(store: &Store, record: &JournalRecord) -> Result<(), QuickError> {
    if let Some(theirs) = &record.state {
        store.locks().update_state(&record.lock_id, |s| s.merge_from(theirs))?;
    }
    if let Some(entry) = &record.fast {
        store.fast_keys().adopt(entry.clone())?;
    }
    if let Some(seq) = record.pin_ack {
        store.pins().record_ack(&record.lock_id, seq)?;
    }
    Ok(())
}

/// Deletes finished journals that were wholly taken in, keeps damaged ones
/// aside, and removes markers no journal needs.
fn tidy(dir: &QuickDir, outbox: &Outbox, files: Vec<JournalFile>, taken: &HashSet<String>) -> Result<(), QuickError> {
    let mut still_held = HashSet::new();
    let mut removed = false;
    for file in files {
        let done = file.records.iter().all(|r| taken.contains(&r.id));
        match (&file.damaged, file.live) {
            (Some(why), false) if done => {
                let aside = file.path.with_extension("damaged");
                log::warn!(target: "latchkey::quick", "{}: {why}; kept as {}", file.path.display(), aside.display());
                std::fs::rename(&file.path, &aside).map_err(|e| QuickError::io(&file.path, &e))?;
                removed = true;
            }
            (None, false) if done => {
                std::fs::remove_file(&file.path).map_err(|e| QuickError::io(&file.path, &e))?;
                removed = true;
            }
            _ => still_held.extend(file.records.iter().map(|r| r.id.clone())),
        }
    }
    // The removals must be on disk before their markers go: a journal
    // coming back after a power cut with its markers gone would be taken
    // in twice.
    if removed {
        sync_dir(&dir.journal_dir())?;
        crash_point!("quick.ingest.journals_removed");
    }
    let stale: Vec<String> = outbox
        .marked()?
        .into_iter()
        .filter(|id| !still_held.contains(id))
        .collect();
    outbox.unmark(&stale)?;
    if !stale.is_empty() {
        crash_point!("quick.ingest.markers_removed");
    }
    Ok(())
}
