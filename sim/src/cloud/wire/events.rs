//! The JSON bodies of event upload (`POST /v1/events`) and of the stored
//! events the admin API lists.

use serde::{Deserialize, Serialize};

/// One event in an upload: its id and the event as the phone encodes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadEvent {
    /// A UUID (UUIDv7 from the phone's outbox).
    pub id: String,
    /// The event object; `kind` says which (see docs/cloud-api.md).
    pub event: serde_json::Value,
}

/// `POST /v1/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadRequest {
    /// In the phone's outbox order.
    pub events: Vec<UploadEvent>,
}

/// What became of one uploaded event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    /// Stored now.
    Stored,
    /// Already held (same id, or the same lock event under another id).
    Duplicate,
    /// Refused for good (`reason` says why); retrying will not help.
    Rejected,
}

/// One per uploaded event, in request order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventResult {
    /// The id as sent.
    pub id: String,
    /// Outcome.
    pub status: EventStatus,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The answer to an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadResponse {
    /// One per event, in request order.
    pub results: Vec<EventResult>,
}

/// One event as the cloud stored it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceivedEvent {
    /// The id it was stored under.
    pub id: String,
    /// The lock (hex), if the event names one.
    pub lock_id: Option<String>,
    /// Arrival position within its lock (1, 2, …).
    pub position: u64,
    /// Which phone uploaded it.
    pub phone: String,
    /// When (cloud clock).
    pub received_at: u32,
    /// The event as uploaded.
    pub event: serde_json::Value,
}

/// `GET /admin/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsResponse {
    /// Per lock in arrival order; locks in id order; lock-less events last.
    pub events: Vec<ReceivedEvent>,
}
