//! Putting credentials into the phone (from the cloud, or a host's share)
//! and listing the keys it holds.

use crate::errors::CredentialError;
use crate::records::{KeyInfo, LockMetadata};
use crate::session::Session;
use latchkey_core::store::LockMeta;
use latchkey_core::Client;
use latchkey_protocol::{DigitalKey, LockId, PublicKey, RevocationList, TimeToken};
use std::sync::Arc;

/// Credentials: `client.keys()`.
#[derive(uniffi::Object)]
pub struct KeysClient {
    session: Session,
}

impl KeysClient {
    pub(crate) fn new(session: Session) -> Self {
        Self { session }
    }

    fn phone(&self) -> Result<Arc<Client>, CredentialError> {
        self.session.client()
    }

    /// The client and runtime this sub-client works with.
    pub(crate) fn session(&self) -> &Session {
        &self.session
    }
}

pub(crate) fn lock_id(what: &str, hex: &str) -> Result<LockId, CredentialError> {
    LockId::from_hex(hex).ok_or_else(|| CredentialError::invalid(what, format!("`{hex}` is not 32 hex digits")))
}

fn public_key(what: &str, sec1: &[u8]) -> Result<PublicKey, CredentialError> {
    PublicKey::from_sec1(sec1).map_err(|e| CredentialError::invalid(what, e))
}

impl TryFrom<LockMetadata> for LockMeta {
    type Error = CredentialError;

    fn try_from(m: LockMetadata) -> Result<Self, Self::Error> {
        Ok(Self {
            lock_id: lock_id("lock id", &m.lock_id)?,
            name: m.name,
            identity_key: public_key("lock identity key", &m.identity_key)?,
            issuer_key: public_key("issuer key", &m.issuer_key)?,
            utc_offset_min: m.utc_offset_min,
            groups: m
                .groups
                .iter()
                .map(|g| lock_id("lock group id", g))
                .collect::<Result<_, _>>()?,
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl KeysClient {
    /// The holder public key keys must be issued to (SEC1 uncompressed,
    /// 65 bytes): send it to the cloud when asking for a key.
    pub fn holder_public_key(&self) -> Result<Vec<u8>, CredentialError> {
        Ok(self.phone()?.holder_key().to_sec1().to_vec())
    }

    /// Records a lock's commissioning data (replacing what was known).
    pub async fn add_lock(&self, metadata: LockMetadata) -> Result<(), CredentialError> {
        let meta = LockMeta::try_from(metadata)?;
        latchkey_core::log_line!(Info, target: "latchkey::keys", "lock {} ({}) added", meta.lock_id, meta.name);
        Ok(self.phone()?.keys().add_lock(meta).await?)
    }

    /// Stores a digital key (its wire encoding) after checking it was
    /// issued to this phone by the issuer of a known lock.
    pub async fn add_key(&self, encoded: Vec<u8>, label: String) -> Result<KeyInfo, CredentialError> {
        let key = DigitalKey::decode(&encoded).map_err(|e| CredentialError::invalid("digital key", e))?;
        let key_id = key.key_id();
        self.phone()?.keys().add_key(key, label).await?;
        latchkey_core::log_line!(Info, target: "latchkey::keys", "key {key_id} added");
        self.list()
            .await?
            .into_iter()
            .find(|k| k.key_id == key_id.to_hex())
            .ok_or_else(|| CredentialError::Storage {
                reason: "the key was stored but can't be read back".into(),
            })
    }

    /// Stores a revocation list (its wire encoding) if it is newer than the
    /// one held; returns whether it was. Phones carry it to the lock.
    pub async fn add_revocation_list(&self, encoded: Vec<u8>) -> Result<bool, CredentialError> {
        let list = RevocationList::decode(&encoded).map_err(|e| CredentialError::invalid("revocation list", e))?;
        Ok(self.phone()?.keys().add_revocation_list(list).await?)
    }

    /// Stores a trusted-time token (its wire encoding) for delivery to its
    /// lock; returns whether it is newer than the one held.
    pub async fn add_time_token(&self, encoded: Vec<u8>) -> Result<bool, CredentialError> {
        let token = TimeToken::decode(&encoded).map_err(|e| CredentialError::invalid("time token", e))?;
        Ok(self.phone()?.keys().add_time_token(token).await?)
    }

    /// Keys held by this phone.
    pub async fn list(&self) -> Result<Vec<KeyInfo>, CredentialError> {
        Ok(self.phone()?.keys().list().await?.iter().map(KeyInfo::from).collect())
    }
}
