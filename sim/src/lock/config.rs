//! Build-time and installation parameters of a simulated lock, the
//! lock's error type, and its count of asymmetric operations.

use super::mechanics::MechanicsConfig;
use crate::vendor::{FACTORY_FIRMWARE, REFERENCE_MODEL};
use latchkey_protocol::{FirmwareVersion, LockId, PinDigits, PinSecret, ProtocolError, PublicKey};
use thiserror::Error;

/// How a [`super::SimLock`] is built and installed. `Default` models a
/// 4×AA lock with a 256-event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockConfig {
    /// Events the ring holds before it overwrites the oldest.
    pub event_capacity: usize,
    /// RTC error in parts per million (positive: the clock runs fast).
    pub rtc_drift_ppm: i32,
    /// Local-time offset from UTC at installation, in minutes (a time
    /// token's offset replaces it, which carries DST changes).
    pub utc_offset_min: i16,
    /// Lock groups this lock belongs to (group keys and lists apply).
    pub groups: Vec<LockId>,
    /// Battery voltage at installation, in millivolts.
    pub battery_mv: u16,
    /// Voltage of fresh cells (100 %).
    pub battery_full_mv: u16,
    /// Below this the lock reports `BATTERY_LOW` and logs it once.
    pub battery_low_mv: u16,
    /// Below this the motor is not driven (`battery_critical`, brown-out);
    /// it is also the 0 % point.
    pub battery_critical_mv: u16,
    /// Voltage lost with every motor move (a model of cell depletion).
    pub battery_drop_per_actuation_mv: u16,
    /// Fast keys held (least recently used is evicted).
    pub fast_key_capacity: usize,
    /// Verified certificates held (least recently used is evicted).
    pub cert_cache_capacity: usize,
    /// Stored command outcomes held (least recently used is evicted).
    pub stored_outcome_capacity: usize,
    /// Period after which the advertised challenge rotates.
    pub challenge_rotation_ms: u64,
    /// An open door counts as ajar (a fault) after this long.
    pub door_ajar_limit_ms: u64,
    /// The keypad's master PIN, set at commissioning (the lock keeps only
    /// a salted hash); `None`: no master PIN until a PIN list brings one.
    pub master_pin: Option<PinDigits>,
    /// The PIN secret shared with the issuer: it keys the hashes of the PIN
    /// list's slots and the offline PINs (the authority derives it per
    /// lock: `KeyAuthority::pin_secret`). `None`: the keypad takes only the
    /// commissioning master PIN.
    pub pin_secret: Option<PinSecret>,
    /// Asymmetric operations the lock may spend on requests that have not
    /// proved a key, at once (the bucket's size).
    pub unauth_ops_burst: u32,
    /// One such operation is earned back per this many milliseconds.
    pub unauth_ops_refill_ms: u64,
    /// Most such operations in one connection.
    pub unauth_ops_per_connection: u32,
    /// The lock model (firmware images name it).
    pub model: u16,
    /// The firmware it leaves the factory with.
    pub firmware: FirmwareVersion,
    /// The vendor's firmware key, installed at the factory (`None`: the
    /// lock takes no firmware image).
    pub vendor_key: Option<PublicKey>,
}

impl Default for LockConfig {
    fn default() -> Self {
        Self {
            event_capacity: 256,
            rtc_drift_ppm: 0,
            utc_offset_min: 0,
            groups: Vec::new(),
            battery_mv: 6000,
            battery_full_mv: 6000,
            battery_low_mv: 4800,
            battery_critical_mv: 4400,
            battery_drop_per_actuation_mv: 1,
            fast_key_capacity: 64,
            cert_cache_capacity: 32,
            stored_outcome_capacity: 64,
            challenge_rotation_ms: 30_000,
            door_ajar_limit_ms: 60_000,
            master_pin: None,
            pin_secret: None,
            // A first contact needs 2 verifications before it proves a key
            // (given back when it does); a refused one costs 3 (2 and the
            // refusal's signature). 8 at once and one per 5 s keeps junk at
            // 17,280 operations a day at most, where an unlimited lock
            // answers ~30 frames a second; 6 per connection is two refused
            // AUTHs, so one connection can't take the whole bucket.
            unauth_ops_burst: 8,
            unauth_ops_refill_ms: 5_000,
            unauth_ops_per_connection: 6,
            model: REFERENCE_MODEL,
            firmware: FACTORY_FIRMWARE,
            vendor_key: None,
        }
    }
}

impl LockConfig {
    pub(crate) fn validate(&self) -> Result<(), LockError> {
        let invalid = |reason| Err(LockError::InvalidConfig(reason));
        if self.event_capacity == 0 {
            return invalid("event_capacity must be at least 1");
        }
        if self.fast_key_capacity == 0 || self.cert_cache_capacity == 0 || self.stored_outcome_capacity == 0 {
            return invalid("table capacities must be at least 1");
        }
        if self.unauth_ops_burst == 0 || self.unauth_ops_refill_ms == 0 || self.unauth_ops_per_connection == 0 {
            return invalid("the unauthenticated work budget must allow some work");
        }
        if self.challenge_rotation_ms == 0 {
            return invalid("challenge_rotation_ms must be positive");
        }
        if !(self.battery_critical_mv < self.battery_low_mv && self.battery_low_mv <= self.battery_full_mv) {
            return invalid("battery thresholds must satisfy critical < low <= full");
        }
        if self.rtc_drift_ppm.unsigned_abs() >= 1_000_000 {
            return invalid("rtc_drift_ppm must be within ±999999");
        }
        Ok(())
    }

    pub(crate) fn mechanics(&self) -> MechanicsConfig {
        MechanicsConfig {
            full_mv: self.battery_full_mv,
            low_mv: self.battery_low_mv,
            critical_mv: self.battery_critical_mv,
            drop_per_actuation_mv: self.battery_drop_per_actuation_mv,
            door_ajar_limit_ms: self.door_ajar_limit_ms,
        }
    }
}

/// Why a lock could not be commissioned.
#[derive(Debug, Error)]
pub enum LockError {
    /// A [`LockConfig`] field is out of range.
    #[error("invalid lock configuration: {0}")]
    InvalidConfig(&'static str),
    /// The identity key could not be generated or loaded.
    #[error("lock identity key: {0}")]
    Crypto(#[from] ProtocolError),
}

/// Asymmetric operations the lock performed, by kind. Counting rule: one
/// per ECDSA signature verified (attempted on a well-formed input), one per
/// ECDSA signature made, and one per ECDH exchange (generating the
/// ephemeral key and agreeing with the peer's count as one). Hashes, MACs
/// and AEAD are not counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AsymOpCounts {
    /// ECDSA P-256 verifications (certificates, holder signatures,
    /// revocation lists, time tokens).
    pub ecdsa_verify: u64,
    /// ECDSA P-256 signatures (AUTH results, event batches).
    pub ecdsa_sign: u64,
    /// Ephemeral ECDH P-256 exchanges (one per authorized AUTH).
    pub ecdh: u64,
}

impl AsymOpCounts {
    /// All operations together.
    pub fn total(&self) -> u64 {
        self.ecdsa_verify + self.ecdsa_sign + self.ecdh
    }
}
