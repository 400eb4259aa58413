//! One lock as a screen shows it: bolt, door, battery and faults from the
//! newest authentic answer, how the last command on it ended, and its
//! drift (a revocation list or PIN changes it has not received yet).

use crate::client::{read_pin_status, LastOutcome};
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::runtime::blocking;
use crate::store::{LockMeta, LockState};
use crate::Client;
use latchkey_protocol::{BoltState, DoorState, Faults, LockId};

/// The lock's state as its newest authentic answer told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownStatus {
    /// Bolt position.
    pub bolt: BoltState,
    /// Door sensor.
    pub door: DoorState,
    /// Battery estimate, 0–100.
    pub battery_percent: u8,
    /// Active faults.
    pub faults: Faults,
    /// When the answer came (phone clock, unix seconds).
    pub observed_at: u32,
}

/// One lock, as [`crate::watch::Watches::lock`] delivers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockView {
    /// The lock.
    pub lock_id: LockId,
    /// Its display name.
    pub name: String,
    /// Bolt, door, battery and faults from the newest authentic answer
    /// (`None`: never contacted; a refusal tells nothing about the door).
    pub status: Option<KnownStatus>,
    /// When its advertisement was last seen by a command (phone clock).
    pub last_seen_at: Option<u32>,
    /// How the last command on it ended, in this process.
    pub last_outcome: Option<LastOutcome>,
    /// The revocation list the lock confirmed holding.
    pub revocation_seq_acked: Option<u32>,
    /// The newest revocation list this phone carries for it.
    pub revocation_seq_newest: Option<u32>,
    /// Keypad PIN changes the lock has not received yet.
    pub pin_changes_pending: u32,
    /// Lock clock minus phone clock at the last contact, in seconds.
    pub clock_skew_s: Option<i64>,
}

impl LockView {
    fn new(meta: &LockMeta, state: &LockState, newest: Option<u32>, pins_pending: u32) -> Self {
        // The newest answer: a short status at least as new as the last
        // full one wins (a fast unlock moves the bolt without a full report).
        let status = state.current_status().map(|(s, observed_at)| KnownStatus {
            bolt: s.bolt,
            door: s.door,
            battery_percent: s.battery_percent,
            faults: s.faults,
            observed_at,
        });
        Self {
            lock_id: meta.lock_id,
            name: meta.name.clone(),
            status,
            last_seen_at: state.last_seen.map(|s| s.seen_at),
            last_outcome: None,
            revocation_seq_acked: state.revocation_ack.map(|a| a.seq),
            revocation_seq_newest: newest,
            pin_changes_pending: pins_pending,
            clock_skew_s: state.clock_skew.map(|s| s.lock_minus_phone_s),
        }
    }

    /// Whether the lock lacks a revocation list or PIN changes this phone
    /// carries (the next command delivers them).
    pub fn drifting(&self) -> bool {
        let behind = self
            .revocation_seq_newest
            .is_some_and(|newest| self.revocation_seq_acked.unwrap_or(0) < newest);
        behind || self.pin_changes_pending > 0
    }
}

/// Reads the view of `lock_id` now.
pub(crate) async fn read(client: &Client, lock_id: LockId) -> Result<LockView, LatchkeyError> {
    let store = client.store().clone();
    let last_outcome = client.locks().last_outcome(&lock_id);
    let mut view = blocking(move || {
        let meta = store.locks().get_meta(&lock_id)?.ok_or_else(|| {
            LatchkeyError::refused_locally(
                DiagnosisCode::UnknownLock,
                format!("this phone has no record of lock {lock_id} (any more); sync first"),
            )
        })?;
        let state = store.locks().state(&lock_id)?;
        let newest = store
            .revocations()
            .for_lock(&lock_id, &meta.groups)?
            .iter()
            .map(|l| l.seq)
            .max();
        let pins = read_pin_status(&store, &lock_id)?;
        Ok(LockView::new(&meta, &state, newest, pins.pending_count))
    })
    .await?;
    view.last_outcome = last_outcome;
    Ok(view)
}
