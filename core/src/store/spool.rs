//! The spool: append-only segment files in `<store>/spool/` that hold the
//! outbox's queued events, so the database keeps only small records
//! (counters, what was removed, markers) however many events wait.
//!
//! sled keeps state in memory for every page it has written since it
//! opened and for every key it deleted, so a phone draining 100,000 events
//! out of it peaked at 60–80 MB; a file read front to back and deleted
//! whole, segment by segment, costs what one segment costs
//! (docs/core.md, "The outbox's spool").
//!
//! A segment is named by the first position it holds (16 hex digits,
//! `.seg`) and takes frames until it passes [`SEGMENT_BYTES`]. A frame is
//! one append, written with one `write` and `fsync`ed before the outbox
//! commits the batch that counts it:
//!
//! ```text
//! "LKS1" | entries u32 | body length u32 | crc32(body) u32 | body
//! body = entries × (position u64 | value length u32 | value)
//! ```
//!
//! All integers big-endian. The values are the outbox's sealed records
//! (the spool never sees plaintext). A frame cut short at the end of the
//! last segment is an append that never committed; the outbox cuts it off
//! ([`Spool::truncate_from`]). Anything else that does not parse is
//! returned as [`Parsed::Damaged`] with its bytes, never skipped silently.

use super::error::StoreError;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// The spool's directory inside the store's.
pub(crate) const DIR: &str = "spool";
/// A segment takes no new frame once it is this long.
pub(crate) const SEGMENT_BYTES: u64 = 256 << 10;
const MAGIC: &[u8; 4] = b"LKS1";
const HEADER: usize = 16;

/// One queued record: its position and its (sealed) value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) position: u64,
    pub(crate) value: Vec<u8>,
}

/// What reading a segment found, frame by frame.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// A whole frame. Its checksum may fail while its entries still add
    /// up: each value's seal then decides (a flipped byte costs one event,
    /// and the outbox counts again what is pending).
    Frame { entries: Vec<Entry> },
    /// The segment ends inside a frame (from `offset`): an append that
    /// died before its `fsync` returned.
    Torn { offset: u64 },
    /// Bytes from `offset` to the segment's end that are not frames.
    Damaged { offset: u64, raw: Vec<u8>, reason: String },
}

/// One segment file: its first position and path.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub(crate) first: u64,
    pub(crate) path: PathBuf,
}

/// The spool of the store in `store_dir`.
#[derive(Debug, Clone)]
pub(crate) struct Spool {
    dir: PathBuf,
}

impl Spool {
    pub(crate) fn new(store_dir: &Path) -> Self {
        Self {
            dir: store_dir.join(DIR),
        }
    }

