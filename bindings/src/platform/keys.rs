//! The two platform secrets: the [`KeyStore`] that wraps the store's data
//! key and the [`Signer`] holding the phone's P-256 key, implemented by the
//! app over Android Keystore/StrongBox or the Keychain/Secure Enclave, and
//! their bridges to the core's traits.
//!
//! Both are called from a background thread, never the main thread.

use latchkey_core::platform_keys::{KeyProtection, KeyStore as CoreKeyStore, PlatformKeyError, Signer as CoreSigner};
use latchkey_protocol::{PublicKey, Signature};
use std::sync::Arc;

/// Why a key store or signer operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum KeyStoreError {
    /// Can't be used right now (device locked, user not authenticated,
    /// hardware busy): retry later; nothing is lost.
    #[error("key store unavailable: {reason}")]
    Unavailable {
        /// What the platform said.
        reason: String,
    },
    /// The wrapped data key does not open with this key store's key (the
    /// platform key was reset or is another one).
    #[error("the wrapped data key does not open with this key store's key")]
    WrongKey,
    /// The input has the wrong shape.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What was wrong.
        reason: String,
    },
    /// Reading or writing the key material failed.
    #[error("key storage failed: {reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
    /// A cryptographic operation failed.
    #[error("cryptographic operation failed: {reason}")]
    Crypto {
        /// Which operation.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for KeyStoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Unavailable {
            reason: format!("the platform key code failed unexpectedly: {}", e.reason),
        }
    }
}

impl From<KeyStoreError> for PlatformKeyError {
    fn from(e: KeyStoreError) -> Self {
        match e {
            KeyStoreError::Unavailable { reason } => PlatformKeyError::Unavailable { reason },
            KeyStoreError::WrongKey => PlatformKeyError::WrongKey,
            KeyStoreError::InvalidInput { reason } => PlatformKeyError::InvalidInput { reason },
            KeyStoreError::Storage { reason } => PlatformKeyError::Storage { reason },
            KeyStoreError::Crypto { reason } => PlatformKeyError::Crypto { reason },
        }
    }
}

/// Wraps and unwraps the credential store's 32-byte data key with a key
/// the platform keystore holds (e.g. AES-GCM under an Android Keystore
/// key). `unwrap(wrap(k)) == k` must hold while the platform keeps its key.
#[uniffi::export(callback_interface)]
pub trait KeyStore: Send + Sync {
    /// Encrypts (wraps) a data key.
    fn wrap_data_key(&self, data_key: Vec<u8>) -> Result<Vec<u8>, KeyStoreError>;

    /// Decrypts bytes produced by `wrap_data_key`; fails with
    /// [`KeyStoreError::WrongKey`] when they were wrapped under another key.
    fn unwrap_data_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyStoreError>;

    /// Where the wrapping key lives (`StrongBox`, `SecureEnclave`, …).
    fn protection(&self) -> KeyProtection;

    /// Deletes the wrapping key (sign-out); a missing key is no error.
    fn delete_key(&self) -> Result<(), KeyStoreError>;
}

/// Holds the phone's P-256 holder key and signs with ECDSA P-256 SHA-256
/// (Android `SHA256withECDSA`, iOS `ecdsaSignatureMessageX962SHA256`).
#[uniffi::export(callback_interface)]
pub trait Signer: Send + Sync {
    /// The public key, SEC1 uncompressed (65 bytes, `04 ‖ x ‖ y`).
    fn public_key(&self) -> Result<Vec<u8>, KeyStoreError>;

    /// Hashes `message` with SHA-256 and signs it. Return what the
    /// platform gives, the DER signature (`SHA256withECDSA`,
    /// `ecdsaSignatureMessageX962SHA256`), or the raw 64-byte `r ‖ s`:
    /// the library converts DER itself (short and zero-padded scalars
    /// included).
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, KeyStoreError>;

    /// Where the holder key lives (`StrongBox`, `SecureEnclave`, …).
    fn protection(&self) -> KeyProtection;

    /// Deletes the holder key (sign-out); a missing key is no error.
    fn delete_key(&self) -> Result<(), KeyStoreError>;
}

/// The app's key store as the core's.
pub(crate) struct ForeignKeyStore(pub(crate) Arc<dyn KeyStore>);

impl CoreKeyStore for ForeignKeyStore {
    fn wrap_data_key(&self, data_key: &[u8]) -> Result<Vec<u8>, PlatformKeyError> {
        Ok(self.0.wrap_data_key(data_key.to_vec())?)
    }

    fn unwrap_data_key(&self, wrapped: &[u8]) -> Result<Vec<u8>, PlatformKeyError> {
        Ok(self.0.unwrap_data_key(wrapped.to_vec())?)
    }

