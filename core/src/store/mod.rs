//! The encrypted credential store: one sled database in one directory,
//! holding digital keys, revocation lists, keypad PIN lists and PIN
//! secrets, trusted-time tokens, lock metadata and per-lock state, fast
//! keys, firmware images, the software signer's key and (see
//! [`crate::outbox`]) the event outbox.
//!
//! # At rest
//!
//! A random 32-byte data key, wrapped by the platform [`KeyStore`], seals
//! every record with AES-256-GCM (random nonce; the record's tree and key
//! as associated data, so records can't be swapped). Tree keys are
//! HMAC-derived from identifiers, so no lock id, key id or certificate
//! appears in any file of the directory.
//!
//! # Opening
//!
//! [`Store::open`] refuses a store written by a newer format (nothing is
//! changed) and a data key the key store can't unwrap (nothing is changed).
//! A store that can't be read (storage files damaged, check record does not
//! open) is renamed aside — [`OpenOutcome::quarantined`] says where and
//! why — and a fresh store is created, to be refilled by the next sync.
//! sled silently drops the part of its log after any damage, so the store
//! also keeps a generation counter mirrored in a small plain marker file
//! (`latchkey-store`, numbers only): a database behind its marker has lost
//! records and is quarantined too. When the files are not as a clean close
//! left them (after a crash), they are copied aside before sled's recovery
//! rewrites them, so a quarantine always keeps the original bytes. A note
//! beside the store (`<dir>.quarantine-unreported`) is written before
//! anything moves and removed once the fresh store opened: an open that
//! finds it (the app died mid-quarantine) finishes that quarantine and
//! reports it, so the loss is never hidden.
//!
//! # Using it
//!
//! Sub-clients group the records: [`Store::keys`], [`Store::locks`],
//! [`Store::revocations`], [`Store::pins`], [`Store::time_tokens`],
//! [`Store::fast_keys`].
//! Every call is synchronous (the async façade runs them on a blocking
//! thread) and every write is flushed to disk before it returns.

mod codec;
mod credentials;
mod error;
mod fast_keys;
mod handle;
mod history;
mod life;
mod life_codec;
mod locks;
mod marker;
mod merge;
mod offline;
mod open;
#[cfg(test)]
mod open_tests;
mod pins;
mod quarantine;
mod quarantine_note;
pub(crate) mod records;
pub(crate) mod seal;
pub(crate) mod spool;
mod wipe;

pub use credentials::{KeyCache, RevocationCache, StoredKey, TimeTokenCache};
pub use error::StoreError;
pub use fast_keys::{FastKeyEntry, FastKeys};
pub use handle::Store;
pub use history::{
    push_battery_sample, BatterySample, UnlockRecord, BATTERY_HISTORY_LEN, BATTERY_REPLACED_RISE,
    BATTERY_SAMPLE_SPACING_S,
};
pub use life::{
    FirmwareImages, FirmwareRecord, FirmwareRejection, KeptCheck, KeptItem, LockLife, StoredImage, StoredSetupSecret,
    UpdateReport,
};
pub use locks::{
    BackupEntry, BackupMethod, ClockSkew, LockCache, LockMeta, LockState, ObservedContact, ObservedStatus,
    RevocationAck, SeenAdvertisement,
};
pub use marker::FORMAT_VERSION;
pub use offline::{offline_check, OfflineRefusal};
pub(crate) use open::panic_is_handled_by_store;
pub use open::{OpenOutcome, Quarantined};
pub use pins::{
    KeypadLockoutSeen, KeypadObservation, PinAck, PinCache, PinChangeAction, PinChangeRecord, PinListNotes,
    StoredPinList,
};

pub(crate) use codec::{hex, hex_opt, hex_vec};

use crate::platform_keys::KeyStore;
use handle::StoreInner;
use std::path::{Path, PathBuf};
use std::sync::Arc;

