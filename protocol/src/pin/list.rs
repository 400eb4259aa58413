//! Issuer-signed, sequence-numbered, complete PIN lists for one lock.
//!
//! Layout: version (1) ‖ issuer id (4) ‖ lock id (16) ‖ seq (4) ‖ issued at
//! (4) ‖ offline valid from (4) ‖ count (1) ‖ slots ‖ issuer signature (64).
//! Slot: number (1) ‖ flags (1: bits 0–1 class, bit 2 one-time, bit 3
//! schedule present) ‖ salt (16) ‖ hash (16) ‖ not before (4) ‖ not after
//! (4) ‖ schedule (4, only if flagged). Slots are in strictly increasing
//! slot order, so every list has exactly one encoding.

use super::{pin_hash, pin_matches, PinDigits, PinSecret};
use crate::codec::{Reader, Writer};
use crate::crypto::{random_array, PublicKey, SigDomain, Signature, SigningKey};
use crate::error::{ProtocolError, Result};
use crate::ids::{IssuerId, LockId};
use crate::result_code::ResultCode;
use crate::schedule::Schedule;

const VERSION: u8 = 1;
const FLAG_ONE_TIME: u8 = 1 << 2;
const FLAG_SCHEDULE: u8 = 1 << 3;

/// What a PIN may do and when it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum PinClass {
    /// The owner's recovery PIN: never time-limited, so it works even while
    /// the lock's clock is untrusted and before any list arrived.
    Master = 0,
    /// A resident's PIN.
    User = 1,
    /// A guest's PIN (usually with a validity window or schedule).
    Guest = 2,
}

impl PinClass {
    /// Decodes the class bits.
    pub fn from_bits(v: u8) -> Option<Self> {
        [Self::Master, Self::User, Self::Guest].get(usize::from(v)).copied()
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Master => "master",
            Self::User => "user",
            Self::Guest => "guest",
        }
    }
}

/// What a slot allows: its class, validity window, schedule and whether it
/// is burned on first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinRule {
    /// What the PIN is.
    pub class: PinClass,
    /// First second of validity (unix s; 0: none).
    pub not_before: u32,
    /// First second after validity (unix s, exclusive; `u32::MAX`: none).
    pub not_after: u32,
    /// Days and hours, in the lock's local time.
    pub schedule: Option<Schedule>,
    /// Burned on first use.
    pub one_time: bool,
}

impl PinRule {
    /// A master PIN: no window, no schedule, reusable.
    pub fn master() -> Self {
        Self::always(PinClass::Master)
    }

    /// A PIN of `class` with no window.
    pub fn always(class: PinClass) -> Self {
        Self {
            class,
            not_before: 0,
            not_after: u32::MAX,
            schedule: None,
            one_time: false,
        }
    }

    /// A PIN of `class` valid from `not_before` until `not_after`.
    pub fn between(class: PinClass, not_before: u32, not_after: u32) -> Self {
        Self {
            not_before,
            not_after,
            ..Self::always(class)
        }
    }

    /// The same, limited to `schedule`.
    pub fn on(self, schedule: Schedule) -> Self {
        Self {
            schedule: Some(schedule),
            ..self
        }
    }

    /// The same, burned on first use.
    pub fn once(self) -> Self {
        Self { one_time: true, ..self }
    }
}

/// One PIN as the lock stores it: a keyed, salted hash, never the digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinSlot {
    /// The slot number (unique in a list; logged when the PIN is used).
    pub slot: u8,
    /// What the PIN is.
    pub class: PinClass,
    /// Burned on first use.
    pub one_time: bool,
    /// Random per slot.
    pub salt: [u8; 16],
    /// [`super::pin_hash`] of the digits under the lock's PIN secret.
    pub hash: [u8; 16],
    /// First second of validity (unix s).
    pub not_before: u32,
    /// First second after validity (unix s, exclusive); `u32::MAX`: none.
    pub not_after: u32,
    /// Days and hours the PIN works, in the lock's local time.
    pub schedule: Option<Schedule>,
}

impl PinSlot {
    /// Slot `slot` for `digits` under `rule`, hashed with the lock's PIN
    /// `secret` and a fresh random salt.
    pub fn new(secret: &PinSecret, slot: u8, digits: &PinDigits, rule: PinRule) -> Result<Self> {
        let salt = random_array()?;
        let s = Self {
            slot,
            class: rule.class,
            one_time: rule.one_time,
            salt,
            hash: pin_hash(secret, &salt, digits.as_str()),
            not_before: rule.not_before,
            not_after: rule.not_after,
            schedule: rule.schedule,
        };
        s.validate().map_err(|reason| ProtocolError::InvalidField {
            what: "PIN slot",
            field: "validity",
            reason,
        })?;
        Ok(s)
    }

