//! The setup session that follows a successful claim: configure, calibrate,
//! lists, finish. Sealed like any session ([`crate::SessionCipher`]);
//! nothing is committed before `finish`, which answers with a lock-signed
//! [`ClaimReceipt`] the cloud registers the lock's identity key with.
//!
//! Plaintext request: op (1) ‖ body. Response: op (1) ‖ code (1) ‖ body
//! (always present, except `finish`, which carries the receipt only when
//! `ok`).

use crate::codec::{Reader, Writer};
use crate::crypto::{PublicKey, SigDomain, Signature, SigningKey};
use crate::error::Result;
use crate::firmware::{read_name, write_name, FirmwareVersion};
use crate::ids::{IssuerId, LockId};
use crate::pin::{PinList, PinSecret};
use crate::result_code::ResultCode;
use crate::revocation::RevocationList;

const OP_CONFIGURE: u8 = 1;
const OP_CALIBRATE: u8 = 2;
const OP_PUSH_REVOCATIONS: u8 = 3;
const OP_PUSH_PINS: u8 = 4;
const OP_FINISH: u8 = 5;
const RECEIPT_VERSION: u8 = 1;

/// What an owner installs in the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configure {
    /// The property's issuer key.
    pub issuer: PublicKey,
    /// The lock's PIN secret (keypad slots and offline PINs), if the
    /// owner's phone holds it.
    pub pin_secret: Option<PinSecret>,
    /// Local time offset from UTC, minutes.
    pub utc_offset_min: i16,
    /// The phone's clock (the lock never moves behind what it knew).
    pub phone_time: u32,
    /// Lock groups (at most [`Configure::MAX_GROUPS`]).
    pub groups: Vec<LockId>,
    /// A name (at most 32 bytes of UTF-8).
    pub name: String,
}

impl Configure {
    /// Most groups a lock joins.
    pub const MAX_GROUPS: usize = 4;
}

/// A request in the setup session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupRequest {
    /// Install the owner's settings (kept until `Finish`).
    Configure(Configure),
    /// Run the bolt end to end and learn its travel.
    Calibrate,
    /// A revocation list to install with the setup.
    PushRevocations(RevocationList),
    /// A PIN list to install with the setup.
    PushPins(PinList),
    /// Commit everything.
    Finish,
}

impl SetupRequest {
    /// The plaintext encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Self::Configure(c) => {
                out.put_u8(OP_CONFIGURE);
                out.put(&c.issuer.0);
                match &c.pin_secret {
                    Some(s) => {
                        out.put_u8(1);
                        out.put(&s.0);
                    }
                    None => out.put_u8(0),
                }
                out.put_i16(c.utc_offset_min);
                out.put_u32(c.phone_time);
                out.put_u8(c.groups.len().min(Configure::MAX_GROUPS) as u8);
                for g in c.groups.iter().take(Configure::MAX_GROUPS) {
                    out.put(&g.0);
                }
                write_name(&mut out, &c.name);
            }
            Self::Calibrate => out.put_u8(OP_CALIBRATE),
            Self::PushRevocations(list) => {
                out.put_u8(OP_PUSH_REVOCATIONS);
                out.put(&list.encode());
            }
            Self::PushPins(list) => {
                out.put_u8(OP_PUSH_PINS);
                out.put(&list.encode());
            }
            Self::Finish => out.put_u8(OP_FINISH),
        }
        out
    }

    /// Decodes a plaintext request.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("setup request", bytes);
        let req = match r.u8("op")? {
            OP_CONFIGURE => {
                let issuer = PublicKey(r.array("issuer_key")?);
                let pin_secret = match r.u8("flags")? {
                    0 => None,
                    1 => Some(PinSecret(r.array("pin_secret")?)),
                    _ => return Err(r.invalid("flags", "only bit 0 may be set")),
                };
                let utc_offset_min = r.i16("utc_offset_min")?;
                let phone_time = r.u32("phone_time")?;
                let count = usize::from(r.u8("group_count")?);
                if count > Configure::MAX_GROUPS {
                    return Err(r.invalid("group_count", "more than 4 groups"));
                }
                let mut groups = Vec::with_capacity(count);
                for _ in 0..count {
                    groups.push(LockId(r.array("group")?));
                }
                Self::Configure(Configure {
                    issuer,
                    pin_secret,
                    utc_offset_min,
                    phone_time,
                    groups,
                    name: read_name(&mut r)?,
                })
            }
            OP_CALIBRATE => Self::Calibrate,
            OP_PUSH_REVOCATIONS => Self::PushRevocations(RevocationList::decode(r.rest())?),
            OP_PUSH_PINS => Self::PushPins(PinList::decode(r.rest())?),
            OP_FINISH => Self::Finish,
            _ => return Err(r.invalid("op", "unknown setup operation")),
        };
        r.finish()?;
        Ok(req)
    }
}

