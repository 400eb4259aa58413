//! The values subscriptions deliver: one lock as a screen shows it, and
//! the locks in range.

use crate::records::LockFaults;
use latchkey_core::watch as core;
use latchkey_core::{DiagnosisCode, LastOutcome};
use latchkey_protocol::{BoltState, Command, DoorState};

/// How the last command on a lock ended, in this process.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CommandOutcome {
    /// When it ended (phone clock, unix seconds).
    pub at: u32,
    /// The lock answered `ok`.
    pub succeeded: bool,
    /// What was asked, when it succeeded.
    pub command: Option<Command>,
    /// Why it failed (`key_expired`, `lock_out_of_range`…).
    pub code: Option<DiagnosisCode>,
    /// A sentence for logs, when it failed.
    pub message: Option<String>,
}

/// One lock, live (`client.locks().subscribe`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LockView {
    /// The lock (hex id).
    pub lock_id: String,
    /// Its display name.
    pub name: String,
    /// Bolt position from the newest authentic answer (none: never
    /// contacted, or only refused).
    pub bolt: Option<BoltState>,
    /// Door sensor, likewise.
    pub door: Option<DoorState>,
    /// Battery estimate, 0–100, likewise.
    pub battery_percent: Option<u8>,
    /// Faults, likewise.
    pub faults: Option<LockFaults>,
    /// When that answer came (unix seconds).
    pub status_observed_at: Option<u32>,
    /// When a command last saw its advertisement (unix seconds).
    pub last_seen_at: Option<u32>,
    /// How the last command on it ended, in this process.
    pub last_outcome: Option<CommandOutcome>,
    /// The revocation list the lock confirmed holding.
    pub revocation_seq_acked: Option<u32>,
    /// The newest revocation list this phone carries for it.
    pub revocation_seq_newest: Option<u32>,
    /// Keypad PIN changes the lock has not received yet.
    pub pin_changes_pending: u32,
    /// The lock lacks a revocation list or PIN changes this phone carries
    /// (the next command delivers them).
    pub drifting: bool,
    /// Lock clock minus phone clock at the last contact, in seconds.
    pub clock_skew_s: Option<i64>,
}

impl From<core::LockView> for LockView {
    fn from(v: core::LockView) -> Self {
        let drifting = v.drifting();
        let last_outcome = v.last_outcome.map(|o| match o {
            LastOutcome::Succeeded(report, at) => CommandOutcome {
                at,
                succeeded: true,
                command: Some(report.command),
                code: None,
                message: None,
            },
            LastOutcome::Failed(e, at) => CommandOutcome {
                at,
                succeeded: false,
                command: None,
                code: Some(e.diagnosis()),
                message: Some(e.to_string()),
            },
        });
        Self {
            lock_id: v.lock_id.to_hex(),
            name: v.name,
            bolt: v.status.map(|s| s.bolt),
            door: v.status.map(|s| s.door),
            battery_percent: v.status.map(|s| s.battery_percent),
            faults: v.status.map(|s| s.faults.into()),
            status_observed_at: v.status.map(|s| s.observed_at),
            last_seen_at: v.last_seen_at,
            last_outcome,
            revocation_seq_acked: v.revocation_seq_acked,
            revocation_seq_newest: v.revocation_seq_newest,
            pin_changes_pending: v.pin_changes_pending,
            drifting,
            clock_skew_s: v.clock_skew_s,
        }
    }
}

/// A latchkey lock in range.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NearbyLock {
    /// The short id it advertises (8 hex digits: its lock id's first 4 bytes).
    pub short_lock_id: String,
    /// The lock (hex id), when this phone knows it.
    pub lock_id: Option<String>,
    /// Its display name, when this phone knows it.
    pub name: Option<String>,
    /// The platform's address or identifier of the device.
    pub address: String,
    /// Signal strength in dBm.
    pub rssi: i16,
    /// It advertises events waiting to be collected.
    pub events_pending: bool,
    /// It advertises a low battery.
    pub battery_low: bool,
    /// It advertises that its clock needs a trusted time.
    pub needs_time: bool,
    /// It advertises a fault.
    pub fault: bool,
}

/// Why the last scan of a nearby session failed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NearbyProblem {
    /// `bluetooth_off`, `bluetooth_permission`, … (explain it with
    /// `explainDiagnosis`).
    pub code: DiagnosisCode,
    /// A sentence for logs.
    pub reason: String,
}

/// The locks in range (`client.locks().subscribeNearby`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NearbyLocks {
    /// Strongest signal first.
    pub locks: Vec<NearbyLock>,
    /// Why the last scan failed (the list is then empty); the session
    /// tries again at its next window.
    pub problem: Option<NearbyProblem>,
}

impl From<core::NearbyLocks> for NearbyLocks {
    fn from(n: core::NearbyLocks) -> Self {
        Self {
            locks: n
                .locks
                .into_iter()
                .map(|l| NearbyLock {
                    short_lock_id: latchkey_protocol::hex::encode(&l.short_lock_id),
                    lock_id: l.lock_id.map(|id| id.to_hex()),
                    name: l.name,
                    address: l.address,
                    rssi: l.rssi,
                    events_pending: l.events_pending,
                    battery_low: l.battery_low,
                    needs_time: l.needs_time,
                    fault: l.fault,
                })
                .collect(),
            problem: n.problem.map(|e| NearbyProblem {
                code: e.diagnosis(),
                reason: e.to_string(),
            }),
        }
    }
}
