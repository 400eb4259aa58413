//! The cloud API's JSON for keypad PINs: the lock's PIN list with its
//! notes, the portal's change log, the PIN drift hosts read, and the
//! acknowledged PIN list seqs phones report.

use crate::store::{hex, PinChangeAction, PinChangeRecord};
use latchkey_protocol::LockId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `GET /v1/locks/{id}/pins`.
#[derive(Deserialize)]
pub(crate) struct PinListBody {
    pub(crate) seq: u32,
    pub(crate) list: Option<String>,
    #[serde(default)]
    pub(crate) labels: BTreeMap<u8, String>,
    #[serde(default)]
    pub(crate) holders: BTreeMap<u8, String>,
    #[serde(default)]
    pub(crate) changes: Vec<CloudPinChange>,
    pub(crate) secret: Option<String>,
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

/// `GET /v1/pin-drift`, and the answer to the PIN acks.
#[derive(Deserialize)]
pub(crate) struct PinDriftBody {
    pub(crate) locks: Vec<CloudPinDrift>,
}

/// One acknowledged PIN list seq, with this phone's last contact.
#[derive(Serialize)]
pub(crate) struct PinAckItem {
    #[serde(with = "hex")]
    pub(crate) lock_id: LockId,
    pub(crate) seq: u32,
    pub(crate) acknowledged_at: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_contact_at: Option<u32>,
}

impl PinAckItem {
    /// What makes a report new: another seq or a later contact.
    pub(crate) fn mark(&self) -> (u32, u32, u32) {
        (self.seq, self.acknowledged_at, self.last_contact_at.unwrap_or(0))
    }
}

/// `POST /v1/pin-acks`.
#[derive(Serialize)]
pub(crate) struct PinAckBody {
    pub(crate) acks: Vec<PinAckItem>,
}
