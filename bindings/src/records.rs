//! The records and enums the app sees: command reports, lock and key
//! information, and the core's stable enums (exported as they are).
//!
//! Identifiers cross the boundary as lower-case hex strings, public keys as
//! SEC1 uncompressed bytes (65 bytes, `04 ‖ x ‖ y`), certificates, lists and
//! tokens in their wire encoding.

use latchkey_core::store::{LockMeta, LockState, StoredKey};
use latchkey_core::unlock::UnlockPath;
use latchkey_protocol::{BoltState, Command, DoorState, EventGap, Faults, Role};

/// The lock's active faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct LockFaults {
    /// The motor stalled on the last actuation.
    pub motor_stall: bool,
    /// The bolt did not reach its end position on the last lock.
    pub bolt_not_thrown: bool,
    /// The door has been open longer than the lock's ajar limit.
    pub door_ajar: bool,
    /// The battery is low: replace soon.
    pub battery_low: bool,
    /// The battery is too weak to actuate.
    pub battery_critical: bool,
    /// The lock's clock is not trusted until a time token arrives.
    pub clock_untrusted: bool,
}

impl From<Faults> for LockFaults {
    fn from(f: Faults) -> Self {
        Self {
            motor_stall: f.has(Faults::MOTOR_STALL),
            bolt_not_thrown: f.has(Faults::BOLT_NOT_THROWN),
            door_ajar: f.has(Faults::DOOR_AJAR),
            battery_low: f.has(Faults::BATTERY_LOW),
            battery_critical: f.has(Faults::BATTERY_CRITICAL),
            clock_untrusted: f.has(Faults::CLOCK_UNTRUSTED),
        }
    }
}

/// A range of lock events the lock overwrote before they were collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct EventGapRange {
    /// First missing sequence number.
    pub first: u32,
    /// Last missing sequence number.
    pub last: u32,
}

impl From<EventGap> for EventGapRange {
    fn from(g: EventGap) -> Self {
        Self {
            first: g.first,
            last: g.last,
        }
    }
}

/// The outcome of an unlock, lock or status command the lock answered
/// with `ok` (refusals arrive as [`crate::CommandError`]).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CommandReport {
    /// The lock (hex id).
    pub lock_id: String,
    /// Its display name.
    pub lock_name: String,
    /// What was asked.
    pub command: Command,
    /// Which exchange carried it.
    pub path: UnlockPath,
    /// The answer was the lock's stored outcome of an earlier delivery of
    /// the same command (the connection had dropped): nothing moved twice.
    pub replayed: bool,
    /// Bolt position after the command.
    pub bolt: BoltState,
    /// Door sensor.
    pub door: DoorState,
    /// Battery estimate, 0–100.
    pub battery_percent: u8,
    /// Active faults.
    pub faults: LockFaults,
    /// Lock clock minus phone clock, in seconds.
    pub clock_skew_s: i64,
    /// Round trips until the answer (1 for both exchanges).
    pub round_trips: u32,
    /// Frame bytes written until the answer.
    pub bytes_up: u64,
    /// Frame bytes received until the answer.
    pub bytes_down: u64,
    /// From connection to answer, in milliseconds.
    pub latency_ms: u64,
    /// Connection attempts (more than 1 after a dropped connection).
    pub attempts: u32,
    /// The lock was factory-reset since the last contact.
    pub lock_reset_detected: bool,
    /// The lock confirmed holding this revocation list.
    pub revocation_seq_acked: Option<u32>,
    /// The lock set its clock from a delivered time token (unix seconds).
    pub time_delivered: Option<u32>,
    /// Lock events collected into the outbox.
    pub events_collected: u32,
    /// Ranges the lock had overwritten before they could be collected.
    pub gaps: Vec<EventGapRange>,
    /// Follow-on work stopped early for this reason (retried next contact).
    pub housekeeping_error: Option<String>,
}

impl From<latchkey_core::CommandReport> for CommandReport {
    fn from(r: latchkey_core::CommandReport) -> Self {
        Self {
            lock_id: r.lock_id.to_hex(),
            lock_name: r.lock_name,
            command: r.command,
            path: r.path,
            replayed: r.replayed,
            bolt: r.bolt,
            door: r.door,
            battery_percent: r.battery_percent,
            faults: r.faults.into(),
            clock_skew_s: r.clock_skew_s,
            round_trips: r.round_trips,
            bytes_up: r.bytes_up as u64,
            bytes_down: r.bytes_down as u64,
            latency_ms: r.latency_ms,
            attempts: r.attempts,
            lock_reset_detected: r.lock_reset_detected,
            revocation_seq_acked: r.revocation_seq_acked,
            time_delivered: r.time_delivered,
            events_collected: r.events_collected,
            gaps: r.gaps.into_iter().map(Into::into).collect(),
            housekeeping_error: r.housekeeping_error,
        }
    }
}

