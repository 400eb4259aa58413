use super::{Parsed, Spool, SEGMENT_BYTES};

fn frames(spool: &Spool) -> Vec<Vec<u64>> {
    let mut out = Vec::new();
    for segment in spool.segments().expect("segments") {
        for parsed in spool.read(&segment).expect("read") {
            match parsed {
                Parsed::Frame { entries } => out.push(entries.iter().map(|e| e.position).collect()),
                other => panic!("not a frame: {other:?}"),
            }
        }
    }
    out
}

#[test]
fn frames_come_back_in_order_across_segments() {
    let dir = tempfile::tempdir().expect("dir");
    let spool = Spool::new(dir.path());
    assert!(spool.segments().expect("none yet").is_empty());
    let value = vec![7u8; 10_000];
    for first in (1..=120u64).step_by(3) {
        let entries: Vec<(u64, &[u8])> = (first..first + 3).map(|p| (p, value.as_slice())).collect();
        spool.append(&entries).expect("append");
    }
    let segments = spool.segments().expect("segments");
    assert!(segments.len() > 1, "rolled over at {SEGMENT_BYTES} bytes");
    assert_eq!(segments[0].first, 1);
    let all: Vec<u64> = frames(&spool).into_iter().flatten().collect();
    assert_eq!(all, (1..=120).collect::<Vec<_>>());

    // Segments wholly below the head go; the one holding it stays.
    let second = segments[1].first;
    spool.remove_below(second + 1, 121).expect("remove");
    assert_eq!(spool.segments().expect("segments")[0].first, second);
    spool.remove_below(121, 121).expect("remove all");
    assert!(spool.segments().expect("segments").is_empty());
}

#[test]
fn an_append_that_never_committed_and_a_torn_tail_are_cut_off() {
    let dir = tempfile::tempdir().expect("dir");
    let spool = Spool::new(dir.path());
    spool.append(&[(1, b"a".as_slice()), (2, b"b")]).expect("append");
    spool.append(&[(3, b"c".as_slice())]).expect("append");
    let segment = spool.segments().expect("segments").remove(0);
    let whole = std::fs::metadata(&segment.path).expect("meta").len();
    // Half of a third frame, as a death mid-write leaves it.
    let mut bytes = std::fs::read(&segment.path).expect("read");
    bytes.extend_from_slice(b"LKS1\0\0\0\x01\0\0");
    std::fs::write(&segment.path, &bytes).expect("write");
    assert!(matches!(
        spool.read(&segment).expect("read").last(),
        Some(Parsed::Torn { .. })
    ));

    spool.truncate_from(4).expect("cut");
    assert_eq!(std::fs::metadata(&segment.path).expect("meta").len(), whole);
    assert_eq!(frames(&spool), vec![vec![1, 2], vec![3]]);
    // Position 3 never committed (the counters say 3 comes next).
    spool.truncate_from(3).expect("cut");
    assert_eq!(frames(&spool), vec![vec![1, 2]]);
}

#[test]
fn damaged_bytes_are_returned_not_skipped() {
    let dir = tempfile::tempdir().expect("dir");
    let spool = Spool::new(dir.path());
    spool.append(&[(1, b"one".as_slice())]).expect("append");
    spool.append(&[(2, b"two".as_slice())]).expect("append");
    let segment = spool.segments().expect("segments").remove(0);
    let mut bytes = std::fs::read(&segment.path).expect("read");
    let second = 16 + 12 + 3;
    bytes[second] = b'X';
    std::fs::write(&segment.path, &bytes).expect("write");
    let parsed = spool.read(&segment).expect("read");
    assert!(matches!(&parsed[0], Parsed::Frame { entries } if entries[0].value == b"one"));
    match &parsed[1] {
        Parsed::Damaged { offset, raw, .. } => {
            assert_eq!(*offset, second as u64);
            assert_eq!(raw.len(), bytes.len() - second);
        }
        other => panic!("not damaged: {other:?}"),
    }
    // Committed damage (position 2 is below the next position, 3) stays
    // for the outbox to keep as a dead letter.
    spool.truncate_from(3).expect("cut");
    assert_eq!(std::fs::read(&segment.path).expect("read").len(), bytes.len());
    // A frame that parses but fails its checksum is still a frame.
    let mut flipped = std::fs::read(&segment.path).expect("read");
    flipped[second] = b'L';
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    std::fs::write(&segment.path, &flipped).expect("write");
    assert!(matches!(&spool.read(&segment).expect("read")[1], Parsed::Frame { .. }));
}

#[test]
fn any_bytes_parse_without_a_panic_and_nothing_is_dropped_unsaid() {
    // A small generator (xorshift): the same inputs every run.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let dir = tempfile::tempdir().expect("dir");
    let spool = Spool::new(dir.path());
    spool
        .append(&[(1, b"first".as_slice()), (2, b"second")])
        .expect("append");
    let segment = spool.segments().expect("segments").remove(0);
    let good = std::fs::read(&segment.path).expect("read");
    for round in 0..2000 {
        let mut bytes = good.clone();
        match round % 3 {
            0 => {
                let at = (next() as usize) % bytes.len();
                bytes[at] ^= (next() as u8) | 1;
            }
            1 => bytes.truncate((next() as usize) % bytes.len()),
            _ => bytes = (0..(next() % 64)).map(|_| next() as u8).collect(),
        }
        let parsed = super::parse(&bytes);
        // Every byte is in a frame, or said to be torn or damaged.
        let whole = parsed.iter().all(|p| matches!(p, Parsed::Frame { .. }));
        if whole {
            let used: usize = parsed
                .iter()
                .map(|p| match p {
                    Parsed::Frame { entries } => 16 + entries.iter().map(|e| 12 + e.value.len()).sum::<usize>(),
                    _ => 0,
                })
                .sum();
            assert_eq!(used, bytes.len(), "round {round}: bytes left unaccounted");
        }
    }
}
