//! The lock's tamper-evident log: a hash chain over every event and
//! lock-signed batches. A phone can't alter, reorder or drop events
//! unnoticed, and events lost to the lock's ring are reported as an exact
//! seq range.

mod common;

use common::*;
use latchkey_protocol::{chain_next, chain_start, EventBatch, EventGap, ProtocolError};

#[test]
fn the_chain_starts_per_lock_and_epoch_and_depends_on_order() {
    let p = parties();
    assert_ne!(chain_start(&p.lock_id, 3), chain_start(&p.lock_id, 4), "epoch");
    assert_ne!(chain_start(&p.lock_id, 3), chain_start(&p.other_lock_id, 3), "lock");
    let start = chain_start(&p.lock_id, 3);
    let ab = chain_next(&chain_next(&start, &event(1)), &event(2));
    let ba = chain_next(&chain_next(&start, &event(2)), &event(1));
    assert_ne!(ab, ba);
    assert_eq!(ab, chain_through(2));
}

#[test]
fn a_signed_batch_verifies_and_ends_at_the_running_chain() {
    let b = batch(5, 9, 1, 12);
    b.verify(&parties().lock_key.public_key()).unwrap();
    assert_eq!(b.chain_before, chain_through(4));
    assert_eq!(b.chain_after(), chain_through(9));
}

#[test]
fn consecutive_batches_link_through_the_chain() {
    let first = batch(1, 5, 1, 10);
    let second = batch(6, 10, 1, 10);
    assert_eq!(first.chain_after(), second.chain_before);
}

#[test]
fn a_batch_only_verifies_under_its_own_locks_key() {
    assert!(matches!(
        signed_batch().verify(&parties().issuer.public_key()),
        Err(ProtocolError::BadSignature { .. })
    ));
}

#[test]
fn a_tampered_event_fails_verification() {
    let lock = parties().lock_key.public_key();
    let changes: [Change<EventBatch>; 10] = [
        ("time", |b| b.events[2].time -= 3_600),
        ("kind", |b| b.events[2].kind = latchkey_protocol::EventKind::Locked),
        ("result", |b| b.events[2].result ^= 1),
        ("key id", |b| b.events[2].key_id.0[0] ^= 1),
        ("detail", |b| b.events[2].detail ^= 1),
        ("oldest held", |b| b.oldest_held += 1),
        ("head seq", |b| b.head_seq += 1),
        ("epoch", |b| b.epoch += 1),
        ("lock id", |b| b.lock_id = parties().other_lock_id),
        ("chain before", |b| b.chain_before[0] ^= 1),
    ];
    for (what, change) in changes {
        let mut b = signed_batch().clone();
        change(&mut b);
        assert!(b.verify(&lock).is_err(), "{what}");
        // And the same through the wire.
        if let Ok(decoded) = EventBatch::decode(&b.encode()) {
            assert!(decoded.verify(&lock).is_err(), "{what} (decoded)");
        }
    }
}

/// The encoding of [`signed_batch`] with event `index` cut out and the
/// count lowered to match. Events start at offset 62, 20 bytes each; the
/// count is at offset 61.
fn without_event(index: usize) -> Vec<u8> {
    let b = signed_batch();
    let mut bytes = b.encode();
    bytes[61] -= 1;
    bytes.drain(62 + 20 * index..62 + 20 * (index + 1));
    bytes
}

#[test]
fn an_event_removed_from_the_middle_is_refused_on_decode() {
    assert!(matches!(
        EventBatch::decode(&without_event(2)),
        Err(ProtocolError::InvalidField { field: "events", .. })
    ));
    let mut b = signed_batch().clone();
    b.events.remove(2);
    assert!(matches!(
        b.verify(&parties().lock_key.public_key()),
        Err(ProtocolError::InvalidField { field: "events", .. })
    ));
}

