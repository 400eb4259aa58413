//! Keypad PINs: `client.pins()`. The phone stores signed PIN lists (the
//! next session with the lock delivers the newest), shows per lock which
//! PIN changes the lock has not received yet (PIN drift), and on a host's
//! phone, which holds the lock's PIN secret, makes time-bound offline PINs
//! with no network.
//!
//! ```kotlin
//! val pin = client.pins().offlinePin(lockId, startUnix = checkIn, durationS = 3u * 3600u, oneTime = false)
//! share("Your code: ${pin.code}, valid ${pin.validFrom}–${pin.validUntil}")
//! ```

use crate::errors::CredentialError;
use crate::session::Session;
use latchkey_core::client::{PendingPinChange as CorePending, PinStatus as CoreStatus};
use latchkey_core::{Client, DiagnosisCode};
use latchkey_protocol::pin::PinSlotChange;
use latchkey_protocol::{LockId, OfflinePin as CoreOfflinePin, PinList, PinSecret};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A time-bound keypad code made on this phone. Hand it to the guest;
/// never log it.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct OfflinePin {
    /// The 9 digits to type.
    pub code: String,
    /// First second it works (unix seconds): the start rounded down to the
    /// hour, or to local midnight for day codes.
    pub valid_from: u32,
    /// First second it no longer works (unix seconds).
    pub valid_until: u32,
    /// It counts whole days (else hours).
    pub day_code: bool,
    /// It stops working after its first use.
    pub one_time: bool,
}

impl From<CoreOfflinePin> for OfflinePin {
    fn from(p: CoreOfflinePin) -> Self {
        Self {
            valid_from: p.valid_from,
            valid_until: p.valid_until,
            day_code: p.kind.is_day_code(),
            one_time: p.kind.one_time(),
            code: p.code,
        }
    }
}

/// What happened to a PIN slot in a change the lock has not received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PinChangeKind {
    /// A new PIN: the lock does not accept it yet.
    Added,
    /// A deleted PIN: the lock still accepts it.
    Removed,
    /// A changed PIN: the lock still applies the old version.
    Changed,
}

/// One slot change the lock has not received yet.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PendingPinChange {
    /// The slot number.
    pub slot: u8,
    /// What changed.
    pub kind: PinChangeKind,
    /// What the slot is for, as the host named it.
    pub label: Option<String>,
    /// Who holds it, where the host said.
    pub holder: Option<String>,
    /// When it was changed in the portal (unix seconds), when known.
    pub changed_at: Option<u32>,
    /// For a change: which parts (`code`, `window`, …), when known.
    pub parts: Vec<String>,
}

impl From<CorePending> for PendingPinChange {
    fn from(c: CorePending) -> Self {
        let (kind, slot) = match c.change {
            PinSlotChange::Added(n) => (PinChangeKind::Added, n),
            PinSlotChange::Removed(n) => (PinChangeKind::Removed, n),
            PinSlotChange::Changed(n) => (PinChangeKind::Changed, n),
        };
        Self {
            slot,
            kind,
            label: c.label,
            holder: c.holder,
            changed_at: c.changed_at,
            parts: c.parts,
        }
    }
}

/// The keypad as the phone last saw it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeypadInfo {
    /// Locked out (too many wrong codes) at the last contact.
    pub locked_out: bool,
    /// When that was (unix seconds).
    pub observed_at: u32,
    /// Lockouts collected from the lock's log so far.
    pub lockouts_seen: u32,
    /// When the newest lockout started (lock clock, unix seconds).
    pub last_lockout_at: Option<u32>,
    /// How long it lasted, in seconds.
    pub last_lockout_s: Option<u32>,
}

/// Where one lock stands with its keypad PINs, as this phone knows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PinStatus {
    /// The lock (hex id).
    pub lock_id: String,
    /// Its display name, when known.
    pub lock_name: Option<String>,
    /// Seq of the newest PIN list this phone holds for it.
    pub held_seq: Option<u32>,
    /// When the host last changed the lock's PINs (unix seconds).
    pub held_issued_at: Option<u32>,
    /// The list the lock last confirmed holding.
    pub acked_seq: Option<u32>,
    /// When it confirmed it (unix seconds).
    pub acked_at: Option<u32>,
    /// The lock lacks changes this phone holds: deleted PINs still open,
    /// new ones don't, until a phone delivers them.
    pub pending: bool,
    /// How many portal changes the lock lacks.
    pub pending_count: u32,
    /// The pending changes slot by slot (none: this phone can't tell).
    pub pending_changes: Option<Vec<PendingPinChange>>,
    /// One sentence per pending change, in English, for a status screen.
    pub description: Vec<String>,
    /// When this phone last talked to the lock (unix seconds).
    pub last_contact: Option<u32>,
    /// The keypad as last observed.
    pub keypad: Option<KeypadInfo>,
    /// `KeypadLockedOut` when the keypad was locked out at the last contact.
    pub diagnosis: Option<DiagnosisCode>,
}

