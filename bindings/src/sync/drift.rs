//! The cloud's view of every lock (hosts): which revocation list and
//! which keypad PIN list each lock holds against the newest issued, and
//! the host's PIN calls (the cloud signs the lock's next PIN list; any
//! phone that syncs and then visits the lock delivers it). Also the time
//! token fetched at the door.

use super::{SyncClient, SyncError};
use crate::records::KeySchedule;
use latchkey_core::sync::{self as core, PinChange};
use latchkey_core::DiagnosisCode;
use latchkey_protocol::{Advertisement, LockId, PinClass, Schedule};

/// Revocation drift of one lock as the cloud sees it (host view).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CloudLockDrift {
    /// The lock (hex id).
    pub lock_id: String,
    /// Its name.
    pub name: String,
    /// The newest revocation list the cloud issued (0: none).
    pub cloud_seq: u32,
    /// The newest list a phone reported the lock holding (0: none known).
    pub lock_seq: u32,
    /// When the lock acknowledged it (phone clock, unix seconds).
    pub acknowledged_at: Option<u32>,
    /// When a phone reported it (cloud clock).
    pub reported_at: Option<u32>,
    /// Which phone reported it.
    pub reported_by: Option<String>,
    /// The lock holds the newest list.
    pub in_sync: bool,
}

impl From<core::CloudLockDrift> for CloudLockDrift {
    fn from(d: core::CloudLockDrift) -> Self {
        Self {
            lock_id: d.lock_id.to_hex(),
            name: d.name,
            cloud_seq: d.cloud_seq,
            lock_seq: d.lock_seq,
            acknowledged_at: d.acknowledged_at,
            reported_at: d.reported_at,
            reported_by: d.reported_by,
            in_sync: d.in_sync,
        }
    }
}

/// One change the cloud made to a lock's keypad PINs.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CloudPinChange {
    /// The PIN list seq that carries it.
    pub seq: u32,
    /// When (cloud clock, unix seconds).
    pub at: u32,
    /// `created`, `changed` or `deleted`.
    pub action: String,
    /// The slot.
    pub slot: u8,
    /// What the PIN is for.
    pub label: String,
    /// Who holds it, if the host said.
    pub holder: Option<String>,
    /// For `changed`: which parts (`code`, `class`, `window`, …).
    pub changed: Vec<String>,
}

impl From<core::CloudPinChange> for CloudPinChange {
    fn from(c: core::CloudPinChange) -> Self {
        Self {
            seq: c.seq,
            at: c.at,
            action: c.action,
            slot: c.slot,
            label: c.label,
            holder: c.holder,
            changed: c.changed,
        }
    }
}

/// Keypad PIN drift of one lock as the cloud sees it (host view).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CloudPinDrift {
    /// The lock (hex id).
    pub lock_id: String,
    /// Its name.
    pub name: String,
    /// The newest PIN list issued.
    pub cloud_seq: u32,
    /// The newest list a phone saw the lock holding.
    pub lock_seq: u32,
    /// How many changes the lock lacks.
    pub pending_count: u32,
    /// The changes the lock lacks that are still on record, oldest first.
    pub pending: Vec<CloudPinChange>,
    /// When the lock acknowledged `lock_seq` (phone clock).
    pub acknowledged_at: Option<u32>,
    /// When a phone reported it (cloud clock).
    pub reported_at: Option<u32>,
    /// Which phone reported it.
    pub reported_by: Option<String>,
    /// The last time a phone said it talked to the lock.
    pub last_contact_at: Option<u32>,
    /// Which phone that was.
    pub last_contact_by: Option<String>,
    /// The lock holds the newest list.
    pub in_sync: bool,
}

impl From<core::CloudPinDrift> for CloudPinDrift {
    fn from(d: core::CloudPinDrift) -> Self {
        Self {
            lock_id: d.lock_id.to_hex(),
            name: d.name,
            cloud_seq: d.cloud_seq,
            lock_seq: d.lock_seq,
            pending_count: d.pending_count,
            pending: d.pending.into_iter().map(Into::into).collect(),
            acknowledged_at: d.acknowledged_at,
            reported_at: d.reported_at,
            reported_by: d.reported_by,
            last_contact_at: d.last_contact_at,
            last_contact_by: d.last_contact_by,
            in_sync: d.in_sync,
        }
    }
}

