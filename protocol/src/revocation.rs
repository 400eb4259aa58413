//! Issuer-signed, sequence-numbered revocation lists that any phone carries
//! to a lock.
//!
//! Layout: version (1) ‖ issuer id (4) ‖ flags (1: bit 0 = target is a
//! group) ‖ target lock id (16) ‖ seq (4) ‖ issued at (4) ‖ count (2) ‖
//! key ids (8 × count) ‖ issuer signature (64). A list is complete, not a
//! delta: the lock replaces its list with any higher-seq list.

use crate::codec::{Reader, Writer};
use crate::crypto::{PublicKey, SigDomain, Signature, SigningKey};
use crate::error::{ProtocolError, Result};
use crate::ids::{IssuerId, KeyId, LockId};
use crate::result_code::ResultCode;

const VERSION: u8 = 1;

/// A complete revocation list for one lock or lock group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationList {
    /// The issuer that signed it.
    pub issuer_id: IssuerId,
    /// The lock or group it applies to.
    pub lock_id: LockId,
    /// Whether `lock_id` names a group.
    pub lock_group: bool,
    /// Rises with every change; locks accept only higher values.
    pub seq: u32,
    /// When the issuer signed it (unix seconds).
    pub issued_at: u32,
    /// Revoked keys.
    pub revoked: Vec<KeyId>,
    /// Issuer signature over everything before it.
    pub signature: Signature,
}

impl RevocationList {
    /// Most entries a list may hold, so that it fits one 1 KiB frame.
    /// Keys are short-lived, so expired ones leave the list.
    pub const MAX_ENTRIES: usize = 96;

    /// Signs a new list.
    pub fn issue(
        issuer: &SigningKey,
        lock_id: LockId,
        lock_group: bool,
        seq: u32,
        issued_at: u32,
        revoked: Vec<KeyId>,
    ) -> Result<Self> {
        if revoked.len() > Self::MAX_ENTRIES {
            return Err(ProtocolError::InvalidField {
                what: "revocation list",
                field: "revoked",
                reason: "more than 96 entries",
            });
        }
        let mut list = Self {
            issuer_id: issuer.public_key().issuer_id(),
            lock_id,
            lock_group,
            seq,
            issued_at,
            revoked,
            signature: Signature([0; 64]),
        };
        list.signature = issuer.sign(SigDomain::Revocations, &list.body())?;
        Ok(list)
    }

    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + 8 * self.revoked.len());
        out.put_u8(VERSION);
        out.put(&self.issuer_id.0);
        out.put_u8(u8::from(self.lock_group));
        out.put(&self.lock_id.0);
        out.put_u32(self.seq);
        out.put_u32(self.issued_at);
        out.put_u16(self.revoked.len() as u16);
        for k in &self.revoked {
            out.put(&k.0);
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
        let mut r = Reader::new("revocation list", bytes);
        r.version(VERSION)?;
        let issuer_id = IssuerId(r.array("issuer_id")?);
        let lock_group = match r.u8("flags")? {
            0 => false,
            1 => true,
            _ => return Err(r.invalid("flags", "only bit 0 may be set")),
        };
        let lock_id = LockId(r.array("lock_id")?);
        let seq = r.u32("seq")?;
        let issued_at = r.u32("issued_at")?;
        let count = usize::from(r.u16("count")?);
        if count > Self::MAX_ENTRIES {
            return Err(r.invalid("count", "more than 96 entries"));
        }
        let mut revoked = Vec::with_capacity(count);
        for _ in 0..count {
            revoked.push(KeyId(r.array("key_id")?));
        }
        let signature = Signature(r.array("signature")?);
        r.finish()?;
        Ok(Self {
            issuer_id,
            lock_id,
            lock_group,
            seq,
            issued_at,
            revoked,
            signature,
        })
    }

    /// Checks issuer, signature and target for a lock with these ids.
    pub fn verify_for(
        &self,
        issuer: &PublicKey,
        lock_id: &LockId,
        groups: &[LockId],
    ) -> std::result::Result<(), ResultCode> {
        let target_ok = if self.lock_group {
            groups.contains(&self.lock_id)
        } else {
            self.lock_id == *lock_id
        };
        if !target_ok || self.issuer_id != issuer.issuer_id() {
            return Err(ResultCode::RevocationListInvalid);
        }
        issuer
            .verify(SigDomain::Revocations, &self.body(), &self.signature)
            .map_err(|_| ResultCode::RevocationListInvalid)
    }

    /// Whether `key` is revoked by this list.
    pub fn revokes(&self, key: &KeyId) -> bool {
        self.revoked.contains(key)
    }
}
