//! Calls made on demand rather than by a pass: what a host does (issue and
//! revoke keys, read drift) and a time token bound to the challenge read
//! at the door.

use super::engine::Inner;
use super::error::{Failure, SyncError};
use super::wire::{CloudKeyStatus, CloudLockDrift, DriftResponse};
use super::SyncEngine;
use crate::store::hex;
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

#[derive(Serialize)]
struct ScheduleBody {
    weekdays: u8,
    start_minute: u16,
    end_minute: u16,
}

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

#[derive(Deserialize)]
struct RevokeBody {
    seq: u32,
}

#[derive(Deserialize)]
struct TimeBody {
    token: String,
}

impl Inner {
    pub(crate) fn ensure_online(&self) -> Result<(), SyncError> {
        if self.online.load(std::sync::atomic::Ordering::SeqCst) {
            Ok(())
        } else {
            Err(SyncError::Offline)
        }
    }

    /// `POST /v1/keys`.
    pub(crate) async fn issue_key(&self, request: &IssueKey) -> Result<CloudKey, SyncError> {
        self.ensure_online()?;
        let body = IssueBody {
            lock_id: request.lock_id,
            phone: &request.phone,
            role: request.role.name(),
            not_before: request.not_before,
            not_after: request.not_after,
            schedule: request.schedule.map(|s| ScheduleBody {
                weekdays: s.weekdays,
                start_minute: s.start_minute,
                end_minute: s.end_minute,
            }),
            offline_allowed: request.offline_allowed,
            label: &request.label,
            cert_lifetime_s: request.cert_lifetime_s,
        };
        let api = self.api().map_err(|f| f.public())?;
        api.post("/v1/keys", &body).await.map_err(|f| f.public())
    }

    /// `POST /v1/keys/{id}/revoke`; the new list's seq.
    pub(crate) async fn revoke_key(&self, key_id: &KeyId) -> Result<u32, SyncError> {
        self.ensure_online()?;
        let api = self.api().map_err(|f| f.public())?;
        let answer: RevokeBody = api
            .post(&format!("/v1/keys/{key_id}/revoke"), &serde_json::json!({}))
            .await
            .map_err(|f| f.public())?;
        Ok(answer.seq)
    }

    /// `GET /v1/drift`.
    pub(crate) async fn cloud_drift(&self) -> Result<Vec<CloudLockDrift>, SyncError> {
        self.ensure_online()?;
        let api = self.api().map_err(|f| f.public())?;
        let answer: DriftResponse = api.get("/v1/drift").await.map_err(|f| f.public())?;
        Ok(answer.locks)
    }

    /// A token bound to `challenge`, stored for delivery on the next command.
    pub(crate) async fn time_token_at_door(
        &self,
        lock_id: &LockId,
        challenge: &Challenge,
    ) -> Result<TimeToken, SyncError> {
        self.ensure_online()?;
        let api = self.api().map_err(|f| f.public())?;
        let answer: TimeBody = api
            .get(&format!("/v1/locks/{lock_id}/time?nonce={challenge}"))
            .await
            .map_err(|f| f.public())?;
        let token = latchkey_protocol::hex::decode(&answer.token)
            .ok_or_else(|| Failure::Protocol("the time token is not hex".into()))
            .and_then(|b| TimeToken::decode(&b).map_err(|e| Failure::Protocol(format!("time token: {e}"))))
            .map_err(|f| f.public())?;
        self.phone
            .add_time_token(token.clone())
            .await
            .map_err(|e| SyncError::Storage(e.to_string()))?;
        Ok(token)
    }
}

impl SyncEngine {
    /// Host: asks the cloud to issue a key to a registered phone.
    pub async fn issue_key(&self, request: &IssueKey) -> Result<CloudKey, SyncError> {
        self.inner.issue_key(request).await
    }

    /// Host: revokes a key; returns the seq of the lock's new list.
    pub async fn revoke_key(&self, key_id: &KeyId) -> Result<u32, SyncError> {
        self.inner.revoke_key(key_id).await
    }

    /// Host: credential drift of every lock, as the cloud sees it.
    pub async fn cloud_drift(&self) -> Result<Vec<CloudLockDrift>, SyncError> {
        self.inner.cloud_drift().await
    }
}
