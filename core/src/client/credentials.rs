//! Putting credentials into the phone: lock metadata, digital keys,
//! revocation lists and time tokens, each verified before it is stored.

use super::{blocking, Keys};
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::store::{LockMeta, StoredKey};
use latchkey_protocol::{DigitalKey, RevocationList, TimeToken};

impl Keys<'_> {
    /// Records a lock's commissioning data (from the cloud).
    pub async fn add_lock(&self, meta: LockMeta) -> Result<(), LatchkeyError> {
        self.0.ensure_signed_in()?;
        let store = self.0.store.clone();
        blocking(move || Ok(store.locks().put_meta(&meta)?)).await?;
        self.0.refresh_quick_access_quietly().await;
        Ok(())
    }

    /// Stores a digital key after checking it is for this phone's holder
    /// key and signed by the issuer of a lock this phone knows.
    pub async fn add_key(&self, key: DigitalKey, label: impl Into<String>) -> Result<(), LatchkeyError> {
        self.0.ensure_signed_in()?;
        if key.grant.holder != self.0.holder_key() {
            return Err(LatchkeyError::refused_locally(
                DiagnosisCode::KeyRejected,
                "this key was issued to another phone",
            ));
        }
        let store = self.0.store.clone();
        let label = label.into();
        let now = self.0.clock.now_unix();
        blocking(move || {
            let locks = store.locks().list_meta()?;
            let lock = locks
                .iter()
                .find(|m| key.applies_to(&m.lock_id, &m.groups) && key.verify(&m.issuer_key).is_ok())
                .ok_or_else(|| {
                    LatchkeyError::refused_locally(
                        DiagnosisCode::UnknownLock,
                        "no known lock trusts this key's issuer; sync the lock list first",
                    )
                })?;
            store.keys().put(&StoredKey {
                key,
                label,
                received_at: now,
                lock_name: Some(lock.name.clone()),
            })?;
            Ok(())
        })
        .await?;
        self.0.refresh_quick_access_quietly().await;
        Ok(())
    }

    /// Stores a revocation list (kept only if newer than the one held)
    /// after verifying it against the issuer of a lock it targets. Returns
    /// whether it was newer.
    pub async fn add_revocation_list(&self, list: RevocationList) -> Result<bool, LatchkeyError> {
        self.0.ensure_signed_in()?;
        let store = self.0.store.clone();
        let newer = blocking(move || {
            let trusted = store
                .locks()
                .list_meta()?
                .iter()
                .any(|m| list.verify_for(&m.issuer_key, &m.lock_id, &m.groups).is_ok());
            if !trusted {
                return Err(LatchkeyError::refused_locally(
                    DiagnosisCode::KeyRejected,
                    "revocation list is not signed by the issuer of a lock it targets",
                ));
            }
            Ok(store.revocations().put(&list)?)
        })
        .await?;
        self.0.refresh_quick_access_quietly().await;
        Ok(newer)
    }

    /// Stores a trusted-time token for later delivery (the newest is kept).
    pub async fn add_time_token(&self, token: TimeToken) -> Result<bool, LatchkeyError> {
        self.0.ensure_signed_in()?;
        let store = self.0.store.clone();
        let newer = blocking(move || Ok(store.time_tokens().put(&token)?)).await?;
        self.0.refresh_quick_access_quietly().await;
        Ok(newer)
    }

    /// Keys held by this phone.
    pub async fn list(&self) -> Result<Vec<StoredKey>, LatchkeyError> {
        let store = self.0.store.clone();
        blocking(move || Ok(store.keys().list()?)).await
    }
}
