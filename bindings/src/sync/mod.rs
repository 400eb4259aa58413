//! Cloud sync: `client.sync()` (present when the config names a cloud).
//! The core's engine owns the policy (what, when, backoff, Retry-After);
//! the app reports connectivity (`client.setOnline`) and either lets the
//! background loop run (`startBackground`) or schedules passes itself
//! (`syncNow`, e.g. from WorkManager or BGTaskScheduler).

mod drift;
mod error;
mod records;

pub use drift::{CloudLockDrift, CloudPinChange, CloudPinDrift, PinChangeRequest};
pub use error::SyncError;
pub use records::{CloudKey, DeadLetterInfo, KeyRequest, LockDrift, SyncFailure, SyncOutcome, SyncReport, SyncStatus};

use crate::config::ClientConfig;
use crate::errors::ClientError;
use crate::platform::auth::{AuthError, AuthProvider};
use crate::runtime::{upgrade, ClientFailure};
use async_trait::async_trait;
use latchkey_core::sync::{self as core, SyncEngine};
use latchkey_core::{Client, DiagnosisCode};
use latchkey_protocol::KeyId;
use std::sync::{Arc, Weak};

/// The settings the core's `ClientBuilder::cloud` takes.
pub(crate) type CloudSettings = (core::SyncConfig, Arc<dyn core::AuthProvider>);

/// The cloud settings for `config`, if it names a cloud.
pub(crate) fn cloud_settings(
    config: &ClientConfig,
    auth: Option<Arc<dyn AuthProvider>>,
) -> Result<Option<CloudSettings>, ClientError> {
    let Some(url) = &config.cloud_base_url else {
        return Ok(None);
    };
    let auth = auth.ok_or_else(|| ClientError::InvalidConfig {
        reason: "a cloud URL needs an auth provider: call authProvider() on the builder".into(),
    })?;
    let roots = if config.tls_root_certificates_pem.is_empty() {
        core::TrustRoots::Platform
    } else {
        core::TrustRoots::Pem(config.tls_root_certificates_pem.clone())
    };
    let mut sync_config = core::SyncConfig::new(url.clone(), roots);
    sync_config.tls.spki_sha256_pins = config.tls_pinned_spki_sha256.clone();
    Ok(Some((sync_config, Arc::new(AuthBridge(auth)))))
}

/// The app's [`AuthProvider`] as the sync engine's.
pub(crate) struct AuthBridge(pub(crate) Arc<dyn AuthProvider>);

fn auth_error(e: AuthError) -> core::AuthError {
    core::AuthError { reason: e.to_string() }
}

#[async_trait]
impl core::AuthProvider for AuthBridge {
    async fn token(&self) -> Result<String, core::AuthError> {
        self.0.bearer_token(false).await.map_err(auth_error)
    }

    async fn refresh(&self, _rejected: &str) -> Result<String, core::AuthError> {
        latchkey_core::log_line!(Info, target: "latchkey::sync", "the cloud refused the token; asking for a fresh one");
        self.0.bearer_token(true).await.map_err(auth_error)
    }
}

/// Sync: `client.sync()`. Holds the client weakly: closing the client
/// stops the background loop and closes the store.
#[derive(uniffi::Object)]
pub struct SyncClient {
    client: Weak<Client>,
    runtime: tokio::runtime::Handle,
}

impl SyncClient {
    pub(crate) fn new(client: &Arc<Client>, runtime: tokio::runtime::Handle) -> Self {
        Self {
            client: Arc::downgrade(client),
            runtime,
        }
    }

    /// The client's engine (a clone shares everything and holds the client
    /// only weakly, so it keeps nothing open).
    pub(crate) fn engine(&self) -> Result<SyncEngine, SyncError> {
        let client = upgrade::<_, SyncError>(&self.client)?;
        if client.is_signed_out() {
            return Err(SyncError::closed());
        }
        client.sync().cloned().ok_or_else(SyncError::closed)
    }

