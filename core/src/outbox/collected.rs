//! How far the outbox holds a lock's events: when a command queues the
//! lock's events, the furthest seq of the epoch is written in the same
//! atomic batch. The lock's state keeps its own event cursor, written
//! right after; a crash between the two leaves the state's cursor behind,
//! and without this record the next contact would queue the same events
//! again. Readers take the further of the two
//! ([`Outbox::collected`]). Once the state holds the cursor the record is
//! dropped ([`Outbox::settle_collected`]), so the state stays the one
//! account of how far the phone has the log (a support tool that rewinds
//! it makes the phone collect again).

use super::event::{EventId, OutboxEvent};
use super::layout;
use super::{Outbox, OutboxError};
use latchkey_protocol::LockId;
use std::collections::BTreeMap;

impl Outbox {
    /// Appends `events` like [`Outbox::append_batch`], and in the same
    /// flushed batch records that `lock_id`'s events up to `seq` of
    /// `epoch` are queued (never moving a record back).
    pub(crate) fn append_collected(
        &self,
        events: Vec<OutboxEvent>,
        lock_id: &LockId,
        collected: Option<(u32, u32)>,
    ) -> Result<Vec<EventId>, OutboxError> {
        let Some((epoch, seq)) = collected else {
            return self.append_batch(events);
        };
        let mut key = layout::collected_prefix(&self.store.inner.sealer, lock_id);
        key.extend_from_slice(&epoch.to_be_bytes());
        self.append_with(events, |batch| {
            // Read under the outbox's lock, which `append_with` holds: a
            // record that can't be read is replaced.
            let held = self.tree.get(&key).ok().flatten().and_then(|v| decode(&v)).unwrap_or(0);
            batch.insert(key.as_slice(), &seq.max(held).to_be_bytes());
        })
    }

    /// Drops `lock_id`'s records once the lock's state holds its cursor.
    /// Not flushed: the next flush writes it, after the state (sled keeps
    /// the order of writes), and a record a crash keeps is only redundant.
    pub(crate) fn settle_collected(&self, lock_id: &LockId) -> Result<(), OutboxError> {
        let _guard = self.lock();
        let prefix = layout::collected_prefix(&self.store.inner.sealer, lock_id);
        let mut batch = sled::Batch::default();
        for key in self.tree.scan_prefix(&prefix).keys() {
            batch.remove(key?);
        }
        Ok(self.tree.apply_batch(batch)?)
    }

    /// The furthest seq queued of each of `lock_id`'s epochs, as recorded
    /// by [`Outbox::append_collected`].
    pub(crate) fn collected(&self, lock_id: &LockId) -> Result<BTreeMap<u32, u32>, OutboxError> {
        let prefix = layout::collected_prefix(&self.store.inner.sealer, lock_id);
        let mut out = BTreeMap::new();
        for item in self.tree.scan_prefix(&prefix) {
            let (key, value) = item?;
            let epoch = key.get(prefix.len()..).and_then(|e| <[u8; 4]>::try_from(e).ok());
            if let (Some(epoch), Some(seq)) = (epoch, decode(&value)) {
                out.insert(u32::from_be_bytes(epoch), seq);
            }
        }
        Ok(out)
    }
}

fn decode(value: &[u8]) -> Option<u32> {
    <[u8; 4]>::try_from(value).ok().map(u32::from_be_bytes)
}

#[cfg(test)]
mod tests {
    use crate::outbox::{Outbox, OutboxConfig, OutboxEvent};
    use crate::platform_keys::SoftwareKeyStore;
    use crate::store::Store;
    use latchkey_protocol::LockId;
    use std::sync::Arc;

    fn event(lock_id: LockId, seq: u32) -> OutboxEvent {
        OutboxEvent::GapDetected {
            lock_id,
            epoch: 1,
            first_seq: seq,
            last_seq: seq,
            at: 0,
        }
    }

    #[test]
    fn the_record_goes_with_its_events_per_lock_and_epoch_and_never_back() {
        let dir = tempfile::tempdir().expect("dir");
        let keys = Arc::new(SoftwareKeyStore::beside(dir.path()).expect("key store"));
        let store = Store::open(dir.path(), keys).expect("store").store;
        let outbox = Outbox::new(&store, OutboxConfig::default()).expect("outbox");
        let (a, b) = (LockId([1; 16]), LockId([2; 16]));
        assert!(outbox.collected(&a).expect("read").is_empty());

        outbox
            .append_collected(vec![event(a, 5)], &a, Some((1, 5)))
            .expect("append");
        outbox
            .append_collected(vec![event(a, 3)], &a, Some((1, 3)))
            .expect("append");
        outbox
            .append_collected(vec![event(a, 2)], &a, Some((2, 2)))
            .expect("append");
        outbox
            .append_collected(vec![event(b, 9)], &b, Some((1, 9)))
            .expect("append");
        outbox.append_collected(vec![event(b, 1)], &b, None).expect("append");

        let of_a: Vec<(u32, u32)> = outbox.collected(&a).expect("read").into_iter().collect();
        assert_eq!(of_a, vec![(1, 5), (2, 2)], "the further seq stays");
        let of_b: Vec<(u32, u32)> = outbox.collected(&b).expect("read").into_iter().collect();
        assert_eq!(of_b, vec![(1, 9)]);
        assert_eq!(outbox.stats().expect("stats").pending, 5, "every event queued");

        outbox.settle_collected(&a).expect("settle");
        assert!(outbox.collected(&a).expect("read").is_empty());
        assert_eq!(outbox.collected(&b).expect("read").len(), 1, "another lock's stays");
    }
}
