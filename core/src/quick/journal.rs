//! The journal: what quick processes produced (events to queue, the lock's
//! state after the command, a fast key an AUTH left behind), one record
//! per command, written to a file of its own and flushed before the
//! command returns. The app ingests the records (`ingest.rs`), each
//! exactly once.
//!
//! A file is `<ms>-<random>.jnl` in `<dir>/journal`, made under a
//! temporary name, `flock`ed, then renamed: a visible journal is locked
//! while it is being written, so the app knows one in progress (it reads
//! its complete records and leaves the file) from a finished or killed
//! one (read, then deleted). A writer may append more than one record;
//! the quick path writes one per file and lets it go. Each record is `LKJ1` ‖ length (u32 BE) ‖ the record's
//! JSON sealed under the quick key with the file's name as associated
//! data. A record cut short by a kill is simply absent: it was never
//! acknowledged. Reading never panics on any bytes.

use super::error::QuickError;
use super::layout::{sync_parent, QuickDir};
use crate::file_lock::{FileLock, LockFailure};
use crate::outbox::OutboxEvent;
use crate::store::seal::Sealer;
use crate::store::{hex, FastKeyEntry, LockState};
use latchkey_protocol::crypto::random_array;
use latchkey_protocol::LockId;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::PathBuf;

const MAGIC: &[u8; 4] = b"LKJ1";
const SEALED_AS: &str = "quick-journal";
const EXTENSION: &str = "jnl";
/// No record is anywhere near this (a command's events are a few KB).
const MAX_RECORD: usize = 16 * 1024 * 1024;

/// What one command in a quick process produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct JournalRecord {
    /// Unique: how the app knows it ingested this record already.
    pub(crate) id: String,
    /// The lock.
    #[serde(with = "hex")]
    pub(crate) lock_id: LockId,
    /// Events for the outbox, in order.
    pub(crate) events: Vec<OutboxEvent>,
    /// The lock's state after the command, when it changed.
    pub(crate) state: Option<LockState>,
    /// The fast key the command left behind (a new one after AUTH).
    pub(crate) fast: Option<FastKeyEntry>,
    /// The keypad PIN list seq the lock holds, when the session said.
    pub(crate) pin_ack: Option<u32>,
}

impl JournalRecord {
    /// A record with a fresh id.
    pub(crate) fn new(lock_id: LockId) -> Result<Self, QuickError> {
        let id: [u8; 16] = random_array().map_err(|_| crate::platform_keys::PlatformKeyError::Crypto {
            reason: "the system random generator failed".into(),
        })?;
        Ok(Self {
            id: latchkey_protocol::hex::encode(&id),
            lock_id,
            events: Vec::new(),
            state: None,
            fast: None,
            pin_ack: None,
        })
    }
}

/// This process's journal, locked for its life.
pub(crate) struct JournalWriter {
    name: String,
    held: FileLock,
}

impl JournalWriter {
    /// Makes a new journal file in `dir`.
    pub(crate) fn create(dir: &QuickDir) -> Result<Self, QuickError> {
        let journals = dir.journal_dir();
        fs::create_dir_all(&journals).map_err(|e| QuickError::io(&journals, &e))?;
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let salt: [u8; 6] = random_array().map_err(|_| crate::platform_keys::PlatformKeyError::Crypto {
            reason: "the system random generator failed".into(),
        })?;
        let name = format!("{millis:013}-{}.{EXTENSION}", latchkey_protocol::hex::encode(&salt));
        let tmp = journals.join(format!("{name}.tmp"));
        let held = match FileLock::try_acquire(&tmp) {
            Ok(held) => held,
            Err(LockFailure::Held) => return Err(QuickError::unreadable(&tmp, "another process made the same name")),
            Err(LockFailure::Io(e)) => return Err(QuickError::io(&tmp, &e)),
        };
        let path = journals.join(&name);
        fs::rename(&tmp, &path).map_err(|e| QuickError::io(&path, &e))?;
        sync_parent(&path)?;
        Ok(Self { name, held })
    }

