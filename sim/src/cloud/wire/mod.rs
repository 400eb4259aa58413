//! The JSON bodies of the cloud API (docs/cloud-api.md is the contract).
//! Identifiers, keys and signed protocol objects travel as lower-case hex
//! of their wire encoding; times are unix seconds.

use super::hex::{self, opt_challenge};
use latchkey_protocol::{Challenge, KeyId, LockId, PublicKey, Role};
use serde::{Deserialize, Serialize};

/// A lock's commissioning record, as a phone stores it (`LockMeta` in
/// latchkey-core has the same JSON shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// The lock's id.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// Display name.
    pub name: String,
    /// The lock's identity public key.
    #[serde(with = "hex")]
    pub identity_key: PublicKey,
    /// The issuer key installed in the lock (must be this cloud's).
    #[serde(with = "hex")]
    pub issuer_key: PublicKey,
    /// Local time offset from UTC, minutes.
    pub utc_offset_min: i16,
    /// Lock groups it belongs to.
    #[serde(with = "hex::list", default)]
    pub groups: Vec<LockId>,
}

/// `GET /v1/locks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocksResponse {
    /// The locks this phone holds keys for (every lock for a host).
    pub locks: Vec<LockInfo>,
}

/// Where a key stands in the cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// Usable; renewable until `valid_until`.
    Active,
    /// Revoked by a host: the phone should delete it.
    Revoked,
    /// Its grant has ended.
    Expired,
}

/// One key as the cloud holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    /// The key's id.
    #[serde(with = "hex")]
    pub key_id: KeyId,
    /// The lock it opens.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// The name the host gave it.
    pub label: String,
    /// "owner", "admin", "resident", "guest" or "service".
    pub role: String,
    /// Status.
    pub status: KeyStatus,
    /// The grant's first second of validity.
    pub valid_from: u32,
    /// The grant's end: no certificate is issued beyond it.
    pub valid_until: u32,
    /// The current certificate's serial (rises with each renewal).
    pub serial: u32,
    /// The current certificate's `not_after`.
    pub not_after: u32,
    /// The current certificate: hex of `DigitalKey::encode`.
    pub certificate: String,
}

/// `GET /v1/keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysResponse {
    /// This phone's keys, active, revoked and expired.
    pub keys: Vec<KeyInfo>,
}

/// `POST /v1/keys` (host): issue a key to a registered phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueKeyRequest {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// The receiving phone's registered name.
    pub phone: String,
    /// "owner", "admin", "resident", "guest" or "service".
    pub role: String,
    /// First second of validity (check-in).
    pub not_before: u32,
    /// First second after validity (check-out).
    pub not_after: u32,
    /// Weekly schedule, if any.
    #[serde(default)]
    pub schedule: Option<ScheduleSpec>,
    /// Usable with no network.
    #[serde(default = "yes")]
    pub offline_allowed: bool,
    /// Display name.
    #[serde(default)]
    pub label: String,
    /// Lifetime of each certificate (renewed by the phone at about half);
    /// default 7 days, never beyond `not_after`.
    #[serde(default)]
    pub cert_lifetime_s: Option<u32>,
}

fn yes() -> bool {
    true
}

impl IssueKeyRequest {
    /// The role, if its name is known.
    pub fn parsed_role(&self) -> Option<Role> {
        Role::from_name(&self.role)
    }
}

/// `POST /v1/keys/{key_id}/revoke` (host).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeResponse {
    /// The revoked key.
    #[serde(with = "hex")]
    pub key_id: KeyId,
    /// Its lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// The seq of the new revocation list for that lock.
    pub seq: u32,
}

/// `GET /v1/locks/{lock_id}/revocations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationInfo {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// The current list's seq (0: nothing was ever revoked).
    pub seq: u32,
    /// Hex of `RevocationList::encode`, or null when `seq` is 0.
    pub list: Option<String>,
}

/// `GET /v1/locks/{lock_id}/time[?nonce=HEX]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeTokenInfo {
    /// The signed time.
    pub unix_time: u32,
    /// Hex of `TimeToken::encode`.
    pub token: String,
}

/// The query of the time-token request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeQuery {
    /// The challenge read from the lock's advertisement at the door.
    #[serde(default, with = "opt_challenge")]
    pub nonce: Option<Challenge>,
}

/// A revocation seq a lock confirmed holding, as a phone reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationAckReport {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// The seq it holds.
    pub seq: u32,
    /// When the phone learned it (unix seconds, phone clock).
    pub acknowledged_at: u32,
}

/// `POST /v1/revocation-acks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckRequest {
    /// One per lock.
    pub acks: Vec<RevocationAckReport>,
}

/// Credential drift of one lock: what the cloud issued against what the
/// lock is known to hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftInfo {
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// Its name.
    pub name: String,
    /// The newest list the cloud issued (0: none).
    pub cloud_seq: u32,
    /// The newest list a phone reported the lock holding (0: none known).
    pub lock_seq: u32,
    /// When the lock acknowledged it (phone clock).
    pub acknowledged_at: Option<u32>,
    /// When a phone reported it (cloud clock).
    pub reported_at: Option<u32>,
    /// Which phone reported it.
    pub reported_by: Option<String>,
    /// `lock_seq >= cloud_seq`.
    pub in_sync: bool,
}

/// `GET /v1/drift` and the answer to `POST /v1/revocation-acks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftResponse {
    /// One per lock.
    pub locks: Vec<DriftInfo>,
}

/// The error body of every non-2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable snake_case code (see docs/cloud-api.md).
    pub code: String,
    /// A sentence for logs.
    pub message: String,
    /// Seconds to wait before retrying (429, some 503).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// `POST /admin/phones`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterPhone {
    /// A unique name ("anna-pixel").
    pub name: String,
    /// The phone's holder public key (keys are issued to it).
    #[serde(with = "hex")]
    pub holder_key: PublicKey,
    /// Whether it may issue and revoke keys and read drift.
    #[serde(default)]
    pub host: bool,
}

/// A phone's bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneToken {
    /// The phone.
    pub name: String,
    /// `Authorization: Bearer <token>`.
    pub token: String,
}

mod events;
mod life;
mod pins;
mod schedule;
pub use events::*;
pub use life::*;
pub use pins::*;
pub use schedule::ScheduleSpec;
