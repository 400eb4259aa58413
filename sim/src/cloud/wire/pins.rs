//! The JSON bodies of the keypad PIN calls (docs/cloud-api.md, "PINs").

use super::super::hex;
use super::schedule::ScheduleSpec;
use latchkey_protocol::LockId;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// `POST /v1/locks/{lock_id}/pins` (hosts): create a slot's PIN or change
/// it. Every field but `slot` may be left out: a change keeps what it
/// does not name; a new slot needs `digits` and takes the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinChangeRequest {
    /// The slot (0–255; a lock holds at most 19).
    pub slot: u8,
    /// The code (4–8 digits); left out, a change keeps the current code.
    #[serde(default, deserialize_with = "not_null", skip_serializing_if = "Option::is_none")]
    pub digits: Option<String>,
    /// What the PIN is for ("Cleaner"); shown in drift and on the sheet.
    #[serde(default, deserialize_with = "not_null", skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Who holds it ("Maria, Sparkle Cleaning").
    #[serde(default, deserialize_with = "not_null", skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// `master`, `user` (default for a new slot) or `guest`.
    #[serde(default, deserialize_with = "not_null", skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// First second of validity (new slot: 0).
    #[serde(default, deserialize_with = "not_null", skip_serializing_if = "Option::is_none")]
    pub not_before: Option<u32>,
    /// First second after validity (new slot: 4294967295, none).
    #[serde(default, deserialize_with = "not_null", skip_serializing_if = "Option::is_none")]
    pub not_after: Option<u32>,
    /// Days and hours allowed: left out keeps it, `null` removes it.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Option<ScheduleSpec>>,
    /// Burned on first use (new slot: false).
    #[serde(default, deserialize_with = "not_null", skip_serializing_if = "Option::is_none")]
    pub one_time: Option<bool>,
}

/// A field that may be left out but is never `null` (`null` is a 400, as
/// the schema says): absent stays `None` through `#[serde(default)]`.
fn not_null<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A field that is present (possibly `null`) becomes `Some(..)`; an
/// absent one stays `None` through `#[serde(default)]`.
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// What a change did to a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinAction {
    /// A PIN in a slot that was empty.
    Created,
    /// The code, rule, label or holder of a PIN changed.
    Changed,
    /// The slot was emptied.
    Deleted,
}

impl PinAction {
    /// `created`, `changed` or `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            PinAction::Created => "created",
            PinAction::Changed => "changed",
            PinAction::Deleted => "deleted",
        }
    }
}

/// One change to a lock's PINs, as the drift view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinChangeInfo {
    /// The PIN list seq that carries it (one change per seq).
    pub seq: u32,
    /// When it was made (cloud clock).
    pub at: u32,
    /// What it did.
    pub action: PinAction,
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

/// `GET /v1/locks/{lock_id}/pins[?since=SEQ]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinListInfo {
    /// Seq of the newest list (0: none).
    pub seq: u32,
    /// Hex of the signed list.
    pub list: Option<String>,
    /// Slot → what the PIN is for.
    pub labels: BTreeMap<u8, String>,
    /// Slot → who holds it (slots with a holder on record).
    #[serde(default)]
    pub holders: BTreeMap<u8, String>,
    /// Changes with a seq above `since` (all kept ones without it), oldest
    /// first, so a phone can say when each pending change was made.
    #[serde(default)]
    pub changes: Vec<PinChangeInfo>,
    /// Hex of the lock's PIN secret: only for phones entitled to make
    /// offline PINs (hosts, and holders of an owner or admin key).
    pub secret: Option<String>,
}

/// A PIN list seq a lock acknowledged, as a phone saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinAckReport {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// The seq it holds.
    pub seq: u32,
    /// When it said so (phone clock).
    pub acknowledged_at: u32,
    /// When this phone last talked to the lock (phone clock), if later.
    #[serde(default)]
    pub last_contact_at: Option<u32>,
}

/// `POST /v1/pin-acks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinAckRequest {
    /// The acknowledgements.
    pub acks: Vec<PinAckReport>,
}

/// PIN drift of one lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinDriftInfo {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// Its name.
    pub name: String,
    /// The newest list issued.
    pub cloud_seq: u32,
    /// The newest list a phone saw the lock holding.
    pub lock_seq: u32,
    /// How many changes the lock lacks (`cloud_seq − lock_seq`; `pending`
    /// lists the ones still on record, which is all but in extreme cases).
    pub pending_count: u32,
    /// Changes the lock has not received yet, oldest first.
    pub pending: Vec<PinChangeInfo>,
    /// When the lock acknowledged `lock_seq` (phone clock).
    pub acknowledged_at: Option<u32>,
    /// When a phone reported it (cloud clock).
    #[serde(default)]
    pub reported_at: Option<u32>,
    /// Which phone reported it.
    pub reported_by: Option<String>,
    /// The last time a phone said it talked to the lock (phone clock, never
    /// later than the cloud's own clock).
    #[serde(default)]
    pub last_contact_at: Option<u32>,
    /// Which phone that was.
    #[serde(default)]
    pub last_contact_by: Option<String>,
    /// The lock holds the newest list.
    pub in_sync: bool,
}

/// `GET /v1/pin-drift` and the answer to `POST /v1/pin-acks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinDriftResponse {
    /// Per lock.
    pub locks: Vec<PinDriftInfo>,
}
