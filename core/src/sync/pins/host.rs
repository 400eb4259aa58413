//! A host's PIN calls: create, change and delete a lock's keypad PINs in
//! the cloud (which signs the lock's next PIN list), and read which
//! changes each lock still lacks.

use super::super::engine::Inner;
use super::super::error::SyncError;
use super::super::SyncEngine;
use crate::store::{hex, PinChangeAction, PinChangeRecord};
use latchkey_protocol::{LockId, PinClass, Schedule};
use serde::{Deserialize, Serialize};

/// A PIN a host creates or changes. Everything but `slot` may be left
/// `None`: a change keeps what it does not name; a new slot needs
/// `digits` and starts as a reusable user PIN with no window.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PinChange {
    /// The slot (a lock holds at most 19).
    pub slot: u8,
    /// The code (4–8 digits); `None` keeps the current one.
    pub digits: Option<String>,
    /// What the PIN is for ("Cleaner").
    pub label: Option<String>,
    /// Who holds it; `Some("")` clears it.
    pub holder: Option<String>,
    /// Master, user or guest.
    pub class: Option<PinClass>,
    /// First second of validity.
    pub not_before: Option<u32>,
    /// First second after validity (`u32::MAX`: none).
    pub not_after: Option<u32>,
    /// `Some(Some(s))` sets the days and hours, `Some(None)` removes them.
    pub schedule: Option<Option<Schedule>>,
    /// Burned on first use.
    pub one_time: Option<bool>,
}

#[derive(Serialize)]
struct ScheduleBody {
    weekdays: u8,
    start_minute: u16,
    end_minute: u16,
}

#[derive(Serialize)]
struct PinChangeBody<'a> {
    slot: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    digits: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    holder: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_after: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<Option<ScheduleBody>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    one_time: Option<bool>,
}

/// One change the cloud made to a lock's PINs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
    #[serde(default)]
    pub holder: Option<String>,
    /// For `changed`: which parts (`code`, `class`, `window`, `schedule`,
    /// `one_time`, `label`, `holder`).
    #[serde(default)]
    pub changed: Vec<String>,
}

impl CloudPinChange {
    /// As the phone stores it, if the action is one it knows.
    pub fn record(&self) -> Option<PinChangeRecord> {
        Some(PinChangeRecord {
            seq: self.seq,
            at: self.at,
            action: PinChangeAction::parse(&self.action)?,
            slot: self.slot,
            label: self.label.clone(),
            holder: self.holder.clone(),
            changed: self.changed.clone(),
        })
    }
}

/// The cloud's view of one lock's keypad PINs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CloudPinDrift {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// Its name.
    pub name: String,
    /// The newest PIN list issued.
    pub cloud_seq: u32,
    /// The newest list a phone saw the lock holding.
    pub lock_seq: u32,
    /// How many changes the lock lacks.
    #[serde(default)]
    pub pending_count: u32,
    /// The changes the lock lacks that are still on record, oldest first.
    pub pending: Vec<CloudPinChange>,
    /// When the lock acknowledged `lock_seq` (phone clock).
    pub acknowledged_at: Option<u32>,
    /// When a phone reported it (cloud clock).
    #[serde(default)]
    pub reported_at: Option<u32>,
    /// Which phone reported it.
    pub reported_by: Option<String>,
    /// The last time a phone said it talked to the lock.
    #[serde(default)]
    pub last_contact_at: Option<u32>,
    /// Which phone that was.
    #[serde(default)]
    pub last_contact_by: Option<String>,
    /// The lock holds the newest list.
    pub in_sync: bool,
}

#[derive(Deserialize)]
pub(super) struct PinDriftBody {
    pub(super) locks: Vec<CloudPinDrift>,
}

impl Inner {
    /// `POST /v1/locks/{id}/pins` (hosts).
    pub(crate) async fn change_pin(&self, lock_id: &LockId, change: &PinChange) -> Result<CloudPinChange, SyncError> {
        self.ensure_online()?;
        let body = PinChangeBody {
            slot: change.slot,
            digits: change.digits.as_deref(),
            label: change.label.as_deref(),
            holder: change.holder.as_deref(),
            class: change.class.map(PinClass::name),
            not_before: change.not_before,
            not_after: change.not_after,
            schedule: change.schedule.map(|s| {
                s.map(|s| ScheduleBody {
                    weekdays: s.weekdays,
                    start_minute: s.start_minute,
                    end_minute: s.end_minute,
                })
            }),
            one_time: change.one_time,
        };
        let api = self.api().map_err(|f| f.public())?;
        api.post(&format!("/v1/locks/{lock_id}/pins"), &body)
            .await
            .map_err(|f| f.public())
    }

    /// `DELETE /v1/locks/{id}/pins/{slot}` (hosts).
    pub(crate) async fn delete_pin(&self, lock_id: &LockId, slot: u8) -> Result<CloudPinChange, SyncError> {
        self.ensure_online()?;
        let api = self.api().map_err(|f| f.public())?;
        api.delete(&format!("/v1/locks/{lock_id}/pins/{slot}"))
            .await
            .map_err(|f| f.public())
    }

    /// `GET /v1/pin-drift` (hosts).
    pub(crate) async fn pin_drift(&self) -> Result<Vec<CloudPinDrift>, SyncError> {
        self.ensure_online()?;
        let api = self.api().map_err(|f| f.public())?;
        let body: PinDriftBody = api.get("/v1/pin-drift").await.map_err(|f| f.public())?;
        Ok(body.locks)
    }
}

impl SyncEngine {
    /// Host: creates or changes a keypad PIN of a lock in the cloud (what
    /// `change` leaves `None` stays as it is), which signs the lock's next
    /// PIN list; any phone that syncs and then visits the lock delivers it.
    pub async fn change_pin(&self, lock_id: &LockId, change: &PinChange) -> Result<CloudPinChange, SyncError> {
        self.inner.change_pin(lock_id, change).await
    }

    /// Host: deletes a keypad PIN of a lock in the cloud, which signs the
    /// lock's next PIN list; the lock still accepts the PIN until a phone
    /// delivers that list.
    pub async fn delete_pin(&self, lock_id: &LockId, slot: u8) -> Result<CloudPinChange, SyncError> {
        self.inner.delete_pin(lock_id, slot).await
    }

    /// Host: per lock, the PIN changes the lock has not received yet, who
    /// last reported its list and when a phone last talked to it ("deleted
    /// on Monday, lock still accepts it: last contact Sunday").
    pub async fn pin_drift(&self) -> Result<Vec<CloudPinDrift>, SyncError> {
        self.inner.pin_drift().await
    }
}
