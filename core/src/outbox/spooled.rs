//! The outbox's events in the store's spool (`store/spool.rs`): walking
//! the pending ones, what was removed, cutting off appends that never
//! committed, setting damaged bytes aside, and moving a store written
//! before the spool (its events in the `outbox` tree) into it.

use super::layout::{self, Counters};
use super::{Outbox, OutboxError};
use crate::store::spool::{Parsed, Segment, Spool, SpoolMemory};
use crate::store::StoreError;
use std::collections::BTreeSet;
use std::ops::ControlFlow;

/// Events moved from the `outbox` tree into the spool per step.
const MIGRATE_CHUNK: usize = 500;

/// The positions no longer pending: every one below `head`, and `holes`
/// above it (confirmed or set aside out of order). Kept in the outbox
/// tree under `r`, in the same batch as the counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Removed {
    pub(super) head: u64,
    holes: BTreeSet<u64>,
}

impl Removed {
    pub(super) fn contains(&self, position: u64) -> bool {
        position < self.head || self.holes.contains(&position)
    }

    /// Marks `position` removed; false if it already was.
    pub(super) fn insert(&mut self, position: u64) -> bool {
        !self.contains(position) && self.holes.insert(position)
    }

    fn raise_head(&mut self, head: u64) {
        self.head = self.head.max(head);
        self.holes = self.holes.split_off(&self.head);
    }

    pub(super) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 * (1 + self.holes.len()));
        out.extend_from_slice(&self.head.to_be_bytes());
        for hole in &self.holes {
            out.extend_from_slice(&hole.to_be_bytes());
        }
        out
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() % 8 != 0 || bytes.is_empty() {
            return None;
        }
        let mut numbers = bytes
            .chunks_exact(8)
            .map(|c| u64::from_be_bytes(c.try_into().unwrap_or_default()));
        let head = numbers.next()?;
        Some(Self {
            head,
            holes: numbers.filter(|p| *p >= head).collect(),
        })
    }
}

/// One thing a walk over the pending events meets.
pub(super) enum Found<'a> {
    /// A pending event's position and stored value.
    Event { position: u64, value: &'a [u8] },
    /// Bytes that are not frames, from `offset` to the end of `segment`.
    Damaged {
        segment: &'a Segment,
        offset: u64,
        raw: &'a [u8],
        reason: &'a str,
    },
}

/// What a visit tells the walk.
pub(super) type Step = Result<ControlFlow<()>, OutboxError>;

impl Outbox {
    pub(super) fn spool(&self) -> Spool {
        Spool::new(&self.store.inner.dir)
    }

    /// What was removed; a record that can't be read counts nothing as
    /// removed beyond what the counters' rebuild finds (nothing is lost,
    /// at worst something is uploaded again, and the cloud dedupes).
    pub(super) fn removed(&self) -> Result<Removed, OutboxError> {
        Ok(self
            .tree
            .get(layout::REMOVED)?
            .and_then(|raw| Removed::decode(&raw))
            .unwrap_or_default())
    }

