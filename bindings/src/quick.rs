//! Quick access: opening a lock from a second process of the app (an iOS
//! widget, Control Center control or App Intent, a watchOS app, an
//! Android Quick Settings tile or Glance widget) without building the
//! full client. The app's [`crate::LatchkeyClient`], configured with
//! `ClientConfig.quickAccessDir`, keeps that directory current; an
//! extension builds a [`QuickUnlock`] over the same directory, the same
//! platform key store and its own Bluetooth central, and unlocks. What it
//! did reaches the app's store exactly once (latchkey-core's `quick`
//! module; docs/core.md, "Quick access").
//!
//! ```kotlin
//! // An Android TileService (same app, same Keystore):
//! val quick = QuickUnlock(File(filesDir, "latchkey-quick").path, AndroidKeystoreKeyStore(this), GattBleCentral(this))
//! val report = quick.unlock(lockId, online = true, listener = null)   // suspend
//! ```

use crate::cancel::{unless_cancelled, CancelToken};
use crate::errors::{ClientError, CommandError};
use crate::platform::ble::BleCentral;
use crate::platform::keys::{KeyStore, Signer};
use crate::platform::progress::ProgressListener;
use crate::platform::{ForeignCentral, ForeignKeyStore, ForeignSigner, ProgressBridge};
use crate::records::CommandReport;
use latchkey_core::clock::PhoneClock;
use latchkey_core::transport::Transport;
use latchkey_protocol::{Command, LockId};
use std::sync::Arc;

/// Opens locks from an extension's process through the quick-access
/// directory the app keeps; never opens the app's store.
#[derive(uniffi::Object)]
pub struct QuickUnlock {
    inner: latchkey_core::QuickUnlock,
}

fn build(
    quick_dir: String,
    key_store: Arc<dyn KeyStore>,
    transport: Arc<dyn Transport>,
    signer: Option<Arc<dyn Signer>>,
    clock: Option<Arc<dyn PhoneClock>>,
) -> Result<Arc<QuickUnlock>, ClientError> {
    if quick_dir.trim().is_empty() {
        return Err(ClientError::InvalidConfig {
            reason: "quick_dir is empty".into(),
        });
    }
    let key_store = Arc::new(ForeignKeyStore(key_store));
    let mut builder = latchkey_core::QuickUnlock::builder(quick_dir, key_store, transport);
    if let Some(s) = signer {
        let signer = ForeignSigner::new(s).map_err(|reason| ClientError::Signer { reason })?;
        builder = builder.signer(Arc::new(signer));
    }
    if let Some(clock) = clock {
        builder = builder.clock(clock);
    }
    Ok(Arc::new(QuickUnlock { inner: builder.build() }))
}

#[uniffi::export(async_runtime = "tokio")]
impl QuickUnlock {
    /// Quick access in `quick_dir` (the app's `ClientConfig.quickAccessDir`:
    /// an App Group container on iOS, the app's files on Android), the
    /// quick key unwrapped by `key_store` (the app's, shared with the
    /// extension), locks reached through `ble_central`. `signer`: the
    /// holder key's platform signer, needed only when the app has one
    /// (without a fast key the command then runs AUTH with it); cheap to
    /// make, nothing is read before the first command.
    #[uniffi::constructor(default(signer = None))]
    pub fn new(
        quick_dir: String,
        key_store: Box<dyn KeyStore>,
        ble_central: Arc<dyn BleCentral>,
        signer: Option<Box<dyn Signer>>,
    ) -> Result<Arc<Self>, ClientError> {
        let signer = signer.map(Arc::from);
        build(
            quick_dir,
            Arc::from(key_store),
            ForeignCentral::driver(ble_central),
            signer,
            None,
        )
    }

    /// Unlocks the lock (hex id). `online`: whether the platform reports
    /// the phone online (offline, only offline-allowed keys are used).
    /// Fails with the same `CommandError`s and diagnoses as
    /// `LocksClient.unlock`.
    #[uniffi::method(default(cancel = None))]
    pub async fn unlock(
        &self,
        lock_id: String,
        online: bool,
        listener: Option<Box<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<CommandReport, CommandError> {
        self.run(&lock_id, Command::Unlock, online, listener, cancel).await
    }

    /// Locks the lock.
    #[uniffi::method(default(cancel = None))]
    pub async fn lock(
        &self,
        lock_id: String,
        online: bool,
        listener: Option<Box<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<CommandReport, CommandError> {
        self.run(&lock_id, Command::Lock, online, listener, cancel).await
    }

    /// Reads the lock's status without moving the bolt.
    #[uniffi::method(default(cancel = None))]
    pub async fn status(
        &self,
        lock_id: String,
        online: bool,
        listener: Option<Box<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<CommandReport, CommandError> {
        self.run(&lock_id, Command::Status, online, listener, cancel).await
    }
}

#[cfg(feature = "sim")]
#[uniffi::export]
impl QuickUnlock {
    /// Test builds: quick access over `world`'s simulated radio and clock.
    #[uniffi::constructor]
    pub fn simulated(
        quick_dir: String,
        key_store: Box<dyn KeyStore>,
        world: Arc<crate::sim::SimulatedWorld>,
    ) -> Result<Arc<Self>, ClientError> {
        let transport = Arc::new(world.radio_transport());
        build(quick_dir, Arc::from(key_store), transport, None, Some(world.clock()))
    }
}

impl QuickUnlock {
    async fn run(
        &self,
        lock_id: &str,
        command: Command,
        online: bool,
        listener: Option<Box<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<CommandReport, CommandError> {
        let id = LockId::from_hex(lock_id).ok_or_else(|| CommandError::bad_lock_id(lock_id))?;
        let bridge = ProgressBridge::new(listener);
        let outcome = unless_cancelled(cancel.as_deref(), self.inner.run_command(id, command, online, &bridge)).await;
        bridge.flush().await;
        match outcome {
            Some(outcome) => outcome.map(Into::into).map_err(Into::into),
            None => Err(CommandError::Cancelled),
        }
    }
}
