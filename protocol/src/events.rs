//! Lock events, the hash chain over them, and lock-signed batches.
//!
//! Event (20 bytes): seq (4) ‖ time (4) ‖ kind (1) ‖ key id (8) ‖
//! result (1) ‖ detail (2). The chain starts at
//! `SHA-256("latchkey/v1/chain" ‖ lock id ‖ epoch)` and each event extends
//! it: `h_n = SHA-256(h_{n-1} ‖ event_n)`.
//!
//! A batch carries the chain value before its first event, the events, and
//! the lock's signature over (lock id, epoch, oldest seq still held, newest
//! seq, chain before, events, chain after). A verifier recomputes the chain:
//! nothing can be altered, reordered or dropped from the middle or the end
//! of a batch, and a range lost to the lock's ring overwriting it is
//! explicit ([`EventBatch::gap_after`]).

use crate::codec::{Reader, Writer};
use crate::crypto::{sha256, PublicKey, SigDomain, Signature, SigningKey};
use crate::error::{ProtocolError, Result};
use crate::ids::{KeyId, LockId};

const VERSION: u8 = 1;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum EventKind {
    /// Bolt retracted by a key.
    Unlocked = 1,
    /// Bolt thrown by a key.
    Locked = 2,
    /// Latch pulled by a key.
    Unlatched = 3,
    /// A key was refused (result says why).
    AccessDenied = 4,
    /// A newer revocation list was installed (detail: low 16 bits of seq).
    RevocationsUpdated = 5,
    /// The clock was set from a trusted-time token.
    TimeSet = 6,
    /// The lock was factory reset (first event of a new epoch).
    FactoryReset = 7,
    /// The motor stalled.
    Jammed = 8,
    /// The bolt did not reach its end position.
    BoltNotThrown = 9,
    /// The battery crossed the low threshold.
    BatteryLow = 10,
    /// The lock booted (after power loss, clock untrusted).
    Boot = 11,
    /// The door opened.
    DoorOpened = 12,
    /// The door closed.
    DoorClosed = 13,
    /// A keypad PIN was accepted and the motor ran (result: the motor's
    /// code; key id: which PIN, see [`crate::PinUse`]).
    PinAccepted = 14,
    /// A keypad entry was refused (result says why; key id: the PIN it
    /// matched, or zero; detail: consecutive refusals so far).
    PinRejected = 15,
    /// The keypad locked out after repeated refusals (detail: seconds).
    KeypadLockout = 16,
    /// A newer PIN list was installed (detail: low 16 bits of seq).
    PinsUpdated = 17,
    /// The lock was claimed (key id: issuer id (4) ‖ firmware version (4)).
    Claimed = 18,
    /// New firmware was installed (key id: previous version (4) ‖ new
    /// version (4); detail: what it did not keep: bit 0 the PIN list, bit 1
    /// certificates and fast keys, bit 2 the clock's trust).
    FirmwareInstalled = 19,
    /// A firmware image was refused (result: why; key id: the version
    /// offered (4) ‖ 0).
    FirmwareRejected = 20,
    /// The bolt's travel was calibrated (result: the motor's code; detail:
    /// travel in ms).
    Calibrated = 21,
}

impl EventKind {
    const ALL: [EventKind; 21] = [
        Self::Unlocked,
        Self::Locked,
        Self::Unlatched,
        Self::AccessDenied,
        Self::RevocationsUpdated,
        Self::TimeSet,
        Self::FactoryReset,
        Self::Jammed,
        Self::BoltNotThrown,
        Self::BatteryLow,
        Self::Boot,
        Self::DoorOpened,
        Self::DoorClosed,
        Self::PinAccepted,
        Self::PinRejected,
        Self::KeypadLockout,
        Self::PinsUpdated,
        Self::Claimed,
        Self::FirmwareInstalled,
        Self::FirmwareRejected,
        Self::Calibrated,
    ];

