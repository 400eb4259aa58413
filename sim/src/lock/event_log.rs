//! The lock's bounded, tamper-evident event log: a ring that overwrites
//! its oldest entry, and a hash chain over every event ever recorded in the
//! epoch. Each held event keeps the chain value after it, so the value
//! before any held event is known and a batch can start anywhere.

use latchkey_protocol::{chain_next, chain_start, EventBatch, EventKind, KeyId, LockEvent, LockId};
use std::collections::VecDeque;

#[derive(Debug)]
pub(crate) struct EventLog {
    lock_id: LockId,
    capacity: usize,
    ring: VecDeque<(LockEvent, [u8; 32])>,
    /// Chain value before the oldest held event (after the last evicted).
    chain_before_oldest: [u8; 32],
    head_seq: u32,
    /// Highest seq a session has fetched; drives the EVENTS_PENDING flag.
    fetched_through: u32,
}

impl EventLog {
    pub(crate) fn new(lock_id: LockId, epoch: u32, capacity: usize) -> Self {
        Self {
            lock_id,
            capacity: capacity.max(1),
            ring: VecDeque::new(),
            chain_before_oldest: chain_start(&lock_id, epoch),
            head_seq: 0,
            fetched_through: 0,
        }
    }

    /// Starts a fresh chain for a new epoch (factory reset).
    pub(crate) fn restart(&mut self, epoch: u32) {
        *self = Self::new(self.lock_id, epoch, self.capacity);
    }

    /// Appends an event; the oldest is overwritten when the ring is full.
    pub(crate) fn record(&mut self, time: u32, kind: EventKind, key_id: KeyId, result: u8, detail: u16) {
        self.head_seq = self.head_seq.saturating_add(1);
        let event = LockEvent {
            seq: self.head_seq,
            time,
            kind,
            key_id,
            result,
            detail,
        };
        let after = chain_next(&self.head_chain(), &event);
        if self.ring.len() >= self.capacity {
            if let Some((_, evicted_after)) = self.ring.pop_front() {
                self.chain_before_oldest = evicted_after;
            }
        }
        self.ring.push_back((event, after));
    }

    /// Chain value after the newest event.
    fn head_chain(&self) -> [u8; 32] {
        self.ring.back().map_or(self.chain_before_oldest, |(_, after)| *after)
    }

    /// Seq of the newest event (0: none).
    pub(crate) fn head_seq(&self) -> u32 {
        self.head_seq
    }

    /// Seq of the oldest event still held (0: none).
    pub(crate) fn oldest_held(&self) -> u32 {
        self.ring.front().map_or(0, |(e, _)| e.seq)
    }

    /// Highest seq a session has fetched (0: none).
    pub(crate) fn fetched_through(&self) -> u32 {
        self.fetched_through
    }

    /// Whether events were recorded since the last fetch.
    pub(crate) fn pending(&self) -> bool {
        self.head_seq > self.fetched_through
    }

    /// The held events, oldest first.
    pub(crate) fn events(&self) -> Vec<LockEvent> {
        self.ring.iter().map(|(e, _)| *e).collect()
    }

    /// Up to `max` events after `after_seq` (capped at a batch's limit) and
    /// the chain value before the first of them. Events overwritten before
    /// the fetch are simply absent: the batch's `oldest_held` makes that
    /// gap explicit to the verifier.
    pub(crate) fn select(&self, after_seq: u32, max: u8) -> ([u8; 32], Vec<LockEvent>) {
        let max = usize::from(max).min(EventBatch::MAX_EVENTS);
        let mut chain_before = self.head_chain();
        let mut out = Vec::new();
        let mut prev = self.chain_before_oldest;
        for (event, after) in &self.ring {
            if event.seq > after_seq && out.len() < max {
                if out.is_empty() {
                    chain_before = prev;
                }
                out.push(*event);
            }
            prev = *after;
        }
        (chain_before, out)
    }

    /// Notes that a session collected events up to `seq`.
    pub(crate) fn mark_fetched(&mut self, seq: u32) {
        self.fetched_through = self.fetched_through.max(seq.min(self.head_seq));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_with(n: u32, capacity: usize) -> EventLog {
        let mut log = EventLog::new(LockId([7; 16]), 1, capacity);
        for i in 0..n {
            log.record(i, EventKind::Unlocked, KeyId::default(), 0, 0);
        }
        log
    }

    #[test]
    fn chain_before_matches_a_full_recomputation() {
        let full = log_with(10, 100);
        let ring = log_with(10, 4);
        let (before, events) = ring.select(0, 32);
        assert_eq!(events.first().map(|e| e.seq), Some(7));
        let (_, all) = full.select(0, 32);
        let expected = all[..6]
            .iter()
            .fold(chain_start(&LockId([7; 16]), 1), |h, e| chain_next(&h, e));
        assert_eq!(before, expected);
    }

    #[test]
    fn empty_selection_starts_at_the_head() {
        let log = log_with(3, 8);
        let (before, events) = log.select(3, 32);
        assert!(events.is_empty());
        assert_eq!(before, log.head_chain());
    }
}
