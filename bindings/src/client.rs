//! The long-lived client and its builder.
//!
//! ```kotlin
//! val client = LatchkeyClientBuilder(ClientConfig(dataDir = dir))
//!     .bleCentral(GattBleCentral(context))
//!     .keyStore(AndroidKeystoreKeyStore(context))
//!     .signer(AndroidKeystoreSigner(context))
//!     .build()                 // suspend
//! client.setOnline(true)
//! client.keys().addLock(metadata)
//! val report = client.locks().unlock(lockId, listener)   // suspend
//! ```

use crate::config::ClientConfig;
use crate::diagnostics::{DiagnosticsClient, Texts};
use crate::errors::{ClientError, CredentialError};
use crate::keys::KeysClient;
use crate::locks::LocksClient;
use crate::platform::auth::AuthProvider;
use crate::platform::ble::BleCentral;
use crate::platform::keys::{KeyStore, Signer};
use crate::platform::{ForeignCentral, ForeignKeyStore, ForeignSigner};
use crate::runtime::blocking;
use crate::session::Session;
use crate::sync::SyncClient;
use latchkey_core::clock::{PhoneClock, SystemClock};
use latchkey_core::store::{Quarantined, Store};
use latchkey_core::sync::Connectivity;
use latchkey_core::transport::Transport;
use latchkey_core::{Client, ClientBuilder};
use std::sync::Arc;

/// A store that could not be read and was renamed aside when the client
/// was built; the client started with an empty store. Report it, and sync
/// to refill the credential cache.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StoreQuarantine {
    /// Where the unreadable files are now (kept for support).
    pub path: String,
    /// Why they could not be read.
    pub reason: String,
}

impl From<Quarantined> for StoreQuarantine {
    fn from(q: Quarantined) -> Self {
        Self {
            path: q.path.display().to_string(),
            reason: q.reason,
        }
    }
}

/// Platform services and settings collected by the builder.
#[derive(Clone, Default)]
struct Parts {
    config: ClientConfig,
    central: Option<Arc<dyn BleCentral>>,
    key_store: Option<Arc<dyn KeyStore>>,
    signer: Option<Arc<dyn Signer>>,
    auth: Option<Arc<dyn AuthProvider>>,
    allow_software_keys: bool,
    #[cfg(feature = "sim")]
    world: Option<Arc<crate::sim::SimulatedWorld>>,
}

/// Builds a [`LatchkeyClient`]. Each method returns a new builder; `build`
/// opens the store off the caller's thread.
#[derive(uniffi::Object)]
pub struct LatchkeyClientBuilder {
    parts: Parts,
}

