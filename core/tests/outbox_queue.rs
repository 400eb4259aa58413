//! The durable outbox: order, ids, bounds, confirmation, dead letters.

use latchkey_core::outbox::{EventClass, EventId, Outbox, OutboxConfig, OutboxError, OutboxEvent};
use latchkey_core::platform_keys::SoftwareKeyStore;
use latchkey_core::store::Store;
use latchkey_protocol::{EventKind, KeyId, LockEvent, LockId};
use std::path::Path;
use std::sync::Arc;

fn open(dir: &Path, keystore: &Arc<SoftwareKeyStore>, capacity: u64) -> Outbox {
    let store = Store::open(dir, keystore.clone()).unwrap().store;
    Outbox::new(&store, OutboxConfig { capacity }).unwrap()
}

fn lock_event(lock_id: LockId, seq: u32) -> OutboxEvent {
    let event = LockEvent {
        seq,
        time: 1_750_000_000 + seq,
        kind: EventKind::Unlocked,
        key_id: KeyId([7; 8]),
        result: 0,
        detail: 0,
    };
    OutboxEvent::from_lock_event(lock_id, 1, &event, None)
}

fn diagnostic(n: u32) -> OutboxEvent {
    OutboxEvent::Failure {
        lock_id: None,
        diagnosis_code: format!("diag.{n}"),
        detail: String::new(),
        at: n,
    }
}

fn unlock_attempt(lock_id: LockId) -> OutboxEvent {
    OutboxEvent::UnlockAttempt {
        lock_id,
        key_id: Some(KeyId([7; 8])),
        command: "unlock".into(),
        outcome: "ok".into(),
        fast_path: true,
        started_at: 1_750_000_000,
        duration_ms: 180,
    }
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, Arc<SoftwareKeyStore>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    (tmp, dir, Arc::new(SoftwareKeyStore::generate().unwrap()))
}

#[test]
fn outbox_keeps_order_and_ids_across_reopen() {
    let (_tmp, dir, keystore) = setup();
    let lock = LockId::random().unwrap();
    let events: Vec<OutboxEvent> = (1..=20).map(|seq| lock_event(lock, seq)).collect();
    let ids = {
        let outbox = open(&dir, &keystore, 1000);
        let mut ids = vec![outbox.append(events[0].clone()).unwrap()];
        ids.extend(outbox.append_batch(events[1..].to_vec()).unwrap());
        ids
    };
    let outbox = open(&dir, &keystore, 1000);
    let peeked = outbox.peek(100, usize::MAX).unwrap();
    assert_eq!(peeked.iter().map(|e| e.id).collect::<Vec<_>>(), ids);
    assert_eq!(peeked.iter().map(|e| e.event.clone()).collect::<Vec<_>>(), events);
    assert!(peeked.windows(2).all(|w| w[0].position < w[1].position));
    assert!(ids.iter().all(|id| id.0.get_version_num() == 7));
    assert_eq!(outbox.len().unwrap(), 20);
    assert!(outbox.oldest_age().unwrap().is_some());

    // Limits: by count, and by bytes (but always at least one event).
    assert_eq!(outbox.peek(5, usize::MAX).unwrap().len(), 5);
    assert_eq!(outbox.peek(100, 1).unwrap().len(), 1);
    let two = peeked[0].encoded_len + peeked[1].encoded_len;
    assert_eq!(outbox.peek(100, two).unwrap().len(), 2);

    // Positions keep rising after everything was confirmed and reopened.
    let last = peeked.last().unwrap().position;
    outbox.confirm(&ids).unwrap();
    drop(outbox);
    let outbox = open(&dir, &keystore, 1000);
    assert!(outbox.is_empty().unwrap());
    assert_eq!(outbox.oldest_age().unwrap(), None);
    outbox.append(lock_event(lock, 21)).unwrap();
    assert!(outbox.peek(1, usize::MAX).unwrap()[0].position > last);

    // Ids print and parse (the crash benchmark exchanges them as text).
    let id = ids[0];
    assert_eq!(id.to_string().parse::<EventId>().unwrap(), id);
}

#[test]
fn outbox_drops_diagnostics_first_never_access_events() {
    let (_tmp, dir, keystore) = setup();
    let lock = LockId::random().unwrap();
    let outbox = open(&dir, &keystore, 6);
    let d = outbox.append_batch((0..3).map(diagnostic).collect()).unwrap();
    let a = outbox
        .append_batch(vec![lock_event(lock, 1), unlock_attempt(lock), lock_event(lock, 2)])
        .unwrap();
    assert_eq!(outbox.len().unwrap(), 6);

    // Full: two more access events push out the two oldest diagnostics.
    let more = outbox
        .append_batch(vec![lock_event(lock, 3), lock_event(lock, 4)])
        .unwrap();
    let pending: Vec<EventId> = outbox.peek(100, usize::MAX).unwrap().iter().map(|e| e.id).collect();
    let mut expected = vec![d[2]];
    expected.extend(&a);
    expected.extend(&more);
    assert_eq!(pending, expected);
    assert!(!outbox.contains(&d[0]).unwrap() && !outbox.contains(&d[1]).unwrap());

    // A new diagnostic replaces the oldest remaining diagnostic.
    let newest = outbox.append(diagnostic(9)).unwrap();
    assert!(!outbox.contains(&d[2]).unwrap());
    assert!(outbox.contains(&newest).unwrap());

    let stats = outbox.stats().unwrap();
    assert_eq!(stats.dropped_diagnostics, 3);
    assert_eq!((stats.pending, stats.access, stats.diagnostic), (6, 5, 1));
    assert_eq!(stats.capacity, 6);
    assert!(a.iter().chain(&more).all(|id| outbox.contains(id).unwrap()));
    assert_eq!(unlock_attempt(lock).class(), EventClass::Access);
    assert_eq!(diagnostic(0).class(), EventClass::Diagnostic);
}

