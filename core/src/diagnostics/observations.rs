//! What the phone knows about one lock and its key, as plain values the
//! engine reads: [`LockObservations`]. Fill it with
//! [`super::ObservationsBuilder`] from the store, or from JSON (the CLI's
//! `--observations`, the docs' examples). Every fact may be unknown.

use super::wire_names::opt_named;
use crate::error::DiagnosisCode;
use crate::store::BackupMethod;
use latchkey_protocol::{BoltState, DoorState, ResultCode};
use serde::{Deserialize, Serialize};

pub use crate::store::{BatterySample, UnlockRecord};

/// The lock and key facts for one diagnosis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LockObservations {
    /// The lock's display name.
    pub lock_name: Option<String>,
    /// When these facts were put together (phone clock, unix seconds).
    pub observed_at: Option<u32>,
    /// The last time the phone heard the lock's advertisement.
    pub last_seen: Option<LastSeen>,
    /// The last command failure for this lock.
    pub last_error: Option<LastError>,
    /// Battery, from the lock's last status.
    pub battery: Option<BatteryObservation>,
    /// Bolt, door and motor, from the lock's last status and answer.
    pub mechanics: MechanicsObservation,
    /// The lock's clock.
    pub clock: ClockObservation,
    /// The best key this phone holds for the lock.
    pub key: KeyObservation,
    /// The lock was factory reset since the phone last saw it.
    pub factory_reset_detected: bool,
    /// Revocation lists: what the phone carries and what the lock holds.
    pub revocation: RevocationObservation,
    /// Keypad PIN-list drift.
    pub pins: PinObservation,
    /// How the resident gets in without the phone (readiness check).
    pub backup_entry: Option<BackupMethod>,
    /// The last unlock tried while the phone was offline (readiness check).
    pub last_offline_unlock: Option<UnlockRecord>,
    /// Whose lock it is and what its firmware did.
    pub life: LifeObservation,
}

/// The lock's life: whether it has an owner, and what its firmware did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LifeObservation {
    /// The lock advertises that it has no owner (new, or factory reset).
    pub unclaimed: bool,
    /// A claim found the lock set up by another account.
    pub claimed_elsewhere: bool,
    /// The firmware it runs, as it last said ("1.1.0").
    pub firmware: Option<String>,
    /// A firmware delivery stopped part-way: bytes the lock holds, of the
    /// image's size.
    pub update_held: Option<(u32, u32)>,
    /// The lock refused the last image offered (its result code name).
    pub update_rejected: Option<String>,
    /// What a firmware update dropped and no phone has put back yet, by
    /// name (`pin_list`, `revocation_list`, `clock_trust`,
    /// `certificates`, `event_log`; findings show them in words).
    pub credentials_lost: Vec<String>,
}

impl LifeObservation {
    /// Whether anything about the lock's setup or firmware needs a person.
    pub fn needs_attention(&self) -> bool {
        self.unclaimed || self.claimed_elsewhere || !self.credentials_lost.is_empty()
    }
}

/// The lock's advertisement as last heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastSeen {
    /// Signal strength in dBm (−50 is close, −90 is at the edge).
    pub rssi: i16,
    /// When (phone clock, unix seconds).
    pub at: u32,
}

/// A command that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastError {
    /// The core's diagnosis of it.
    pub diagnosis: DiagnosisCode,
    /// The lock's result code, when the lock answered.
    #[serde(default, with = "opt_named", skip_serializing_if = "Option::is_none")]
    pub lock_result: Option<ResultCode>,
    /// When (phone clock, unix seconds).
    #[serde(default)]
    pub at: Option<u32>,
}

/// How the battery charge moves over time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatteryTrend {
    /// Not enough history.
    #[default]
    Unknown,
    /// Draining as batteries do (months per set).
    Steady,
    /// Draining faster than usual.
    Falling,
    /// Draining within weeks: something makes the motor work too hard.
    FallingFast,
}

impl BatteryTrend {
    /// The trend over readings at least a day apart (oldest and newest
    /// count): above 0.5 %/day is falling, above 2 %/day falling fast (a set
    /// of lock batteries normally lasts a year, about 0.3 %/day).
    pub fn from_samples(samples: &[BatterySample]) -> Self {
        let first = samples.iter().min_by_key(|s| s.at);
        let last = samples.iter().max_by_key(|s| s.at);
        let (Some(first), Some(last)) = (first, last) else {
            return Self::Unknown;
        };
        let days = f64::from(last.at.saturating_sub(first.at)) / 86_400.0;
        if days < 1.0 {
            return Self::Unknown;
        }
        let per_day = (f64::from(first.percent) - f64::from(last.percent)) / days;
        if per_day > 2.0 {
            Self::FallingFast
        } else if per_day > 0.5 {
            Self::Falling
        } else {
            Self::Steady
        }
    }
}