    /// Decodes a kind byte.
    pub fn from_u8(v: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| *k as u8 == v)
    }

    /// snake_case name for logs and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Unlocked => "unlocked",
            Self::Locked => "locked",
            Self::Unlatched => "unlatched",
            Self::AccessDenied => "access_denied",
            Self::RevocationsUpdated => "revocations_updated",
            Self::TimeSet => "time_set",
            Self::FactoryReset => "factory_reset",
            Self::Jammed => "jammed",
            Self::BoltNotThrown => "bolt_not_thrown",
            Self::BatteryLow => "battery_low",
            Self::Boot => "boot",
            Self::DoorOpened => "door_opened",
            Self::DoorClosed => "door_closed",
            Self::PinAccepted => "pin_accepted",
            Self::PinRejected => "pin_rejected",
            Self::KeypadLockout => "keypad_lockout",
            Self::PinsUpdated => "pins_updated",
            Self::Claimed => "claimed",
            Self::FirmwareInstalled => "firmware_installed",
            Self::FirmwareRejected => "firmware_rejected",
            Self::Calibrated => "calibrated",
        }
    }
}

/// One entry of the lock's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockEvent {
    /// Position in the lock's log, from 1, never reused within an epoch.
    pub seq: u32,
    /// The lock's clock when it happened.
    pub time: u32,
    /// What happened.
    pub kind: EventKind,
    /// The key involved (zero when none).
    pub key_id: KeyId,
    /// The result code (a [`crate::ResultCode`] value).
    pub result: u8,
    /// Kind-specific detail.
    pub detail: u16,
}

impl LockEvent {
    /// Length on the wire.
    pub const LEN: usize = 20;

    /// The wire encoding.
    pub fn encode(&self) -> [u8; Self::LEN] {
        let mut out = Vec::with_capacity(Self::LEN);
        out.put_u32(self.seq);
        out.put_u32(self.time);
        out.put_u8(self.kind as u8);
        out.put(&self.key_id.0);
        out.put_u8(self.result);
        out.put_u16(self.detail);
        let mut arr = [0u8; Self::LEN];
        arr.copy_from_slice(&out);
        arr
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let seq = r.u32("seq")?;
        let time = r.u32("time")?;
        let kind = EventKind::from_u8(r.u8("kind")?).ok_or_else(|| r.invalid("kind", "unknown event kind"))?;
        Ok(Self {
            seq,
            time,
            kind,
            key_id: KeyId(r.array("key_id")?),
            result: r.u8("result")?,
            detail: r.u16("detail")?,
        })
    }

    /// Decodes one event.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("lock event", bytes);
        let e = Self::read(&mut r)?;
        r.finish()?;
        Ok(e)
    }
}

/// The chain value before a lock's first event of an epoch.
pub fn chain_start(lock_id: &LockId, epoch: u32) -> [u8; 32] {
    sha256(&[b"latchkey/v1/chain", &lock_id.0, &epoch.to_be_bytes()])
}

/// Extends the chain by one event.
pub fn chain_next(prev: &[u8; 32], event: &LockEvent) -> [u8; 32] {
    sha256(&[prev, &event.encode()])
}

/// Events after a cursor, as the lock signed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventBatch {
    /// The lock.
    pub lock_id: LockId,
    /// Its epoch.
    pub epoch: u32,
    /// Oldest seq the lock still held when it made the batch (0: none).
    pub oldest_held: u32,
    /// Newest seq the lock had recorded when it made the batch (0: none).
    pub head_seq: u32,
    /// Chain value before the first event of the batch.
    pub chain_before: [u8; 32],
    /// Consecutive events.
    pub events: Vec<LockEvent>,
    /// The lock's signature.
    pub signature: Signature,
}

/// A range of seqs missing between a collector's cursor and a batch: the
/// lock's ring overwrote them (seqs below the batch's `oldest_held`) or a
/// batch carrying them was dropped on the way. Reported, never hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventGap {
    /// First missing seq.
    pub first: u32,
    /// Last missing seq.
    pub last: u32,
}

impl EventBatch {
    /// Most events in one batch, so that it fits one 1 KiB frame.
    pub const MAX_EVENTS: usize = 32;

    /// Signs a batch (lock side).
    pub fn sign(
        lock_key: &SigningKey,
        lock_id: LockId,
        epoch: u32,
        oldest_held: u32,
        head_seq: u32,
        chain_before: [u8; 32],
        events: Vec<LockEvent>,
    ) -> Result<Self> {
        let mut b = Self {
            lock_id,
            epoch,
            oldest_held,
            head_seq,
            chain_before,
            events,
            signature: Signature([0; 64]),
        };
        b.check_shape()?;
        b.signature = lock_key.sign(SigDomain::EventBatch, &b.signed_body())?;
        Ok(b)
    }

