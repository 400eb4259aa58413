//! What sync reports: one pass, the standing picture, per-lock drift, dead
//! letters, and the host's view of keys and drift in the cloud.

use crate::pins::PinStatus;
use crate::records::KeySchedule;
use crate::sync::SyncError;
use latchkey_core::outbox::DeadLetter;
use latchkey_core::sync::{self as core, CloudKeyStatus};
use latchkey_core::DiagnosisCode;
use latchkey_protocol::{LockId, Role, Schedule};

/// How a sync pass ended.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SyncOutcome {
    /// Everything due was done.
    Completed,
    /// The phone is offline: nothing was attempted, nothing is lost.
    Offline,
    /// Inside a backoff (or Retry-After): nothing was attempted.
    Deferred {
        /// When the next attempt is due, in milliseconds.
        retry_in_ms: u64,
    },
    /// The pass failed; the engine retries after `retry_in_ms`.
    Failed {
        /// Why.
        error: SyncError,
        /// When the next attempt is due, in milliseconds.
        retry_in_ms: u64,
    },
}

/// What one pass (or several, summed) did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    /// How it ended.
    pub outcome: SyncOutcome,
    /// Events the cloud stored.
    pub uploaded: u64,
    /// Events the cloud already had (deleted here too).
    pub duplicates: u64,
    /// Events the cloud refused for good (moved to the dead letters).
    pub dead_lettered: u64,
    /// Lock metadata records added or changed.
    pub locks_updated: u32,
    /// Keys received.
    pub keys_added: u32,
    /// Keys renewed.
    pub keys_renewed: u32,
    /// Keys deleted (revoked or gone in the cloud).
    pub keys_removed: u32,
    /// Newer revocation lists stored.
    pub revocation_lists: u32,
    /// Time tokens stored.
    pub time_tokens: u32,
    /// Revocation acknowledgements reported (drift).
    pub acks_reported: u32,
    /// Things that went wrong without failing the pass.
    pub problems: Vec<String>,
    /// Events still waiting after the pass.
    pub pending_after: u64,
}

impl From<core::SyncReport> for SyncReport {
    fn from(r: core::SyncReport) -> Self {
        Self {
            outcome: match r.outcome {
                core::SyncOutcome::Completed => SyncOutcome::Completed,
                core::SyncOutcome::Offline => SyncOutcome::Offline,
                core::SyncOutcome::Deferred { retry_in_ms } => SyncOutcome::Deferred { retry_in_ms },
                core::SyncOutcome::Failed { error, retry_in_ms } => SyncOutcome::Failed {
                    error: error.into(),
                    retry_in_ms,
                },
            },
            uploaded: r.uploaded,
            duplicates: r.duplicates,
            dead_lettered: r.dead_lettered,
            locks_updated: r.locks_updated,
            keys_added: r.keys_added,
            keys_renewed: r.keys_renewed,
            keys_removed: r.keys_removed,
            revocation_lists: r.revocation_lists,
            time_tokens: r.time_tokens,
            acks_reported: r.acks_reported,
            problems: r.problems,
            pending_after: r.pending_after,
        }
    }
}

/// The last failure, for a status screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncFailure {
    /// Its diagnosis.
    pub code: DiagnosisCode,
    /// What happened.
    pub message: String,
    /// When (phone clock, unix seconds).
    pub at: u32,
    /// Failures in a row.
    pub consecutive: u32,
}

/// Which revocation list and keypad PIN list one lock holds, against the
/// newest the phone has.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LockDrift {
    /// The lock (hex id).
    pub lock_id: String,
    /// Its name.
    pub name: String,
    /// The list the lock confirmed holding.
    pub lock_seq: Option<u32>,
    /// When it confirmed it.
    pub acknowledged_at: Option<u32>,
    /// The newest list this phone carries for it.
    pub cloud_seq: Option<u32>,
    /// The last contact with the lock.
    pub last_contact_at: Option<u32>,
    /// The lock holds the newest list.
    pub in_sync: bool,
    /// Keypad PIN drift: the changes the lock has not received yet.
    pub pins: PinStatus,
}

/// The standing picture, for a status screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncStatus {
    /// As last reported by the platform.
    pub online: bool,
    /// The connection is metered (uploads are capped per pass).
    pub metered: bool,
    /// Events waiting for upload.
    pub pending_events: u64,
    /// How long the oldest has waited, in seconds.
    pub oldest_pending_age_s: Option<u64>,
    /// Events the cloud refused for good.
    pub dead_letters: u64,
    /// The last pass that worked (unix seconds).
    pub last_success_at: Option<u32>,
    /// The last failure, until a pass works.
    pub last_error: Option<SyncFailure>,
    /// When the next attempt is due, inside a backoff.
    pub next_attempt_in_ms: Option<u64>,
    /// Revocation drift per lock.
    pub locks: Vec<LockDrift>,
}

