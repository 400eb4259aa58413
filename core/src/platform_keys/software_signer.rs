//! The default [`Signer`]: a software P-256 key whose PKCS#8 is sealed in
//! the credential store. Created on first use, loaded afterwards. Phones
//! that can should use a hardware-backed signer (StrongBox, Secure Enclave).

use super::{KeyProtection, PlatformKeyError, Signer};
use crate::store::{Store, StoreError};
use latchkey_protocol::{PublicKey, Signature};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};

const SECRET_NAME: &str = "software-signer-pkcs8";

/// A software ECDSA P-256 SHA-256 signer kept in the store.
pub struct SoftwareSigner {
    pair: EcdsaKeyPair,
    public: PublicKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SoftwareSigner({:?})", self.public)
    }
}

impl SoftwareSigner {
    /// Loads the signer sealed in `store`, generating and storing (flushed)
    /// a new key the first time.
    pub fn load_or_create(store: &Store) -> Result<Self, StoreError> {
        let pkcs8 = match store.secret(SECRET_NAME)? {
            Some(pkcs8) => pkcs8,
            None => {
                let rng = SystemRandom::new();
                let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .map_err(|_| StoreError::Crypto("P-256 key generation failed"))?;
                // If another caller stored one first, use theirs.
                store.secret_or_insert(SECRET_NAME, doc.as_ref())?
            }
        };
        Self::from_pkcs8(&pkcs8).map_err(|e| StoreError::corrupt("secrets", e))
    }

    /// The PKCS#8 the store keeps, when a software signer was made in it
    /// (quick access hands it to a widget's process, sealed, when the app
    /// has no platform signer).
    pub(crate) fn stored_pkcs8(store: &Store) -> Result<Option<Vec<u8>>, StoreError> {
        store.secret(SECRET_NAME)
    }

    /// A signer over a PKCS#8-encoded P-256 key (not stored anywhere).
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, PlatformKeyError> {
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &rng).map_err(|_| {
            PlatformKeyError::InvalidInput {
                reason: "the PKCS#8 document is not a P-256 key".into(),
            }
        })?;
        let public = PublicKey::from_sec1(pair.public_key().as_ref())
            .map_err(|e| PlatformKeyError::Crypto { reason: e.to_string() })?;
        Ok(Self { pair, public, rng })
    }
}

impl Signer for SoftwareSigner {
    fn public_key(&self) -> PublicKey {
        self.public
    }

    fn sign(&self, message: &[u8]) -> Result<Signature, PlatformKeyError> {
        let sig = self
            .pair
            .sign(&self.rng, message)
            .map_err(|_| PlatformKeyError::Crypto {
                reason: "ECDSA signing failed".into(),
            })?;
        let bytes: [u8; 64] = sig.as_ref().try_into().map_err(|_| PlatformKeyError::Crypto {
            reason: "ECDSA signature is not 64 bytes".into(),
        })?;
        Ok(Signature(bytes))
    }

    fn protection(&self) -> KeyProtection {
        KeyProtection::Software
    }

    /// The key is a secret in the store: signing out wipes it with the
    /// store's records, so there is nothing else to delete.
    fn delete_key(&self) -> Result<(), PlatformKeyError> {
        Ok(())
    }
}