// Here, not in `handle.rs`: closing writes the marker `open.rs` checks,
// and the handle knows nothing of opening.
impl Drop for StoreInner {
    fn drop(&mut self) {
        // A clean close records the newest generation (see `marker.rs`);
        // if it fails, the next open simply can't detect as much damage.
        if let Ok(meta) = self.db.open_tree(open::META_TREE) {
            let _ = marker::advance(&self.dir, &self.db, &meta, true);
        }
    }
}

impl Store {
    /// Opens (or creates) the store in `dir`, unwrapping its data key with
    /// `keystore`. See the module docs for what is refused and what is
    /// quarantined.
    pub fn open(dir: impl AsRef<Path>, keystore: Arc<dyn KeyStore>) -> Result<OpenOutcome, StoreError> {
        open::open(dir.as_ref(), keystore)
    }

    /// Renames the (closed) store in `dir` aside, as [`Store::open`] does
    /// with an unreadable store, and returns where it went. For when the app
    /// knows the data key is gone for good (e.g. the platform key was reset).
    /// Refused with [`StoreError::InUse`] while the store is open.
    pub fn quarantine(dir: impl AsRef<Path>) -> Result<PathBuf, StoreError> {
        open::quarantine_closed(dir.as_ref())
    }

    /// The store's lock file, `<dir>.lock` beside the store's directory:
    /// whoever opens the store holds an exclusive `flock` on it until the
    /// store closes (or the process dies), so a second opener, in this
    /// process or another, gets [`StoreError::InUse`] on every Unix,
    /// Android and iOS included.
    pub fn lock_path(dir: impl AsRef<Path>) -> PathBuf {
        open::lock_path(dir.as_ref())
    }

    /// Digital keys held by this phone.
    pub fn keys(&self) -> KeyCache<'_> {
        KeyCache { store: self }
    }

    /// Lock metadata and per-lock state.
    pub fn locks(&self) -> LockCache<'_> {
        LockCache { store: self }
    }

    /// The newest revocation list per lock or lock group.
    pub fn revocations(&self) -> RevocationCache<'_> {
        RevocationCache { store: self }
    }

    /// Keypad PIN lists (newest and acknowledged) and PIN secrets.
    pub fn pins(&self) -> PinCache<'_> {
        PinCache { store: self }
    }

    /// The newest trusted-time token per lock.
    pub fn time_tokens(&self) -> TimeTokenCache<'_> {
        TimeTokenCache { store: self }
    }

    /// Fast-unlock keys and their counters.
    pub fn fast_keys(&self) -> FastKeys<'_> {
        FastKeys { store: self }
    }

    /// Firmware images the phone carries, one per lock model.
    pub fn firmware(&self) -> FirmwareImages<'_> {
        FirmwareImages { store: self }
    }

    /// Every record that can't be read (listing skips them; they stay on
    /// disk untouched). Empty for a healthy store.
    pub fn unreadable_records(&self) -> Result<Vec<StoreError>, StoreError> {
        use credentials::{RevocationRecord, TimeTokenRecord};
        let i = &self.inner;
        let s = &i.sealer;
        let mut out = i.keys.unreadable::<StoredKey>(s)?;
        out.extend(i.revocations.unreadable::<RevocationRecord>(s)?);
        out.extend(i.time_tokens.unreadable::<TimeTokenRecord>(s)?);
        out.extend(i.lock_meta.unreadable::<LockMeta>(s)?);
        out.extend(i.lock_state.unreadable::<LockState>(s)?);
        out.extend(i.fast_keys.unreadable::<FastKeyEntry>(s)?);
        out.extend(i.secrets.unreadable::<String>(s)?);
        out.extend(i.pin_lists.unreadable::<StoredPinList>(s)?);
        out.extend(i.pin_lists_acked.unreadable::<StoredPinList>(s)?);
        out.extend(i.pin_secrets.unreadable::<pins::PinSecretRecord>(s)?);
        out.extend(i.firmware.unreadable::<String>(s)?);
        Ok(out)
    }
}