    /// The segments, oldest first.
    pub(crate) fn segments(&self) -> Result<Vec<Segment>, StoreError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io(&self.dir, &e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&self.dir, &e))?;
            let name = entry.file_name();
            let Some(first) = name
                .to_str()
                .and_then(|n| n.strip_suffix(".seg"))
                .and_then(|hex| u64::from_str_radix(hex, 16).ok())
            else {
                continue;
            };
            out.push(Segment {
                first,
                path: entry.path(),
            });
        }
        out.sort_by_key(|s| s.first);
        Ok(out)
    }

    /// Appends one frame of `entries` (positions rising) and syncs it.
    pub(crate) fn append(&self, entries: &[(u64, &[u8])]) -> Result<(), StoreError> {
        let Some(&(first, _)) = entries.first() else {
            return Ok(());
        };
        let frame = encode(entries)?;
        let current = self.segments()?.pop();
        let (path, created) = match current {
            Some(s) if len_of(&s.path)? < SEGMENT_BYTES => (s.path, false),
            _ => {
                fs::create_dir_all(&self.dir).map_err(|e| StoreError::io(&self.dir, &e))?;
                (self.dir.join(format!("{first:016x}.seg")), true)
            }
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| StoreError::io(&path, &e))?;
        file.write_all(&frame).map_err(|e| StoreError::io(&path, &e))?;
        file.sync_data().map_err(|e| StoreError::io(&path, &e))?;
        if created {
            sync_dir(&self.dir)?;
        }
        Ok(())
    }

    /// Reads one segment.
    pub(crate) fn read(&self, segment: &Segment) -> Result<Vec<Parsed>, StoreError> {
        let bytes = fs::read(&segment.path).map_err(|e| StoreError::io(&segment.path, &e))?;
        Ok(parse(&bytes))
    }

    /// Cuts `segment` off at `offset` (what follows was saved elsewhere or
    /// never committed).
    pub(crate) fn cut(&self, segment: &Segment, offset: u64) -> Result<(), StoreError> {
        let file = OpenOptions::new()
            .write(true)
            .open(&segment.path)
            .map_err(|e| StoreError::io(&segment.path, &e))?;
        file.set_len(offset).map_err(|e| StoreError::io(&segment.path, &e))?;
        file.sync_all().map_err(|e| StoreError::io(&segment.path, &e))
    }

    /// Removes every frame at or after `position` that a committed batch
    /// can't hold (appends that died before their commit), and a torn
    /// tail. Frames before a damaged frame stay; the damaged bytes stay
    /// too unless every position before `position` is accounted for before
    /// them (then they are the torn end of an uncommitted append).
    pub(crate) fn truncate_from(&self, position: u64) -> Result<(), StoreError> {
        let mut segments = self.segments()?;
        while let Some(last) = segments.last() {
            if last.first < position {
                break;
            }
            remove_file(&last.path)?;
            segments.pop();
        }
        let Some(last) = segments.last() else {
            return Ok(());
        };
        let mut offset = 0u64;
        let mut highest = None;
        for parsed in self.read(last)? {
            match parsed {
                Parsed::Frame { entries, .. } => {
                    if entries.first().is_some_and(|e| e.position >= position) {
                        return self.cut(last, offset);
                    }
                    highest = entries.last().map(|e| e.position).or(highest);
                    offset += frame_len(&entries);
                }
                Parsed::Torn { offset } => return self.cut(last, offset),
                Parsed::Damaged { offset, .. } => {
                    if highest.is_some_and(|h| h + 1 >= position) {
                        return self.cut(last, offset);
                    }
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Removes the segments every position of which is below `head`
    /// (`next`: the position the next append gets).
    pub(crate) fn remove_below(&self, head: u64, next: u64) -> Result<(), StoreError> {
        let segments = self.segments()?;
        for (i, segment) in segments.iter().enumerate() {
            let end = segments.get(i + 1).map_or(next, |s| s.first);
            if end <= head {
                remove_file(&segment.path)?;
            } else {
                break;
            }
        }
        Ok(())
    }

    /// Removes every segment (the store is being cleared).
    pub(crate) fn remove_all(&self) -> Result<(), StoreError> {
        for segment in self.segments()? {
            remove_file(&segment.path)?;
        }
        Ok(())
    }

    /// Bytes the segments take.
    pub(crate) fn size(&self) -> Result<u64, StoreError> {
        let mut total = 0;
        for segment in self.segments()? {
            total += len_of(&segment.path)?;
        }
        Ok(total)
    }
}

fn encode(entries: &[(u64, &[u8])]) -> Result<Vec<u8>, StoreError> {
    let too_big = || StoreError::Storage {
        reason: "an outbox append is too big for one spool frame".into(),
    };
    let mut body = Vec::new();
    for (position, value) in entries {
        body.extend_from_slice(&position.to_be_bytes());
        body.extend_from_slice(&u32::try_from(value.len()).map_err(|_| too_big())?.to_be_bytes());
        body.extend_from_slice(value);
    }
    let mut frame = Vec::with_capacity(HEADER + body.len());
    frame.extend_from_slice(MAGIC);
    frame.extend_from_slice(&u32::try_from(entries.len()).map_err(|_| too_big())?.to_be_bytes());
    frame.extend_from_slice(&u32::try_from(body.len()).map_err(|_| too_big())?.to_be_bytes());
    frame.extend_from_slice(&crc32fast::hash(&body).to_be_bytes());
    frame.extend_from_slice(&body);
    Ok(frame)
}

/// The bytes `entries` took as one frame.
fn frame_len(entries: &[Entry]) -> u64 {
    let body: usize = entries.iter().map(|e| 12 + e.value.len()).sum();
    (HEADER + body) as u64
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

/// Never panics, whatever `bytes` hold.
pub(crate) fn parse(bytes: &[u8]) -> Vec<Parsed> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let damaged = |reason: &str| Parsed::Damaged {
            offset: at as u64,
            raw: rest.to_vec(),
            reason: reason.to_string(),
        };
        if rest.len() < HEADER {
            // A header cut short: torn if what is there could begin one.
            if MAGIC.starts_with(&rest[..rest.len().min(4)]) {
                out.push(Parsed::Torn { offset: at as u64 });
            } else {
                out.push(damaged("a spool frame header is not one"));
            }
            break;
        }
        if &rest[..4] != MAGIC {
            out.push(damaged("a spool frame does not start with its mark"));
            break;
        }
        let (count, body_len, crc) = match (u32_at(rest, 4), u32_at(rest, 8), u32_at(rest, 12)) {
            (Some(c), Some(l), Some(s)) => (c as usize, l as usize, s),
            _ => break,
        };
        let Some(body) = HEADER.checked_add(body_len).and_then(|end| rest.get(HEADER..end)) else {
            out.push(Parsed::Torn { offset: at as u64 });
            break;
        };
        match entries(body, count) {
            Some(entries) => out.push(Parsed::Frame { entries }),
            None if crc32fast::hash(body) != crc => {
                out.push(damaged("a spool frame fails its checksum"));
                break;
            }
            None => {
                out.push(damaged("a spool frame's entries do not add up"));
                break;
            }
        }
        at += HEADER + body_len;
    }
    out
}

fn entries(body: &[u8], count: usize) -> Option<Vec<Entry>> {
    let mut out = Vec::with_capacity(count.min(body.len() / 12));
    let mut at = 0usize;
    for _ in 0..count {
        let position = u64::from_be_bytes(body.get(at..at.checked_add(8)?)?.try_into().ok()?);
        let len = u32_at(body, at.checked_add(8)?)? as usize;
        let end = at.checked_add(12)?.checked_add(len)?;
        let value = body.get(at + 12..end)?.to_vec();
        out.push(Entry { position, value });
        at = end;
    }
    (at == body.len()).then_some(out)
}

fn len_of(path: &Path) -> Result<u64, StoreError> {
    match fs::metadata(path) {
        Ok(m) => Ok(m.len()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(0),
        Err(e) => Err(StoreError::io(path, &e)),
    }
}

fn remove_file(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io(path, &e)),
    }
}

/// Makes a new file's name durable.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    match File::open(dir).and_then(|d| d.sync_all()) {
        Ok(()) => Ok(()),
        // Some platforms can't open a directory for syncing.
        Err(e) if matches!(e.kind(), ErrorKind::PermissionDenied | ErrorKind::Unsupported) => Ok(()),
        Err(e) => Err(StoreError::io(dir, &e)),
    }
}

/// What the outbox keeps in memory for its spool, under the store's outbox
/// lock.
#[derive(Debug, Default)]
pub(crate) struct SpoolMemory {
    /// An append that died before its commit was cut off (once per open,
    /// and again after an append failed).
    pub(crate) recovered: bool,
    /// Where recently read events are (event id → position, class byte),
    /// so confirming them needs no search.
    pub(crate) located: std::collections::HashMap<[u8; 16], (u64, u8)>,
}

#[cfg(test)]
#[path = "spool_tests.rs"]
mod tests;