/// A keypad PIN a host creates or changes in the cloud. Everything but
/// `slot` may be left out: a change keeps what it does not name; a new
/// slot needs `digits` and starts as a reusable user PIN with no window.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PinChangeRequest {
    /// The slot (a lock holds at most 19).
    pub slot: u8,
    /// The code (4–8 digits).
    #[uniffi(default = None)]
    pub digits: Option<String>,
    /// What the PIN is for ("Cleaner").
    #[uniffi(default = None)]
    pub label: Option<String>,
    /// Who holds it; an empty string clears it.
    #[uniffi(default = None)]
    pub holder: Option<String>,
    /// Master, user or guest.
    #[uniffi(default = None)]
    pub class: Option<PinClass>,
    /// First second of validity (unix seconds).
    #[uniffi(default = None)]
    pub not_before: Option<u32>,
    /// First second after validity (`0xFFFFFFFF`: none).
    #[uniffi(default = None)]
    pub not_after: Option<u32>,
    /// Sets the days and hours it works.
    #[uniffi(default = None)]
    pub schedule: Option<KeySchedule>,
    /// Removes the days and hours (ignored when `schedule` is set).
    #[uniffi(default = false)]
    pub clear_schedule: bool,
    /// Burned on first use.
    #[uniffi(default = None)]
    pub one_time: Option<bool>,
}

fn rejected(detail: String) -> SyncError {
    SyncError::Rejected {
        code: DiagnosisCode::CloudRejected,
        detail,
    }
}

fn lock_id(hex: &str) -> Result<LockId, SyncError> {
    LockId::from_hex(hex).ok_or_else(|| rejected(format!("`{hex}` is not a lock id (32 hex digits)")))
}

impl PinChangeRequest {
    fn into_core(self) -> Result<PinChange, SyncError> {
        let schedule = match (self.schedule, self.clear_schedule) {
            (Some(s), _) => Some(Some(
                Schedule::new(s.weekdays, s.start_minute, s.end_minute)
                    .map_err(|e| rejected(format!("invalid schedule: {e}")))?,
            )),
            (None, true) => Some(None),
            (None, false) => None,
        };
        Ok(PinChange {
            slot: self.slot,
            digits: self.digits,
            label: self.label,
            holder: self.holder,
            class: self.class,
            not_before: self.not_before,
            not_after: self.not_after,
            schedule,
            one_time: self.one_time,
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl SyncClient {
    /// Host: revocation drift of every lock, as the cloud sees it.
    pub async fn cloud_drift(&self) -> Result<Vec<CloudLockDrift>, SyncError> {
        let drift = self.engine()?.cloud_drift().await?;
        Ok(drift.into_iter().map(Into::into).collect())
    }

    /// Host: per lock, the keypad PIN changes the lock has not received
    /// yet, who last reported its list and when a phone last talked to it.
    pub async fn pin_drift(&self) -> Result<Vec<CloudPinDrift>, SyncError> {
        let drift = self.engine()?.pin_drift().await?;
        Ok(drift.into_iter().map(Into::into).collect())
    }

    /// Host: creates or changes a keypad PIN of a lock (hex id) in the
    /// cloud, which signs the lock's next PIN list.
    pub async fn change_pin(&self, lock_id: String, change: PinChangeRequest) -> Result<CloudPinChange, SyncError> {
        let id = self::lock_id(&lock_id)?;
        let change = change.into_core()?;
        Ok(self.engine()?.change_pin(&id, &change).await?.into())
    }

    /// Host: deletes a keypad PIN of a lock in the cloud; the lock still
    /// accepts it until a phone delivers the next list.
    pub async fn delete_pin(&self, lock_id: String, slot: u8) -> Result<CloudPinChange, SyncError> {
        let id = self::lock_id(&lock_id)?;
        Ok(self.engine()?.delete_pin(&id, slot).await?.into())
    }

    /// At the door of a lock whose clock is not trusted: fetches a time
    /// token bound to the challenge in the lock's advertisement
    /// (`manufacturer_data` of the scan result, company id 0xFFFF) and
    /// keeps it for the next command, which then sets the lock's clock
    /// either way. Returns the token's time (unix seconds).
    pub async fn time_token_at_door(&self, lock_id: String, manufacturer_data: Vec<u8>) -> Result<u32, SyncError> {
        let id = self::lock_id(&lock_id)?;
        let advert = Advertisement::decode(&manufacturer_data)
            .map_err(|e| rejected(format!("not a latchkey advertisement: {e}")))?;
        Ok(self
            .engine()?
            .time_token_at_door(&id, &advert.challenge)
            .await?
            .unix_time)
    }
}

/// What a keypad PIN is.
#[uniffi::remote(Enum)]
pub enum PinClass {
    /// The owner's recovery PIN: never time-limited.
    Master,
    /// A resident's PIN.
    User,
    /// A guest's PIN (usually with a window or schedule).
    Guest,
}