    /// Visits the pending events below `next`, oldest first, and damaged
    /// bytes where they are met, until `visit` breaks.
    pub(super) fn each(
        &self,
        removed: &Removed,
        next: u64,
        mut visit: impl FnMut(Found<'_>) -> Step,
    ) -> Result<(), OutboxError> {
        let spool = self.spool();
        let segments = spool.segments()?;
        // Every position before the segment holding `head` is removed.
        let start = segments.iter().rposition(|s| s.first <= removed.head).unwrap_or(0);
        for segment in segments.get(start..).unwrap_or_default() {
            for parsed in spool.read(segment)? {
                let step = match &parsed {
                    Parsed::Frame { entries, .. } => {
                        let mut step = ControlFlow::Continue(());
                        for e in entries {
                            if e.position >= next || removed.contains(e.position) {
                                continue;
                            }
                            step = visit(Found::Event {
                                position: e.position,
                                value: &e.value,
                            })?;
                            if step.is_break() {
                                break;
                            }
                        }
                        step
                    }
                    // Beyond the last commit: cut off by `recover`.
                    Parsed::Torn { .. } => ControlFlow::Continue(()),
                    Parsed::Damaged { offset, raw, reason } => visit(Found::Damaged {
                        segment,
                        offset: *offset,
                        raw,
                        reason,
                    })?,
                };
                if step.is_break() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Moves `head` up to the oldest pending event (or `next`), so walks
    /// start there and the segments before it can go.
    pub(super) fn settle_head(&self, removed: &mut Removed, next: u64) -> Result<(), OutboxError> {
        let mut first = None;
        let mut damaged = false;
        let walk = removed.clone();
        self.each(&walk, next, |found| {
            match found {
                Found::Event { position, .. } => first = Some(position),
                Found::Damaged { .. } => damaged = true,
            }
            Ok(ControlFlow::Break(()))
        })?;
        if !damaged {
            removed.raise_head(first.unwrap_or(next));
        }
        Ok(())
    }

    /// Removes the segments below `head`, after the commit that removed
    /// their events. A failure only leaves them for the next time.
    pub(super) fn collect_segments(&self, removed: &Removed, next: u64) {
        if let Err(e) = self.spool().remove_below(removed.head, next) {
            log::warn!(target: "latchkey::outbox", "removing sent spool segments failed: {e}");
        }
    }

    /// Once per open (and after a failed append): cuts off appends that
    /// never committed, then moves the events of a store written before
    /// the spool into it.
    pub(super) fn recover(&self, memory: &mut SpoolMemory) -> Result<(), OutboxError> {
        if memory.recovered {
            return Ok(());
        }
        let counters = match self.tree.get(layout::COUNTERS)?.map(|raw| Counters::decode(&raw)) {
            Some(Ok(c)) => c,
            // Rebuilt from what is there (an uncommitted append included:
            // uploaded rather than lost) and kept.
            _ => {
                let c = self.counters()?;
                self.tree.insert(layout::COUNTERS, &c.encode())?;
                c
            }
        };
        self.spool().truncate_from(counters.next_position)?;
        self.migrate_tree()?;
        memory.recovered = true;
        Ok(())
    }

    /// Moves the `e…` records of the `outbox` tree into the spool in
    /// position order, their values as they are (sealed under the same
    /// associated data), then drops the index and diagnostic keys that
    /// went with them. Each step is spooled and synced before its keys go,
    /// so a death in between finds them spooled and only drops the keys.
    fn migrate_tree(&self) -> Result<(), OutboxError> {
        let spool = self.spool();
        loop {
            let chunk = self
                .tree
                .scan_prefix([layout::EVENT])
                .take(MIGRATE_CHUNK)
                .collect::<Result<Vec<_>, _>>()?;
            if chunk.is_empty() {
                break;
            }
            let spooled = self.highest_spooled()?;
            let fresh: Vec<(u64, &[u8])> = chunk
                .iter()
                .filter_map(|(key, value)| Some((layout::position_of(key)?, value.as_ref())))
                .filter(|(position, _)| spooled.is_none_or(|h| *position > h))
                .collect();
            spool.append(&fresh)?;
            crash_point!("outbox.migrate.spooled");
            let mut batch = sled::Batch::default();
            for (key, _) in &chunk {
                batch.remove(key.clone());
            }
            self.tree.apply_batch(batch)?;
            self.store.inner.db.flush()?;
        }
        for prefix in [layout::INDEX, layout::DIAGNOSTIC] {
            let mut batch = sled::Batch::default();
            for key in self.tree.scan_prefix([prefix]).keys() {
                batch.remove(key?);
            }
            self.tree.apply_batch(batch)?;
        }
        self.store.inner.db.flush()?;
        Ok(())
    }

    /// The highest position in the last segment.
    fn highest_spooled(&self) -> Result<Option<u64>, OutboxError> {
        let spool = self.spool();
        let Some(last) = spool.segments()?.pop() else {
            return Ok(None);
        };
        let mut highest = None;
        for parsed in spool.read(&last)? {
            if let Parsed::Frame { entries, .. } = parsed {
                highest = entries.last().map(|e| e.position).max(highest);
            }
        }
        Ok(highest)
    }

    /// The counters counted again from the spool (what is pending) and
    /// the dead letters (positions used), never moving `next_position`
    /// back from `floor`.
    pub(super) fn recount(&self, floor: Counters) -> Result<Counters, OutboxError> {
        let removed = self.removed()?;
        let mut c = Counters {
            next_position: floor.next_position.max(1),
            dropped_diagnostics: floor.dropped_diagnostics,
            ..Counters::default()
        };
        let spool = self.spool();
        for segment in spool.segments()? {
            for parsed in spool.read(&segment)? {
                if let Parsed::Frame { entries, .. } = parsed {
                    for e in entries {
                        c.next_position = c.next_position.max(e.position + 1);
                        if !removed.contains(e.position) {
                            c.add(layout::class_of(&e.value));
                        }
                    }
                }
            }
        }
        // A store written before the spool, not yet moved.
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
            if let Some(position) = layout::position_of(&key).filter(|p| *p < DAMAGED_BASE) {
                c.next_position = c.next_position.max(position + 1);
            }
        }
        Ok(c)
    }

    /// Keeps damaged spool bytes as a dead letter (raw), cuts them off, and
    /// counts again what is pending without them.
    pub(super) fn set_aside(
        &self,
        segment: &Segment,
        offset: u64,
        raw: &[u8],
        reason: &str,
    ) -> Result<(), OutboxError> {
        let key = DAMAGED_BASE | (segment.first.wrapping_add(offset) & (DAMAGED_BASE - 1));
        self.write_dead(key, None, Some(raw.to_vec()), &format!("unreadable: {reason}"))?;
        // Only whole frames before the damage are counted: what the
        // damaged bytes held is in the dead letter now.
        let counters = self.recount(self.counters()?)?;
        self.tree.insert(layout::COUNTERS, &counters.encode())?;
        self.store.inner.db.flush()?;
        self.spool().cut(segment, offset)?;
        Ok(())
    }

    /// Writes a dead letter under `key` and flushes.
    pub(super) fn write_dead(
        &self,
        key: u64,
        record: Option<super::event::EventRecord>,
        unreadable: Option<Vec<u8>>,
        reason: &str,
    ) -> Result<(), OutboxError> {
        let inner = &self.store.inner;
        let dead = super::event::DeadRecord {
            position: key,
            reason: reason.to_string(),
            dead_at_ms: super::now_ms(),
            record,
            unreadable,
        };
        let dead_key = key.to_be_bytes();
        let plain = serde_json::to_vec(&dead).map_err(|e| StoreError::InvalidValue {
            reason: format!("can't encode a dead letter: {e}"),
        })?;
        self.dead
            .insert(dead_key, inner.sealer.seal(layout::DEAD_TREE, &dead_key, &plain)?)?;
        inner.db.flush()?;
        Ok(())
    }
}

/// Dead letters of damaged spool bytes are keyed from here up (no event
/// position gets this high).
pub(super) const DAMAGED_BASE: u64 = 1 << 63;

#[cfg(test)]
mod tests {
    use super::Removed;

    #[test]
    fn removed_positions_round_trip_and_the_head_swallows_holes() {
        let mut r = Removed::default();
        assert!(r.insert(5) && r.insert(9) && !r.insert(5));
        assert!(r.contains(5) && !r.contains(6));
        assert_eq!(Removed::decode(&r.encode()), Some(r.clone()));
        r.raise_head(7);
        assert!(r.contains(3) && r.contains(9) && !r.contains(8));
        assert_eq!(r.encode().len(), 16, "5 went under the head");
        assert_eq!(Removed::decode(&[1, 2, 3]), None);
    }
}

#[cfg(test)]
#[path = "spooled_tests.rs"]
mod spooled_tests;