    fn protection(&self) -> KeyProtection {
        self.0.protection()
    }

    fn delete_key(&self) -> Result<(), PlatformKeyError> {
        Ok(self.0.delete_key()?)
    }
}

/// The app's signer as the core's; its public key is read once and checked.
pub(crate) struct ForeignSigner {
    inner: Arc<dyn Signer>,
    public: PublicKey,
}

impl ForeignSigner {
    /// Reads and validates the signer's public key.
    pub(crate) fn new(inner: Arc<dyn Signer>) -> Result<Self, String> {
        let sec1 = inner.public_key().map_err(|e| e.to_string())?;
        let public = PublicKey::from_sec1(&sec1).map_err(|e| format!("not a P-256 public key: {e}"))?;
        Ok(Self { inner, public })
    }
}

impl CoreSigner for ForeignSigner {
    fn public_key(&self) -> PublicKey {
        self.public
    }

    fn sign(&self, message: &[u8]) -> Result<Signature, PlatformKeyError> {
        let bytes = self.inner.sign(message.to_vec())?;
        signature_from_platform(&bytes)
            .map(Signature)
            .ok_or_else(|| PlatformKeyError::Crypto {
                reason: format!(
                    "the signer returned {} bytes that are neither r ‖ s nor a DER ECDSA signature",
                    bytes.len()
                ),
            })
    }

    fn protection(&self) -> KeyProtection {
        self.inner.protection()
    }

    fn delete_key(&self) -> Result<(), PlatformKeyError> {
        Ok(self.inner.delete_key()?)
    }
}

/// A signature as platforms return it (DER `SEQUENCE { r, s }`) or raw
/// (`r ‖ s`), as the fixed 64 bytes the protocol carries.
pub(crate) fn signature_from_platform(bytes: &[u8]) -> Option<[u8; 64]> {
    if let Ok(raw) = <[u8; 64]>::try_from(bytes) {
        return Some(raw);
    }
    let (r, s) = der_scalars(bytes)?;
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&scalar32(r)?);
    out[32..].copy_from_slice(&scalar32(s)?);
    Some(out)
}

/// The two INTEGERs' contents of a DER `SEQUENCE { r, s }`, as encoded
/// (a leading zero byte when the high bit is set, fewer than 32 bytes for
/// a small scalar).
pub(crate) fn der_scalars(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (tag, body, rest) = der_item(bytes)?;
    if tag != 0x30 || !rest.is_empty() {
        return None;
    }
    let (r_tag, r, body) = der_item(body)?;
    let (s_tag, s, rest) = der_item(body)?;
    if r_tag != 0x02 || s_tag != 0x02 || !rest.is_empty() {
        return None;
    }
    Some((r, s))
}

/// One DER item: (tag, contents, what follows). Short and one-byte long
/// lengths only, which covers every P-256 signature.
fn der_item(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&len, rest) = rest.split_first()?;
    let (len, rest) = match len {
        0x81 => {
            let (&len, rest) = rest.split_first()?;
            (usize::from(len), rest)
        }
        l if l < 0x80 => (usize::from(l), rest),
        _ => return None,
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// A DER INTEGER's contents as a 32-byte big-endian scalar.
fn scalar32(int: &[u8]) -> Option<[u8; 32]> {
    let trimmed = match int.iter().position(|b| *b != 0) {
        Some(first) => &int[first..],
        None => &[][..],
    };
    if trimmed.len() > 32 {
        return None;
    }
    let mut out = [0u8; 32];
    out[32 - trimmed.len()..].copy_from_slice(trimmed);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::signature_from_platform;

    #[test]
    fn der_signatures_with_padded_and_short_scalars_become_r_s() {
        let mut r = vec![0x00, 0x80];
        r.extend([1u8; 31]);
        let s = vec![0x05; 31];
        let mut der = vec![0x30, (2 + r.len() + 2 + s.len()) as u8, 0x02, r.len() as u8];
        der.extend(&r);
        der.extend([0x02, s.len() as u8]);
        der.extend(&s);
        let raw = signature_from_platform(&der).unwrap();
        assert_eq!(raw[0], 0x80);
        assert_eq!(&raw[1..32], &[1u8; 31]);
        assert_eq!(raw[32], 0);
        assert_eq!(&raw[33..], &[5u8; 31]);
    }

    #[test]
    fn raw_signatures_pass_through_and_garbage_is_refused() {
        assert_eq!(signature_from_platform(&[7; 64]), Some([7; 64]));
        assert_eq!(signature_from_platform(&[0x30, 0x02, 0x02, 0x00]), None);
        assert_eq!(signature_from_platform(&[]), None);
        assert_eq!(signature_from_platform(&[0x30, 0x81]), None);
    }
}