    /// The client, unless closed or signed out.
    pub(crate) fn phone(&self) -> Result<Arc<Client>, SyncError> {
        let client = upgrade::<_, SyncError>(&self.client)?;
        if client.is_signed_out() {
            return Err(SyncError::closed());
        }
        Ok(client)
    }

    /// The runtime the background loop and subscriptions run on.
    pub(crate) fn runtime(&self) -> &tokio::runtime::Handle {
        &self.runtime
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl SyncClient {
    /// One pass now: credentials when due, drift acknowledgements, queued
    /// events. Offline or inside a backoff, nothing is attempted (the
    /// report says so); a failed pass throws.
    pub async fn sync_now(&self) -> Result<SyncReport, SyncError> {
        let report = self.engine()?.sync_once().await.into_result()?;
        Ok(report.into())
    }

    /// Passes until nothing is pending (waiting out backoffs), at most
    /// `max_passes`; the summed report.
    pub async fn sync_until_idle(&self, max_passes: u32) -> Result<SyncReport, SyncError> {
        let report = self.engine()?.sync_until_idle(max_passes).await.into_result()?;
        Ok(report.into())
    }

    /// The standing picture for a status screen.
    pub async fn status(&self) -> Result<SyncStatus, SyncError> {
        Ok(self.engine()?.status().await?.into())
    }

    /// Events the cloud refused for good.
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetterInfo>, SyncError> {
        let letters = self.engine()?.dead_letters().await?;
        Ok(letters.into_iter().map(Into::into).collect())
    }

    /// Runs the engine's background loop on the library's runtime until
    /// `stop_background` or the client closes: a pass whenever online and
    /// due, backoff and Retry-After honoured.
    pub fn start_background(&self) -> Result<(), SyncError> {
        let engine = self.engine()?;
        self.runtime.spawn(async move { engine.run().await });
        Ok(())
    }

    /// Ends the background loop (after its current pass).
    pub fn stop_background(&self) -> Result<(), SyncError> {
        self.engine()?.stop();
        Ok(())
    }

    /// Makes the next pass refresh credentials now (a push said a key
    /// changed, or the user pulled to refresh).
    pub fn refresh_credentials_soon(&self) -> Result<(), SyncError> {
        self.engine()?.refresh_credentials_soon();
        Ok(())
    }

    /// Host: what this phone installs when it claims the lock (hex id) for
    /// the account: the issuer key and the lock's PIN secret, as hex for
    /// `ClaimSettings`. Fetch it before going to a new lock: the claim
    /// needs no network.
    pub async fn commissioning(&self, lock_id: String) -> Result<Vec<String>, SyncError> {
        let id = latchkey_protocol::LockId::from_hex(&lock_id).ok_or_else(|| SyncError::Rejected {
            code: DiagnosisCode::CloudRejected,
            detail: format!("`{lock_id}` is not a lock id (32 hex digits)"),
        })?;
        let kit = self.engine()?.commissioning(&id).await?;
        Ok(vec![
            latchkey_protocol::hex::encode(&kit.issuer_key.0),
            latchkey_protocol::hex::encode(&kit.pin_secret.0),
        ])
    }

    /// Host: asks the cloud to issue a key to a registered phone.
    pub async fn issue_key(&self, request: KeyRequest) -> Result<CloudKey, SyncError> {
        let request = request.into_core()?;
        Ok(self.engine()?.issue_key(&request).await?.into())
    }

    /// Host: revokes a key (hex id); returns the seq of the lock's new
    /// revocation list, which phones then carry to the lock.
    pub async fn revoke_key(&self, key_id: String) -> Result<u32, SyncError> {
        let id = KeyId::from_hex(&key_id).ok_or_else(|| SyncError::Rejected {
            code: DiagnosisCode::CloudRejected,
            detail: format!("`{key_id}` is not a key id (16 hex digits)"),
        })?;
        Ok(self.engine()?.revoke_key(&id).await?)
    }
}
