//! What the engine tells the app: the result of one pass
//! ([`SyncReport`]) and the standing picture ([`SyncStatus`]), joined from
//! what the phone stores ([`LocalPicture`]) and what the engine knows of
//! itself ([`Standing`]).

use super::common::on_disk;
use super::config::Connectivity;
use super::error::{Failure, SyncError};
use crate::client::{read_pin_status, PinStatus};
use crate::error::DiagnosisCode;
use crate::outbox::OutboxStats;
use crate::Client;
use latchkey_protocol::LockId;
use std::time::Duration;

/// How a pass ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Everything due was done (check `more_pending` on a metered network).
    Completed,
    /// The phone is (or went) offline: nothing more was attempted.
    Offline,
    /// Waiting out a backoff or a server's Retry-After: nothing attempted.
    Deferred {
        /// Time left before the next attempt, in milliseconds.
        retry_in_ms: u64,
    },
    /// The pass stopped at an error; it is retried after `retry_in_ms`.
    Failed {
        /// What went wrong.
        error: SyncError,
        /// Backoff or Retry-After before the next attempt, milliseconds.
        retry_in_ms: u64,
    },
}

/// What one pass did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// How it ended.
    pub outcome: SyncOutcome,
    /// Events the cloud stored.
    pub uploaded: u64,
    /// Events the cloud already had (confirmed and deleted all the same).
    pub duplicates: u64,
    /// Events the cloud refused for good, now in the dead letters.
    pub dead_lettered: u64,
    /// Upload requests that got an answer.
    pub upload_requests: u32,
    /// HTTP requests sent, all kinds.
    pub requests: u32,
    /// Lock records added or changed.
    pub locks_updated: u32,
    /// Keys added (new, or a newer certificate).
    pub keys_added: u32,
    /// Keys renewed at about half their lifetime.
    pub keys_renewed: u32,
    /// Keys deleted because the cloud revoked them.
    pub keys_removed: u32,
    /// Newer revocation lists stored.
    pub revocation_lists: u32,
    /// Time tokens stored.
    pub time_tokens: u32,
    /// Acknowledged revocation seqs reported.
    pub acks_reported: u32,
    /// Newer keypad PIN lists stored.
    pub pin_lists: u32,
    /// Acknowledged PIN list seqs reported.
    pub pin_acks_reported: u32,
    /// Newer firmware images stored, for the models of the locks this
    /// phone knows.
    pub firmware_images: u32,
    /// Credentials the cloud sent that this phone could not use (bad
    /// encoding, wrong holder, unknown issuer), one sentence each.
    pub problems: Vec<String>,
    /// Events still waiting after this pass.
    pub pending_after: u64,
}

impl SyncReport {
    pub(crate) fn new() -> Self {
        Self {
            outcome: SyncOutcome::Completed,
            uploaded: 0,
            duplicates: 0,
            dead_lettered: 0,
            upload_requests: 0,
            requests: 0,
            locks_updated: 0,
            keys_added: 0,
            keys_renewed: 0,
            keys_removed: 0,
            revocation_lists: 0,
            time_tokens: 0,
            acks_reported: 0,
            pin_lists: 0,
            pin_acks_reported: 0,
            firmware_images: 0,
            problems: Vec::new(),
            pending_after: 0,
        }
    }

    /// `Err` when the pass failed, for callers that want `?`.
    pub fn into_result(self) -> Result<SyncReport, SyncError> {
        match &self.outcome {
            SyncOutcome::Failed { error, .. } => Err(error.clone()),
            _ => Ok(self),
        }
    }

    /// Adds another pass's counts to this one (its outcome wins).
    pub(crate) fn absorb(&mut self, other: SyncReport) {
        self.uploaded += other.uploaded;
        self.duplicates += other.duplicates;
        self.dead_lettered += other.dead_lettered;
        self.upload_requests += other.upload_requests;
        self.requests += other.requests;
        self.locks_updated += other.locks_updated;
        self.keys_added += other.keys_added;
        self.keys_renewed += other.keys_renewed;
        self.keys_removed += other.keys_removed;
        self.revocation_lists += other.revocation_lists;
        self.time_tokens += other.time_tokens;
        self.acks_reported += other.acks_reported;
        self.pin_lists += other.pin_lists;
        self.pin_acks_reported += other.pin_acks_reported;
        self.firmware_images += other.firmware_images;
        self.problems.extend(other.problems);
        self.pending_after = other.pending_after;
        self.outcome = other.outcome;
    }
}

/// The last failed pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncFailure {
    /// Stable diagnosis code (`cloud_unreachable`, `cloud_auth`, …).
    pub code: DiagnosisCode,
    /// A sentence for logs and support.
    pub message: String,
    /// When (phone clock, unix seconds).
    pub at: u32,
    /// Consecutive failed passes.
    pub consecutive: u32,
}

