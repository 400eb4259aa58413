//! The holder key for a quick process when the app has no platform signer
//! (desktops, tests): the software key's PKCS#8, sealed under the quick
//! key in `<dir>/holder`, loaded only when an AUTH needs a signature (a
//! FAST signs nothing). With a platform signer (StrongBox, the Secure
//! Enclave), the file does not exist and the process is given the signer.

use super::error::QuickError;
use super::layout::{read_optional, write_atomically, QuickDir};
use crate::platform_keys::{KeyProtection, PlatformKeyError, Signer, SoftwareSigner};
use crate::store::seal::Sealer;
use latchkey_protocol::{PublicKey, Signature};
use std::sync::{Arc, OnceLock};

const SEALED_AS: &str = "quick-holder";

/// Writes (or, with `None`, removes) the holder file.
pub(crate) fn publish(dir: &QuickDir, sealer: &Sealer, pkcs8: Option<&[u8]>) -> Result<(), QuickError> {
    let path = dir.holder_file();
    match pkcs8 {
        Some(pkcs8) => {
            if let Some(existing) = read_optional(&path)? {
                if sealer.open(SEALED_AS, b"", &existing).ok().as_deref() == Some(pkcs8) {
                    return Ok(());
                }
            }
            write_atomically(&path, &sealer.seal(SEALED_AS, b"", pkcs8)?)
        }
        None => match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(QuickError::io(&path, &e)),
            _ => Ok(()),
        },
    }
}

/// The software holder key in the holder file, read on first use.
pub(crate) struct StoredHolder {
    dir: QuickDir,
    sealer: Arc<Sealer>,
    public: PublicKey,
    loaded: OnceLock<Result<SoftwareSigner, PlatformKeyError>>,
}

impl StoredHolder {
    pub(crate) fn new(dir: QuickDir, sealer: Arc<Sealer>, public: PublicKey) -> Self {
        Self {
            dir,
            sealer,
            public,
            loaded: OnceLock::new(),
        }
    }

    fn load(&self) -> Result<SoftwareSigner, PlatformKeyError> {
        let unavailable = |reason: String| PlatformKeyError::Unavailable { reason };
        let path = self.dir.holder_file();
        let sealed = read_optional(&path)
            .map_err(|e| unavailable(e.to_string()))?
            .ok_or_else(|| {
                unavailable("the app uses a platform signer: pass it to quick access (QuickUnlock::signer)".into())
            })?;
        let pkcs8 = self
            .sealer
            .open(SEALED_AS, b"", &sealed)
            .map_err(|e| unavailable(format!("{}: {e}", path.display())))?;
        let signer = SoftwareSigner::from_pkcs8(&pkcs8)?;
        if signer.public_key() != self.public {
            return Err(PlatformKeyError::WrongKey);
        }
        Ok(signer)
    }
}

impl Signer for StoredHolder {
    fn public_key(&self) -> PublicKey {
        self.public
    }

    fn sign(&self, message: &[u8]) -> Result<Signature, PlatformKeyError> {
        match self.loaded.get_or_init(|| self.load()) {
            Ok(signer) => signer.sign(message),
            Err(e) => Err(e.clone()),
        }
    }

    fn protection(&self) -> KeyProtection {
        KeyProtection::Software
    }

    /// Removes the holder file: the copy of the key quick processes read
    /// (the app's own copy is the store's, removed by its sign-out).
    fn delete_key(&self) -> Result<(), PlatformKeyError> {
        let path = self.dir.holder_file();
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(PlatformKeyError::Unavailable {
                reason: format!("{}: {e}", path.display()),
            }),
            _ => Ok(()),
        }
    }
}
