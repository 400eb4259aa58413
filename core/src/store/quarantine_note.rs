//! A quarantine not reported yet: `<dir>.quarantine-unreported`, a small
//! text file beside the store, written before an unreadable store is
//! moved aside and removed once the fresh store replacing it has opened
//! (and the open reports the quarantine). An open that finds it (the
//! process died in between) finishes the quarantine into the same place
//! and reports it, so a death mid-quarantine can't hide the loss.
//!
//! The file holds a title line, `place <suffix>` (where the quarantine
//! goes, beside the store: `.quarantine-<unix seconds>[-n]`) and
//! `reason <text>` (to the end of the file). A file that does not read so
//! is ignored (and logged): the bytes it speaks of are kept aside anyway.

use super::error::StoreError;
use super::quarantine::{sibling, PLACE_PREFIX};
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

const SUFFIX: &str = ".quarantine-unreported";
const TMP_SUFFIX: &str = ".quarantine-unreported.tmp";
const TITLE: &str = "latchkey store quarantine, not reported yet";

/// A quarantine begun and not yet reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Note {
    /// Where it goes, as a suffix of the store directory's name.
    pub(super) place: String,
    /// Why the store could not be read.
    pub(super) reason: String,
}

impl Note {
    /// Where the quarantine of `dir` goes.
    pub(super) fn path(&self, dir: &Path) -> PathBuf {
        sibling(dir, &self.place)
    }
}

/// Writes the note for `dir` (replacing any), durably, before anything moves.
pub(super) fn write(dir: &Path, note: &Note) -> Result<(), StoreError> {
    let text = format!("{TITLE}\nplace {}\nreason {}", note.place, note.reason);
    let tmp = sibling(dir, TMP_SUFFIX);
    let path = sibling(dir, SUFFIX);
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, &path)
    };
    write().map_err(|e| StoreError::io(&path, &e))
}

/// The note beside `dir`, if there is one that reads.
pub(super) fn read(dir: &Path) -> Result<Option<Note>, StoreError> {
    let path = sibling(dir, SUFFIX);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == ErrorKind::InvalidData => String::new(),
        Err(e) => return Err(StoreError::io(&path, &e)),
    };
    let note = parse(&text);
    if note.is_none() {
        log::warn!(
            target: "latchkey::store",
            "ignoring {}: not a quarantine note this version reads",
            path.display()
        );
    }
    Ok(note)
}

/// Removes the note once the quarantine it speaks of was reported.
pub(super) fn remove(dir: &Path) -> Result<(), StoreError> {
    let path = sibling(dir, SUFFIX);
    match fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io(&path, &e)),
    }
}

fn parse(text: &str) -> Option<Note> {
    let rest = text.strip_prefix(TITLE)?.strip_prefix('\n')?;
    let (place_line, rest) = rest.split_once('\n')?;
    let place = place_line.strip_prefix("place ")?;
    let digits = place.strip_prefix(PLACE_PREFIX)?;
    // Only what `quarantine::free_place` makes: never a path elsewhere.
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let reason = rest.strip_prefix("reason ")?;
    Some(Note {
        place: place.to_string(),
        reason: reason.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_reads_back_as_written_and_a_damaged_one_not_at_all() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let note = Note {
            place: ".quarantine-1700000000-2".into(),
            reason: "the format record is damaged\nsecond line".into(),
        };
        write(&dir, &note).unwrap();
        assert_eq!(read(&dir).unwrap(), Some(note.clone()));
        assert_eq!(note.path(&dir), tmp.path().join("store.quarantine-1700000000-2"));

        let path = sibling(&dir, SUFFIX);
        for damaged in [
            &b""[..],
            b"\xff\xfe",
            b"latchkey store quarantine, not reported yet\nplace ../elsewhere\nreason x",
            b"latchkey store quarantine, not reported yet\nplace .quarantine-/x\nreason x",
            b"latchkey store quarantine, not reported yet\nplace .quarantine-1",
            b"something else\nplace .quarantine-1\nreason x",
        ] {
            fs::write(&path, damaged).unwrap();
            assert_eq!(read(&dir).unwrap(), None, "{:?}", String::from_utf8_lossy(damaged));
        }
        remove(&dir).unwrap();
        remove(&dir).unwrap();
        assert_eq!(read(&dir).unwrap(), None);
    }
}
