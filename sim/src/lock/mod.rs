//! `SimLock`: a model of lock firmware, built on latchkey-protocol, that
//! behaves as a real lock would towards a phone.
//!
//! The life of a lock, in order:
//!
//! 1. [`SimLock::factory_new`] makes an unclaimed lock: its lock id,
//!    P-256 identity key, setup secret (the label, [`SimLock::label`]) and
//!    the vendor's firmware key; no issuer, no trusted time. A phone claims
//!    it over the radio (`claim.rs`, `setup_ops.rs`): proof of the setup
//!    secret, then the issuer key, time, name, groups, calibration and
//!    lists in one setup session committed at its end.
//!    [`SimLock::commission`] is the bench shortcut: a lock claimed for
//!    an issuer at once, with true time and a calibrated bolt.
//! 2. It advertises ([`Peripheral::advertisement`]) a rotating challenge.
//!    Two challenges are live (current and previous); only a request that
//!    authenticated (valid holder signature or fast-key MAC) consumes one,
//!    so junk cannot burn a phone's challenge.
//! 3. Packets arrive on [`Peripheral::on_packet`] and are reassembled with
//!    a 1 KiB limit and a 2 s timeout. AUTH is checked in this order:
//!    challenge live (`stale_challenge`), certificate (`unknown_issuer`,
//!    `bad_certificate`; a cached certificate skips the issuer signature;
//!    a bare hash the lock does not hold is `certificate_not_cached`),
//!    target (`wrong_lock`), holder signature (`bad_holder_signature`).
//!    Each verification, and the signature on a refusal, is paid from a
//!    budget for requests that prove no key (`budget.rs`); with it spent
//!    the answer is `ERROR(lock_busy)`. Now authenticated: revocation,
//!    trusted clock, validity and schedule by the lock's own RTC, role;
//!    then a stored outcome for (key id, command id) is replayed without
//!    actuating; else the motor runs, the outcome is stored and logged, and
//!    a session and fast key are derived.
//! 4. FAST does the same with an HMAC and a forward-only counter instead
//!    of signatures: zero asymmetric operations.
//! 5. In a session (60 s at most, the key re-checked on every frame):
//!    status, signed event batches, revocation lists and PIN lists (only a
//!    higher seq), trusted-time tokens (the only way the clock moves),
//!    outcomes by command id, further actuations.
//! 6. At the door, [`SimLock::enter_pin`]: the keypad (see `keypad.rs`;
//!    the entry itself is in `pin_entry.rs`).
//! 7. Firmware arrives in sessions, chunk by chunk, and installs only
//!    once the whole image is checked (`firmware.rs`, `firmware_ops.rs`);
//!    [`SimLock::factory_reset`] takes the lock back to unclaimed
//!    (`life.rs` says what it wipes and keeps).
//!
//! Decisions worth knowing:
//!
//! - An outcome is stored for every actuating command that passed the
//!   credential checks, whatever the hardware then did (`ok`, `jammed`,
//!   `door_ajar`…). A command refused on credentials (expired, untrusted
//!   clock…) is not stored: it did not reach the motor and may be retried
//!   with the same command id once the cause is fixed. A stored outcome is
//!   answered only to a key that passes the credential checks now; a
//!   replayed AUTH answer opens no session.
//! - Any request that passes every credential check gets a session and a
//!   fast key, even when the mechanics then fail (jam, door ajar), so the
//!   phone can still read status and events. After FAST the session is
//!   implicit: it is open when the answer is authentic, not replayed, and
//!   its code is `ok` or a hardware outcome (`jammed`, `bolt_not_thrown`,
//!   `door_ajar`, `battery_critical`).
//! - In-session `Actuate` honours stored outcomes too, but its answer has
//!   no replayed flag; a phone recovering from a lost answer asks with
//!   `Outcome(command_id)`.
//! - Answers to requests that were not authorized carry a redacted status
//!   (no bolt, door or battery level): the lock tells strangers, and keys
//!   it refuses, nothing about the door beyond what it advertises. An
//!   untrusted clock's session is limited to time delivery and lists.
//! - Authenticated refusals are logged as `access_denied`; unauthenticated
//!   junk is not, so a radio attacker cannot flush the ring.
//! - A `Service` key may not `Unlatch`: a technician works on the lock and
//!   does not need it to open the door by itself.
//! - While the clock is untrusted (after [`SimLock::power_loss`]), a
//!   time-limited key (`not_after` below `u32::MAX`, or a schedule) is
//!   refused with `clock_untrusted`; an unlimited key still works and its
//!   `not_before` is not checked against the unknown clock.