/// What the cloud says about a lock (its commissioning data).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LockMetadata {
    /// The lock's id (32 hex digits).
    pub lock_id: String,
    /// Its display name.
    pub name: String,
    /// The lock's own public key (SEC1 uncompressed, 65 bytes).
    pub identity_key: Vec<u8>,
    /// The issuer key the lock trusts (SEC1 uncompressed, 65 bytes).
    pub issuer_key: Vec<u8>,
    /// Local time offset from UTC in minutes (for schedules).
    pub utc_offset_min: i16,
    /// The lock groups it belongs to (hex ids).
    pub groups: Vec<String>,
}

impl From<&LockMeta> for LockMetadata {
    fn from(m: &LockMeta) -> Self {
        Self {
            lock_id: m.lock_id.to_hex(),
            name: m.name.clone(),
            identity_key: m.identity_key.to_sec1().to_vec(),
            issuer_key: m.issuer_key.to_sec1().to_vec(),
            utc_offset_min: m.utc_offset_min,
            groups: m.groups.iter().map(|g| g.to_hex()).collect(),
        }
    }
}

/// A lock this phone knows, with what it last learned about it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LockInfo {
    /// Commissioning data.
    pub metadata: LockMetadata,
    /// When its advertisement was last seen (unix seconds).
    pub last_seen_at: Option<u32>,
    /// Signal strength then, in dBm.
    pub last_rssi: Option<i16>,
    /// Bolt position in the last full status.
    pub bolt: Option<BoltState>,
    /// Door sensor in the last full status.
    pub door: Option<DoorState>,
    /// Battery estimate in the last full status, 0–100.
    pub battery_percent: Option<u8>,
    /// Faults in the last full status.
    pub faults: Option<LockFaults>,
    /// When the last full status arrived (unix seconds).
    pub status_observed_at: Option<u32>,
    /// The newest revocation list the lock confirmed holding.
    pub revocation_seq_acked: Option<u32>,
    /// Lock clock minus phone clock at the last contact, in seconds.
    pub clock_skew_s: Option<i64>,
}

impl LockInfo {
    pub(crate) fn new(meta: &LockMeta, state: &LockState) -> Self {
        let status = state.last_status.map(|s| s.status);
        Self {
            metadata: meta.into(),
            last_seen_at: state.last_seen.map(|s| s.seen_at),
            last_rssi: state.last_seen.map(|s| s.rssi),
            bolt: status.map(|s| s.bolt),
            door: status.map(|s| s.door),
            battery_percent: status.map(|s| s.battery_percent),
            faults: status.map(|s| s.faults.into()),
            status_observed_at: state.last_status.map(|s| s.observed_at),
            revocation_seq_acked: state.revocation_ack.map(|a| a.seq),
            clock_skew_s: state.clock_skew.map(|s| s.lock_minus_phone_s),
        }
    }
}

/// A weekly window in which a key works (lock local time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct KeySchedule {
    /// Bit 0 = Monday … bit 6 = Sunday.
    pub weekdays: u8,
    /// Minutes after local midnight when the window opens.
    pub start_minute: u16,
    /// Minutes after local midnight when the window closes (equal to the
    /// start: the whole day; before it: overnight).
    pub end_minute: u16,
}

/// A digital key held by this phone, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeyInfo {
    /// The key's id (16 hex digits).
    pub key_id: String,
    /// The lock or lock group it opens (hex id).
    pub lock_id: String,
    /// Whether `lock_id` names a group of locks.
    pub lock_group: bool,
    /// The lock's display name, when known.
    pub lock_name: Option<String>,
    /// The name the user or host gave it.
    pub label: String,
    /// What the holder is.
    pub role: Role,
    /// First second of validity (unix seconds).
    pub not_before: u32,
    /// First second after validity (unix seconds).
    pub not_after: u32,
    /// Weekly schedule, if any.
    pub schedule: Option<KeySchedule>,
    /// Usable with no network.
    pub offline_allowed: bool,
    /// Rises with each renewal.
    pub serial: u32,
    /// When the phone received it (unix seconds).
    pub received_at: u32,
}

impl From<&StoredKey> for KeyInfo {
    fn from(k: &StoredKey) -> Self {
        let g = &k.key.grant;
        Self {
            key_id: g.key_id.to_hex(),
            lock_id: g.lock_id.to_hex(),
            lock_group: g.lock_group,
            lock_name: k.lock_name.clone(),
            label: k.label.clone(),
            role: g.role,
            not_before: g.not_before,
            not_after: g.not_after,
            schedule: g.schedule.map(|s| KeySchedule {
                weekdays: s.weekdays,
                start_minute: s.start_minute,
                end_minute: s.end_minute,
            }),
            offline_allowed: g.offline_allowed,
            serial: g.serial,
            received_at: k.received_at,
        }
    }
}
