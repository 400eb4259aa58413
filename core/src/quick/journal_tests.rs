//! The journal's file format: records written are read back in order, a
//! record cut short by a kill is absent (not damage), anything else that
//! is not a record stops the reading as damage, and no bytes make the
//! decoder panic. A file being written is left alone by the app.

use super::journal::{decode, read_all, JournalRecord, JournalWriter};
use super::layout::QuickDir;
use crate::store::seal::Sealer;
use latchkey_protocol::LockId;

fn setup() -> (tempfile::TempDir, QuickDir, Sealer) {
    let dir = tempfile::tempdir().expect("dir");
    let quick = QuickDir::new(dir.path());
    quick.create().expect("create");
    (dir, quick, Sealer::new(&[7; 32]).expect("sealer"))
}

fn file_bytes(quick: &QuickDir) -> (String, Vec<u8>) {
    let path = std::fs::read_dir(quick.journal_dir())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "jnl"))
        .expect("a journal");
    let name = path.file_name().expect("name").to_string_lossy().into_owned();
    (name, std::fs::read(&path).expect("read"))
}

#[test]
fn records_come_back_in_order_and_a_torn_tail_is_no_damage() {
    let (_d, quick, sealer) = setup();
    let mut writer = JournalWriter::create(&quick).expect("writer");
    let a = JournalRecord::new(LockId([1; 16])).expect("record");
    let b = JournalRecord::new(LockId([2; 16])).expect("record");
    writer.append(&sealer, &a).expect("append");
    writer.append(&sealer, &b).expect("append");
    let (name, bytes) = file_bytes(&quick);
    assert_eq!(decode(&sealer, &name, &bytes), (vec![a.clone(), b.clone()], None));
    for cut in 0..bytes.len() {
        let (records, damaged) = decode(&sealer, &name, &bytes[..cut]);
        assert!(damaged.is_none(), "a cut at {cut} is a torn write, not damage");
        assert!(records.len() <= 1);
    }
    // The same bytes under another name (or key) are not this journal's.
    let (records, damaged) = decode(&sealer, "other.jnl", &bytes);
    assert!(records.is_empty() && damaged.is_some());
}

#[test]
fn no_bytes_make_the_decoder_panic() {
    let (_d, quick, sealer) = setup();
    let mut writer = JournalWriter::create(&quick).expect("writer");
    writer
        .append(&sealer, &JournalRecord::new(LockId([3; 16])).expect("record"))
        .expect("append");
    let (name, good) = file_bytes(&quick);
    let mut state = 0x2545_f491_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..2_000 {
        let mut bytes = good.clone();
        let flips = 1 + next() % 4;
        for _ in 0..flips {
            let i = (next() as usize) % bytes.len();
            bytes[i] ^= (next() as u8) | 1;
        }
        let _ = decode(&sealer, &name, &bytes);
        let len = (next() % 64) as usize;
        let noise: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let _ = decode(&sealer, &name, &noise);
    }
    let mut huge = b"LKJ1".to_vec();
    huge.extend_from_slice(&u32::MAX.to_be_bytes());
    assert!(decode(&sealer, &name, &huge).1.is_some(), "an absurd length is damage");
}

#[test]
fn a_journal_being_written_is_read_but_marked_live() {
    let (_d, quick, sealer) = setup();
    let mut writer = JournalWriter::create(&quick).expect("writer");
    writer
        .append(&sealer, &JournalRecord::new(LockId([4; 16])).expect("record"))
        .expect("append");
    let files = read_all(&quick, &sealer).expect("read");
    assert_eq!(files.len(), 1);
    assert!(files[0].live && files[0].records.len() == 1);
    drop(files);
    drop(writer);
    let files = read_all(&quick, &sealer).expect("read");
    assert!(!files[0].live, "its writer let it go: finished");
}