mod access;
mod budget;
mod challenges;
mod claim;
mod claim_state;
mod config;
mod credentials;
mod event_log;
mod firmware;
mod firmware_ops;
mod handler;
mod keypad;
mod life;
mod mechanics;
mod pin_entry;
mod rtc;
mod session_ops;
mod setup_ops;

pub use config::{AsymOpCounts, LockConfig, LockError};
pub use keypad::KeypadOutcome;
pub use mechanics::Fault;
pub use rtc::{RTC_RESET_UNIX, RTC_WATERMARK_INTERVAL_S};

use crate::{Peripheral, VirtualClock};
use budget::UnauthBudget;
use challenges::Challenges;
use claim_state::ClaimState;
use credentials::Credentials;
use event_log::EventLog;
use firmware::FirmwareState;
use keypad::Keypad;
use latchkey_protocol::framing::Reassembler;
use latchkey_protocol::{
    Advertisement, BoltState, Challenge, DigitalKey, DoorState, EventKind, Faults, IssuerId, KeyId, LockEvent, LockId,
    LockStatus, PublicKey, SessionCipher, SetupSecret, SigningKey, SESSION_LIFETIME_MS,
};
use mechanics::{HardwareEvent, Mechanics};
use rtc::Rtc;

/// An authenticated session inside one connection. What it may do is
/// decided again on every frame from its certificate (see
/// `session_ops.rs`): a key that stops being valid mid-session loses the
/// session's rights with it.
struct Session {
    cipher: SessionCipher,
    key_id: KeyId,
    /// Re-checked before every operation in the session.
    cert: DigitalKey,
    /// The challenge the opening request answered (a time token may be
    /// bound to it), and when the lock minted it.
    challenge: Challenge,
    challenge_minted_ms: u64,
    /// When the session opened: it ends `SESSION_LIFETIME_MS` later.
    opened_ms: u64,
}

/// State that lives only as long as one BLE connection.
struct Connection {
    reassembler: Reassembler,
    session: Option<Session>,
    /// A claim in progress (offer made, or setup session open).
    claim: Option<ClaimState>,
    /// The running firmware answered an install: the lock restarts into
    /// the new one once the answer is out.
    restart_after_answer: bool,
}

impl Connection {
    fn new() -> Self {
        Self {
            reassembler: Reassembler::default(),
            session: None,
            claim: None,
            restart_after_answer: false,
        }
    }
}

/// What a claim installed: whose lock this is.
#[derive(Debug, Clone)]
struct Owner {
    issuer: PublicKey,
    groups: Vec<LockId>,
}

/// A simulated lock. See the module documentation for its behaviour.
pub struct SimLock {
    identity: SigningKey,
    identity_public: PublicKey,
    lock_id: LockId,
    epoch: u32,
    /// `None` while unclaimed (new, or factory reset).
    owner: Option<Owner>,
    /// The proof of physical possession on the label (kept for life).
    setup_secret: SetupSecret,
    /// The name given when claimed.
    name: String,
    /// Issuer id and revocation seq of the owner before the last reset:
    /// re-commissioning by the same issuer must bring a list this new.
    previous_owner: Option<(IssuerId, u32)>,
    /// A firmware update dropped the PIN list of this seq: the
    /// advertisement asks phones to bring a list at least this new.
    lost_pin_seq: Option<u32>,
    firmware: FirmwareState,
    clock: VirtualClock,
    rtc: Rtc,
    challenges: Challenges,
    creds: Credentials,
    log: EventLog,
    mech: Mechanics,
    keypad: Keypad,
    conn: Connection,
    ops: AsymOpCounts,
    unauth: UnauthBudget,
}

