//! Calls made on demand rather than by a pass: what a host does (issue and
//! revoke keys, read drift) and a time token bound to the challenge read
//! at the door. Free functions over one [`Api`]; the engine's handle checks
//! connectivity and maps the error.

use super::error::Failure;
use super::http::Api;
use super::wire::{CloudKeyStatus, CloudLockDrift, DriftResponse, ScheduleBody};
use crate::store::hex;
use crate::Client;
use latchkey_protocol::{Challenge, KeyId, LockId, Role, Schedule, TimeToken};
use serde::{Deserialize, Serialize};

/// A key a host asks the cloud to issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueKey {
    /// The lock.
    pub lock_id: LockId,
    /// The receiving phone, by its registered name.
    pub phone: String,
    /// What the holder is.
    pub role: Role,
    /// First second of validity (check-in).
    pub not_before: u32,
    /// First second after validity (check-out).
    pub not_after: u32,
    /// Days and hours allowed.
    pub schedule: Option<Schedule>,
    /// Usable with no network.
    pub offline_allowed: bool,
    /// Display name.
    pub label: String,
    /// Lifetime of each certificate (`None`: the cloud's default).
    pub cert_lifetime_s: Option<u32>,
}

/// A key as the cloud holds it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CloudKey {
    /// Its id.
    #[serde(with = "hex")]
    pub key_id: KeyId,
    /// The lock.
    #[serde(with = "hex")]
    pub lock_id: LockId,
    /// Display name.
    #[serde(default)]
    pub label: String,
    /// Role name.
    pub role: String,
    /// Standing.
    pub status: CloudKeyStatus,
    /// Grant start.
    pub valid_from: u32,
    /// Grant end.
    pub valid_until: u32,
    /// Current certificate serial.
    pub serial: u32,
    /// Current certificate end.
    pub not_after: u32,
}

/// `POST /v1/keys`.
#[derive(Serialize)]
struct IssueBody<'a> {
    #[serde(with = "hex")]
    lock_id: LockId,
    phone: &'a str,
    role: &'a str,
    not_before: u32,
    not_after: u32,
    schedule: Option<ScheduleBody>,
    offline_allowed: bool,
    label: &'a str,
    cert_lifetime_s: Option<u32>,
}

/// The answer to a revocation.
#[derive(Deserialize)]
struct RevokeBody {
    seq: u32,
}

/// A time token bound to a challenge.
#[derive(Deserialize)]
struct TimeBody {
    token: String,
}

/// `POST /v1/keys`.
pub(super) async fn issue_key(api: &Api<'_>, request: &IssueKey) -> Result<CloudKey, Failure> {
    let body = IssueBody {
        lock_id: request.lock_id,
        phone: &request.phone,
        role: request.role.name(),
        not_before: request.not_before,
        not_after: request.not_after,
        schedule: request.schedule.map(ScheduleBody::from),
        offline_allowed: request.offline_allowed,
        label: &request.label,
        cert_lifetime_s: request.cert_lifetime_s,
    };
    api.post("/v1/keys", &body).await
}

/// `POST /v1/keys/{id}/revoke`; the new list's seq.
pub(super) async fn revoke_key(api: &Api<'_>, key_id: &KeyId) -> Result<u32, Failure> {
    let answer: RevokeBody = api
        .post(&format!("/v1/keys/{key_id}/revoke"), &serde_json::json!({}))
        .await?;
    Ok(answer.seq)
}

/// `GET /v1/drift`.
pub(super) async fn cloud_drift(api: &Api<'_>) -> Result<Vec<CloudLockDrift>, Failure> {
    let answer: DriftResponse = api.get("/v1/drift").await?;
    Ok(answer.locks)
}

/// A token bound to `challenge`, stored in `phone` for delivery on the
/// next command.
pub(super) async fn time_token_at_door(
    api: &Api<'_>,
    phone: &Client,
    lock_id: &LockId,
    challenge: &Challenge,
) -> Result<TimeToken, Failure> {
    let answer: TimeBody = api.get(&format!("/v1/locks/{lock_id}/time?nonce={challenge}")).await?;
    let token = latchkey_protocol::hex::decode(&answer.token)
        .ok_or_else(|| Failure::Protocol("the time token is not hex".into()))
        .and_then(|b| TimeToken::decode(&b).map_err(|e| Failure::Protocol(format!("time token: {e}"))))?;
    phone.keys().add_time_token(token.clone()).await?;
    Ok(token)
}
