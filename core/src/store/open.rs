//! Opening a store: format version, data key, and quarantine of a store
//! that can't be read ([`OpenOutcome`] says whether one was).
//!
//! The meta tree holds, in plain bytes (none of them secret or personal):
//! `format_version` (u32 big-endian), `data_key` (the data key as the
//! [`KeyStore`] wrapped it), `check` (a known value sealed under the data
//! key, proving the unwrapped key is the right one) and `generation` (see
//! `marker.rs`).

use super::error::StoreError;
use super::handle::Store;
use super::marker::{self, Marker, FORMAT_VERSION};
use super::quarantine;
use super::quarantine_note::{self, Note};
use super::seal::{Sealer, DATA_KEY_LEN};
use crate::file_lock::{FileLock, LockFailure};
use crate::platform_keys::KeyStore;
use latchkey_protocol::crypto::random_array;
use std::fs;
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) const META_TREE: &str = "meta";
const VERSION_KEY: &[u8] = b"format_version";
const DATA_KEY_KEY: &[u8] = b"data_key";
const CHECK_KEY: &[u8] = b"check";
const CHECK_VALUE: &[u8] = b"latchkey credential store";

/// sled's page cache, in bytes: sized for a phone, not for the data (its
/// default is 1 GiB). sled splits it into 256 shards and evicts a page
/// bigger than its shard's share at once, so much less than this makes
/// every read go back to disk (with 8 MiB the cold open of a full store
/// took 548–580 ms); docs/benchmarks.md (Footprint) has the figures.
const CACHE_CAPACITY: u64 = 32 * 1024 * 1024;

/// The result of [`Store::open`].
#[derive(Debug)]
pub struct OpenOutcome {
    /// The open store.
    pub store: Store,
    /// Set when the previous store could not be read and was renamed aside:
    /// report it, and sync to rebuild the credential cache.
    pub quarantined: Option<Quarantined>,
}

/// A store that was renamed aside because it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    /// Where its files are now (kept for support; never deleted by the core).
    pub path: PathBuf,
    /// Why it could not be read.
    pub reason: String,
}

enum Attempt {
    /// The database and its sealer, ready to become a [`Store`].
    Opened(sled::Db, Box<Sealer>),
    /// The directory holds a store that can't be read; why.
    Unreadable(String),
}

pub(super) fn open(dir: &Path, keystore: Arc<dyn KeyStore>) -> Result<OpenOutcome, StoreError> {
    fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, &e))?;
    // Before anything reads or writes the files: a second opener, in this
    // process or another, on any platform, stops here.
    let lock = lock(dir)?;
    let marker = marker::read(dir)?;
    // Refused before sled opens (and recovers, i.e. rewrites) anything.
    if let Some(found) = marker.format.filter(|f| *f > FORMAT_VERSION) {
        return Err(newer_format(dir, found));
    }
    // A quarantine an earlier open began and did not report: finished
    // below into the same place, and reported by this open.
    let unreported = quarantine_note::read(dir)?;
    let backup = quarantine::backup_if_unclean(dir, &marker)?;
    let attempted = attempt(dir, &marker, keystore.as_ref());
    let reason = match attempted {
        Ok(Attempt::Opened(db, sealer)) => {
            quarantine::discard_backup(backup)?;
            return reported(dir, Store::from_parts(dir, db, *sealer, lock)?, unreported);
        }
        Ok(Attempt::Unreadable(reason)) => reason,
        Err(e) => {
            quarantine::discard_backup(backup)?;
            return Err(e);
        }
    };
    let note = match unreported {
        Some(note) => note,
        None => {
            let note = Note {
                place: quarantine::free_place(dir),
                reason,
            };
            // Before anything moves: a death from here on can't hide the loss.
            quarantine_note::write(dir, &note)?;
            crash_point!("store.quarantine.noted");
            note
        }
    };
    quarantine::move_aside(dir, backup, &note.path(dir))?;
    crash_point!("store.quarantine.before_fresh_store");
    fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, &e))?;
    match attempt(dir, &Marker::default(), keystore.as_ref())? {
        Attempt::Opened(db, sealer) => reported(dir, Store::from_parts(dir, db, *sealer, lock)?, Some(note)),
        Attempt::Unreadable(again) => Err(StoreError::Storage {
            reason: format!("a fresh store could not be created in {}: {again}", dir.display()),
        }),
    }
}

/// The outcome of an open, reporting the quarantine `note` speaks of (its
/// note is removed: from now on the caller has it).
fn reported(dir: &Path, store: Store, note: Option<Note>) -> Result<OpenOutcome, StoreError> {
    let quarantined = match note {
        Some(note) => {
            crash_point!("store.quarantine.fresh_store_opened");
            quarantine_note::remove(dir)?;
            Some(Quarantined {
                path: note.path(dir),
                reason: note.reason,
            })
        }
        None => None,
    };
    Ok(OpenOutcome { store, quarantined })
}

/// Renames a (closed) store aside without opening it; refused while
/// anyone has it open.
pub(super) fn quarantine_closed(dir: &Path) -> Result<PathBuf, StoreError> {
    let _lock = lock(dir)?;
    let target = quarantine::sibling(dir, &quarantine::free_place(dir));
    quarantine::move_aside(dir, None, &target)?;
    Ok(target)
}

/// The store's lock file, `<dir>.lock` beside the directory (not inside:
/// a quarantine renames the directory, and the lock must stay put).
pub(super) fn lock_path(dir: &Path) -> PathBuf {
    quarantine::sibling(dir, ".lock")
}