impl std::fmt::Debug for SimLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SimLock({}, epoch {})", self.lock_id, self.epoch)
    }
}

impl SimLock {
    /// The lock's identity public key (phones verify its signatures).
    pub fn identity_public_key(&self) -> PublicKey {
        self.identity_public
    }

    /// The lock's id.
    pub fn lock_id(&self) -> LockId {
        self.lock_id
    }

    /// The current epoch (1 after commissioning, bumped by every reset).
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The issuer key installed when the lock was claimed (`None`:
    /// unclaimed).
    pub fn issuer(&self) -> Option<PublicKey> {
        self.owner.as_ref().map(|o| o.issuer)
    }

    /// The lock groups it belongs to.
    pub fn groups(&self) -> &[LockId] {
        self.owner.as_ref().map_or(&[], |o| &o.groups)
    }

    /// The issuer key to verify with: the owner's, or (unclaimed) a key
    /// no signature verifies under. Frames that need an issuer never get
    /// this far on an unclaimed lock (`handler.rs`).
    fn issuer_key(&self) -> PublicKey {
        self.owner.as_ref().map_or(PublicKey([0; 64]), |o| o.issuer)
    }

    /// The full status report.
    pub fn status(&self) -> LockStatus {
        let now_ms = self.now_ms();
        let mut faults = self.mech.faults(now_ms);
        if !self.rtc.trusted() {
            faults |= Faults::CLOCK_UNTRUSTED;
        }
        if self.keypad.lockout_left_ms(now_ms).is_some() {
            faults |= Faults::KEYPAD_LOCKED;
        }
        LockStatus {
            bolt: self.mech.bolt(),
            door: self.mech.door(),
            battery_mv: self.mech.battery_mv(),
            battery_percent: self.mech.battery_percent(),
            faults: Faults(faults),
            lock_time: self.rtc.now(now_ms),
            revocation_seq: self.creds.revocation_seq(),
            event_head: self.log.head_seq(),
            epoch: self.epoch,
        }
    }

    /// What an unauthorized requester may see: clock, epoch and revocation
    /// seq (to explain its refusal) and the flags the advertisement already
    /// shows; no bolt, door, battery level or activity.
    fn public_status(&self) -> LockStatus {
        let full = self.status();
        let public_faults = Faults::BATTERY_LOW | Faults::BATTERY_CRITICAL | Faults::CLOCK_UNTRUSTED;
        LockStatus {
            bolt: BoltState::Unknown,
            door: DoorState::Unknown,
            battery_mv: 0,
            battery_percent: 0,
            faults: Faults(full.faults.0 & public_faults),
            event_head: 0,
            ..full
        }
    }

    /// The lock's clock reading (unix seconds), drift included.
    pub fn lock_time(&self) -> u32 {
        self.rtc.now(self.now_ms())
    }

    /// Whether the clock was set from a trusted source since power-up.
    pub fn clock_trusted(&self) -> bool {
        self.rtc.trusted()
    }

    /// The local-time offset schedules are evaluated in.
    pub fn utc_offset_min(&self) -> i16 {
        self.rtc.utc_offset_min()
    }

    /// Sequence number of the installed revocation list (0: none).
    pub fn revocation_seq(&self) -> u32 {
        self.creds.revocation_seq()
    }

    /// The events still held in the ring, oldest first.
    pub fn events(&self) -> Vec<LockEvent> {
        self.log.events()
    }

    /// Motor moves so far: tests assert "bolt untouched" with it.
    pub fn actuation_count(&self) -> u64 {
        self.mech.actuations()
    }

    /// Asymmetric operations performed so far, by kind.
    pub fn asym_op_counts(&self) -> AsymOpCounts {
        self.ops
    }

    /// Whether the lock holds a fast key for `key_id`.
    pub fn has_fast_key(&self, key_id: &KeyId) -> bool {
        self.creds.fast_keys.contains(key_id)
    }

    /// Whether the current connection has an authenticated session (one
    /// past its lifetime counts as ended).
    pub fn has_session(&self) -> bool {
        self.conn
            .session
            .as_ref()
            .is_some_and(|s| self.now_ms().saturating_sub(s.opened_ms) <= SESSION_LIFETIME_MS)
    }

    /// Power loss and reboot: the RTC restarts from the last clock reading
    /// saved to flash (every [`RTC_WATERMARK_INTERVAL_S`]) and is untrusted until a time token arrives; the connection drops; a
    /// `boot` event is logged. Credentials, outcomes, the revocation list,
    /// the last accepted token time and the log are in flash and survive.
    pub fn power_loss(&mut self) {
        let now_ms = self.now_ms();
        self.rtc.power_loss(now_ms);
        self.conn = Connection::new();
        self.challenges.restart(now_ms);
        self.record(EventKind::Boot, KeyId::default(), 0, 0);
    }

    /// Injects a hardware condition (see [`Fault`]); door and battery
    /// changes are logged as the sensors would.
    pub fn inject(&mut self, fault: Fault) {
        let events = self.mech.inject(fault, self.now_ms());
        self.record_hardware(&events);
    }

    /// Frees a jammed bolt and aligns the strike (door and battery are
    /// states, changed with [`SimLock::inject`]).
    pub fn clear_faults(&mut self) {
        self.mech.clear_faults();
    }

    fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    fn record(&mut self, kind: EventKind, key_id: KeyId, result: u8, detail: u16) {
        let time = self.lock_time();
        self.log.record(time, kind, key_id, result, detail);
    }

    fn record_hardware(&mut self, events: &[HardwareEvent]) {
        for e in events {
            match *e {
                HardwareEvent::BatteryLow(mv) => self.record(EventKind::BatteryLow, KeyId::default(), 0, mv),
                HardwareEvent::DoorOpened => self.record(EventKind::DoorOpened, KeyId::default(), 0, 0),
                HardwareEvent::DoorClosed => self.record(EventKind::DoorClosed, KeyId::default(), 0, 0),
            }
        }
    }
}

impl Peripheral for SimLock {
    fn advertisement(&mut self) -> Advertisement {
        self.challenges.refresh(self.now_ms());
        let status = self.status();
        let mut flags = 0;
        if self.log.pending() {
            flags |= Advertisement::EVENTS_PENDING;
        }
        if status.faults.has(Faults::BATTERY_LOW) || status.faults.has(Faults::BATTERY_CRITICAL) {
            flags |= Advertisement::BATTERY_LOW;
        }
        if status.faults.has(Faults::CLOCK_UNTRUSTED) {
            flags |= Advertisement::NEEDS_TIME;
        }
        if status.faults.0 & (Faults::MOTOR_STALL | Faults::BOLT_NOT_THROWN | Faults::DOOR_AJAR) != 0 {
            flags |= Advertisement::FAULT;
        }
        if self.owner.is_none() {
            flags |= Advertisement::UNCLAIMED;
        }
        if self.lost_pin_seq.is_some() {
            flags |= Advertisement::NEEDS_LISTS;
        }
        if self.firmware.download().is_some() {
            flags |= Advertisement::UPDATE_HELD;
        }
        Advertisement {
            short_lock_id: self.lock_id.short(),
            epoch: self.epoch,
            challenge: self.challenges.current(),
            flags,
            revocation_seq_low: status.revocation_seq as u8,
        }
    }

    fn on_connect(&mut self, _mtu: u16) {
        // The link fragments responses to its MTU; the lock only needs a
        // clean slate for the new connection.
        self.conn = Connection::new();
        self.unauth.new_connection();
    }

    fn on_disconnect(&mut self) {
        self.conn = Connection::new();
        self.unauth.new_connection();
    }

    fn on_packet(&mut self, packet: &[u8]) -> Option<Vec<u8>> {
        self.receive_packet(packet)
    }

    fn on_tick(&mut self) -> Option<Vec<u8>> {
        self.tick()
    }

    fn asym_ops(&self) -> u64 {
        self.ops.total()
    }
}