/// The lock's battery.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BatteryObservation {
    /// Charge estimate, 0–100.
    pub percent: Option<u8>,
    /// The lock reports its battery low (replace soon).
    pub low: bool,
    /// The lock reports its battery too weak to drive the motor.
    pub critical: bool,
    /// How the charge moves.
    pub trend: BatteryTrend,
}

/// Bolt, door and motor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MechanicsObservation {
    /// Where the bolt is.
    #[serde(with = "opt_named", skip_serializing_if = "Option::is_none")]
    pub bolt: Option<BoltState>,
    /// What the door sensor says.
    #[serde(with = "opt_named", skip_serializing_if = "Option::is_none")]
    pub door: Option<DoorState>,
    /// The motor stalled on the last move.
    pub motor_stall: bool,
    /// The bolt did not go all the way out on the last lock.
    pub bolt_not_thrown: bool,
    /// The door has stood open too long, or a lock was refused while open.
    pub door_ajar: bool,
}

impl MechanicsObservation {
    /// Whether anything mechanical is reported wrong.
    pub fn any_fault(&self) -> bool {
        self.motor_stall
            || self.bolt_not_thrown
            || self.door_ajar
            || matches!(self.bolt, Some(BoltState::Jammed | BoltState::PartiallyThrown))
    }
}

/// The lock's clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClockObservation {
    /// False after a power loss until a trusted time token was delivered.
    pub trusted: Option<bool>,
    /// Lock clock minus phone clock, seconds.
    pub skew_s: Option<i64>,
}

/// The state of the best key this phone holds for the lock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyState {
    /// Not known.
    #[default]
    Unknown,
    /// Usable now (by the phone's clock).
    Valid,
    /// No key for this lock.
    NoKey,
    /// The phone has no record of the lock.
    UnknownLock,
    /// Expired.
    Expired,
    /// Not valid yet.
    NotYetValid,
    /// Valid, but not at this day or hour.
    OutsideSchedule,
    /// On a revocation list.
    Revoked,
    /// The lock said it is for another lock.
    WrongLock,
    /// The lock did not accept the key (unknown issuer, damaged, role).
    Rejected,
}

/// The key the phone would use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyObservation {
    /// Its state.
    pub state: KeyState,
    /// The name the host gave it.
    pub label: Option<String>,
    /// The holder's role (`resident`, `guest`, …).
    pub role: Option<String>,
    /// First second of validity (unix seconds).
    pub valid_from: Option<u32>,
    /// First second after validity (unix seconds).
    pub expires_at: Option<u32>,
    /// The issuer allows it with no network.
    pub offline_allowed: Option<bool>,
    /// It has a weekly schedule.
    pub scheduled: bool,
}

/// Keypad PIN-list positions: changes the phone carries that the lock
/// has not confirmed (a PIN deleted in the portal still works on the lock
/// until a phone delivers the list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PinObservation {
    /// The newest PIN list the phone carries for this lock.
    pub phone_seq: Option<u32>,
    /// The newest PIN list the lock confirmed holding.
    pub lock_seq: Option<u32>,
    /// The changes the lock lacks, each as "Cleaner (slot 3): removed",
    /// with the day it was made in the portal when the cloud's change log
    /// says ("… removed on Monday 2026-11-16"), or a count ("2 changes")
    /// when the phone can't name them.
    pub pending_changes: Vec<String>,
}

impl PinObservation {
    /// The phone carries a newer PIN list than the lock holds.
    pub fn drift(&self) -> bool {
        matches!((self.phone_seq, self.lock_seq), (Some(p), l) if p > l.unwrap_or(0))
    }
}

/// Revocation-list positions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RevocationObservation {
    /// The newest list the phone carries for this lock.
    pub phone_seq: Option<u32>,
    /// The newest list the lock confirmed holding.
    pub lock_seq: Option<u32>,
}

impl RevocationObservation {
    /// The phone carries a newer list than the lock holds.
    pub fn drift(&self) -> bool {
        matches!((self.phone_seq, self.lock_seq), (Some(p), l) if p > l.unwrap_or(0))
    }
}

impl LockObservations {
    /// Reads the JSON format documented in `docs/diagnostics.md`.
    pub fn from_json(json: &str) -> Result<Self, super::SnapshotError> {
        // As bytes, like the store's records: one compiled decoder per type.
        serde_json::from_slice(json.as_bytes()).map_err(|e| super::SnapshotError::Invalid(e.to_string()))
    }
}
