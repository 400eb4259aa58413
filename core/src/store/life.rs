//! What the phone knows of a lock's life ([`LockLife`], part of the
//! lock's state): its firmware as the lock last told it, the last update
//! and what it kept, a refused image, another account's claim, the setup
//! secret from its label; and the firmware images the phone carries
//! (`store.firmware()`, one per lock model).
//!
//! Both are kept in a compact binary form (`life_codec.rs`) inside the
//! sealed records: they are read on every command and carried by a
//! library whose size is budgeted.

use super::{Store, StoreError};
use latchkey_protocol::{FirmwareLosses, FirmwareManifest, FirmwareVersion, LockInfo, ResultCode};

/// A lock's life, as one part of its state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockLife {
    /// The lock's firmware as it last said.
    pub firmware: Option<FirmwareRecord>,
    /// The last update this phone delivered, and what it kept.
    pub last_update: Option<UpdateReport>,
    /// The last image the lock refused.
    pub firmware_rejected: Option<FirmwareRejection>,
    /// When a claim found the lock claimed by another account.
    pub claimed_elsewhere_at: Option<u32>,
    /// The setup secret from the lock's label (owners' phones).
    pub setup_secret: Option<StoredSetupSecret>,
}

/// The lock's firmware, as its last `Info` or claim offer said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirmwareRecord {
    /// Running version ([`FirmwareVersion`] packing).
    pub version: u32,
    /// Lock model.
    pub model: u16,
    /// A download the lock holds and has not installed: version, bytes
    /// held, size.
    pub download: Option<(u32, u32, u32)>,
    /// The lock asks for lists a firmware update dropped.
    pub needs_lists: bool,
    /// When the phone learned it (phone clock).
    pub observed_at: u32,
}

impl FirmwareRecord {
    /// From the lock's answer to `Info`, at `at`.
    pub fn from_info(info: &LockInfo, at: u32) -> Self {
        Self {
            version: info.firmware.0,
            model: info.model,
            download: info.download.map(|d| (d.version.0, d.offset, d.size)),
            needs_lists: info.needs_lists,
            observed_at: at,
        }
    }

    /// The running version.
    pub fn running(&self) -> FirmwareVersion {
        FirmwareVersion(self.version)
    }
}

/// One thing an update could keep or drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeptItem {
    /// Certificates the lock had checked and the fast keys phones use.
    KeysAndFastKeys,
    /// The keypad PIN list.
    PinList,
    /// The revocation list.
    RevocationList,
    /// The clock's trust.
    ClockTrust,
    /// The event log and its hash chain.
    EventLog,
}

impl KeptItem {
    pub(crate) const ALL: [KeptItem; 5] = [
        Self::KeysAndFastKeys,
        Self::PinList,
        Self::RevocationList,
        Self::ClockTrust,
        Self::EventLog,
    ];

    /// Its stable name (`pin_list`; the vendor's loss names where they
    /// overlap, `FirmwareLosses::names`): what diagnostics carry, and the
    /// catalog's `value.lost.<name>` key of its words in every locale.
    pub fn name(self) -> &'static str {
        match self {
            Self::KeysAndFastKeys => "certificates",
            Self::PinList => "pin_list",
            Self::RevocationList => "revocation_list",
            Self::ClockTrust => "clock_trust",
            Self::EventLog => "event_log",
        }
    }

    /// Plain words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::KeysAndFastKeys => "keys and fast keys",
            Self::PinList => "the keypad PIN list",
            Self::RevocationList => "the list of withdrawn keys",
            Self::ClockTrust => "the clock's trusted time",
            Self::EventLog => "the event log",
        }
    }
}

/// How one item came through an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeptCheck {
    /// What.
    pub item: KeptItem,
    /// The new firmware still had it.
    pub kept: bool,
    /// Dropped, and a phone has put it back since.
    pub repaired: bool,
}

/// What an update did, as the phone that delivered it checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateReport {
    /// The version before.
    pub from: u32,
    /// The version after.
    pub to: u32,
    /// When the phone checked (phone clock).
    pub at: u32,
    /// Item by item.
    pub checks: Vec<KeptCheck>,
}

impl UpdateReport {
    /// What was dropped and not put back yet.
    pub fn unrepaired(&self) -> Vec<KeptItem> {
        self.checks
            .iter()
            .filter(|c| !c.kept && !c.repaired)
            .map(|c| c.item)
            .collect()
    }

    /// The report in plain words.
    pub fn describe(&self) -> String {
        let (from, to) = (FirmwareVersion(self.from), FirmwareVersion(self.to));
        let list = |items: Vec<&str>| items.join(", ");
        let kept = list(
            self.checks
                .iter()
                .filter(|c| c.kept)
                .map(|c| c.item.describe())
                .collect(),
        );
        let mut out = match kept.is_empty() {
            true => format!("The update from {from} to {to}."),
            false => format!("The update from {from} to {to} kept {kept}."),
        };
        for c in self.checks.iter().filter(|c| !c.kept) {
            let after = if c.repaired {
                "the app put it back"
            } else {
                "it is missing until a phone brings it back"
            };
            out.push_str(&format!(" It did not keep {} ({after}).", c.item.describe()));
        }
        out
    }
}

/// An image the lock refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirmwareRejection {
    /// The version offered.
    pub version: u32,
    /// Why (`firmware_invalid`, `firmware_downgrade`).
    pub code: ResultCode,
    /// When (phone clock).
    pub at: u32,
}

/// The setup secret from a lock's label, kept so its owner can
/// re-commission it after a reset without the label at hand.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct StoredSetupSecret(pub [u8; 16]);

impl std::fmt::Debug for StoredSetupSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoredSetupSecret(..)")
    }
}

/// A firmware image the phone carries to locks of its model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    /// The vendor-signed manifest.
    pub manifest: FirmwareManifest,
    /// The image.
    pub image: Vec<u8>,
    /// What the vendor says this version does not keep (known credential
    /// loss), as [`FirmwareLosses`] bits.
    pub known_losses: u16,
    /// When the phone got it (phone clock).
    pub added_at: u32,
}

impl StoredImage {
    /// What the vendor says this version does not keep.
    pub fn losses(&self) -> FirmwareLosses {
        FirmwareLosses(self.known_losses)
    }
}

/// Firmware images: `store.firmware()`.
#[derive(Debug, Clone, Copy)]
pub struct FirmwareImages<'a> {
    pub(super) store: &'a Store,
}

impl FirmwareImages<'_> {
    /// Keeps `image` if it is newer than the one held for its model;
    /// returns whether it was.
    pub fn put(&self, image: &StoredImage) -> Result<bool, StoreError> {
        let _guard = self.store.update_guard();
        let model = image.manifest.model;
        if self
            .get(model)?
            .is_some_and(|old| old.manifest.version >= image.manifest.version)
        {
            return Ok(false);
        }
        let i = &self.store.inner;
        let record = latchkey_protocol::hex::encode(&image.to_bytes());
        i.firmware.put(&i.db, &i.sealer, &[&model.to_be_bytes()], &record)?;
        Ok(true)
    }

    /// The newest image held for `model`.
    pub fn get(&self, model: u16) -> Result<Option<StoredImage>, StoreError> {
        let i = &self.store.inner;
        let Some(record) = i.firmware.get::<String>(&i.sealer, &[&model.to_be_bytes()])? else {
            return Ok(None);
        };
        latchkey_protocol::hex::decode(&record)
            .and_then(|b| StoredImage::from_bytes(&b))
            .map(Some)
            .ok_or_else(|| StoreError::corrupt("firmware_images", "not a stored image"))
    }
}