    /// A master PIN slot: no window, no schedule, reusable.
    pub fn master(secret: &PinSecret, slot: u8, digits: &PinDigits) -> Result<Self> {
        Self::new(secret, slot, digits, PinRule::master())
    }

    /// What the slot allows.
    pub fn rule(&self) -> PinRule {
        PinRule {
            class: self.class,
            not_before: self.not_before,
            not_after: self.not_after,
            schedule: self.schedule,
            one_time: self.one_time,
        }
    }

    fn validate(&self) -> std::result::Result<(), &'static str> {
        if self.not_after <= self.not_before {
            return Err("not_after must be after not_before");
        }
        if self.class == PinClass::Master && (self.is_time_limited() || self.one_time) {
            return Err("a master PIN has no window, schedule or one-time use");
        }
        Ok(())
    }

    /// Whether typed `digits` are this slot's PIN (needs the lock's secret).
    pub fn matches(&self, secret: &PinSecret, digits: &str) -> bool {
        pin_matches(secret, &self.salt, &self.hash, digits)
    }

    /// Whether the PIN depends on the clock (window or schedule); such a
    /// PIN is refused while the lock's clock is untrusted.
    pub fn is_time_limited(&self) -> bool {
        self.not_before != 0 || self.not_after != u32::MAX || self.schedule.is_some()
    }

    /// Checks window and schedule at `now` in local time UTC + offset.
    pub fn check_time(&self, now: u32, utc_offset_min: i16) -> std::result::Result<(), ResultCode> {
        if now < self.not_before {
            return Err(ResultCode::KeyNotYetValid);
        }
        if now >= self.not_after {
            return Err(ResultCode::KeyExpired);
        }
        match self.schedule {
            Some(s) if !s.allows(now, utc_offset_min) => Err(ResultCode::OutsideSchedule),
            _ => Ok(()),
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        let mut flags = self.class as u8;
        if self.one_time {
            flags |= FLAG_ONE_TIME;
        }
        if self.schedule.is_some() {
            flags |= FLAG_SCHEDULE;
        }
        out.put_u8(self.slot);
        out.put_u8(flags);
        out.put(&self.salt);
        out.put(&self.hash);
        out.put_u32(self.not_before);
        out.put_u32(self.not_after);
        if let Some(s) = self.schedule {
            out.put_u32(s.pack());
        }
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let slot = r.u8("slot")?;
        let flags = r.u8("slot_flags")?;
        if flags >> 4 != 0 {
            return Err(r.invalid("slot_flags", "reserved bits must be zero"));
        }
        let class = PinClass::from_bits(flags & 0b11).ok_or_else(|| r.invalid("slot_flags", "unknown PIN class"))?;
        let mut s = Self {
            slot,
            class,
            one_time: flags & FLAG_ONE_TIME != 0,
            salt: r.array("salt")?,
            hash: r.array("hash")?,
            not_before: r.u32("not_before")?,
            not_after: r.u32("not_after")?,
            schedule: None,
        };
        if flags & FLAG_SCHEDULE != 0 {
            s.schedule = Some(Schedule::unpack(r.u32("schedule")?)?);
        }
        s.validate().map_err(|reason| r.invalid("slot", reason))?;
        Ok(s)
    }
}

/// How a slot differs between two lists (for the drift view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinSlotChange {
    /// The slot is new in the newer list.
    Added(u8),
    /// The slot was deleted.
    Removed(u8),
    /// The slot's PIN, class, window or schedule changed.
    Changed(u8),
}

/// A complete PIN list for one lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinList {
    /// The issuer that signed it.
    pub issuer_id: IssuerId,
    /// The lock it is for.
    pub lock_id: LockId,
    /// Rises with every change; the lock installs only higher values.
    pub seq: u32,
    /// When the issuer signed it (unix s).
    pub issued_at: u32,
    /// Offline PINs whose window starts before this are refused (0: no
    /// cutoff; [`PinList::OFFLINE_DISABLED`]: every offline PIN is).
    pub offline_valid_from: u32,
    /// The slots, in increasing slot order.
    pub slots: Vec<PinSlot>,
    /// Issuer signature over everything before it.
    pub signature: Signature,
}

impl PinList {
    /// Most slots a list may hold: the largest count whose `PushPins`
    /// session frame, every slot scheduled, stays within the 1 KiB frame
    /// limit (22 + 98 + 46 × 19 = 994 bytes; 20 slots would be 1040).
    pub const MAX_SLOTS: usize = 19;
    /// `offline_valid_from` value that turns offline PINs off.
    pub const OFFLINE_DISABLED: u32 = u32::MAX;