impl LatchkeyClientBuilder {
    fn with(self: Arc<Self>, change: impl FnOnce(&mut Parts)) -> Arc<Self> {
        let mut parts = self.parts.clone();
        change(&mut parts);
        Arc::new(Self { parts })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl LatchkeyClientBuilder {
    /// A builder for `config`.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Arc<Self> {
        Arc::new(Self {
            parts: Parts {
                config,
                ..Parts::default()
            },
        })
    }

    /// The app's Bluetooth central (required unless a test build uses the
    /// simulated radio). It is attached to the client's driver when the
    /// client is built, and asked to do nothing before the first command.
    pub fn ble_central(self: Arc<Self>, central: Arc<dyn BleCentral>) -> Arc<Self> {
        self.with(|p| p.central = Some(central))
    }

    /// The platform key store that wraps the store's data key (the glue's
    /// `AndroidKeystoreKeyStore`, `KeychainKeyStore`). Required unless
    /// `allowSoftwareKeys()`.
    pub fn key_store(self: Arc<Self>, key_store: Box<dyn KeyStore>) -> Arc<Self> {
        self.with(|p| p.key_store = Some(Arc::from(key_store)))
    }

    /// The hardware-backed holder key (the glue's `AndroidKeystoreSigner`,
    /// `SecureEnclaveSigner`). Required unless `allowSoftwareKeys()`.
    pub fn signer(self: Arc<Self>, signer: Box<dyn Signer>) -> Arc<Self> {
        self.with(|p| p.signer = Some(Arc::from(signer)))
    }

    /// Lets a missing key store or signer fall back to software keys (a
    /// key file beside the store, a key sealed in it): for desktops,
    /// tests and demos, never a phone app's release build. Without it,
    /// `build` throws `InvalidConfig` when either is missing; with it,
    /// `keyCustody()` says which are software. (Test builds with the `sim`
    /// feature allow them in a `simulatedWorld`.)
    pub fn allow_software_keys(self: Arc<Self>) -> Arc<Self> {
        self.with(|p| p.allow_software_keys = true)
    }

    /// The account's bearer tokens, for the cloud.
    pub fn auth_provider(self: Arc<Self>, auth: Arc<dyn AuthProvider>) -> Arc<Self> {
        self.with(|p| p.auth = Some(auth))
    }

    /// Opens (or creates) the encrypted store and returns the client. A
    /// store that can't be read is renamed aside and replaced by an empty
    /// one ([`LatchkeyClient::store_quarantine`] says so).
    pub async fn build(self: Arc<Self>) -> Result<Arc<LatchkeyClient>, ClientError> {
        let parts = self.parts.clone();
        if parts.config.data_dir.trim().is_empty() {
            return Err(ClientError::InvalidConfig {
                reason: "data_dir is empty".into(),
            });
        }
        let (transport, clock) = transport_and_clock(&parts)?;
        let mut builder = ClientBuilder::new(parts.config.store_dir())
            .transport(transport)
            .clock(clock);
        if software_keys_allowed(&parts) {
            builder = builder.allow_software_keys();
        }
        if let Some(k) = parts.key_store {
            builder = builder.key_store(Arc::new(ForeignKeyStore(k)));
        }
        if let Some(s) = parts.signer {
            let signer = ForeignSigner::new(s).map_err(|reason| ClientError::Signer { reason })?;
            builder = builder.signer(Arc::new(signer));
        }
        #[cfg(feature = "sim")]
        if parts.world.is_some() {
            builder = builder.nearby_policy(crate::sim::NEARBY_IN_VIRTUAL_TIME);
        }
        if let Some(capacity) = parts.config.outbox_capacity {
            builder = builder.outbox_capacity(capacity);
        }
        if let Some(dir) = &parts.config.quick_access_dir {
            builder = builder.quick_access(dir);
        }
        if let Some((config, auth)) = crate::sync::cloud_settings(&parts.config, parts.auth)? {
            builder = builder.cloud(config, auth);
        }
        let client = builder.build().await?;
        let runtime = tokio::runtime::Handle::current();
        Ok(Arc::new(LatchkeyClient {
            session: Session::new(&client, runtime.clone()),
            quarantined: client.store_quarantine().cloned().map(Into::into),
            client,
            runtime,
            config: parts.config,
        }))
    }
}

#[cfg(feature = "sim")]
#[uniffi::export]
impl LatchkeyClientBuilder {
    /// Test builds: run in `world`'s virtual time, and use its simulated
    /// radio unless a `ble_central` is set.
    pub fn simulated_world(self: Arc<Self>, world: Arc<crate::sim::SimulatedWorld>) -> Arc<Self> {
        self.with(|p| p.world = Some(world))
    }
}

/// Whether a missing key store or signer may fall back to software keys:
/// when the app said so, and (test builds) in a simulated world, which
/// is a test by definition.
fn software_keys_allowed(parts: &Parts) -> bool {
    #[cfg(feature = "sim")]
    if parts.world.is_some() {
        return true;
    }
    parts.allow_software_keys
}

type TransportAndClock = (Arc<dyn Transport>, Arc<dyn PhoneClock>);

fn transport_and_clock(parts: &Parts) -> Result<TransportAndClock, ClientError> {
    #[cfg(feature = "sim")]
    if let Some(world) = &parts.world {
        let transport: Arc<dyn Transport> = match &parts.central {
            Some(c) => ForeignCentral::driver(c.clone()),
            None => Arc::new(world.radio_transport()),
        };
        return Ok((transport, world.clock()));
    }
    let central = parts.central.clone().ok_or_else(|| ClientError::InvalidConfig {
        reason: "no Bluetooth central: call bleCentral() on the builder".into(),
    })?;
    Ok((ForeignCentral::driver(central), Arc::new(SystemClock)))
}

impl LatchkeyClient {
    /// The core client.
    pub(crate) fn core(&self) -> &Arc<Client> {
        &self.client
    }
}

/// The phone side of latchkey: one per app process, kept for its life.
/// Closing it (Kotlin `close()`, Swift deinit) closes the store; sub-client
/// calls fail from then on. The FFI face of latchkey-core's `Client`.
#[derive(uniffi::Object)]
pub struct LatchkeyClient {
    client: Arc<Client>,
    pub(crate) session: Session,
    /// The library's runtime, for the sync loop.
    runtime: tokio::runtime::Handle,
    config: ClientConfig,
    quarantined: Option<StoreQuarantine>,
}

#[uniffi::export]
impl LatchkeyClient {
    /// Credentials: lock metadata, keys, revocation lists, time tokens.
    pub fn keys(&self) -> Arc<KeysClient> {
        Arc::new(KeysClient::new(self.session.clone()))
    }

