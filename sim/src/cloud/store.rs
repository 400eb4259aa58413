//! The cloud's persistence: one sled database in its data directory, JSON
//! records in named trees. Every change is flushed before the request that
//! made it is answered.
//!
//! | tree | key | value |
//! | --- | --- | --- |
//! | `meta` | `issuer` | the issuer's PKCS#8 (a test server: stored plainly) |
//! | `locks` | lock id | [`super::wire::LockInfo`] |
//! | `phones` | name | [`PhoneRecord`] |
//! | `tokens` | SHA-256 of a bearer token | phone name |
//! | `keys` | key id | [`KeyRecord`] |
//! | `revocations` | lock id | [`RevocationRecord`] |
//! | `acks` | lock id | [`AckRecord`] |
//! | `pins` | lock id | [`super::pins::PinRegistry`] |
//! | `pin_acks` | lock id | [`AckRecord`] (of the PIN list) |
//! | `contacts` | lock id | [`ContactRecord`] |
//! | `events` | see `events.rs` | |
//! | `firmware` | model (u16 BE) | [`super::wire::FirmwareRelease`], the newest |

use super::error::{ApiError, CloudError};
use super::hex;
use super::wire::ScheduleSpec;
use latchkey_protocol::{KeyId, LockId, PublicKey};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A registered phone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct PhoneRecord {
    pub(super) name: String,
    #[serde(with = "hex")]
    pub(super) holder_key: PublicKey,
    pub(super) host: bool,
    /// SHA-256 of its current token (hex), so a rotation can drop it.
    pub(super) token_hash: String,
}

/// A key grant and its current certificate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct KeyRecord {
    #[serde(with = "hex")]
    pub(super) key_id: KeyId,
    #[serde(with = "hex")]
    pub(super) lock_id: LockId,
    pub(super) phone: String,
    pub(super) role: String,
    pub(super) label: String,
    pub(super) valid_from: u32,
    pub(super) valid_until: u32,
    pub(super) schedule: Option<ScheduleSpec>,
    pub(super) offline_allowed: bool,
    pub(super) cert_lifetime_s: u32,
    pub(super) serial: u32,
    pub(super) not_after: u32,
    /// Hex of the current certificate.
    pub(super) certificate: String,
    pub(super) revoked_at: Option<u32>,
}

/// The current revocation list of one lock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct RevocationRecord {
    pub(super) seq: u32,
    /// Hex of the signed list.
    pub(super) list: String,
}

/// The newest revocation seq a phone reported a lock holding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct AckRecord {
    pub(super) seq: u32,
    pub(super) acknowledged_at: u32,
    pub(super) reported_at: u32,
    pub(super) reported_by: String,
}

/// The last time a phone said it talked to a lock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct ContactRecord {
    /// Phone clock, never later than the cloud's clock when reported.
    pub(super) at: u32,
    pub(super) phone: String,
}

/// The open database and its trees.
pub(super) struct Db {
    db: sled::Db,
    pub(super) meta: sled::Tree,
    pub(super) locks: sled::Tree,
    pub(super) phones: sled::Tree,
    pub(super) tokens: sled::Tree,
    pub(super) keys: sled::Tree,
    pub(super) revocations: sled::Tree,
    pub(super) acks: sled::Tree,
    pub(super) pins: sled::Tree,
    pub(super) pin_acks: sled::Tree,
    pub(super) contacts: sled::Tree,
    pub(super) events: sled::Tree,
    pub(super) firmware: sled::Tree,
}

/// Opens `config`, waiting up to 2 s while an earlier instance in this
/// process still holds the file lock: sled releases it only when its
/// background flusher notices the last handle is gone, a moment after the
/// drop (a cloud restarted at once met "could not acquire lock").
fn open_when_released(config: &sled::Config) -> Result<sled::Db, sled::Error> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        match config.open() {
            // sled words it so (its error kind is `Other`).
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock") && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

impl Db {
    /// Opens (or creates) the database in `dir`.
    pub(super) fn open(dir: &Path) -> Result<Self, CloudError> {
        std::fs::create_dir_all(dir).map_err(|e| CloudError::Storage(format!("{}: {e}", dir.display())))?;
        // A bounded page cache: sled's default (1 GiB) is far more than a
        // reference server needs.
        let config = sled::Config::new()
            .path(dir.join("cloud.sled"))
            .cache_capacity(64 * 1024 * 1024);
        let db = open_when_released(&config)?;
        Ok(Self {
            meta: db.open_tree("meta")?,
            locks: db.open_tree("locks")?,
            phones: db.open_tree("phones")?,
            tokens: db.open_tree("tokens")?,
            keys: db.open_tree("keys")?,
            revocations: db.open_tree("revocations")?,
            acks: db.open_tree("acks")?,
            pins: db.open_tree("pins")?,
            pin_acks: db.open_tree("pin_acks")?,
            contacts: db.open_tree("contacts")?,
            events: db.open_tree("events")?,
            firmware: db.open_tree("firmware")?,
            db,
        })
    }

    /// Flushes every tree to disk.
    pub(super) fn flush(&self) -> Result<(), ApiError> {
        self.db.flush()?;
        Ok(())
    }
}

/// Reads one JSON record.
pub(super) fn get<T: DeserializeOwned>(tree: &sled::Tree, key: &[u8]) -> Result<Option<T>, ApiError> {
    match tree.get(key)? {
        None => Ok(None),
        Some(raw) => serde_json::from_slice(&raw)
            .map(Some)
            .map_err(|e| ApiError::internal(format!("a stored record does not decode: {e}"))),
    }
}

/// Writes one JSON record (not flushed).
pub(super) fn put<T: Serialize>(tree: &sled::Tree, key: &[u8], value: &T) -> Result<(), ApiError> {
    let raw = serde_json::to_vec(value).map_err(|e| ApiError::internal(format!("can't encode a record: {e}")))?;
    tree.insert(key, raw)?;
    Ok(())
}

/// Every record of a tree, in key order.
pub(super) fn list<T: DeserializeOwned>(tree: &sled::Tree) -> Result<Vec<T>, ApiError> {
    let mut out = Vec::new();
    for item in tree.iter() {
        let (_, raw) = item?;
        out.push(
            serde_json::from_slice(&raw)
                .map_err(|e| ApiError::internal(format!("a stored record does not decode: {e}")))?,
        );
    }
    Ok(out)
}