    /// Signs a new list. Slots are sorted by number; duplicates are refused.
    pub fn issue(
        issuer: &SigningKey,
        lock_id: LockId,
        seq: u32,
        issued_at: u32,
        offline_valid_from: u32,
        mut slots: Vec<PinSlot>,
    ) -> Result<Self> {
        crate::order::sort_by_key(&mut slots, |s| s.slot);
        let mut list = Self {
            issuer_id: issuer.public_key().issuer_id(),
            lock_id,
            seq,
            issued_at,
            offline_valid_from,
            slots,
            signature: Signature([0; 64]),
        };
        list.check_shape().map_err(|reason| ProtocolError::InvalidField {
            what: "PIN list",
            field: "slots",
            reason,
        })?;
        list.signature = issuer.sign(SigDomain::PinList, &list.body())?;
        Ok(list)
    }

    fn check_shape(&self) -> std::result::Result<(), &'static str> {
        if self.slots.len() > Self::MAX_SLOTS {
            return Err("more than 19 slots");
        }
        if self.slots.windows(2).any(|w| w[1].slot <= w[0].slot) {
            return Err("slot numbers must be unique and increasing");
        }
        for s in &self.slots {
            s.validate()?;
        }
        Ok(())
    }

    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(34 + 46 * self.slots.len());
        out.put_u8(VERSION);
        out.put(&self.issuer_id.0);
        out.put(&self.lock_id.0);
        out.put_u32(self.seq);
        out.put_u32(self.issued_at);
        out.put_u32(self.offline_valid_from);
        out.put_u8(self.slots.len() as u8);
        for s in &self.slots {
            s.write(&mut out);
        }
        out
    }

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.body();
        out.put(&self.signature.0);
        out
    }

    /// Decodes a list (no trailing bytes). Does not verify the signature.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("PIN list", bytes);
        r.version(VERSION)?;
        let issuer_id = IssuerId(r.array("issuer_id")?);
        let lock_id = LockId(r.array("lock_id")?);
        let seq = r.u32("seq")?;
        let issued_at = r.u32("issued_at")?;
        let offline_valid_from = r.u32("offline_valid_from")?;
        let count = usize::from(r.u8("count")?);
        if count > Self::MAX_SLOTS {
            return Err(r.invalid("count", "more than 19 slots"));
        }
        let mut slots = Vec::with_capacity(count);
        for _ in 0..count {
            slots.push(PinSlot::read(&mut r)?);
        }
        let list = Self {
            issuer_id,
            lock_id,
            seq,
            issued_at,
            offline_valid_from,
            slots,
            signature: Signature(r.array("signature")?),
        };
        r.finish()?;
        list.check_shape().map_err(|reason| ProtocolError::InvalidField {
            what: "PIN list",
            field: "slots",
            reason,
        })?;
        Ok(list)
    }

    /// Checks issuer, target and signature for the lock `lock_id`.
    pub fn verify_for(&self, issuer: &PublicKey, lock_id: &LockId) -> std::result::Result<(), ResultCode> {
        if self.lock_id != *lock_id || self.issuer_id != issuer.issuer_id() {
            return Err(ResultCode::PinListInvalid);
        }
        issuer
            .verify(SigDomain::PinList, &self.body(), &self.signature)
            .map_err(|_| ResultCode::PinListInvalid)
    }

    /// The slot with this number.
    pub fn slot(&self, slot: u8) -> Option<&PinSlot> {
        self.slots.iter().find(|s| s.slot == slot)
    }

    /// Whether the list carries a master PIN (it then replaces the one set
    /// at commissioning).
    pub fn has_master(&self) -> bool {
        self.slots.iter().any(|s| s.class == PinClass::Master)
    }

    /// What changed from `older` to this list, by slot number.
    pub fn changes_since(&self, older: &PinList) -> Vec<PinSlotChange> {
        let mut out = Vec::new();
        for s in &older.slots {
            match self.slot(s.slot) {
                None => out.push(PinSlotChange::Removed(s.slot)),
                Some(new) if new != s => out.push(PinSlotChange::Changed(s.slot)),
                Some(_) => {}
            }
        }
        for s in &self.slots {
            if older.slot(s.slot).is_none() {
                out.push(PinSlotChange::Added(s.slot));
            }
        }
        crate::order::sort_by_key(&mut out, |c| match c {
            PinSlotChange::Added(n) | PinSlotChange::Removed(n) | PinSlotChange::Changed(n) => *n,
        });
        out
    }
}
