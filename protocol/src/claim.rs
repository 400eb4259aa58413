//! Claiming an unclaimed lock: two round trips that prove physical
//! possession (the setup secret from the lock's label) without letting a
//! radio eavesdropper learn anything, then a setup session (`setup.rs`).
//!
//! CLAIM_HELLO (0x09): issuer id (4) ‖ phone ephemeral (64).
//! CLAIM_OFFER (0x0a): code (1) ‖ flags (1) ‖ lock id (16) ‖ epoch (4) ‖
//! firmware version (4) ‖ model (2) ‖ revocation floor (4) ‖ identity key
//! (64) ‖ has key (1) ‖ lock ephemeral (64, if has key).
//! CLAIM_PROOF (0x0b): phone MAC (16). CLAIM_ACCEPTED (0x0c): code (1) ‖
//! lock MAC (16).
//!
//! Both MACs and the setup session's keys come from
//! `HKDF(salt = transcript, ikm = ECDH ‖ setup secret)`: an eavesdropper
//! lacks the ECDH secret, a man in the middle lacks the setup secret.

use crate::auth::SessionSecrets;
use crate::codec::{Reader, Writer};
use crate::crypto::{ct_eq, hkdf, mac16, sha256, PublicKey};
use crate::error::Result;
use crate::ids::{IssuerId, LockId};
use crate::result_code::ResultCode;

pub(crate) const TYPE_CLAIM_HELLO: u8 = 0x09;
pub(crate) const TYPE_CLAIM_OFFER: u8 = 0x0a;
pub(crate) const TYPE_CLAIM_PROOF: u8 = 0x0b;
pub(crate) const TYPE_CLAIM_ACCEPTED: u8 = 0x0c;

/// The proof of physical possession printed on a lock's label: 128 random
/// bits, because a device posing as the lock can test guesses against a
/// phone's proof offline.
#[derive(Clone, PartialEq, Eq)]
pub struct SetupSecret(pub [u8; 16]);

impl std::fmt::Debug for SetupSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetupSecret(..)")
    }
}

/// What the label says: the lock's id and its setup secret, as
/// `LK1.<32 hex>.<32 hex>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupCode {
    /// The lock (its first 4 bytes are the advertisement's short id).
    pub lock_id: LockId,
    /// The proof of possession.
    pub secret: SetupSecret,
}

impl SetupCode {
    /// Parses a label: `LK1.`, the lock id, `.`, the secret; hex of either
    /// case, spaces and dashes between digits ignored.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '.');
        if !parts.next()?.trim().eq_ignore_ascii_case("LK1") {
            return None;
        }
        let hex = |p: &str| -> Option<Vec<u8>> {
            let digits: String = p.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            crate::hex::decode(&digits)
        };
        let lock_id = LockId(hex(parts.next()?)?.try_into().ok()?);
        let secret = SetupSecret(hex(parts.next()?)?.try_into().ok()?);
        Some(Self { lock_id, secret })
    }

    /// The label's text.
    pub fn to_text(&self) -> String {
        format!("LK1.{}.{}", self.lock_id.to_hex(), crate::hex::encode(&self.secret.0))
    }
}

/// Phone → lock: "I would install this issuer; here is my ECDH key".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimHello {
    /// The issuer the phone would install.
    pub issuer_id: IssuerId,
    /// The phone's ephemeral ECDH key.
    pub ephemeral: PublicKey,
}

impl ClaimHello {
    /// Length on the wire.
    pub const LEN: usize = 69;

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.put_u8(TYPE_CLAIM_HELLO);
        out.put(&self.issuer_id.0);
        out.put(&self.ephemeral.0);
        out
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        Ok(Self {
            issuer_id: IssuerId(r.array("issuer_id")?),
            ephemeral: PublicKey(r.array("ephemeral_key")?),
        })
    }
}

/// Lock → phone: what the lock is, and its ECDH key when it can be claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimOffer {
    /// `ok` (unclaimed) or `already_claimed`.
    pub code: ResultCode,
    /// Claimed by the issuer the HELLO named.
    pub same_issuer: bool,
    /// The bolt's travel was calibrated.
    pub calibrated: bool,
    /// The lock.
    pub lock_id: LockId,
    /// Its epoch.
    pub epoch: u32,
    /// Running firmware version ([`crate::FirmwareVersion`] packing).
    pub firmware: u32,
    /// Lock model.
    pub model: u16,
    /// Seq of the revocation list held before the last reset, when the
    /// HELLO named the previous issuer (else 0).
    pub revocation_floor: u32,
    /// The lock's identity key.
    pub identity_key: PublicKey,
    /// The lock's ephemeral ECDH key (only with code `ok`).
    pub ephemeral: Option<PublicKey>,
}