#[test]
fn an_event_removed_from_either_end_fails_verification() {
    let lock = parties().lock_key.public_key();
    let last = signed_batch().events.len() - 1;
    for index in [0, last] {
        let b = EventBatch::decode(&without_event(index)).unwrap();
        assert!(
            matches!(b.verify(&lock), Err(ProtocolError::BadSignature { .. })),
            "event {index}"
        );
    }
}

#[test]
fn reordered_events_are_refused() {
    let mut b = signed_batch().clone();
    b.events.swap(1, 2);
    assert!(EventBatch::decode(&b.encode()).is_err());
    assert!(b.verify(&parties().lock_key.public_key()).is_err());
}

#[test]
fn a_head_below_the_last_event_is_refused() {
    let p = parties();
    assert!(matches!(
        EventBatch::sign(
            &p.lock_key,
            p.lock_id,
            3,
            1,
            8,
            chain_through(4),
            (5..=9).map(event).collect()
        ),
        Err(ProtocolError::InvalidField { field: "head_seq", .. })
    ));
}

#[test]
fn events_overwritten_by_the_ring_are_reported_as_an_exact_gap() {
    // A ring of 8 that recorded events 1..=20 holds 13..=20. The phone last
    // collected event 5 and asks for everything after it.
    let b = batch(13, 20, 13, 20);
    assert_eq!(b.gap_after(5), Some(EventGap { first: 6, last: 12 }));
    assert_eq!(b.gap_after(11), Some(EventGap { first: 12, last: 12 }));
    assert_eq!(b.gap_after(12), None, "nothing missing");
    assert_eq!(b.gap_after(15), None, "overlap with what is already held");
    assert!(!b.more_after());
}

#[test]
fn nothing_overwritten_means_no_gap() {
    assert_eq!(batch(1, 9, 1, 12).gap_after(0), None);
    assert_eq!(signed_batch().gap_after(4), None);
    assert!(signed_batch().more_after(), "events 10..=12 remain");
}

#[test]
fn an_empty_batch_reports_only_what_the_lock_no_longer_holds() {
    let p = parties();
    let empty =
        |oldest, head| EventBatch::sign(&p.lock_key, p.lock_id, 3, oldest, head, chain_through(0), vec![]).unwrap();
    assert_eq!(empty(0, 0).gap_after(0), None, "a lock with no events");
    assert_eq!(empty(13, 20).gap_after(20), None, "nothing new");
    // Asked with max = 0: events 13..=20 can still be fetched, 6..=12 can't.
    assert_eq!(empty(13, 20).gap_after(5), Some(EventGap { first: 6, last: 12 }));
    assert!(!empty(13, 20).more_after());
}

#[test]
fn a_batch_dropped_on_the_way_shows_up_as_a_gap_in_the_next_one() {
    // The collector holds events up to 30. A phone fetched 31..=62 and
    // 63..=94 but delivered only the second batch. The lock still held
    // everything (oldest_held 1), so nothing was overwritten, yet 31..=62
    // must not silently disappear.
    let delivered = batch(63, 94, 1, 94);
    delivered.verify(&parties().lock_key.public_key()).unwrap();
    assert_eq!(delivered.gap_after(30), Some(EventGap { first: 31, last: 62 }));
    // The chain shows the same: the delivered batch does not continue from
    // the collector's chain value.
    assert_ne!(delivered.chain_before, chain_through(30));
}

#[test]
fn a_gap_at_the_top_of_the_seq_range_does_not_overflow() {
    let p = parties();
    let top = u32::MAX - 1;
    let last_event = latchkey_protocol::LockEvent { seq: top, ..event(1) };
    let b = EventBatch::sign(&p.lock_key, p.lock_id, 3, top, top, [7; 32], vec![last_event]).unwrap();
    assert_eq!(
        b.gap_after(u32::MAX - 10),
        Some(EventGap {
            first: u32::MAX - 9,
            last: u32::MAX - 2
        })
    );
    assert_eq!(b.gap_after(u32::MAX), None);
}
