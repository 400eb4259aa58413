//! The event log: signed, hash-chained batches that a phone cannot alter,
//! reorder or trim unnoticed, and gaps from ring overwrite made explicit.

mod common;

use common::{Phone, World};
use latchkey_protocol::{
    chain_start, Advertisement, Command, DoorState, EventBatch, EventGap, EventKind, KeyId, ResultCode, SessionRequest,
    SessionResponse,
};
use latchkey_sim::lock::{Fault, LockConfig};
use latchkey_sim::Peripheral;

fn fetch(w: &mut World, phone: &mut Phone, after_seq: u32, max: u8) -> EventBatch {
    match phone.session(&mut w.lock, SessionRequest::FetchEvents { after_seq, max }) {
        SessionResponse::Events(ResultCode::Ok, Some(batch)) => batch,
        other => panic!("expected events, got {other:?}"),
    }
}

/// Door sensor events: a cheap way to fill the log.
fn door_events(w: &mut World, n: u32) {
    for _ in 0..n {
        let next = match w.lock.status().door {
            DoorState::Open => Fault::DoorClosed,
            _ => Fault::DoorOpen,
        };
        w.lock.inject(next);
    }
}

#[test]
fn fetched_batch_verifies_and_chains_across_batches() {
    let mut w = World::new();
    let mut phone = w.owner();
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    door_events(&mut w, 4);

    let first = fetch(&mut w, &mut phone, 0, 3);
    first.verify(&w.lock.identity_public_key()).expect("valid batch");
    assert_eq!(first.chain_before, chain_start(&w.lock_id(), 1));
    assert_eq!(first.events.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(first.events[0].kind, EventKind::Unlocked);
    assert_eq!(first.events[0].key_id, phone.key_id());
    assert!(first.more_after());

    let second = fetch(&mut w, &mut phone, 3, 32);
    second.verify(&w.lock.identity_public_key()).expect("valid batch");
    assert_eq!(second.chain_before, first.chain_after());
    assert_eq!(second.events.iter().map(|e| e.seq).collect::<Vec<_>>(), [4, 5]);
    assert_eq!(second.gap_after(3), None);
    assert!(!second.more_after());
}

#[test]
fn tampered_event_batch_fails_verification() {
    let mut w = World::new();
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Unlock);
    door_events(&mut w, 4);
    let batch = fetch(&mut w, &mut phone, 0, 32);
    let lock_key = w.lock.identity_public_key();
    batch.verify(&lock_key).expect("genuine");

    let mut tampered = Vec::new();
    let mut t = batch.clone();
    t.events[0].kind = EventKind::Locked;
    tampered.push(t);
    let mut t = batch.clone();
    t.events[0].key_id = KeyId([0xee; 8]);
    tampered.push(t);
    let mut t = batch.clone();
    t.events[2].time += 1;
    tampered.push(t);
    let mut t = batch.clone();
    t.events.pop();
    tampered.push(t);
    let mut t = batch.clone();
    t.events.swap(1, 2);
    tampered.push(t);
    let mut t = batch.clone();
    t.oldest_held = 3;
    tampered.push(t);
    let mut t = batch.clone();
    t.chain_before[0] ^= 1;
    tampered.push(t);
    for (i, t) in tampered.iter().enumerate() {
        assert!(t.verify(&lock_key).is_err(), "tampering #{i} went unnoticed");
    }
    // Byte-level: every byte of the encoding matters.
    let bytes = batch.encode();
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        if let Ok(decoded) = EventBatch::decode(&b) {
            assert!(decoded.verify(&lock_key).is_err(), "byte {i} flip verified");
        }
    }
}

#[test]
fn overwritten_events_are_reported_as_a_gap_with_the_exact_range() {
    let mut w = World::with_config(LockConfig {
        event_capacity: 8,
        ..LockConfig::default()
    });
    let mut phone = w.owner();
    assert_eq!(phone.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    door_events(&mut w, 5);
    let first = fetch(&mut w, &mut phone, 0, 32);
    let cursor = first.events.last().map(|e| e.seq).expect("events");
    assert_eq!(cursor, 5);

    // 15 more: the ring (8) now holds 13..=20; 6..=12 were overwritten.
    door_events(&mut w, 15);
    let batch = fetch(&mut w, &mut phone, cursor, 32);
    batch.verify(&w.lock.identity_public_key()).expect("valid batch");
    assert_eq!(batch.oldest_held, 13);
    assert_eq!(batch.head_seq, 20);
    assert_eq!(batch.events.first().map(|e| e.seq), Some(13));
    assert_eq!(batch.gap_after(cursor), Some(EventGap { first: 6, last: 12 }));
}

#[test]
fn events_pending_flag_clears_after_a_fetch() {
    let mut w = World::new();
    let mut phone = w.owner();
    assert!(!w.lock.advertisement().has(Advertisement::EVENTS_PENDING));
    phone.auth(&mut w.lock, Command::Unlock);
    assert!(w.lock.advertisement().has(Advertisement::EVENTS_PENDING));
    fetch(&mut w, &mut phone, 0, 32);
    assert!(!w.lock.advertisement().has(Advertisement::EVENTS_PENDING));
}

#[test]
fn factory_reset_starts_a_new_chain_with_a_reset_event() {
    let mut w = World::new();
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Unlock);
    door_events(&mut w, 3);
    w.lock.factory_reset();
    let events = w.lock.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].seq, 1);
    assert_eq!(events[0].kind, EventKind::FactoryReset);

    w.recommission();
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Status);
    let batch = fetch(&mut w, &mut phone, 0, 32);
    assert_eq!(batch.epoch, 2);
    assert_eq!(batch.chain_before, chain_start(&w.lock_id(), 2));
    batch.verify(&w.lock.identity_public_key()).expect("valid batch");
}

#[test]
fn fetching_events_costs_one_signature() {
    let mut w = World::new();
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Unlock);
    let before = w.lock.asym_op_counts();
    fetch(&mut w, &mut phone, 0, 32);
    let after = w.lock.asym_op_counts();
    assert_eq!(after.ecdsa_sign - before.ecdsa_sign, 1);
    assert_eq!(after.total() - before.total(), 1);
}