/// Drift of one lock, as this phone knows it: "lock X holds revocation
/// list 41, the cloud has 43, last contact 3 days ago", and its keypad
/// PINs: "PIN 'Cleaner' deleted in the portal on Monday 2026-11-16, lock
/// still accepts it: last contact Sunday 2026-11-15".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockDrift {
    /// The lock.
    pub lock_id: LockId,
    /// Its name.
    pub name: String,
    /// The list the lock last confirmed holding (`None`: never seen one).
    pub lock_seq: Option<u32>,
    /// When it confirmed it (phone clock).
    pub acknowledged_at: Option<u32>,
    /// The newest list this phone got from the cloud (`None`: none issued).
    pub cloud_seq: Option<u32>,
    /// When this phone last saw the lock (phone clock).
    pub last_contact_at: Option<u32>,
    /// The lock holds the newest list this phone knows of.
    pub in_sync: bool,
    /// Keypad PIN drift: the PIN list the lock confirmed against the newest
    /// this phone carries, the changes it lacks and when each was made
    /// ([`PinStatus::describe`] puts them in words).
    pub pins: PinStatus,
}

/// The standing picture for a status screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    /// As the platform last reported it.
    pub connectivity: Connectivity,
    /// Events waiting for upload.
    pub pending_events: u64,
    /// How long the oldest has waited, in seconds.
    pub oldest_pending_age_s: Option<u64>,
    /// Events the cloud refused for good (see `Outbox::dead_letters`).
    pub dead_letters: u64,
    /// When the last pass completed (phone clock, unix seconds).
    pub last_success_at: Option<u32>,
    /// The last failure, cleared by the next success.
    pub last_error: Option<SyncFailure>,
    /// Time left in the current backoff, milliseconds.
    pub next_attempt_in_ms: Option<u64>,
    /// Revocation and PIN drift per known lock.
    pub locks: Vec<LockDrift>,
}

/// What the engine knows of itself, for [`SyncStatus`].
pub(super) struct Standing {
    /// As the platform last reported it.
    pub(super) connectivity: Connectivity,
    /// When the last pass completed.
    pub(super) last_success_at: Option<u32>,
    /// The last failure, cleared by the next success.
    pub(super) last_error: Option<SyncFailure>,
    /// Time left in the current backoff, milliseconds.
    pub(super) next_attempt_in_ms: Option<u64>,
}

/// The phone's side of [`SyncStatus`]: the outbox and each known lock's
/// revocation and PIN drift.
pub(super) struct LocalPicture {
    stats: OutboxStats,
    oldest: Option<Duration>,
    locks: Vec<LockDrift>,
}

impl LocalPicture {
    /// Reads it from the phone's store and outbox.
    pub(super) async fn read(phone: &Client) -> Result<Self, Failure> {
        let store = phone.store().clone();
        let outbox = phone.outbox().clone();
        on_disk(move || {
            let stats = outbox.stats()?;
            let oldest = outbox.oldest_age()?;
            let mut locks = Vec::new();
            for meta in store.locks().list_meta()? {
                let state = store.locks().state(&meta.lock_id)?;
                let cloud_seq = store
                    .revocations()
                    .for_lock(&meta.lock_id, &meta.groups)?
                    .iter()
                    .map(|l| l.seq)
                    .max();
                let lock_seq = state.revocation_ack.map(|a| a.seq);
                let seen = state.last_seen.map(|s| s.seen_at);
                let observed = state.last_status.map(|s| s.observed_at);
                let pins = read_pin_status(&store, &meta.lock_id)?;
                locks.push(LockDrift {
                    in_sync: cloud_seq.is_none_or(|c| lock_seq.unwrap_or(0) >= c),
                    lock_id: meta.lock_id,
                    name: meta.name,
                    lock_seq,
                    acknowledged_at: state.revocation_ack.map(|a| a.acknowledged_at),
                    cloud_seq,
                    last_contact_at: seen.max(observed),
                    pins,
                });
            }
            Ok::<_, Failure>(Self { stats, oldest, locks })
        })
        .await
    }

    /// The whole picture, with what the engine knows.
    pub(super) fn with(self, standing: Standing) -> SyncStatus {
        SyncStatus {
            connectivity: standing.connectivity,
            pending_events: self.stats.pending,
            oldest_pending_age_s: self.oldest.map(|d| d.as_secs()),
            dead_letters: self.stats.dead_letters,
            last_success_at: standing.last_success_at,
            last_error: standing.last_error,
            next_attempt_in_ms: standing.next_attempt_in_ms,
            locks: self.locks,
        }
    }
}