/// Takes the store's own lock, so a second opener is refused on every
/// platform (sled locks its files only on Linux, macOS and Windows).
fn lock(dir: &Path) -> Result<FileLock, StoreError> {
    let path = lock_path(dir);
    FileLock::try_acquire(&path).map_err(|e| match e {
        LockFailure::Held => StoreError::InUse {
            path: dir.to_path_buf(),
            reason: format!(
                "its lock file {} is held by another process or client (close it first)",
                path.display()
            ),
        },
        LockFailure::Io(e) => StoreError::io(&path, &e),
    })
}

thread_local! {
    /// Set while sled opens (and recovers) a store under `catch_unwind`.
    static RECOVERING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is opening a store whose panics are caught (sled
/// panics on some damaged files; the store is then quarantined): a panic
/// hook can stay quiet about such a panic, the caller handles it.
pub(crate) fn panic_is_handled_by_store() -> bool {
    RECOVERING.with(std::cell::Cell::get)
}

fn attempt(dir: &Path, marker: &Marker, keystore: &dyn KeyStore) -> Result<Attempt, StoreError> {
    RECOVERING.with(|r| r.set(true));
    let opened = catch_unwind(AssertUnwindSafe(|| {
        sled::Config::new().path(dir).cache_capacity(CACHE_CAPACITY).open()
    }));
    RECOVERING.with(|r| r.set(false));
    let db = match opened {
        Ok(Ok(db)) => db,
        Ok(Err(e)) => return classify_open_error(dir, e),
        Err(_) => {
            return Ok(Attempt::Unreadable(
                "the storage engine failed while recovering its files".into(),
            ))
        }
    };
    let meta = db.open_tree(META_TREE)?;
    let Some(version) = meta.get(VERSION_KEY)? else {
        // Queued events in the spool without the database that counts them
        // are data too: never a reason to start afresh over them.
        let spooled = !super::spool::Spool::new(dir).segments()?.is_empty();
        if marker.generation.is_some() || spooled || holds_data(&db)? {
            return Ok(Attempt::Unreadable("the storage files hold no format record".into()));
        }
        let sealer = initialize(dir, &db, &meta, keystore)?;
        return Ok(Attempt::Opened(db, Box::new(sealer)));
    };
    let version = match <[u8; 4]>::try_from(version.as_ref()) {
        Ok(v) if u32::from_be_bytes(v) > 0 => u32::from_be_bytes(v),
        _ => return Ok(Attempt::Unreadable("the format record is damaged".into())),
    };
    if version > FORMAT_VERSION {
        return Err(newer_format(dir, version));
    }
    // Version 1 is the first format: when a second one exists, migrations
    // from older versions run here, before anything else reads the store.
    let Some(wrapped) = meta.get(DATA_KEY_KEY)? else {
        return Ok(Attempt::Unreadable("the wrapped data key is missing".into()));
    };
    // A key store that can't unwrap is not proof the store is damaged (the
    // platform key may be locked or be the wrong one): refuse, change nothing.
    let data_key = keystore.unwrap_data_key(&wrapped)?;
    let sealer = Sealer::new(&data_key)?;
    let checked = meta
        .get(CHECK_KEY)?
        .and_then(|sealed| sealer.open(META_TREE, CHECK_KEY, &sealed).ok());
    if checked.as_deref() != Some(CHECK_VALUE) {
        return Ok(Attempt::Unreadable(
            "the unwrapped data key does not open the store's check record".into(),
        ));
    }
    let generation = marker::read_db(&meta)?;
    if let Some(expected) = marker.generation.filter(|g| *g > generation) {
        return Ok(Attempt::Unreadable(format!(
            "the storage files are older than the store's last recorded state \
             (generation {generation}, marker {expected}): records were lost"
        )));
    }
    marker::advance(dir, &db, &meta, false)?;
    Ok(Attempt::Opened(db, Box::new(sealer)))
}

fn initialize(dir: &Path, db: &sled::Db, meta: &sled::Tree, keystore: &dyn KeyStore) -> Result<Sealer, StoreError> {
    let data_key: [u8; DATA_KEY_LEN] =
        random_array().map_err(|_| StoreError::Crypto("system random generator failed"))?;
    let wrapped = keystore.wrap_data_key(&data_key)?;
    let sealer = Sealer::new(&data_key)?;
    let mut batch = sled::Batch::default();
    batch.insert(DATA_KEY_KEY, wrapped);
    batch.insert(CHECK_KEY, sealer.seal(META_TREE, CHECK_KEY, CHECK_VALUE)?);
    batch.insert(VERSION_KEY, &FORMAT_VERSION.to_be_bytes());
    meta.apply_batch(batch)?;
    marker::advance(dir, db, meta, false)?;
    Ok(sealer)
}

/// Whether any tree holds a record (a half-initialized empty store does not).
fn holds_data(db: &sled::Db) -> Result<bool, StoreError> {
    for name in db.tree_names() {
        if db.open_tree(&name)?.first()?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

fn newer_format(dir: &Path, found: u32) -> StoreError {
    StoreError::NewerFormat {
        path: dir.to_path_buf(),
        found,
        supported: FORMAT_VERSION,
    }
}

fn classify_open_error(dir: &Path, e: sled::Error) -> Result<Attempt, StoreError> {
    match e {
        sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => Err(StoreError::InUse {
            path: dir.to_path_buf(),
            reason: io.to_string(),
        }),
        sled::Error::Io(io) if !matches!(io.kind(), ErrorKind::InvalidData | ErrorKind::UnexpectedEof) => {
            Err(StoreError::io(dir, &io))
        }
        other => Ok(Attempt::Unreadable(format!(
            "the storage engine can't read its files: {other}"
        ))),
    }
}
