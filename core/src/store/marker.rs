//! The marker file (`latchkey-store`, plain text, numbers only) kept next
//! to the storage files, mirroring what must be known before — or
//! independently of — the database:
//!
//! - `format N`: lets a newer store be refused without opening (and so
//!   without touching) its storage files;
//! - `generation N`: a counter also kept in the meta tree, advanced on
//!   every open and clean close. sled recovers a damaged log by silently
//!   keeping the part before the damage; the generation record is the
//!   newest write of each open and close, so such damage loses it, and a
//!   marker ahead of the database reveals the loss. The database is flushed
//!   before the marker is written, so after a crash the marker is never
//!   ahead of an intact database;
//! - `clean <fingerprint>`: sizes and modification times of the storage
//!   files at a clean close. When they still match, the files are as the
//!   store left them; otherwise (a crash, or something else wrote them) they
//!   are copied aside before sled's recovery rewrites them, so a quarantine
//!   keeps the original bytes.

use super::error::StoreError;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::Path;
use std::time::UNIX_EPOCH;

/// The store format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

pub(super) const FILE: &str = "latchkey-store";
const TMP_FILE: &str = "latchkey-store.tmp";
const GENERATION_KEY: &[u8] = b"generation";

/// What the marker file says (every field absent when there is none).
#[derive(Debug, Default)]
pub(super) struct Marker {
    pub(super) format: Option<u32>,
    pub(super) generation: Option<u64>,
    pub(super) clean: Option<String>,
}

/// Reads the marker; a damaged line counts as absent (not evidence either way).
pub(super) fn read(dir: &Path) -> Result<Marker, StoreError> {
    let text = match fs::read_to_string(dir.join(FILE)) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Marker::default()),
        Err(e) => return Err(StoreError::io(dir.join(FILE), &e)),
    };
    let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
    Ok(Marker {
        format: field("format ").and_then(|v| v.parse().ok()),
        generation: field("generation ").and_then(|v| v.parse().ok()),
        clean: field("clean ").map(str::to_string),
    })
}

/// Sizes and modification times of the storage files (sled's `conf`, `db`,
/// snapshots and `blobs/`), in one comparable string.
pub(super) fn fingerprint(dir: &Path) -> Result<String, StoreError> {
    let mut parts = Vec::new();
    for (name, path) in storage_files(dir)? {
        let meta = fs::metadata(&path).map_err(|e| StoreError::io(&path, &e))?;
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        parts.push(format!("{name}:{}:{mtime}", meta.len()));
    }
    latchkey_protocol::order::sort_by(&mut parts, Ord::cmp);
    Ok(parts.join(","))
}

/// The storage files (relative name, path), excluding the marker.
pub(super) fn storage_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>, StoreError> {
    let mut out = Vec::new();
    let mut dirs = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, d)) = dirs.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => continue,
            Err(e) => return Err(StoreError::io(&d, &e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&d, &e))?;
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if name == FILE || name == TMP_FILE {
                continue;
            }
            if entry.path().is_dir() {
                dirs.push((format!("{name}/"), entry.path()));
            } else {
                out.push((name, entry.path()));
            }
        }
    }
    Ok(out)
}

/// The generation recorded in the database (0 when none).
pub(super) fn read_db(meta: &sled::Tree) -> Result<u64, StoreError> {
    Ok(meta
        .get(GENERATION_KEY)?
        .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
        .map_or(0, u64::from_be_bytes))
}

/// Advances the generation, database first (flushed), then the marker;
/// `clean` (at close) also records the fingerprint of the flushed files.
pub(super) fn advance(dir: &Path, db: &sled::Db, meta: &sled::Tree, clean: bool) -> Result<(), StoreError> {
    let next = read_db(meta)?.max(read(dir)?.generation.unwrap_or(0)) + 1;
    meta.insert(GENERATION_KEY, &next.to_be_bytes())?;
    db.flush()?;
    crash_point!("store.generation.between_db_and_marker");
    let clean = if clean {
        format!("clean {}\n", fingerprint(dir)?)
    } else {
        String::new()
    };
    let text = format!(
        "latchkey credential store\nformat {}\ngeneration {next}\n{clean}",
        FORMAT_VERSION
    );
    let tmp = dir.join(TMP_FILE);
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        crash_point!("store.marker.before_rename");
        fs::rename(&tmp, dir.join(FILE))
    };
    write().map_err(|e| StoreError::io(dir.join(FILE), &e))
}
