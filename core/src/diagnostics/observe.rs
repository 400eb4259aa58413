//! [`ObservationsBuilder`]: fills [`LockObservations`] from the store (lock
//! metadata and state: status, battery history, the backup way in, the
//! last offline unlock; keys, revocation lists) plus what only the caller
//! knows (the last failure, the last report), so the app and the CLI need
//! not assemble it by hand.

use super::observations::{
    BatteryObservation, BatterySample, BatteryTrend, ClockObservation, KeyObservation, KeyState, LastError, LastSeen,
    LockObservations, MechanicsObservation, PinObservation, RevocationObservation, UnlockRecord,
};
use crate::client::CommandReport;
use crate::error::LatchkeyError;
use crate::store::{BackupMethod, LockMeta, LockState, Store, StoreError, StoredKey};
use latchkey_protocol::{Faults, KeyId, LockId, PublicKey, ResultCode};
use std::collections::HashSet;

/// Builds [`LockObservations`] for one lock; start with
/// [`LockObservations::builder`].
#[derive(Debug, Clone)]
pub struct ObservationsBuilder<'a> {
    store: &'a Store,
    lock_id: LockId,
    now: u32,
    holder: Option<PublicKey>,
    last_error: Option<LastError>,
    report: Option<(CommandReport, u32)>,
    backup_entry: Option<BackupMethod>,
    last_offline_unlock: Option<UnlockRecord>,
    battery_history: Vec<BatterySample>,
}

impl LockObservations {
    /// Observations of `lock_id` from `store` at `now` (phone clock, unix
    /// seconds); add what only the caller knows, then [`ObservationsBuilder::build`].
    pub fn builder(store: &Store, lock_id: LockId, now: u32) -> ObservationsBuilder<'_> {
        ObservationsBuilder {
            store,
            lock_id,
            now,
            holder: None,
            last_error: None,
            report: None,
            backup_entry: None,
            last_offline_unlock: None,
            battery_history: Vec::new(),
        }
    }
}

impl<'a> ObservationsBuilder<'a> {
    /// Only keys issued to this holder count (the phone's
    /// [`crate::Client::holder_key`]); by default every stored key does.
    pub fn holder(mut self, holder: PublicKey) -> Self {
        self.holder = Some(holder);
        self
    }

    /// The last command's failure, at `at` (leave it out after a success).
    pub fn last_error(mut self, error: &LatchkeyError, at: u32) -> Self {
        let lock_result = match error {
            LatchkeyError::Refused { lock_result, .. } => *lock_result,
            _ => None,
        };
        self.last_error = Some(LastError {
            diagnosis: error.diagnosis(),
            lock_result,
            at: Some(at),
        });
        self
    }

    /// The last successful command's report, received at `at`: fresher
    /// than the stored status when the fast path carried only the compact one.
    pub fn last_report(mut self, report: &CommandReport, at: u32) -> Self {
        self.report = Some((report.clone(), at));
        self
    }

    /// How the resident gets in without the phone, when the store has none
    /// on record ([`crate::Client::set_backup_entry`] records it).
    pub fn backup_entry(mut self, method: BackupMethod) -> Self {
        self.backup_entry = Some(method);
        self
    }

    /// The last unlock tried while offline, when newer than the one the
    /// store recorded (the phone records every offline unlock itself).
    pub fn last_offline_unlock(mut self, record: UnlockRecord) -> Self {
        self.last_offline_unlock = Some(record);
        self
    }

    /// Battery readings the store doesn't have (from another source), for
    /// the trend; the store's own history and newest status count too.
    pub fn battery_history(mut self, samples: &[BatterySample]) -> Self {
        self.battery_history = samples.to_vec();
        self
    }

    /// Reads the store and puts the observations together.
    pub fn build(self) -> Result<LockObservations, StoreError> {
        let mut obs = LockObservations {
            observed_at: Some(self.now),
            last_error: self.last_error,
            backup_entry: self.backup_entry,
            last_offline_unlock: self.last_offline_unlock,
            ..LockObservations::default()
        };
        let Some(meta) = self.store.locks().get_meta(&self.lock_id)? else {
            obs.key.state = KeyState::UnknownLock;
            // A lock this phone failed to claim: whose it is still counts.
            obs.life = super::life_facts::life_facts(&self.store.locks().state(&self.lock_id)?);
            return Ok(obs);
        };
        obs.lock_name = Some(meta.name.clone());
        let state = self.store.locks().state(&self.lock_id)?;
        obs.backup_entry = state.backup_entry.as_ref().map(|b| b.method).or(obs.backup_entry);
        obs.last_offline_unlock = match (state.last_offline_unlock, obs.last_offline_unlock) {
            (Some(stored), Some(given)) => Some(if given.at > stored.at { given } else { stored }),
            (stored, given) => stored.or(given),
        };
        obs.last_seen = state.last_seen.map(|s| LastSeen {
            rssi: s.rssi,
            at: s.seen_at,
        });
        self.status_facts(&state, &mut obs);
        obs.life = super::life_facts::life_facts(&state);
        obs.revocation = self.revocation(&meta, &state)?;
        obs.pins = self.pins(&meta)?;
        obs.key = self.key(&meta)?;
        Ok(obs)
    }