impl ClaimOffer {
    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(162);
        out.put_u8(TYPE_CLAIM_OFFER);
        out.put_u8(self.code as u8);
        out.put_u8(u8::from(self.same_issuer) | u8::from(self.calibrated) << 1);
        out.put(&self.lock_id.0);
        out.put_u32(self.epoch);
        out.put_u32(self.firmware);
        out.put_u16(self.model);
        out.put_u32(self.revocation_floor);
        out.put(&self.identity_key.0);
        match &self.ephemeral {
            Some(k) => {
                out.put_u8(1);
                out.put(&k.0);
            }
            None => out.put_u8(0),
        }
        out
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let code = ResultCode::from_u8(r.u8("code")?).ok_or_else(|| r.invalid("code", "unknown result code"))?;
        let flags = r.u8("flags")?;
        if flags >> 2 != 0 {
            return Err(r.invalid("flags", "only bits 0 and 1 may be set"));
        }
        let lock_id = LockId(r.array("lock_id")?);
        let epoch = r.u32("epoch")?;
        let firmware = r.u32("firmware")?;
        let model = r.u16("model")?;
        let revocation_floor = r.u32("revocation_floor")?;
        let identity_key = PublicKey(r.array("identity_key")?);
        let ephemeral = match r.u8("has_key")? {
            0 => None,
            1 => Some(PublicKey(r.array("lock_ephemeral_key")?)),
            _ => return Err(r.invalid("has_key", "must be 0 or 1")),
        };
        Ok(Self {
            code,
            same_issuer: flags & 1 != 0,
            calibrated: flags & 2 != 0,
            lock_id,
            epoch,
            firmware,
            model,
            revocation_floor,
            identity_key,
            ephemeral,
        })
    }
}

/// Keys of one claim: the setup session's and the two proofs'.
#[derive(Clone)]
pub struct ClaimKeys {
    /// The setup session's keys.
    pub session: SessionSecrets,
    transcript: [u8; 32],
    phone_proof_key: [u8; 16],
    lock_proof_key: [u8; 16],
}

impl std::fmt::Debug for ClaimKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClaimKeys(..)")
    }
}

impl ClaimKeys {
    /// Derives the keys from the ECDH secret, the setup secret and the two
    /// frames as sent (`hello` and `offer` are whole frames).
    pub fn derive(
        shared: &[u8; 32],
        secret: &SetupSecret,
        lock_id: &LockId,
        hello: &[u8],
        offer: &[u8],
    ) -> Result<Self> {
        let transcript = sha256(&[b"latchkey/v1/claim", hello, offer]);
        let mut ikm = [0u8; 48];
        ikm[..32].copy_from_slice(shared);
        ikm[32..].copy_from_slice(&secret.0);
        let mut okm = [0u8; 64];
        hkdf(&transcript, &ikm, &[b"latchkey/v1/claim-keys", &lock_id.0], &mut okm)?;
        let part = |i: usize| -> [u8; 16] {
            let mut out = [0u8; 16];
            out.copy_from_slice(&okm[i * 16..(i + 1) * 16]);
            out
        };
        Ok(Self {
            session: SessionSecrets {
                phone_to_lock: part(0),
                lock_to_phone: part(1),
            },
            transcript,
            phone_proof_key: part(2),
            lock_proof_key: part(3),
        })
    }

    /// The phone's proof (CLAIM_PROOF).
    pub fn phone_mac(&self) -> [u8; 16] {
        mac16(&self.phone_proof_key, &[b"latchkey/v1/claim-phone", &self.transcript])
    }

    /// The lock's proof (CLAIM_ACCEPTED).
    pub fn lock_mac(&self) -> [u8; 16] {
        mac16(&self.lock_proof_key, &[b"latchkey/v1/claim-lock", &self.transcript])
    }

    /// Checks the phone's proof in constant time (lock side).
    pub fn phone_proof_ok(&self, mac: &[u8; 16]) -> bool {
        ct_eq(&self.phone_mac(), mac)
    }

    /// Checks the lock's proof in constant time (phone side).
    pub fn lock_proof_ok(&self, mac: &[u8; 16]) -> bool {
        ct_eq(&self.lock_mac(), mac)
    }
}