    /// Appends `record` and flushes it to disk.
    pub(crate) fn append(&mut self, sealer: &Sealer, record: &JournalRecord) -> Result<(), QuickError> {
        let path = self.held.path().to_path_buf();
        let plain = serde_json::to_vec(record).map_err(|e| QuickError::unreadable(&path, e))?;
        let sealed = sealer.seal(SEALED_AS, self.name.as_bytes(), &plain)?;
        let mut frame = Vec::with_capacity(8 + sealed.len());
        frame.extend_from_slice(MAGIC);
        frame.extend_from_slice(&(sealed.len() as u32).to_be_bytes());
        frame.extend_from_slice(&sealed);
        let mut file = self.held.file();
        file.write_all(&frame)
            .and_then(|()| file.sync_data())
            .map_err(|e| QuickError::io(&path, &e))
    }
}

/// One journal file as read by the app.
pub(crate) struct JournalFile {
    pub(crate) path: PathBuf,
    /// Its process still runs: read it, leave it.
    pub(crate) live: bool,
    /// The complete records, in order.
    pub(crate) records: Vec<JournalRecord>,
    /// Why reading stopped before the end, when a record was damaged (not
    /// merely cut short by a kill): such a file is kept, never deleted.
    pub(crate) damaged: Option<String>,
    /// Held while the file is ingested (a finished file only).
    _held: Option<FileLock>,
}

/// Every journal in `dir`, oldest name first.
pub(crate) fn read_all(dir: &QuickDir, sealer: &Sealer) -> Result<Vec<JournalFile>, QuickError> {
    let journals = dir.journal_dir();
    let entries = match fs::read_dir(&journals) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(QuickError::io(&journals, &e)),
    };
    let (mut paths, unnamed): (Vec<PathBuf>, Vec<PathBuf>) = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == EXTENSION || x == "tmp"))
        .partition(|p| p.extension().is_some_and(|x| x == EXTENSION));
    // A file its writer was killed before naming holds no record (records
    // are appended only after the rename): removed once no one holds it.
    for path in unnamed {
        if FileLock::try_acquire(&path).is_ok() {
            let _ = fs::remove_file(&path);
        }
    }
    paths.sort();
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let held = match FileLock::try_acquire(&path) {
            Ok(held) => Some(held),
            Err(LockFailure::Held) => None,
            Err(LockFailure::Io(e)) => return Err(QuickError::io(&path, &e)),
        };
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            // Deleted meanwhile (never by a live process): nothing to read.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(QuickError::io(&path, &e)),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (records, damaged) = decode(sealer, &name, &bytes);
        out.push(JournalFile {
            path,
            records,
            live: held.is_none(),
            damaged,
            _held: held,
        });
    }
    Ok(out)
}

/// The records in a journal's bytes, and why decoding stopped early when
/// a record was damaged (a record cut short at the end is not damage).
pub(crate) fn decode(sealer: &Sealer, name: &str, bytes: &[u8]) -> (Vec<JournalRecord>, Option<String>) {
    let mut records = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let Some((head, body)) = rest.split_first_chunk::<8>() else {
            break; // a header cut short: the last write never finished
        };
        let number = records.len() + 1;
        if &head[..4] != MAGIC {
            return (records, Some(format!("record {number} does not start a record")));
        }
        let len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize;
        if len > MAX_RECORD {
            return (records, Some(format!("record {number} claims {len} bytes")));
        }
        let Some(sealed) = body.get(..len) else {
            break; // a body cut short: the last write never finished
        };
        let record = sealer
            .open(SEALED_AS, name.as_bytes(), sealed)
            .map_err(|e| e.to_string())
            .and_then(|plain| serde_json::from_slice::<JournalRecord>(&plain).map_err(|e| e.to_string()));
        match record {
            Ok(r) => records.push(r),
            Err(e) => return (records, Some(format!("record {number}: {e}"))),
        }
        rest = &body[len..];
    }
    (records, None)
}