impl From<CoreStatus> for PinStatus {
    fn from(s: CoreStatus) -> Self {
        Self {
            lock_id: s.lock_id.to_hex(),
            description: s.describe(),
            diagnosis: s.diagnosis(),
            lock_name: s.lock_name,
            held_seq: s.held_seq,
            held_issued_at: s.held_issued_at,
            acked_seq: s.acked.map(|a| a.seq),
            acked_at: s.acked.map(|a| a.acknowledged_at),
            pending: s.pending,
            pending_count: s.pending_count,
            pending_changes: s
                .pending_changes
                .map(|changes| changes.into_iter().map(Into::into).collect()),
            last_contact: s.last_contact,
            keypad: s.keypad.map(|k| KeypadInfo {
                locked_out: k.locked_out,
                observed_at: k.observed_at,
                lockouts_seen: k.lockouts_seen,
                last_lockout_at: k.last_lockout.map(|l| l.lock_time),
                last_lockout_s: k.last_lockout.map(|l| l.duration_s),
            }),
        }
    }
}

/// Keypad PINs: `client.pins()`.
#[derive(uniffi::Object)]
pub struct PinsClient {
    session: Session,
}

impl PinsClient {
    pub(crate) fn new(session: Session) -> Self {
        Self { session }
    }

    fn phone(&self) -> Result<Arc<Client>, CredentialError> {
        self.session.client()
    }
}

fn lock_id(hex: &str) -> Result<LockId, CredentialError> {
    crate::keys::lock_id("lock id", hex)
}

#[uniffi::export(async_runtime = "tokio")]
impl PinsClient {
    /// Stores a signed keypad PIN list (its wire encoding) if it is newer
    /// than the one held, after checking it is signed by the issuer of a
    /// known lock; returns whether it was newer. `labels` name the slots'
    /// holders (slot number → name) for the app and the emergency sheet.
    /// With a cloud, sync does this.
    pub async fn add_pin_list(&self, encoded: Vec<u8>, labels: HashMap<u8, String>) -> Result<bool, CredentialError> {
        let list = PinList::decode(&encoded).map_err(|e| CredentialError::invalid("PIN list", e))?;
        // Inserted one by one: collecting would compile a sort for the pairs.
        let mut sorted = BTreeMap::new();
        for (slot, label) in labels {
            sorted.insert(slot, label);
        }
        let labels = sorted;
        latchkey_core::log_line!(Info, target: "latchkey::keys", "PIN list {} for {} received", list.seq, list.lock_id);
        Ok(self.phone()?.pins().add_pin_list(list, labels).await?)
    }

    /// Stores a lock's PIN secret (32 bytes), with which this phone makes
    /// offline PINs. Only a host's phone receives it, from the cloud over
    /// the authenticated channel; it is sealed at rest.
    pub async fn add_pin_secret(&self, lock_id: String, secret: Vec<u8>) -> Result<(), CredentialError> {
        let id = self::lock_id(&lock_id)?;
        let bytes: [u8; 32] = secret
            .try_into()
            .map_err(|_| CredentialError::invalid("PIN secret", "not 32 bytes"))?;
        self.phone()?.pins().add_pin_secret(id, PinSecret(bytes)).await?;
        latchkey_core::log_line!(Info, target: "latchkey::keys", "PIN secret for {id} stored");
        Ok(())
    }

    /// Makes an offline keypad PIN for a stay from `start_unix` lasting
    /// `duration_s`, with no network: hour codes up to 24 hours (one-time
    /// if asked), day codes up to 28 days, in the lock's local time. The
    /// window is widened to whole hours or days; the result says it.
    pub async fn offline_pin(
        &self,
        lock_id: String,
        start_unix: u32,
        duration_s: u32,
        one_time: bool,
    ) -> Result<OfflinePin, CredentialError> {
        let id = self::lock_id(&lock_id)?;
        let pin = self
            .phone()?
            .pins()
            .offline_pin(id, start_unix, duration_s, one_time)
            .await?;
        latchkey_core::log_line!(Info, target: "latchkey::keys", "offline PIN for {id} made ({duration_s} s)");
        Ok(pin.into())
    }

    /// Where one lock stands with its keypad PINs.
    pub async fn status(&self, lock_id: String) -> Result<PinStatus, CredentialError> {
        let id = self::lock_id(&lock_id)?;
        Ok(self.phone()?.pins().status(id).await?.into())
    }

    /// [`PinsClient::status`] for every lock this phone holds a PIN list
    /// for: the phone's PIN drift view.
    pub async fn list(&self) -> Result<Vec<PinStatus>, CredentialError> {
        let statuses = self.phone()?.pins().list().await?;
        Ok(statuses.into_iter().map(Into::into).collect())
    }
}