/// The lock's answer in the setup session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupResponse {
    /// To `Configure`: the lock's clock after.
    Configured(ResultCode, u32),
    /// To `Calibrate`: the bolt's travel in ms (0 when it failed).
    Calibrated(ResultCode, u16),
    /// To `PushRevocations`: the seq the setup holds after.
    Revocations(ResultCode, u32),
    /// To `PushPins`: the seq the setup holds after.
    Pins(ResultCode, u32),
    /// To `Finish`: the receipt when `ok`.
    Finished(ResultCode, Option<ClaimReceipt>),
}

impl SetupResponse {
    /// The result code.
    pub fn code(&self) -> ResultCode {
        match self {
            Self::Configured(c, _)
            | Self::Calibrated(c, _)
            | Self::Revocations(c, _)
            | Self::Pins(c, _)
            | Self::Finished(c, _) => *c,
        }
    }

    /// The plaintext encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let op = match self {
            Self::Configured(..) => OP_CONFIGURE,
            Self::Calibrated(..) => OP_CALIBRATE,
            Self::Revocations(..) => OP_PUSH_REVOCATIONS,
            Self::Pins(..) => OP_PUSH_PINS,
            Self::Finished(..) => OP_FINISH,
        };
        out.put_u8(op);
        out.put_u8(self.code() as u8);
        match self {
            Self::Configured(_, v) | Self::Revocations(_, v) | Self::Pins(_, v) => out.put_u32(*v),
            Self::Calibrated(_, ms) => out.put_u16(*ms),
            Self::Finished(_, Some(receipt)) => out.put(&receipt.encode()),
            Self::Finished(_, None) => {}
        }
        out
    }

    /// Decodes a plaintext response.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("setup response", bytes);
        let op = r.u8("op")?;
        let code = ResultCode::from_u8(r.u8("code")?).ok_or_else(|| r.invalid("code", "unknown result code"))?;
        let resp = match op {
            OP_CONFIGURE => Self::Configured(code, r.u32("lock_time")?),
            OP_CALIBRATE => Self::Calibrated(code, r.u16("travel_ms")?),
            OP_PUSH_REVOCATIONS => Self::Revocations(code, r.u32("revocation_seq")?),
            OP_PUSH_PINS => Self::Pins(code, r.u32("pin_seq")?),
            OP_FINISH if code.is_ok() => Self::Finished(code, Some(ClaimReceipt::read(&mut r)?)),
            OP_FINISH => Self::Finished(code, None),
            _ => return Err(r.invalid("op", "unknown setup operation")),
        };
        r.finish()?;
        Ok(resp)
    }
}

/// The lock's signed word that it was claimed for an issuer: the cloud
/// registers the lock's identity key only with one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimReceipt {
    /// The lock.
    pub lock_id: LockId,
    /// Its epoch.
    pub epoch: u32,
    /// The issuer installed.
    pub issuer_id: IssuerId,
    /// Running firmware.
    pub firmware: FirmwareVersion,
    /// Revocation list seq installed with the claim (0: none).
    pub revocation_seq: u32,
    /// PIN list seq installed with the claim (0: none).
    pub pin_seq: u32,
    /// The lock's clock at the claim.
    pub claimed_at: u32,
    /// Lock signature (domain `claim-receipt`).
    pub signature: Signature,
}

impl ClaimReceipt {
    /// Length on the wire.
    pub const LEN: usize = 105;

    /// Signs a receipt (lock side).
    pub fn sign(mut self, lock_key: &SigningKey) -> Result<Self> {
        self.signature = lock_key.sign(SigDomain::ClaimReceipt, &self.body())?;
        Ok(self)
    }

    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.put_u8(RECEIPT_VERSION);
        out.put(&self.lock_id.0);
        out.put_u32(self.epoch);
        out.put(&self.issuer_id.0);
        out.put_u32(self.firmware.0);
        out.put_u32(self.revocation_seq);
        out.put_u32(self.pin_seq);
        out.put_u32(self.claimed_at);
        out
    }

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.body();
        out.put(&self.signature.0);
        out
    }

    /// Decodes a receipt (no trailing bytes). Does not verify.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("claim receipt", bytes);
        let receipt = Self::read(&mut r)?;
        r.finish()?;
        Ok(receipt)
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        r.version(RECEIPT_VERSION)?;
        Ok(Self {
            lock_id: LockId(r.array("lock_id")?),
            epoch: r.u32("epoch")?,
            issuer_id: IssuerId(r.array("issuer_id")?),
            firmware: FirmwareVersion(r.u32("firmware")?),
            revocation_seq: r.u32("revocation_seq")?,
            pin_seq: r.u32("pin_seq")?,
            claimed_at: r.u32("claimed_at")?,
            signature: Signature(r.array("signature")?),
        })
    }

    /// Verifies the lock's signature (cloud and phone side).
    pub fn verify(&self, identity_key: &PublicKey) -> Result<()> {
        identity_key.verify(SigDomain::ClaimReceipt, &self.body(), &self.signature)
    }
}
