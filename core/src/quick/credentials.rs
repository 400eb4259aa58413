//! A lock's quick-access file, `<dir>/locks/<name>.cred`: what a widget's
//! or watch's process needs to open that lock, written by the app (and
//! its FAST state by whichever process last talked to the lock), always
//! while holding the lock's guard, and replaced atomically.

use super::error::QuickError;
use super::layout::{read_optional, write_atomically, QuickDir};
use crate::command::LockSnapshot;
use crate::store::seal::Sealer;
use crate::store::{hex, FastKeyEntry};
use latchkey_protocol::{KeyId, LockId, PublicKey};
use serde::{Deserialize, Serialize};

/// The AEAD's "tree" for credential files.
const SEALED_AS: &str = "quick-credentials";

/// One lock, as quick access sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct QuickCredentials {
    /// The lock, its keys for this phone and what to carry to it.
    pub(crate) snapshot: LockSnapshot,
    /// The phone's holder key, which the keys are issued to.
    #[serde(with = "hex")]
    pub(crate) holder: PublicKey,
    /// The fast keys for the lock and the counters their next requests
    /// use: the one copy both processes reserve counters from.
    pub(crate) fast: Vec<FastKeyEntry>,
}

impl QuickCredentials {
    /// The FAST entry for `key_id`.
    pub(crate) fn fast_entry(&self, key_id: &KeyId) -> Option<&FastKeyEntry> {
        self.fast.iter().find(|e| e.key_id == *key_id)
    }

    /// Replaces (or adds) the FAST entry of its key id.
    pub(crate) fn set_fast_entry(&mut self, entry: FastKeyEntry) {
        self.fast.retain(|e| e.key_id != entry.key_id);
        self.fast.push(entry);
    }

    /// Forgets the FAST entry of `key_id`.
    pub(crate) fn forget_fast_entry(&mut self, key_id: &KeyId) {
        self.fast.retain(|e| e.key_id != *key_id);
    }
}

/// Reads the lock's file; `None` when the lock was never shared.
pub(crate) fn read(dir: &QuickDir, sealer: &Sealer, lock_id: &LockId) -> Result<Option<QuickCredentials>, QuickError> {
    let name = QuickDir::lock_name(sealer, lock_id);
    let path = dir.credentials_file(&name);
    let Some(sealed) = read_optional(&path)? else {
        return Ok(None);
    };
    let plain = sealer
        .open(SEALED_AS, name.as_bytes(), &sealed)
        .map_err(|e| QuickError::unreadable(&path, e))?;
    let creds: QuickCredentials =
        serde_json::from_slice(&plain).map_err(|e| QuickError::unreadable(&path, format!("does not decode: {e}")))?;
    if creds.snapshot.meta.lock_id != *lock_id {
        return Err(QuickError::unreadable(&path, "it holds another lock"));
    }
    Ok(Some(creds))
}

/// Replaces the lock's file (the caller holds its guard).
pub(crate) fn write(dir: &QuickDir, sealer: &Sealer, creds: &QuickCredentials) -> Result<(), QuickError> {
    let name = QuickDir::lock_name(sealer, &creds.snapshot.meta.lock_id);
    let path = dir.credentials_file(&name);
    let plain = serde_json::to_vec(creds).map_err(|e| QuickError::unreadable(&path, format!("can't encode: {e}")))?;
    let sealed = sealer.seal(SEALED_AS, name.as_bytes(), &plain)?;
    write_atomically(&path, &sealed)
}
