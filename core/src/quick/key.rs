//! The quick key: a random 32-byte key, of its own (not the store's data
//! key: a process that reads the quick-access files can't read the
//! store), wrapped by the platform [`KeyStore`] in `<dir>/quick-key` and
//! sealing every other quick-access file like the store seals its
//! records (AES-256-GCM, the record's place as associated data).

use super::error::QuickError;
use super::layout::{read_optional, write_atomically, QuickDir};
use crate::platform_keys::{KeyStore, PlatformKeyError};
use crate::store::seal::{Sealer, DATA_KEY_LEN};
use latchkey_protocol::crypto::random_array;

/// In front of the wrapped key, so a foreign file is not unwrapped.
const MAGIC: &[u8] = b"latchkey-quick-key/1\n";

/// The sealer of the quick key in `dir`; `None` when there is no key file
/// (quick access was never set up there).
pub(crate) fn open(dir: &QuickDir, key_store: &dyn KeyStore) -> Result<Option<Sealer>, QuickError> {
    let path = dir.key_file();
    let Some(bytes) = read_optional(&path)? else {
        return Ok(None);
    };
    let wrapped = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| QuickError::unreadable(&path, "not a latchkey quick key file"))?;
    let key = key_store.unwrap_data_key(wrapped)?;
    Ok(Some(Sealer::new(&key)?))
}

/// Makes a new quick key, wraps it and writes the key file.
pub(crate) fn create(dir: &QuickDir, key_store: &dyn KeyStore) -> Result<Sealer, QuickError> {
    let key: [u8; DATA_KEY_LEN] = random_array().map_err(|_| PlatformKeyError::Crypto {
        reason: "the system random generator failed".into(),
    })?;
    let mut bytes = MAGIC.to_vec();
    bytes.extend(key_store.wrap_data_key(&key)?);
    dir.create()?;
    write_atomically(&dir.key_file(), &bytes)?;
    Ok(Sealer::new(&key)?)
}
