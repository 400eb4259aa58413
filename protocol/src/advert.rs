//! The advertisement payload: lets a phone find its lock and prepare a
//! one-round-trip command before it even connects.
//!
//! Carried as manufacturer-specific data (19 bytes; a legacy advertisement
//! has room for 24 after the flags and the company id):
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0 | 1 | version (1) |
//! | 1 | 4 | short lock id (first 4 bytes of the lock id) |
//! | 5 | 4 | epoch (the full value, so a first-contact AUTH needs no extra round trip) |
//! | 9 | 8 | challenge |
//! | 17 | 1 | flags (see [`Advertisement`] constants) |
//! | 18 | 1 | revocation seq, low 8 bits |

use crate::codec::{Reader, Writer};
use crate::error::Result;
use crate::ids::Challenge;

const VERSION: u8 = 1;

/// 128-bit UUID of the latchkey GATT service.
pub const SERVICE_UUID: &str = "6c6b0001-7a3e-4c1d-9b5e-3f1e6c2a9d10";
/// RX characteristic: the phone writes requests here.
pub const RX_CHAR_UUID: &str = "6c6b0002-7a3e-4c1d-9b5e-3f1e6c2a9d10";
/// TX characteristic: the lock notifies responses here.
pub const TX_CHAR_UUID: &str = "6c6b0003-7a3e-4c1d-9b5e-3f1e6c2a9d10";
/// Read-only info characteristic: the current advertisement payload.
pub const INFO_CHAR_UUID: &str = "6c6b0004-7a3e-4c1d-9b5e-3f1e6c2a9d10";
/// Bluetooth SIG company id used for the manufacturer data (0xFFFF is the
/// value reserved for testing; a product build uses its assigned id).
pub const COMPANY_ID: u16 = 0xffff;

/// The lock's advertisement payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advertisement {
    /// First 4 bytes of the lock id.
    pub short_lock_id: [u8; 4],
    /// The lock's epoch (bumped by every factory reset).
    pub epoch: u32,
    /// The challenge the next AUTH/FAST must sign.
    pub challenge: Challenge,
    /// Flag bits.
    pub flags: u8,
    /// Low 8 bits of the lock's revocation sequence number.
    pub revocation_seq_low: u8,
}

impl Advertisement {
    /// Length on the wire.
    pub const LEN: usize = 19;
    /// The lock holds events newer than the last fetch.
    pub const EVENTS_PENDING: u8 = 1 << 0;
    /// Battery low.
    pub const BATTERY_LOW: u8 = 1 << 1;
    /// The clock is untrusted: the lock asks for a time token.
    pub const NEEDS_TIME: u8 = 1 << 2;
    /// A fault is active (jam, misaligned bolt, door ajar).
    pub const FAULT: u8 = 1 << 3;
    /// The lock has no owner (new, or factory reset): claim it or
    /// re-commission it.
    pub const UNCLAIMED: u8 = 1 << 4;
    /// A firmware update dropped the PIN list: a phone carrying one should
    /// push it.
    pub const NEEDS_LISTS: u8 = 1 << 5;
    /// The lock holds a firmware download not yet installed.
    pub const UPDATE_HELD: u8 = 1 << 6;

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.put_u8(VERSION);
        out.put(&self.short_lock_id);
        out.put_u32(self.epoch);
        out.put(&self.challenge.0);
        out.put_u8(self.flags);
        out.put_u8(self.revocation_seq_low);
        out
    }

    /// Decodes a payload (no trailing bytes allowed).
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("advertisement", bytes);
        r.version(VERSION)?;
        let ad = Self {
            short_lock_id: r.array("short_lock_id")?,
            epoch: r.u32("epoch")?,
            challenge: Challenge(r.array("challenge")?),
            flags: r.u8("flags")?,
            revocation_seq_low: r.u8("revocation_seq_low")?,
        };
        r.finish()?;
        Ok(ad)
    }

    /// Whether a flag bit is set.
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}