    /// Commands and what the phone knows about each lock.
    pub fn locks(&self) -> Arc<LocksClient> {
        Arc::new(LocksClient::new(self.session.clone()))
    }

    /// Diagnostics: findings for a platform snapshot and a lock, readiness.
    pub fn diagnostics(&self) -> Arc<DiagnosticsClient> {
        Arc::new(DiagnosticsClient::new(self.session.clone(), Texts::default()))
    }

    /// Cloud sync; none when the configuration names no cloud.
    pub fn sync(&self) -> Option<Arc<SyncClient>> {
        self.client
            .sync()
            .map(|_| Arc::new(SyncClient::new(&self.client, self.runtime.clone())))
    }

    /// The platform reports connectivity. Offline, only keys marked
    /// offline-allowed are used and sync waits; back online, sync resumes.
    pub fn set_online(&self, online: bool) {
        self.set_connectivity(online, false);
    }

    /// [`LatchkeyClient::set_online`], saying whether the connection is
    /// metered (sync then caps what it uploads per pass).
    pub fn set_connectivity(&self, online: bool, metered: bool) {
        latchkey_core::log_line!(Info, target: "latchkey::client", "connectivity: online {online}, metered {metered}");
        self.client.set_connectivity(Connectivity { online, metered });
    }

    /// Whether the platform last reported the phone online.
    pub fn is_online(&self) -> bool {
        self.client.is_online()
    }

    /// Set when the store could not be read at start and was replaced.
    pub fn store_quarantine(&self) -> Option<StoreQuarantine> {
        self.quarantined.clone()
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> ClientConfig {
        self.config.clone()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl LatchkeyClient {
    /// Takes in what widgets, watches and tiles recorded through quick
    /// access and brings every lock's quick-access file up to date. The
    /// client does it by itself when built, around each command, when
    /// credentials change and on every sync; call it when the app comes to
    /// the foreground to show their unlocks at once. Nothing without
    /// `quickAccessDir`.
    pub async fn refresh_quick_access(&self) -> Result<(), CredentialError> {
        Ok(self.client.refresh_quick_access().await?)
    }
}

/// Renames the (closed) store in `data_dir` aside, for when the platform
/// key that wrapped its data key is gone for good. Returns where it went.
#[uniffi::export(async_runtime = "tokio")]
pub async fn quarantine_store(data_dir: String) -> Result<String, ClientError> {
    let dir = ClientConfig {
        data_dir,
        ..ClientConfig::default()
    }
    .store_dir();
    blocking(move || Ok(Store::quarantine(&dir)?.display().to_string())).await
}
