//! The property's key authority (the issuer): it holds the P-256 key whose
//! public half every lock receives at commissioning, and signs digital
//! keys, revocation lists and trusted-time tokens. A thin layer over
//! latchkey-protocol, shared by tests, the demo and the reference cloud.

use latchkey_protocol::{
    Challenge, DigitalKey, IssuerId, KeyGrant, KeyId, LockId, PublicKey, Result, RevocationList, SigningKey, TimeToken,
};

/// An issuer of digital keys, revocation lists and time tokens.
#[derive(Debug)]
pub struct KeyAuthority {
    key: SigningKey,
}

impl KeyAuthority {
    /// An authority with a fresh P-256 key.
    pub fn generate() -> Result<Self> {
        Ok(Self {
            key: SigningKey::generate()?,
        })
    }

    /// An authority whose key was stored as PKCS#8.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self> {
        Ok(Self {
            key: SigningKey::from_pkcs8(pkcs8)?,
        })
    }

    /// The key's PKCS#8 encoding (secret: store it sealed).
    pub fn pkcs8(&self) -> &[u8] {
        self.key.pkcs8()
    }

    /// The public key installed in locks at commissioning.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// The id certificates, lists and tokens carry.
    pub fn issuer_id(&self) -> IssuerId {
        self.public_key().issuer_id()
    }

    /// Signs a digital key for `grant`.
    pub fn issue_key(&self, grant: KeyGrant) -> Result<DigitalKey> {
        DigitalKey::issue(grant, &self.key)
    }

    /// Signs a complete revocation list for a lock (or a group when
    /// `group`), replacing any list with a lower `seq`.
    pub fn revocation_list(
        &self,
        lock_id: LockId,
        group: bool,
        seq: u32,
        issued_at: u32,
        revoked: Vec<KeyId>,
    ) -> Result<RevocationList> {
        RevocationList::issue(&self.key, lock_id, group, seq, issued_at, revoked)
    }

    /// Signs a trusted-time token for `lock_id`. `nonce` is the lock's
    /// challenge when fetched at the door (lets it set the clock either
    /// way), or zero when fetched ahead of time (forward moves only).
    pub fn time_token(
        &self,
        lock_id: LockId,
        unix_time: u32,
        valid_for: u16,
        utc_offset_min: i16,
        nonce: Challenge,
    ) -> Result<TimeToken> {
        TimeToken::issue(&self.key, lock_id, unix_time, valid_for, utc_offset_min, nonce)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs8_round_trip_keeps_the_issuer() {
        let a = KeyAuthority::generate().expect("key");
        let b = KeyAuthority::from_pkcs8(a.pkcs8()).expect("reload");
        assert_eq!(a.public_key(), b.public_key());
        assert_eq!(a.issuer_id(), b.public_key().issuer_id());
    }
}