#[test]
fn outbox_full_of_access_events_refuses_with_clear_error() {
    let (_tmp, dir, keystore) = setup();
    let lock = LockId::random().unwrap();
    let outbox = open(&dir, &keystore, 4);
    let kept = outbox
        .append_batch((1..=4).map(|s| lock_event(lock, s)).collect())
        .unwrap();

    let err = outbox.append(lock_event(lock, 5)).unwrap_err();
    assert_eq!(
        err,
        OutboxError::Full {
            capacity: 4,
            access_events: 4,
            incoming: 1
        }
    );
    let message = err.to_string();
    assert!(
        message.contains("never dropped") && message.contains("lock keeps its own copy"),
        "{message}"
    );
    // A diagnostic does not fit either, and nothing was dropped for it.
    assert!(matches!(outbox.append(diagnostic(1)), Err(OutboxError::Full { .. })));
    // A batch is all or nothing.
    outbox.confirm(&kept[..1]).unwrap();
    assert!(outbox
        .append_batch(vec![lock_event(lock, 5), lock_event(lock, 6)])
        .is_err());
    assert_eq!(outbox.len().unwrap(), 3);
    outbox.append(lock_event(lock, 5)).unwrap();
    let pending: Vec<EventId> = outbox.peek(10, usize::MAX).unwrap().iter().map(|e| e.id).collect();
    assert_eq!(&pending[..3], &kept[1..]);
    assert_eq!(outbox.stats().unwrap().dropped_diagnostics, 0);
}

#[test]
fn confirm_deletes_only_confirmed() {
    let (_tmp, dir, keystore) = setup();
    let lock = LockId::random().unwrap();
    let outbox = open(&dir, &keystore, 100);
    let ids = outbox
        .append_batch((1..=10).map(|s| lock_event(lock, s)).collect())
        .unwrap();
    let confirmed = [ids[0], ids[3], ids[3], ids[9], EventId::new()];
    assert_eq!(outbox.confirm(&confirmed).unwrap(), 3);
    // Confirming again (a retried upload) changes nothing.
    assert_eq!(outbox.confirm(&confirmed).unwrap(), 0);
    let left: Vec<EventId> = outbox.peek(100, usize::MAX).unwrap().iter().map(|e| e.id).collect();
    let expected: Vec<EventId> = ids.iter().copied().filter(|id| !confirmed.contains(id)).collect();
    assert_eq!(left, expected);
    assert_eq!(outbox.len().unwrap(), 7);
    drop(outbox);
    assert_eq!(open(&dir, &keystore, 100).len().unwrap(), 7);
}

#[test]
fn dead_letters_are_listed() {
    let (_tmp, dir, keystore) = setup();
    let lock = LockId::random().unwrap();
    let outbox = open(&dir, &keystore, 100);
    let ids = outbox
        .append_batch(vec![lock_event(lock, 1), diagnostic(2), lock_event(lock, 3)])
        .unwrap();
    assert!(outbox.dead_letter(&ids[1], "422: unknown diagnosis code").unwrap());
    assert!(!outbox.dead_letter(&EventId::new(), "never appended").unwrap());
    drop(outbox);

    let outbox = open(&dir, &keystore, 100);
    let dead = outbox.dead_letters().unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, Some(ids[1]));
    assert_eq!(dead[0].event, Some(diagnostic(2)));
    assert_eq!(dead[0].reason, "422: unknown diagnosis code");
    let pending: Vec<EventId> = outbox.peek(10, usize::MAX).unwrap().iter().map(|e| e.id).collect();
    assert_eq!(pending, vec![ids[0], ids[2]]);
    let stats = outbox.stats().unwrap();
    assert_eq!((stats.pending, stats.dead_letters, stats.diagnostic), (2, 1, 0));
}

#[test]
fn unreadable_event_moves_to_dead_letters_and_the_rest_flows() {
    let (_tmp, dir, keystore) = setup();
    let lock = LockId::random().unwrap();
    let ids = open(&dir, &keystore, 100)
        .append_batch((1..=3).map(|s| lock_event(lock, s)).collect())
        .unwrap();
    {
        // Damage the middle event's sealed bytes in the spool: one frame,
        // 16 bytes of header, then (position u64, length u32, value) each.
        let segment = std::fs::read_dir(dir.join("spool"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mut bytes = std::fs::read(&segment).unwrap();
        let first_len = u32::from_be_bytes(bytes[16 + 8..16 + 12].try_into().unwrap()) as usize;
        let second = 16 + 12 + first_len;
        let second_len = u32::from_be_bytes(bytes[second + 8..second + 12].try_into().unwrap()) as usize;
        bytes[second + 12 + second_len - 1] ^= 1;
        std::fs::write(&segment, bytes).unwrap();
    }
    let outbox = open(&dir, &keystore, 100);
    let pending: Vec<EventId> = outbox.peek(10, usize::MAX).unwrap().iter().map(|e| e.id).collect();
    assert_eq!(pending, vec![ids[0], ids[2]]);
    let dead = outbox.dead_letters().unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].reason.starts_with("unreadable"), "{}", dead[0].reason);
    assert_eq!((dead[0].id, dead[0].event.clone()), (None, None));
    assert_eq!(outbox.len().unwrap(), 2);
}
