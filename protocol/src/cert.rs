//! Digital keys: issuer-signed certificates that bind a holder's P-256 key
//! to a lock, a role and a validity window.
//!
//! Layout (big-endian, 170 bytes, 174 with a schedule):
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0 | 1 | version (1) |
//! | 1 | 1 | flags: bits 0–2 role, bit 3 offline allowed, bit 4 schedule present, bit 5 target is a lock group |
//! | 2 | 4 | issuer id |
//! | 6 | 8 | key id |
//! | 14 | 16 | lock id (or lock-group id) |
//! | 30 | 64 | holder public key `x ‖ y` |
//! | 94 | 4 | not before (unix seconds) |
//! | 98 | 4 | not after (unix seconds, exclusive) |
//! | 102 | 4 | serial (rises with each renewal of the key id) |
//! | 106 | 4 | schedule (only if flagged), see [`Schedule::pack`] |
//! | … | 64 | issuer signature `r ‖ s` over all bytes before it |

use crate::codec::{Reader, Writer};
use crate::crypto::{sha256, PublicKey, SigDomain, Signature, SigningKey};
use crate::error::{ProtocolError, Result};
use crate::ids::{CertHash, IssuerId, KeyId, LockId};
use crate::result_code::ResultCode;
use crate::schedule::Schedule;
use crate::status::Command;

const VERSION: u8 = 1;
const FLAG_OFFLINE: u8 = 1 << 3;
const FLAG_SCHEDULE: u8 = 1 << 4;
const FLAG_GROUP: u8 = 1 << 5;
const FLAG_RESERVED: u8 = 0b1100_0000;

/// What the holder of a key is to the property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Role {
    /// Owns the lock; may do everything.
    Owner = 0,
    /// Manages the lock for the owner.
    Admin = 1,
    /// Lives there.
    Resident = 2,
    /// A time-limited visitor.
    Guest = 3,
    /// A service technician.
    Service = 4,
}

impl Role {
    fn from_bits(v: u8) -> Option<Self> {
        [Self::Owner, Self::Admin, Self::Resident, Self::Guest, Self::Service]
            .get(usize::from(v))
            .copied()
    }

    /// Lower-case name, as used in JSON and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Resident => "resident",
            Role::Guest => "guest",
            Role::Service => "service",
        }
    }

    /// Parses a name produced by [`Role::name`].
    pub fn from_name(s: &str) -> Option<Self> {
        [Self::Owner, Self::Admin, Self::Resident, Self::Guest, Self::Service]
            .into_iter()
            .find(|r| r.name() == s)
    }

    /// Whether a key of this role may ask for `command`. The lock refuses
    /// anything else with `role_not_allowed`, and the phone checks the
    /// same rule before it uses the radio. A `Service` key may not
    /// `Unlatch`: a technician works on the lock and does not need it to
    /// open the door by itself.
    pub fn may(self, command: Command) -> bool {
        !(self == Self::Service && command == Command::Unlatch)
    }
}

/// The fields a key authority fills in before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyGrant {
    /// The key's id.
    pub key_id: KeyId,
    /// The lock (or lock group) it opens.
    pub lock_id: LockId,
    /// Whether `lock_id` names a group of locks.
    pub lock_group: bool,
    /// The phone's public key.
    pub holder: PublicKey,
    /// What the holder is.
    pub role: Role,
    /// First second of validity.
    pub not_before: u32,
    /// First second after validity.
    pub not_after: u32,
    /// Weekly schedule, if any.
    pub schedule: Option<Schedule>,
    /// Whether the key may be used with no network (checked by the phone).
    pub offline_allowed: bool,
    /// Rises with each renewal.
    pub serial: u32,
}

/// An issuer-signed digital key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitalKey {
    /// The issuer that signed it.
    pub issuer_id: IssuerId,
    /// Everything the issuer vouches for.
    pub grant: KeyGrant,
    /// The issuer's signature over the body.
    pub signature: Signature,
}

impl DigitalKey {
    /// Largest encoding (with a schedule).
    pub const MAX_LEN: usize = 174;