impl From<core::SyncStatus> for SyncStatus {
    fn from(s: core::SyncStatus) -> Self {
        Self {
            online: s.connectivity.online,
            metered: s.connectivity.metered,
            pending_events: s.pending_events,
            oldest_pending_age_s: s.oldest_pending_age_s,
            dead_letters: s.dead_letters,
            last_success_at: s.last_success_at,
            last_error: s.last_error.map(|f| SyncFailure {
                code: f.code,
                message: f.message,
                at: f.at,
                consecutive: f.consecutive,
            }),
            next_attempt_in_ms: s.next_attempt_in_ms,
            locks: s
                .locks
                .into_iter()
                .map(|l| LockDrift {
                    lock_id: l.lock_id.to_hex(),
                    name: l.name,
                    lock_seq: l.lock_seq,
                    acknowledged_at: l.acknowledged_at,
                    cloud_seq: l.cloud_seq,
                    last_contact_at: l.last_contact_at,
                    in_sync: l.in_sync,
                    pins: l.pins.into(),
                })
                .collect(),
        }
    }
}

/// An event the cloud refused for good, kept for the app to show.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeadLetterInfo {
    /// The event's id, when it could be read.
    pub event_id: Option<String>,
    /// Why it was refused.
    pub reason: String,
    /// When it was moved aside (unix milliseconds).
    pub dead_at_ms: u64,
}

impl From<DeadLetter> for DeadLetterInfo {
    fn from(d: DeadLetter) -> Self {
        Self {
            event_id: d.id.map(|id| id.to_string()),
            reason: d.reason,
            dead_at_ms: d.dead_at_ms,
        }
    }
}

/// A key as the cloud holds it (host view).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CloudKey {
    /// The key's id (hex).
    pub key_id: String,
    /// The lock (hex id).
    pub lock_id: String,
    /// Its label.
    pub label: String,
    /// The holder's role name.
    pub role: String,
    /// `active`, `revoked`, `expired` (or `unknown`: a newer cloud's status).
    pub status: String,
    /// Start of the stay or grant (unix seconds).
    pub valid_from: u32,
    /// End of it.
    pub valid_until: u32,
    /// Rises with each renewal.
    pub serial: u32,
    /// When the current certificate expires.
    pub not_after: u32,
}

impl From<core::CloudKey> for CloudKey {
    fn from(k: core::CloudKey) -> Self {
        Self {
            key_id: k.key_id.to_hex(),
            lock_id: k.lock_id.to_hex(),
            label: k.label,
            role: k.role,
            status: match k.status {
                CloudKeyStatus::Active => "active",
                CloudKeyStatus::Revoked => "revoked",
                CloudKeyStatus::Expired => "expired",
                CloudKeyStatus::Unknown => "unknown",
            }
            .to_string(),
            valid_from: k.valid_from,
            valid_until: k.valid_until,
            serial: k.serial,
            not_after: k.not_after,
        }
    }
}

/// A host's request for a key (the cloud signs it and the phone named
/// `phone` receives it at its next sync).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeyRequest {
    /// The lock (hex id).
    pub lock_id: String,
    /// The phone's name in the cloud.
    pub phone: String,
    /// What the holder is.
    pub role: Role,
    /// First second of validity (unix seconds).
    pub not_before: u32,
    /// First second after validity.
    pub not_after: u32,
    /// Weekly window, if any.
    #[uniffi(default = None)]
    pub schedule: Option<KeySchedule>,
    /// Usable with no network.
    #[uniffi(default = true)]
    pub offline_allowed: bool,
    /// The name shown for it.
    #[uniffi(default = "")]
    pub label: String,
}

impl KeyRequest {
    pub(crate) fn into_core(self) -> Result<core::IssueKey, SyncError> {
        let rejected = |detail: String| SyncError::Rejected {
            code: DiagnosisCode::CloudRejected,
            detail,
        };
        let lock_id = LockId::from_hex(&self.lock_id)
            .ok_or_else(|| rejected(format!("`{}` is not a lock id (32 hex digits)", self.lock_id)))?;
        let schedule = self
            .schedule
            .map(|s| Schedule::new(s.weekdays, s.start_minute, s.end_minute))
            .transpose()
            .map_err(|e| rejected(format!("invalid schedule: {e}")))?;
        Ok(core::IssueKey {
            lock_id,
            phone: self.phone,
            role: self.role,
            not_before: self.not_before,
            not_after: self.not_after,
            schedule,
            offline_allowed: self.offline_allowed,
            label: self.label,
            cert_lifetime_s: None,
        })
    }
}