    fn status_facts(&self, state: &LockState, obs: &mut LockObservations) {
        // (when, bolt, door, percent, faults) from the newest source.
        let mut latest = state
            .current_status()
            .map(|(s, at)| (at, s.bolt, s.door, s.battery_percent, s.faults));
        if let Some((r, at)) = &self.report {
            if latest.is_none_or(|(t, ..)| *at >= t) {
                latest = Some((*at, r.bolt, r.door, r.battery_percent, r.faults));
            }
            obs.factory_reset_detected = r.lock_reset_detected;
        }
        obs.clock = ClockObservation {
            trusted: latest.map(|(.., f)| !f.has(Faults::CLOCK_UNTRUSTED)),
            skew_s: state.clock_skew.map(|c| c.lock_minus_phone_s),
        };
        let Some((at, bolt, door, percent, faults)) = latest else {
            return;
        };
        let mut history = self.battery_history.clone();
        history.extend_from_slice(&state.battery_history);
        history.push(BatterySample { at, percent });
        obs.battery = Some(BatteryObservation {
            percent: Some(percent),
            low: faults.has(Faults::BATTERY_LOW),
            critical: faults.has(Faults::BATTERY_CRITICAL),
            trend: BatteryTrend::from_samples(&history),
        });
        obs.mechanics = MechanicsObservation {
            bolt: Some(bolt),
            door: Some(door),
            motor_stall: faults.has(Faults::MOTOR_STALL),
            bolt_not_thrown: faults.has(Faults::BOLT_NOT_THROWN),
            door_ajar: faults.has(Faults::DOOR_AJAR),
        };
        // The lock's refusal is fresher than a status read before it.
        if let Some(result) = self.last_error.and_then(|e| e.lock_result) {
            let m = &mut obs.mechanics;
            match result {
                ResultCode::Jammed => m.motor_stall = true,
                ResultCode::BoltNotThrown => m.bolt_not_thrown = true,
                ResultCode::DoorAjar => m.door_ajar = true,
                ResultCode::BatteryCritical => {
                    if let Some(b) = obs.battery.as_mut() {
                        b.critical = true;
                    }
                }
                _ => {}
            }
        }
    }

    fn revocation(&self, meta: &LockMeta, state: &LockState) -> Result<RevocationObservation, StoreError> {
        let lists = self.store.revocations().for_lock(&meta.lock_id, &meta.groups)?;
        let reported = state.last_status.map(|s| s.status.revocation_seq);
        let acked = state.revocation_ack.map(|a| a.seq);
        Ok(RevocationObservation {
            phone_seq: lists.iter().map(|l| l.seq).max(),
            lock_seq: acked.max(reported),
        })
    }

    /// Each pending change as "Cleaner (slot 3): removed on Monday
    /// 2026-11-16" (the day when the cloud's change log says it), or a
    /// count when the phone can't name them.
    fn pins(&self, meta: &LockMeta) -> Result<PinObservation, StoreError> {
        use latchkey_protocol::pin::PinSlotChange as Change;
        let status = crate::client::read_pin_status(self.store, &meta.lock_id)?;
        let mut pending_changes: Vec<String> = status
            .pending_changes
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|p| {
                let (slot, what) = match p.change {
                    Change::Added(n) => (n, "added"),
                    Change::Removed(n) => (n, "removed"),
                    Change::Changed(n) => (n, "changed"),
                };
                let when = p
                    .changed_at
                    .map(|at| format!(" on {}", crate::time::local_day(at, status.utc_offset_min)))
                    .unwrap_or_default();
                match p.label {
                    Some(label) => format!("{label} (slot {slot}): {what}{when}"),
                    None => format!("slot {slot}: {what}{when}"),
                }
            })
            .collect();
        if status.pending && pending_changes.is_empty() {
            let n = status.pending_count;
            pending_changes.push(if n == 1 {
                "1 change".to_string()
            } else {
                format!("{n} changes")
            });
        }
        Ok(PinObservation {
            phone_seq: status.held_seq,
            lock_seq: status.acked.map(|a| a.seq),
            pending_changes,
        })
    }

    fn key(&self, meta: &LockMeta) -> Result<KeyObservation, StoreError> {
        let mut keys: Vec<StoredKey> = self
            .store
            .keys()
            .for_lock(&meta.lock_id, &meta.groups)?
            .into_iter()
            .filter(|k| self.holder.is_none_or(|h| k.key.grant.holder == h))
            .collect();
        if keys.is_empty() {
            return Ok(KeyObservation {
                state: KeyState::NoKey,
                ..KeyObservation::default()
            });
        }
        let revoked: HashSet<KeyId> = self
            .store
            .revocations()
            .for_lock(&meta.lock_id, &meta.groups)?
            .into_iter()
            .flat_map(|l| l.revoked)
            .collect();
        // The longest-lived usable key wins, as when unlocking; when none is
        // usable, the longest-lived one explains why.
        latchkey_protocol::order::sort_by_key(&mut keys, |k| std::cmp::Reverse(k.key.grant.not_after));
        let judged: Vec<(KeyState, &StoredKey)> = keys
            .iter()
            .map(|k| {
                let state = if revoked.contains(&k.key.key_id()) {
                    KeyState::Revoked
                } else {
                    match k.key.check_time(self.now, meta.utc_offset_min) {
                        Ok(()) => KeyState::Valid,
                        Err(ResultCode::KeyNotYetValid) => KeyState::NotYetValid,
                        Err(ResultCode::OutsideSchedule) => KeyState::OutsideSchedule,
                        Err(_) => KeyState::Expired,
                    }
                };
                (state, k)
            })
            .collect();
        let Some((state, k)) = judged
            .iter()
            .find(|(s, _)| *s == KeyState::Valid)
            .or_else(|| judged.first())
            .copied()
        else {
            return Ok(KeyObservation::default());
        };
        let g = &k.key.grant;
        Ok(KeyObservation {
            state,
            label: Some(k.label.clone()),
            role: Some(g.role.name().to_string()),
            valid_from: Some(g.not_before),
            expires_at: Some(g.not_after),
            offline_allowed: Some(g.offline_allowed),
            scheduled: g.schedule.is_some(),
        })
    }
}