    /// Signs `grant` with the issuer key.
    pub fn issue(grant: KeyGrant, issuer: &SigningKey) -> Result<Self> {
        if grant.not_after <= grant.not_before {
            return Err(ProtocolError::InvalidField {
                what: "key grant",
                field: "not_after",
                reason: "must be after not_before",
            });
        }
        let issuer_id = issuer.public_key().issuer_id();
        let body = encode_body(&issuer_id, &grant);
        let signature = issuer.sign(SigDomain::Certificate, &body)?;
        Ok(Self {
            issuer_id,
            grant,
            signature,
        })
    }

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = encode_body(&self.issuer_id, &self.grant);
        out.put(&self.signature.0);
        out
    }

    /// Decodes a complete certificate (no trailing bytes allowed). Does not
    /// verify the signature: call [`DigitalKey::verify`].
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("certificate", bytes);
        let cert = Self::read(&mut r)?;
        r.finish()?;
        Ok(cert)
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        r.version(VERSION)?;
        let flags = r.u8("flags")?;
        if flags & FLAG_RESERVED != 0 {
            return Err(r.invalid("flags", "reserved bits 6–7 must be zero"));
        }
        let role = Role::from_bits(flags & 0b111).ok_or_else(|| r.invalid("flags", "unknown role"))?;
        let issuer_id = IssuerId(r.array("issuer_id")?);
        let key_id = KeyId(r.array("key_id")?);
        let lock_id = LockId(r.array("lock_id")?);
        let holder = PublicKey(r.array("holder_key")?);
        let not_before = r.u32("not_before")?;
        let not_after = r.u32("not_after")?;
        if not_after <= not_before {
            return Err(r.invalid("not_after", "must be after not_before"));
        }
        let serial = r.u32("serial")?;
        let schedule = if flags & FLAG_SCHEDULE != 0 {
            Some(Schedule::unpack(r.u32("schedule")?)?)
        } else {
            None
        };
        let signature = Signature(r.array("signature")?);
        Ok(Self {
            issuer_id,
            grant: KeyGrant {
                key_id,
                lock_id,
                lock_group: flags & FLAG_GROUP != 0,
                holder,
                role,
                not_before,
                not_after,
                schedule,
                offline_allowed: flags & FLAG_OFFLINE != 0,
                serial,
            },
            signature,
        })
    }

    /// Verifies the issuer signature. Distinguishes an unknown issuer from a
    /// forged or damaged certificate.
    pub fn verify(&self, issuer: &PublicKey) -> std::result::Result<(), ResultCode> {
        if self.issuer_id != issuer.issuer_id() {
            return Err(ResultCode::UnknownIssuer);
        }
        let body = encode_body(&self.issuer_id, &self.grant);
        issuer
            .verify(SigDomain::Certificate, &body, &self.signature)
            .map_err(|_| ResultCode::BadCertificate)
    }

    /// The reference a lock caches verified certificates under.
    pub fn hash(&self) -> CertHash {
        let h = sha256(&[&self.encode()]);
        let mut out = [0u8; 16];
        out.copy_from_slice(&h[..16]);
        CertHash(out)
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        self.grant.key_id
    }

    /// Whether the key applies to a lock with this id and these groups.
    pub fn applies_to(&self, lock_id: &LockId, groups: &[LockId]) -> bool {
        if self.grant.lock_group {
            groups.contains(&self.grant.lock_id)
        } else {
            self.grant.lock_id == *lock_id
        }
    }

    /// Checks validity window and schedule at `now` (unix seconds) for a
    /// lock whose local time is UTC + `utc_offset_min`. Shared by the lock
    /// (authoritative, its own clock) and the phone (a pre-check).
    pub fn check_time(&self, now: u32, utc_offset_min: i16) -> std::result::Result<(), ResultCode> {
        let g = &self.grant;
        if now < g.not_before {
            return Err(ResultCode::KeyNotYetValid);
        }
        if now >= g.not_after {
            return Err(ResultCode::KeyExpired);
        }
        match g.schedule {
            Some(s) if !s.allows(now, utc_offset_min) => Err(ResultCode::OutsideSchedule),
            _ => Ok(()),
        }
    }
}

fn encode_body(issuer_id: &IssuerId, g: &KeyGrant) -> Vec<u8> {
    let mut flags = g.role as u8;
    if g.offline_allowed {
        flags |= FLAG_OFFLINE;
    }
    if g.schedule.is_some() {
        flags |= FLAG_SCHEDULE;
    }
    if g.lock_group {
        flags |= FLAG_GROUP;
    }
    let mut out = Vec::with_capacity(DigitalKey::MAX_LEN);
    out.put_u8(VERSION);
    out.put_u8(flags);
    out.put(&issuer_id.0);
    out.put(&g.key_id.0);
    out.put(&g.lock_id.0);
    out.put(&g.holder.0);
    out.put_u32(g.not_before);
    out.put_u32(g.not_after);
    out.put_u32(g.serial);
    if let Some(s) = g.schedule {
        out.put_u32(s.pack());
    }
    out
}
