//! The two platform secrets the core never holds itself in production:
//!
//! - [`KeyStore`] wraps and unwraps the credential store's 32-byte data key
//!   (Android Keystore/StrongBox, the iOS Keychain). [`SoftwareKeyStore`]
//!   is the desktop and test default.
//! - [`Signer`] holds the phone's P-256 holder key and signs with ECDSA
//!   P-256 SHA-256 (Android Keystore/StrongBox, the Secure Enclave).
//!   [`SoftwareSigner`] keeps its PKCS#8 sealed in the store.
//!
//! Both traits are synchronous and object-safe so that the bindings can
//! implement them in Kotlin or Swift. Each says how its key is protected
//! ([`KeyProtection`], which [`crate::Client::key_custody`] reports) and
//! can delete it (sign-out, [`crate::Client::sign_out`]).
//!
//! The software fallbacks are for desktops and tests: a client builder
//! refuses to build without a platform key store and signer unless the
//! front end allows them explicitly
//! ([`crate::ClientBuilder::allow_software_keys`]).

mod software_keystore;
mod software_signer;

pub use software_keystore::SoftwareKeyStore;
pub use software_signer::SoftwareSigner;

use latchkey_protocol::{PublicKey, Signature};

/// Why a [`KeyStore`] or [`Signer`] operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformKeyError {
    /// The key store or signer cannot be used right now (device locked,
    /// user not authenticated, hardware busy): retry later; nothing is lost.
    #[error("key store unavailable: {reason}")]
    Unavailable {
        /// What the platform said.
        reason: String,
    },
    /// The wrapped data key does not open under this key store's key: it was
    /// wrapped by a different (or reset) key store, or it is damaged.
    #[error("the wrapped data key does not open with this key store's key (different or reset key store, or damaged)")]
    WrongKey,
    /// The input has the wrong shape (e.g. a data key that is not 32 bytes).
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What was wrong.
        reason: String,
    },
    /// Reading or writing the key material failed.
    #[error("key storage failed: {reason}")]
    Storage {
        /// What failed, with the path when there is one.
        reason: String,
    },
    /// A cryptographic operation failed (random generator, signing).
    #[error("cryptographic operation failed: {reason}")]
    Crypto {
        /// Which operation.
        reason: String,
    },
}

/// Where a platform secret lives, from weakest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyProtection {
    /// latchkey's software fallback: a key file beside the store, or a key
    /// sealed in it. Anyone who copies the data directory has it.
    Software,
    /// The platform's key store without hardware isolation: the Keychain
    /// where there is no Secure Enclave (the iOS simulator), an Android
    /// Keystore that is software-only.
    Platform,
    /// Android Keystore in the trusted execution environment (TEE): the
    /// key can't leave the device.
    TrustedEnvironment,
    /// Android StrongBox: a separate secure chip.
    StrongBox,
    /// The iOS Secure Enclave.
    SecureEnclave,
}

impl KeyProtection {
    /// Whether the key is held by hardware the app's process can't read.
    pub fn hardware_backed(self) -> bool {
        self >= Self::TrustedEnvironment
    }

    /// The stable snake_case name (logs, the CLI's JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Software => "software",
            Self::Platform => "platform",
            Self::TrustedEnvironment => "trusted_environment",
            Self::StrongBox => "strongbox",
            Self::SecureEnclave => "secure_enclave",
        }
    }
}

/// Wraps and unwraps the credential store's data key.
///
/// The app implements it with the platform keystore; the wrapped bytes are
/// stored in the store's meta tree, so the data key itself never touches
/// the disk in the clear. `unwrap_data_key(wrap_data_key(k)) == k` must
/// hold for as long as the platform keeps its key.
pub trait KeyStore: Send + Sync {
    /// Encrypts (wraps) a data key.
    fn wrap_data_key(&self, data_key: &[u8]) -> Result<Vec<u8>, PlatformKeyError>;

    /// Decrypts (unwraps) bytes produced by [`KeyStore::wrap_data_key`].
    /// Must fail with [`PlatformKeyError::WrongKey`] when they were wrapped under
    /// another key.
    fn unwrap_data_key(&self, wrapped: &[u8]) -> Result<Vec<u8>, PlatformKeyError>;

    /// Where the wrapping key lives.
    fn protection(&self) -> KeyProtection;

    /// Deletes the wrapping key for good (sign-out): whatever it wrapped
    /// can never be opened again. Deleting a key that is not there is no
    /// error.
    fn delete_key(&self) -> Result<(), PlatformKeyError>;
}

/// Signs with the phone's P-256 holder key (ECDSA P-256 SHA-256).
pub trait Signer: Send + Sync {
    /// The holder public key that digital keys are issued to.
    fn public_key(&self) -> PublicKey;

    /// Signs `message`, which the protocol has already domain-separated
    /// (`SigDomain::message`): the signer hashes it with SHA-256 and returns
    /// the fixed-size `r ‖ s` signature.
    fn sign(&self, message: &[u8]) -> Result<Signature, PlatformKeyError>;

    /// Where the holder key lives.
    fn protection(&self) -> KeyProtection;

    /// Deletes the holder key for good (sign-out); keys issued to it stop
    /// working. Deleting a key that is not there is no error.
    fn delete_key(&self) -> Result<(), PlatformKeyError>;
}
