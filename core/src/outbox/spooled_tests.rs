use super::super::event::EventRecord;
use super::super::layout;
use super::super::{EventId, Outbox, OutboxConfig, OutboxEvent};
use crate::platform_keys::SoftwareKeyStore;
use crate::store::spool::Spool;
use crate::store::Store;
use latchkey_protocol::LockId;
use std::path::Path;
use std::sync::Arc;

fn open(dir: &Path, capacity: u64) -> (Store, Outbox) {
    let keys = Arc::new(SoftwareKeyStore::beside(dir).expect("key store"));
    let store = Store::open(dir, keys).expect("store").store;
    let outbox = Outbox::new(&store, OutboxConfig { capacity }).expect("outbox");
    (store, outbox)
}

fn access(seq: u32) -> OutboxEvent {
    OutboxEvent::GapDetected {
        lock_id: LockId([1; 16]),
        epoch: 1,
        first_seq: seq,
        last_seq: seq,
        at: 0,
    }
}

fn diagnostic(at: u32) -> OutboxEvent {
    OutboxEvent::TimeDelivered {
        lock_id: LockId([1; 16]),
        unix_time: at,
        at,
    }
}

fn ids(outbox: &Outbox) -> Vec<EventId> {
    outbox
        .peek(usize::MAX, usize::MAX)
        .expect("peek")
        .iter()
        .map(|e| e.id)
        .collect()
}

#[test]
fn sent_events_take_their_segments_with_them() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, outbox) = open(dir.path(), u64::MAX);
    for n in 0..40 {
        outbox
            .append_batch((0..100).map(|i| access(n * 100 + i)).collect())
            .expect("append");
    }
    let spool = Spool::new(dir.path());
    assert!(spool.segments().expect("segments").len() > 2);
    let mut sent = 0;
    loop {
        let batch = outbox.peek(300, usize::MAX).expect("peek");
        if batch.is_empty() {
            break;
        }
        let ids: Vec<EventId> = batch.iter().map(|e| e.id).collect();
        sent += outbox.confirm(&ids).expect("confirm");
    }
    assert_eq!(sent, 4000);
    assert!(spool.segments().expect("segments").is_empty(), "every segment went");
    assert_eq!(outbox.stats().expect("stats").pending, 0);
    // Positions go on rising after everything was sent.
    outbox.append(access(1)).expect("append");
    let next = outbox.peek(1, usize::MAX).expect("peek")[0].position;
    assert_eq!(next, 4001);
    drop((store, outbox));
    let (_store, outbox) = open(dir.path(), u64::MAX);
    assert_eq!(outbox.peek(5, usize::MAX).expect("peek")[0].position, 4001);
}

#[test]
fn confirming_out_of_order_and_from_another_process_finds_the_events() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, outbox) = open(dir.path(), u64::MAX);
    let appended = outbox.append_batch((0..10).map(access).collect()).expect("append");
    // Never peeked in this process: looked up in the spool.
    assert_eq!(outbox.confirm(&[appended[7], appended[2]]).expect("confirm"), 2);
    assert_eq!(outbox.confirm(&[appended[7]]).expect("again"), 0, "already confirmed");
    assert!(!outbox.contains(&appended[2]).expect("contains"));
    assert!(outbox.contains(&appended[3]).expect("contains"));
    assert_eq!(outbox.pending_ids().expect("ids").len(), 8);
    drop((store, outbox));
    let (_store, outbox) = open(dir.path(), u64::MAX);
    let left: Vec<EventId> = appended
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 7 && *i != 2)
        .map(|(_, id)| *id)
        .collect();
    assert_eq!(ids(&outbox), left);
    assert_eq!(outbox.stats().expect("stats").pending, 8);
}

#[test]
fn an_append_that_died_before_its_commit_is_cut_off_and_its_positions_reused() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, outbox) = open(dir.path(), u64::MAX);
    let kept = outbox.append_batch(vec![access(1), access(2)]).expect("append");
    // What a death after the spool's sync and before the batch's flush
    // leaves: a frame at the next positions that nothing counts.
    Spool::new(dir.path())
        .append(&[(3, b"a-never-committed-value".as_slice())])
        .expect("frame");
    drop((store, outbox));
    let (_store, outbox) = open(dir.path(), u64::MAX);
    assert_eq!(ids(&outbox), kept);
    let next = outbox.append(access(3)).expect("append");
    let all = outbox.peek(10, usize::MAX).expect("peek");
    assert_eq!(
        all.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![kept[0], kept[1], next]
    );
    assert_eq!(all[2].position, 3);
    assert!(outbox.dead_letters().expect("dead").is_empty());
}

#[test]
fn at_capacity_the_oldest_diagnostics_go_and_access_events_never() {
    let dir = tempfile::tempdir().expect("dir");
    let (_store, outbox) = open(dir.path(), 4);
    outbox
        .append_batch(vec![diagnostic(1), access(1), diagnostic(2), access(2)])
        .expect("fill");
    outbox
        .append_batch(vec![access(3), access(4)])
        .expect("drops both diagnostics");
    let left: Vec<OutboxEvent> = outbox
        .peek(10, usize::MAX)
        .expect("peek")
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(left, vec![access(1), access(2), access(3), access(4)]);
    let stats = outbox.stats().expect("stats");
    assert_eq!((stats.access, stats.diagnostic, stats.dropped_diagnostics), (4, 0, 2));
    assert!(outbox.append(access(5)).is_err(), "full of access events");
}