    fn check_shape(&self) -> Result<()> {
        let invalid = |field, reason| ProtocolError::InvalidField {
            what: "event batch",
            field,
            reason,
        };
        if self.events.len() > Self::MAX_EVENTS {
            return Err(invalid("events", "more than 32 events"));
        }
        for pair in self.events.windows(2) {
            if pair[1].seq != pair[0].seq.wrapping_add(1) {
                return Err(invalid("events", "seqs are not consecutive"));
            }
        }
        if let Some(last) = self.events.last() {
            if last.seq > self.head_seq {
                return Err(invalid("head_seq", "below the last event's seq"));
            }
        }
        Ok(())
    }

    /// Chain value after the last event of the batch.
    pub fn chain_after(&self) -> [u8; 32] {
        self.events.iter().fold(self.chain_before, |h, e| chain_next(&h, e))
    }

    fn signed_body(&self) -> Vec<u8> {
        let mut out = self.header();
        for e in &self.events {
            out.put(&e.encode());
        }
        out.put(&self.chain_after());
        out
    }

    fn header(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.events.len() * LockEvent::LEN + 96);
        out.put_u8(VERSION);
        out.put(&self.lock_id.0);
        out.put_u32(self.epoch);
        out.put_u32(self.oldest_held);
        out.put_u32(self.head_seq);
        out.put(&self.chain_before);
        out.put_u8(self.events.len() as u8);
        out
    }

    /// The wire encoding (the chain-after value is recomputed, not sent).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.header();
        for e in &self.events {
            out.put(&e.encode());
        }
        out.put(&self.signature.0);
        out
    }

    /// Decodes a batch (no trailing bytes). Does not verify: call
    /// [`EventBatch::verify`].
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("event batch", bytes);
        let b = Self::read(&mut r)?;
        r.finish()?;
        Ok(b)
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        r.version(VERSION)?;
        let lock_id = LockId(r.array("lock_id")?);
        let epoch = r.u32("epoch")?;
        let oldest_held = r.u32("oldest_held")?;
        let head_seq = r.u32("head_seq")?;
        let chain_before = r.array("chain_before")?;
        let count = usize::from(r.u8("count")?);
        if count > Self::MAX_EVENTS {
            return Err(r.invalid("count", "more than 32 events"));
        }
        let mut events = Vec::with_capacity(count);
        for _ in 0..count {
            events.push(LockEvent::read(r)?);
        }
        let b = Self {
            lock_id,
            epoch,
            oldest_held,
            head_seq,
            chain_before,
            events,
            signature: Signature(r.array("signature")?),
        };
        b.check_shape()?;
        Ok(b)
    }

    /// Verifies the lock's signature over the recomputed chain.
    pub fn verify(&self, lock_key: &PublicKey) -> Result<()> {
        self.check_shape()?;
        lock_key.verify(SigDomain::EventBatch, &self.signed_body(), &self.signature)
    }

    /// The seqs between `cursor` (the last seq already collected) and this
    /// batch that the collector does not have. From an honest fetch after
    /// `cursor` these are exactly the seqs the lock's ring overwrote (all
    /// below `oldest_held`); seqs at or above `oldest_held` in the range were
    /// held by the lock but never delivered (a batch was dropped on the way),
    /// and are reported too rather than hidden.
    pub fn gap_after(&self, cursor: u32) -> Option<EventGap> {
        // An empty batch says nothing about seqs the lock still holds (they
        // can be fetched later), only about those it no longer holds.
        let first_here = self.events.first().map(|e| e.seq).unwrap_or(self.oldest_held);
        (first_here > cursor.saturating_add(1)).then(|| EventGap {
            first: cursor + 1,
            last: first_here - 1,
        })
    }

    /// Whether the lock holds events after this batch (fetch again).
    pub fn more_after(&self) -> bool {
        let last = self.events.last().map(|e| e.seq).unwrap_or(0);
        self.head_seq > last && !self.events.is_empty()
    }
}
