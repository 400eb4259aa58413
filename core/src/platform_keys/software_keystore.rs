//! A key store whose key-encryption key (KEK) lives in memory or in a file
//! readable only by its owner. The desktop and test default: on a phone the
//! KEK belongs in the platform keystore, where it can't be copied off the
//! device, so production apps implement [`KeyStore`] with it instead.

use super::{KeyProtection, KeyStore, PlatformKeyError};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Version byte in front of every wrapped key.
const WRAP_VERSION: u8 = 1;
/// Binds the ciphertext to its purpose, so no other sealed value can be
/// passed off as a wrapped data key.
const WRAP_AAD: &[u8] = b"latchkey/v1/wrapped-data-key";
const KEK_LEN: usize = 32;

/// A [`KeyStore`] with a software AES-256-GCM key-encryption key.
///
/// Not for production phones (the KEK is an ordinary file or memory
/// contents); use it on desktops, in the CLI and in tests.
pub struct SoftwareKeyStore {
    kek: LessSafeKey,
    /// The KEK's file, when it has one (deleted by [`KeyStore::delete_key`]).
    file: Option<PathBuf>,
}

impl std::fmt::Debug for SoftwareKeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SoftwareKeyStore(..)")
    }
}

impl SoftwareKeyStore {
    /// A key store over the given 32-byte KEK, held in memory only.
    pub fn in_memory(kek: [u8; KEK_LEN]) -> Self {
        // A 32-byte key is always valid for AES-256-GCM.
        let kek = UnboundKey::new(&AES_256_GCM, &kek).map(LessSafeKey::new);
        Self {
            kek: kek.unwrap_or_else(|_| unreachable!("AES-256 key length is 32")),
            file: None,
        }
    }

    /// A key store over a fresh random KEK held in memory: data wrapped with
    /// it can only be read by this instance (tests, throw-away stores).
    pub fn generate() -> Result<Self, PlatformKeyError> {
        Ok(Self::in_memory(random_kek()?))
    }

    /// The KEK file conventionally kept beside a store directory:
    /// `<store_dir>.kek`.
    pub fn path_beside(store_dir: &Path) -> PathBuf {
        let mut name = store_dir.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".kek");
        store_dir.with_file_name(name)
    }

    /// Loads the KEK from `path`, creating it (32 random bytes, mode 0600 on
    /// Unix) when the file does not exist.
    pub fn open_file(path: &Path) -> Result<Self, PlatformKeyError> {
        match fs::read(path) {
            Ok(bytes) => {
                let kek: [u8; KEK_LEN] = bytes.try_into().map_err(|b: Vec<u8>| PlatformKeyError::Storage {
                    reason: format!("{} holds {} bytes, a KEK is {KEK_LEN}", path.display(), b.len()),
                })?;
                Ok(Self::in_memory(kek).with_file(path))
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Self::create_file(path),
            Err(e) => Err(storage_error(path, &e)),
        }
    }

    /// Opens [`SoftwareKeyStore::path_beside`] `store_dir`.
    pub fn beside(store_dir: &Path) -> Result<Self, PlatformKeyError> {
        Self::open_file(&Self::path_beside(store_dir))
    }

    fn with_file(mut self, path: &Path) -> Self {
        self.file = Some(path.to_path_buf());
        self
    }

    fn create_file(path: &Path) -> Result<Self, PlatformKeyError> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| storage_error(parent, &e))?;
        }
        let kek = random_kek()?;
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(&kek)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| storage_error(path, &e))?;
                Ok(Self::in_memory(kek).with_file(path))
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Self::open_file(path),
            Err(e) => Err(storage_error(path, &e)),
        }
    }
}

impl KeyStore for SoftwareKeyStore {
    fn wrap_data_key(&self, data_key: &[u8]) -> Result<Vec<u8>, PlatformKeyError> {
        if data_key.is_empty() || data_key.len() > 64 {
            return Err(PlatformKeyError::InvalidInput {
                reason: format!("a data key is 1–64 bytes, got {}", data_key.len()),
            });
        }
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| PlatformKeyError::Crypto {
                reason: "system random generator failed".into(),
            })?;
        let mut sealed = data_key.to_vec();
        self.kek
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(WRAP_AAD), &mut sealed)
            .map_err(|_| PlatformKeyError::Crypto {
                reason: "AES-GCM wrap failed".into(),
            })?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(WRAP_VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    fn unwrap_data_key(&self, wrapped: &[u8]) -> Result<Vec<u8>, PlatformKeyError> {
        let (version, rest) = wrapped.split_first().ok_or_else(|| PlatformKeyError::InvalidInput {
            reason: "the wrapped data key is empty".into(),
        })?;
        if *version != WRAP_VERSION {
            return Err(PlatformKeyError::InvalidInput {
                reason: format!("wrapped data key format {version}, this build reads {WRAP_VERSION}"),
            });
        }
        if rest.len() < NONCE_LEN {
            return Err(PlatformKeyError::WrongKey);
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| PlatformKeyError::WrongKey)?;
        let mut buf = sealed.to_vec();
        let plain = self
            .kek
            .open_in_place(nonce, Aad::from(WRAP_AAD), &mut buf)
            .map_err(|_| PlatformKeyError::WrongKey)?;
        Ok(plain.to_vec())
    }

    fn protection(&self) -> KeyProtection {
        KeyProtection::Software
    }

    fn delete_key(&self) -> Result<(), PlatformKeyError> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        match fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(storage_error(path, &e)),
        }
    }
}

fn random_kek() -> Result<[u8; KEK_LEN], PlatformKeyError> {
    let mut kek = [0u8; KEK_LEN];
    SystemRandom::new()
        .fill(&mut kek)
        .map_err(|_| PlatformKeyError::Crypto {
            reason: "system random generator failed".into(),
        })?;
    Ok(kek)
}

fn storage_error(path: &Path, e: &std::io::Error) -> PlatformKeyError {
    PlatformKeyError::Storage {
        reason: format!("{}: {e}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_round_trips_and_another_kek_cannot_unwrap() {
        let a = SoftwareKeyStore::generate().unwrap();
        let b = SoftwareKeyStore::generate().unwrap();
        let wrapped = a.wrap_data_key(&[7; 32]).unwrap();
        assert_eq!(a.unwrap_data_key(&wrapped).unwrap(), vec![7; 32]);
        assert_eq!(b.unwrap_data_key(&wrapped), Err(PlatformKeyError::WrongKey));
    }

    #[test]
    fn kek_file_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = SoftwareKeyStore::path_beside(&dir.path().join("store"));
        assert_eq!(path, dir.path().join("store.kek"));
        let wrapped = SoftwareKeyStore::open_file(&path)
            .unwrap()
            .wrap_data_key(&[1; 32])
            .unwrap();
        let again = SoftwareKeyStore::open_file(&path).unwrap();
        assert_eq!(again.unwrap_data_key(&wrapped).unwrap(), vec![1; 32]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_deleted_kek_file_leaves_what_it_wrapped_unopenable() {
        let dir = tempfile::tempdir().unwrap();
        let path = SoftwareKeyStore::path_beside(&dir.path().join("store"));
        let store = SoftwareKeyStore::open_file(&path).unwrap();
        let wrapped = store.wrap_data_key(&[3; 32]).unwrap();
        assert_eq!(store.protection(), KeyProtection::Software);
        store.delete_key().unwrap();
        assert!(!path.exists());
        store.delete_key().unwrap();
        let fresh = SoftwareKeyStore::open_file(&path).unwrap();
        assert_eq!(fresh.unwrap_data_key(&wrapped), Err(PlatformKeyError::WrongKey));
    }
}
