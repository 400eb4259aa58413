//! The property's key authority (the issuer): it holds the P-256 key whose
//! public half every lock receives at commissioning, and signs digital
//! keys, revocation lists, keypad PIN lists and trusted-time tokens. It
//! also derives each lock's PIN secret (keypad slot hashes, offline PINs). A thin layer over
//! latchkey-protocol, shared by tests, the demo and the reference cloud.

use latchkey_protocol::{
    crypto, plan_offline_pin, Challenge, DigitalKey, IssuerId, KeyGrant, KeyId, LockId, OfflinePin, PinDigits, PinList,
    PinRule, PinSecret, PinSlot, PublicKey, Result, RevocationList, SigningKey, TimeToken,
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

    /// A PIN list slot for `lock_id`: `digits` hashed under the lock's PIN
    /// secret with a fresh salt (the cloud keeps the digits to itself).
    pub fn pin_slot(&self, lock_id: &LockId, slot: u8, digits: &PinDigits, rule: PinRule) -> Result<PinSlot> {
        PinSlot::new(&self.pin_secret(lock_id)?, slot, digits, rule)
    }

    /// Signs a complete keypad PIN list for a lock, replacing any list with
    /// a lower `seq`. `offline_valid_from` cuts off offline PINs whose
    /// window starts earlier (0: none; `PinList::OFFLINE_DISABLED`: all).
    pub fn pin_list(
        &self,
        lock_id: LockId,
        seq: u32,
        issued_at: u32,
        offline_valid_from: u32,
        slots: Vec<PinSlot>,
    ) -> Result<PinList> {
        PinList::issue(&self.key, lock_id, seq, issued_at, offline_valid_from, slots)
    }

    /// The PIN secret of `lock_id`, installed in the lock at commissioning
    /// and given to host phones: it keys the PIN list's slot hashes and the
    /// offline PINs. `PinSecret::derive` from a root that is itself derived
    /// from the authority's key (`HKDF(salt = "latchkey/v1/pin-authority",
    /// ikm = PKCS#8)`), so an authority reloaded from its PKCS#8 derives the
    /// same secrets. A production authority would keep this root in its key
    /// store instead.
    pub fn pin_secret(&self, lock_id: &LockId) -> Result<PinSecret> {
        let mut root = [0u8; 32];
        crypto::hkdf(b"latchkey/v1/pin-authority", self.key.pkcs8(), &[], &mut root)?;
        PinSecret::derive(&root, lock_id)
    }

    /// An offline PIN for `lock_id` (what a host's phone computes with no
    /// network, see `latchkey_protocol::plan_offline_pin`).
    pub fn offline_pin(
        &self,
        lock_id: &LockId,
        start_unix: u32,
        duration_s: u32,
        one_time: bool,
        utc_offset_min: i16,
    ) -> Result<OfflinePin> {
        let secret = self.pin_secret(lock_id)?;
        plan_offline_pin(&secret, start_unix, duration_s, one_time, utc_offset_min)
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
        let lock = LockId([3; 16]);
        assert_eq!(a.pin_secret(&lock).unwrap(), b.pin_secret(&lock).unwrap());
        assert_ne!(a.pin_secret(&lock).unwrap(), a.pin_secret(&LockId([4; 16])).unwrap());
    }
}