#[test]
fn damaged_spool_bytes_become_a_dead_letter_and_the_counts_follow() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, outbox) = open(dir.path(), u64::MAX);
    let first = outbox.append_batch(vec![access(1), access(2)]).expect("append");
    outbox.append_batch(vec![access(3)]).expect("append");
    drop((store, outbox));
    let segment = Spool::new(dir.path()).segments().expect("segments").remove(0);
    let mut bytes = std::fs::read(&segment.path).expect("read");
    let second_frame = 16 + (12 + u32::from_be_bytes(bytes[24..28].try_into().expect("len")) as usize) * 2;
    bytes[second_frame] = b'?';
    std::fs::write(&segment.path, &bytes).expect("write");

    let (_store, outbox) = open(dir.path(), u64::MAX);
    assert_eq!(ids(&outbox), first);
    let dead = outbox.dead_letters().expect("dead");
    assert_eq!(dead.len(), 1);
    assert!(dead[0].reason.starts_with("unreadable"), "{}", dead[0].reason);
    assert_eq!(outbox.stats().expect("stats").pending, 2);
    // The bytes were cut off after they were kept: read once.
    assert_eq!(ids(&outbox), first);
    assert_eq!(outbox.dead_letters().expect("dead").len(), 1);
}

/// Writes `events` the way the outbox did before the spool: each in the
/// `outbox` tree with its index entry (and a diagnostic entry).
fn write_tree_events(store: &Store, events: &[OutboxEvent]) -> Vec<EventId> {
    let tree = store.inner.db.open_tree(layout::TREE).expect("tree");
    let mut ids = Vec::new();
    let mut position = 0;
    for event in events {
        position += 1;
        let record = EventRecord {
            id: EventId::new(),
            appended_at_ms: 1,
            event: event.clone(),
        };
        let key = layout::event_key(position);
        let plain = serde_json::to_vec(&record).expect("json");
        let mut value = vec![layout::class_byte(event.class())];
        value.extend(store.inner.sealer.seal(layout::TREE, &key, &plain).expect("seal"));
        tree.insert(key, value).expect("insert");
        let mut index = vec![layout::INDEX];
        index.extend_from_slice(&store.inner.sealer.index(layout::TREE, &[record.id.0.as_bytes()]));
        tree.insert(index, &position.to_be_bytes()).expect("index");
        if event.class() == super::super::EventClass::Diagnostic {
            let mut diag = vec![layout::DIAGNOSTIC];
            diag.extend_from_slice(&position.to_be_bytes());
            tree.insert(diag, &[]).expect("diagnostic");
        }
        ids.push(record.id);
    }
    let counters = layout::Counters {
        next_position: position + 1,
        access: events
            .iter()
            .filter(|e| e.class() == super::super::EventClass::Access)
            .count() as u64,
        diagnostic: events
            .iter()
            .filter(|e| e.class() != super::super::EventClass::Access)
            .count() as u64,
        dropped_diagnostics: 0,
    };
    tree.insert(layout::COUNTERS, &counters.encode()).expect("counters");
    store.flush().expect("flush");
    ids
}

#[test]
fn a_store_from_before_the_spool_moves_its_events_in_once_even_if_interrupted() {
    let dir = tempfile::tempdir().expect("dir");
    let events: Vec<OutboxEvent> = (0..1200)
        .map(|i| if i % 3 == 0 { diagnostic(i) } else { access(i) })
        .collect();
    let legacy = {
        let (store, _) = open(dir.path(), u64::MAX);
        let ids = write_tree_events(&store, &events);
        // A death after the first chunk was spooled, before its keys went.
        let tree = store.inner.db.open_tree(layout::TREE).expect("tree");
        let chunk: Vec<(u64, Vec<u8>)> = tree
            .scan_prefix([layout::EVENT])
            .take(500)
            .map(|item| {
                let (key, value) = item.expect("item");
                (layout::position_of(&key).expect("position"), value.to_vec())
            })
            .collect();
        let frame: Vec<(u64, &[u8])> = chunk.iter().map(|(p, v)| (*p, v.as_slice())).collect();
        Spool::new(dir.path()).append(&frame).expect("spooled");
        ids
    };
    let (store, outbox) = open(dir.path(), u64::MAX);
    let stats = outbox.stats().expect("stats");
    assert_eq!((stats.access, stats.diagnostic), (800, 400));
    assert_eq!(ids(&outbox), legacy, "each event once, in order, with its id");
    let tree = store.inner.db.open_tree(layout::TREE).expect("tree");
    for prefix in [layout::EVENT, layout::INDEX, layout::DIAGNOSTIC] {
        assert_eq!(tree.scan_prefix([prefix]).count(), 0, "no {} keys left", prefix as char);
    }
    assert_eq!(outbox.confirm(&legacy[..600]).expect("confirm"), 600);
    assert!(outbox.append(access(9)).is_ok());
    assert_eq!(outbox.stats().expect("stats").pending, 601);
}

#[test]
fn spooled_events_without_the_database_that_counts_them_are_set_aside_not_forgotten() {
    let dir = tempfile::tempdir().expect("dir");
    let store_dir = dir.path().join("store");
    {
        let (_store, outbox) = open(&store_dir, u64::MAX);
        outbox.append_batch(vec![access(1), access(2)]).expect("append");
    }
    // The database and its marker gone, the spool left.
    for entry in std::fs::read_dir(&store_dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.file_name().is_some_and(|n| n != "spool") {
            if path.is_dir() {
                std::fs::remove_dir_all(&path).expect("remove");
            } else {
                std::fs::remove_file(&path).expect("remove");
            }
        }
    }
    let keys = Arc::new(SoftwareKeyStore::beside(&store_dir).expect("key store"));
    let opened = Store::open(&store_dir, keys).expect("store");
    let quarantined = opened.quarantined.expect("set aside, reported");
    assert!(quarantined.path.join("spool").is_dir(), "the events went with it");
    assert!(Spool::new(&store_dir).segments().expect("segments").is_empty());
}
