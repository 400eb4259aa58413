//! Sealing records at rest: AES-256-GCM under a key derived from the data
//! key, with a random nonce and the record's tree and key as associated
//! data (so a sealed value moved to another key or tree no longer opens),
//! and tree keys derived with HMAC so they do not reveal identifiers.

use super::error::StoreError;
use latchkey_protocol::crypto::hkdf;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

/// Length of a data key.
pub(crate) const DATA_KEY_LEN: usize = 32;
/// Length of a derived tree key.
pub(crate) const INDEX_LEN: usize = 16;
/// Bytes a sealed value adds to its plaintext (nonce + tag).
pub(crate) const SEAL_OVERHEAD: usize = NONCE_LEN + 16;

/// The record cipher and the key-derivation function for one store.
pub(crate) struct Sealer {
    aead: LessSafeKey,
    index: hmac::Key,
    rng: SystemRandom,
}

impl Sealer {
    /// Derives the sealing and index keys from the data key.
    pub(crate) fn new(data_key: &[u8]) -> Result<Self, StoreError> {
        if data_key.len() != DATA_KEY_LEN {
            return Err(StoreError::KeyStore(
                crate::platform_keys::PlatformKeyError::InvalidInput {
                    reason: format!(
                        "the unwrapped data key is {} bytes, expected {DATA_KEY_LEN}",
                        data_key.len()
                    ),
                },
            ));
        }
        let mut seal_key = [0u8; 32];
        let mut index_key = [0u8; 32];
        let crypto = |_| StoreError::Crypto("HKDF failed");
        hkdf(b"latchkey/v1/store", data_key, &[b"seal"], &mut seal_key).map_err(crypto)?;
        hkdf(b"latchkey/v1/store", data_key, &[b"index"], &mut index_key).map_err(crypto)?;
        let aead = UnboundKey::new(&AES_256_GCM, &seal_key).map_err(|_| StoreError::Crypto("AES key setup failed"))?;
        Ok(Self {
            aead: LessSafeKey::new(aead),
            index: hmac::Key::new(hmac::HMAC_SHA256, &index_key),
            rng: SystemRandom::new(),
        })
    }

    /// The tree key for an identifier: HMAC(index key, tree ‖ 0 ‖ parts),
    /// truncated to 16 bytes.
    pub(crate) fn index(&self, tree: &str, parts: &[&[u8]]) -> [u8; INDEX_LEN] {
        let mut ctx = hmac::Context::with_key(&self.index);
        ctx.update(tree.as_bytes());
        ctx.update(&[0]);
        for p in parts {
            ctx.update(&(p.len() as u32).to_be_bytes());
            ctx.update(p);
        }
        let mut out = [0u8; INDEX_LEN];
        out.copy_from_slice(&ctx.sign().as_ref()[..INDEX_LEN]);
        out
    }

    /// Seals `plain` for the record at `tree`/`key`: nonce ‖ ciphertext ‖ tag.
    pub(crate) fn seal(&self, tree: &str, key: &[u8], plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng
            .fill(&mut nonce)
            .map_err(|_| StoreError::Crypto("system random generator failed"))?;
        let mut out = Vec::with_capacity(plain.len() + SEAL_OVERHEAD);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plain);
        let tag = self
            .aead
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(tree, key)),
                &mut out[NONCE_LEN..],
            )
            .map_err(|_| StoreError::Crypto("AES-GCM seal failed"))?;
        out.extend_from_slice(tag.as_ref());
        Ok(out)
    }

    /// Opens a value sealed by [`Sealer::seal`] for the same `tree`/`key`.
    pub(crate) fn open(&self, tree: &str, key: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        let unreadable = || StoreError::CorruptRecord {
            tree: tree.to_string(),
            reason: "does not decrypt (damaged, or moved from another record)".into(),
        };
        if sealed.len() < SEAL_OVERHEAD {
            return Err(unreadable());
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| unreadable())?;
        let mut buf = body.to_vec();
        let plain = self
            .aead
            .open_in_place(nonce, Aad::from(aad(tree, key)), &mut buf)
            .map_err(|_| unreadable())?;
        Ok(plain.to_vec())
    }
}

fn aad(tree: &str, key: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(16 + tree.len() + key.len());
    aad.extend_from_slice(b"latchkey/v1/");
    aad.extend_from_slice(tree.as_bytes());
    aad.push(0);
    aad.extend_from_slice(key);
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_record_opens_only_at_its_own_place() {
        let s = Sealer::new(&[9; 32]).unwrap();
        let sealed = s.seal("keys", b"k1", b"secret").unwrap();
        assert_eq!(s.open("keys", b"k1", &sealed).unwrap(), b"secret");
        assert!(s.open("keys", b"k2", &sealed).is_err());
        assert!(s.open("locks", b"k1", &sealed).is_err());
        assert!(s.open("keys", b"k1", &sealed[..10]).is_err());
        assert_ne!(s.index("keys", &[b"a"]), s.index("locks", &[b"a"]));
    }
}
