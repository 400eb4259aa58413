//! Keeping the bytes of a store that can't be read: a copy taken before
//! sled's recovery may rewrite the files (only when they are not as a clean
//! close left them), and the rename aside.

use super::error::StoreError;
use super::marker::{self, Marker};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// What the name of a quarantine adds to the store directory's, before
/// its unix seconds.
pub(super) const PLACE_PREFIX: &str = ".quarantine-";

/// `dir`'s name plus `suffix`, beside it.
pub(super) fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    dir.with_file_name(name)
}

/// Copies the store's files to `<dir>.opening-backup` unless the marker
/// shows they are exactly as a clean close left them. Returns the copy.
pub(super) fn backup_if_unclean(dir: &Path, marker: &Marker) -> Result<Option<PathBuf>, StoreError> {
    if marker::storage_files(dir)?.is_empty() {
        return Ok(None);
    }
    let backup = sibling(dir, ".opening-backup");
    if backup.exists() {
        // Left by an open that did not finish: it holds the older bytes.
        return Ok(Some(backup));
    }
    if marker.clean.is_some() && marker.clean == Some(marker::fingerprint(dir)?) {
        return Ok(None);
    }
    let tmp = sibling(dir, ".opening-backup.tmp");
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(|e| StoreError::io(&tmp, &e))?;
    }
    copy_dir(dir, &tmp)?;
    crash_point!("store.backup.before_rename");
    fs::rename(&tmp, &backup).map_err(|e| StoreError::io(&backup, &e))?;
    crash_point!("store.backup.after_rename");
    Ok(Some(backup))
}

/// Removes the copy once the store opened (or was refused untouched).
pub(super) fn discard_backup(backup: Option<PathBuf>) -> Result<(), StoreError> {
    match backup {
        Some(b) => fs::remove_dir_all(&b).map_err(|e| StoreError::io(&b, &e)),
        None => Ok(()),
    }
}

/// A free place for a quarantine of `dir`, as a suffix of its name:
/// `.quarantine-<unix seconds>`, or `-<n>` after it when that is taken.
pub(super) fn free_place(dir: &Path) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    (0u32..)
        .map(|n| match n {
            0 => format!("{PLACE_PREFIX}{now}"),
            n => format!("{PLACE_PREFIX}{now}-{n}"),
        })
        .find(|suffix| !sibling(dir, suffix).exists())
        .unwrap_or_else(|| format!("{PLACE_PREFIX}{now}"))
}

/// Moves the store aside to `target`. With a pre-open copy, the copy (the
/// original bytes) becomes the quarantine and the files as sled recovered
/// them go inside it, in `as-recovered/`. A step an interrupted quarantine
/// already took is not taken again: a `target` that exists holds the
/// original bytes, so a new copy (of bytes recovered since) is dropped and
/// the files go inside it.
pub(super) fn move_aside(dir: &Path, backup: Option<PathBuf>, target: &Path) -> Result<(), StoreError> {
    if target.exists() {
        discard_backup(backup)?;
    } else if let Some(backup) = backup {
        fs::rename(&backup, target).map_err(|e| StoreError::io(&backup, &e))?;
        crash_point!("store.quarantine.between_renames");
    } else {
        return fs::rename(dir, target).map_err(|e| StoreError::io(dir, &e));
    }
    let recovered = (1u32..)
        .map(|n| match n {
            1 => target.join("as-recovered"),
            n => target.join(format!("as-recovered-{n}")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| target.join("as-recovered"));
    fs::rename(dir, &recovered).map_err(|e| StoreError::io(dir, &e))
}

/// Everything set aside beside the store `dir`: its quarantines and an
/// unfinished open's backup (a sign-out removes them with the store).
pub(super) fn set_aside(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Ok(Vec::new());
    };
    let name = name.to_string_lossy();
    let prefixes = [format!("{name}.quarantine"), format!("{name}.opening-backup")];
    let entries = match fs::read_dir(parent) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io(parent, &e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io(parent, &e))?;
        let file = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| file.starts_with(p.as_str())) {
            out.push(entry.path());
        }
    }
    Ok(out)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), StoreError> {
    fs::create_dir_all(to).map_err(|e| StoreError::io(to, &e))?;
    for entry in fs::read_dir(from).map_err(|e| StoreError::io(from, &e))? {
        let entry = entry.map_err(|e| StoreError::io(from, &e))?;
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            fs::copy(entry.path(), &dest).map_err(|e| StoreError::io(&dest, &e))?;
        }
    }
    Ok(())
}
