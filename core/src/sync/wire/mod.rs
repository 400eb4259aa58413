//! The cloud API's JSON as the phone reads and writes it
//! (docs/cloud-api.md is the contract; latchkey-sim's reference cloud
//! implements the other side).

mod life;
mod pins;

pub(crate) use life::{CommissioningBody, FirmwareBody};
pub use pins::{CloudPinChange, CloudPinDrift};
pub(crate) use pins::{PinAckBody, PinAckItem, PinDriftBody, PinListBody};

use crate::outbox::OutboxEvent;
use crate::store::{hex, LockMeta};
use latchkey_protocol::{KeyId, LockId, Schedule};
use serde::{Deserialize, Serialize};

/// `GET /v1/locks`.
#[derive(Debug, Deserialize)]
pub(crate) struct LocksResponse {
    pub(crate) locks: Vec<LockMeta>,
}

/// A key's standing in the cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloudKeyStatus {
    /// Usable and renewable.
    Active,
    /// Revoked by a host.
    Revoked,
    /// The grant has ended.
    Expired,
    /// A status this version does not know (left alone).
    #[serde(other)]
    Unknown,
}

/// One key as `GET /v1/keys` lists it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct KeyInfo {
    #[serde(with = "hex")]
    pub(crate) key_id: KeyId,
    #[serde(default)]
    pub(crate) label: String,
    pub(crate) status: CloudKeyStatus,
    pub(crate) valid_until: u32,
    /// Hex of the certificate; decoded per key so one bad entry does not
    /// hide the others.
    pub(crate) certificate: String,
}

/// `GET /v1/keys`.
#[derive(Debug, Deserialize)]
pub(crate) struct KeysResponse {
    pub(crate) keys: Vec<KeyInfo>,
}

/// `GET /v1/locks/{id}/revocations`.
#[derive(Debug, Deserialize)]
pub(crate) struct RevocationInfo {
    pub(crate) seq: u32,
    pub(crate) list: Option<String>,
}

/// `GET /v1/locks/{id}/time`.
#[derive(Debug, Deserialize)]
pub(crate) struct TimeTokenInfo {
    pub(crate) token: String,
}

/// One event of an upload (`POST /v1/events` sends `{"events":[…]}`).
#[derive(Debug, Serialize)]
pub(crate) struct UploadItem<'a> {
    pub(crate) id: String,
    pub(crate) event: &'a OutboxEvent,
}

/// The fate of one uploaded event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EventStatus {
    Stored,
    Duplicate,
    Rejected,
    /// Anything else: the event stays pending.
    #[serde(other)]
    Unknown,
}

/// One result per uploaded event.
#[derive(Debug, Deserialize)]
pub(crate) struct EventResult {
    pub(crate) id: String,
    pub(crate) status: EventStatus,
    #[serde(default)]
    pub(crate) reason: Option<String>,
}

/// The answer to an upload.
#[derive(Debug, Deserialize)]
pub(crate) struct UploadResponse {
    pub(crate) results: Vec<EventResult>,
}

/// One acknowledged revocation seq.
#[derive(Debug, Serialize)]
pub(crate) struct AckItem {
    #[serde(with = "hex")]
    pub(crate) lock_id: LockId,
    pub(crate) seq: u32,
    pub(crate) acknowledged_at: u32,
}

/// `POST /v1/revocation-acks`.
#[derive(Debug, Serialize)]
pub(crate) struct AckRequest {
    pub(crate) acks: Vec<AckItem>,
}

/// Drift of one lock as the cloud sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudLockDrift {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
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

/// `GET /v1/drift`, and the answer to the acks.
#[derive(Debug, Deserialize)]
pub(crate) struct DriftResponse {
    pub(crate) locks: Vec<CloudLockDrift>,
}

/// The error body of every non-2xx answer.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) message: String,
    #[serde(default)]
    pub(crate) retry_after: Option<u64>,
}

/// A key's or a PIN's days and hours, as hosts send them.
#[derive(Debug, Serialize)]
pub(crate) struct ScheduleBody {
    weekdays: u8,
    start_minute: u16,
    end_minute: u16,
}

impl From<Schedule> for ScheduleBody {
    fn from(s: Schedule) -> Self {
        Self {
            weekdays: s.weekdays,
            start_minute: s.start_minute,
            end_minute: s.end_minute,
        }
    }
}
