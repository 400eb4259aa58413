//! The one way a front end (the bindings, the CLI, the test kit, the
//! benchmarks) puts a [`Client`] together: open the store with quarantine
//! reported, choose the platform key store and holder signer (software
//! fallbacks only when allowed, named as such and logged), size the
//! outbox, attach the sync engine when a cloud is configured.

use super::Client;
use crate::clock::{PhoneClock, SystemClock};
use crate::error::LatchkeyError;
use crate::outbox::{OutboxConfig, OutboxError};
use crate::platform_keys::{KeyProtection, KeyStore, PlatformKeyError, Signer, SoftwareKeyStore, SoftwareSigner};
use crate::quick::QuickAccess;
use crate::store::{Store, StoreError};
use crate::sync::{AuthProvider, SyncConfig, SyncEngine, SyncError, SyncTimer};
use crate::transport::Transport;
use crate::unlock::CommandPolicy;
use crate::watch::NearbyPolicy;
use std::path::PathBuf;
use std::sync::Arc;

/// Why a client could not be built. Nothing was changed on disk except
/// the quarantine of an unreadable store, which a built client reports.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No transport was given ([`ClientBuilder::transport`]).
    #[error("the client needs a transport: call ClientBuilder::transport")]
    NoTransport,
    /// No platform key store or signer was given, and software keys were
    /// not allowed ([`ClientBuilder::allow_software_keys`]): a phone app
    /// passes its Android Keystore or Secure Enclave implementations.
    #[error(
        "no platform {missing}: pass the platform's (Android Keystore, the Secure Enclave or Keychain), \
         or allow software keys explicitly (desktops and tests)"
    )]
    SoftwareKeysNotAllowed {
        /// What is missing: "key store", "signer", or both.
        missing: &'static str,
    },
    /// The store refused to open: a newer format, a platform key store
    /// that can't be used or has the wrong key, a store another client has
    /// open, or the data directory itself failing ([`StoreError`] says
    /// which, and what to do).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The software key file beside the store could not be read or made.
    #[error(transparent)]
    SoftwareKeyStore(#[from] PlatformKeyError),
    /// The outbox could not be opened in the store.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// The cloud settings can't work (URL, roots, pins).
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// The background task that opened the store failed.
    #[error("the task that opened the store failed: {0}")]
    Task(String),
    /// The quick-access directory could not be set up (it can't be
    /// created or written, or the key store can't wrap its key).
    #[error("quick access can't be set up: {reason}")]
    QuickAccess {
        /// What failed.
        reason: String,
    },
}

impl From<BuildError> for LatchkeyError {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Store(e) => e.into(),
            BuildError::SoftwareKeyStore(e) => e.into(),
            BuildError::Outbox(e) => e.into(),
            BuildError::Sync(e) => e.into(),
            e @ BuildError::QuickAccess { .. } => LatchkeyError::Storage(e.to_string()),
            e @ (BuildError::NoTransport | BuildError::SoftwareKeysNotAllowed { .. } | BuildError::Task(_)) => {
                LatchkeyError::Internal { detail: e.to_string() }
            }
        }
    }
}

/// Sets quick access up for `client` in `dir`.
fn open_quick_access(dir: &std::path::Path, client: &Client) -> Result<QuickAccess, BuildError> {
    let failed = |e: &dyn std::fmt::Display| BuildError::QuickAccess { reason: e.to_string() };
    let pkcs8 = match client.signer.protection() {
        KeyProtection::Software => SoftwareSigner::stored_pkcs8(client.store())?,
        _ => None,
    };
    QuickAccess::open(dir, client.key_store.as_ref(), client.holder_key(), pkcs8.as_deref()).map_err(|e| failed(&e))
}

/// The cloud a client syncs with.
struct Cloud {
    config: SyncConfig,
    auth: Arc<dyn AuthProvider>,
    timer: Option<Arc<dyn SyncTimer>>,
}

/// Builds a [`Client`]. The data directory, the transport and the
/// platform secrets (a key store and a signer, or explicitly allowed
/// software ones) are required; everything else has a default that the
/// documentation of its setter names.
///
/// ```no_run
/// # async fn example(transport: std::sync::Arc<dyn latchkey_core::transport::Transport>)
/// #     -> Result<(), latchkey_core::LatchkeyError> {
/// let client = latchkey_core::ClientBuilder::new("/data/latchkey")
///     .transport(transport)
///     .allow_software_keys() // a desktop: no StrongBox, no Secure Enclave
///     .build()
///     .await?;
/// if let Some(q) = client.store_quarantine() {
///     eprintln!("the old store was unreadable ({}); it is in {}", q.reason, q.path.display());
/// }
/// # Ok(()) }
/// ```
pub struct ClientBuilder {
    data_dir: PathBuf,
    transport: Option<Arc<dyn Transport>>,
    clock: Arc<dyn PhoneClock>,
    key_store: Option<Arc<dyn KeyStore>>,
    signer: Option<Arc<dyn Signer>>,
    allow_software_keys: bool,
    outbox: OutboxConfig,
    policy: CommandPolicy,
    nearby: NearbyPolicy,
    cloud: Option<Cloud>,
    quick_dir: Option<PathBuf>,
}

impl ClientBuilder {
    /// A client whose store lives in `data_dir` (created if missing).
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            transport: None,
            clock: Arc::new(SystemClock),
            key_store: None,
            signer: None,
            allow_software_keys: false,
            outbox: OutboxConfig::default(),
            policy: CommandPolicy::default(),
            nearby: NearbyPolicy::default(),
            cloud: None,
            quick_dir: None,
        }
    }

    /// How the client reaches locks (required).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The phone's clock (default: the system's).
    pub fn clock(mut self, clock: Arc<dyn PhoneClock>) -> Self {
        self.clock = clock;
        self
    }

    /// The platform key store that wraps the store's data key (Android
    /// Keystore, the iOS Keychain). Without it the build fails, unless
    /// software keys are allowed: a software key file beside the store is
    /// then used ([`SoftwareKeyStore`]), fine for desktops and tests, not
    /// for production phones; the client logs a warning and
    /// [`Client::key_custody`] says so.
    pub fn key_store(mut self, key_store: Arc<dyn KeyStore>) -> Self {
        self.key_store = Some(key_store);
        self
    }

    /// The hardware-backed holder key (StrongBox, the Secure Enclave).
    /// Without it the build fails, unless software keys are allowed: a
    /// software P-256 key is then created and kept sealed in the store
    /// ([`SoftwareSigner`]); logged and reported likewise.
    pub fn signer(mut self, signer: Arc<dyn Signer>) -> Self {
        self.signer = Some(signer);
        self
    }

    /// Lets the client use the software fallbacks for a missing key store
    /// or signer: desktops (the CLI), tests and demos. An app on a phone
    /// never calls it; without it a missing platform secret is
    /// [`BuildError::SoftwareKeysNotAllowed`], never a silent downgrade.
    pub fn allow_software_keys(mut self) -> Self {
        self.allow_software_keys = true;
        self
    }

    /// Most events the outbox keeps pending (default 200,000).
    pub fn outbox_capacity(mut self, capacity: u64) -> Self {
        self.outbox = OutboxConfig { capacity };
        self
    }

    /// Timeouts and retries for commands (default [`CommandPolicy::default`]).
    pub fn command_policy(mut self, policy: CommandPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// How nearby-locks sessions scan (default [`NearbyPolicy::default`];
    /// a simulated radio in virtual time can use short windows).
    pub fn nearby_policy(mut self, nearby: NearbyPolicy) -> Self {
        self.nearby = nearby;
        self
    }

    /// The cloud to sync with and the account's tokens: the client gets a
    /// sync engine ([`Client::sync`]). Without it the client never touches
    /// the network.
    pub fn cloud(mut self, config: SyncConfig, auth: Arc<dyn AuthProvider>) -> Self {
        self.cloud = Some(Cloud {
            config,
            auth,
            timer: None,
        });
        self
    }

    /// Lets other processes of the app (an iOS widget, control or App
    /// Intent, a watch app, an Android tile) open locks with
    /// [`crate::QuickUnlock`] through `dir`, a directory they can read and
    /// write (an App Group container on iOS); never the store's own
    /// directory. The client writes a sealed file per lock there, reserves
    /// FAST counters and talks to a lock only under that lock's guard, and
    /// takes in what the other processes recorded (docs/core.md, "Quick
    /// access").
    pub fn quick_access(mut self, dir: impl Into<PathBuf>) -> Self {
        self.quick_dir = Some(dir.into());
        self
    }

    /// The timer the sync engine's backoff and loop run on (tests use a
    /// `ManualTimer`; default: tokio's). Only with [`ClientBuilder::cloud`].
    pub fn sync_timer(mut self, timer: Arc<dyn SyncTimer>) -> Self {
        if let Some(cloud) = &mut self.cloud {
            cloud.timer = Some(timer);
        }
        self
    }

    /// Opens (or creates) the store and builds the client, on the calling
    /// thread (disk and platform key store work: call it off the UI
    /// thread, or use [`ClientBuilder::build`]). A store that can't be read
    /// is renamed aside and replaced by an empty one
    /// ([`Client::store_quarantine`] says where it went and why).
    pub fn open(self) -> Result<Arc<Client>, BuildError> {
        let transport = self.transport.ok_or(BuildError::NoTransport)?;
        if !self.allow_software_keys {
            let missing = match (self.key_store.is_none(), self.signer.is_none()) {
                (true, true) => Some("key store and signer"),
                (true, false) => Some("key store"),
                (false, true) => Some("signer"),
                (false, false) => None,
            };
            if let Some(missing) = missing {
                return Err(BuildError::SoftwareKeysNotAllowed { missing });
            }
        }
        let key_store: Arc<dyn KeyStore> = match self.key_store {
            Some(k) => k,
            None => {
                log::warn!(
                    target: "latchkey::client",
                    "no platform key store: the store's data key is wrapped by a software key file \
                     beside the store (desktops and tests only)"
                );
                Arc::new(SoftwareKeyStore::beside(&self.data_dir)?)
            }
        };
        let opened = Store::open(&self.data_dir, key_store.clone())?;
        if let Some(q) = &opened.quarantined {
            log::warn!(
                target: "latchkey::client",
                "unreadable store moved to {}: {}",
                q.path.display(),
                q.reason
            );
        }
        let signer: Arc<dyn Signer> = match self.signer {
            Some(s) => s,
            None => {
                log::warn!(
                    target: "latchkey::client",
                    "no platform signer: the holder key is a software key sealed in the store \
                     (desktops and tests only)"
                );
                Arc::new(SoftwareSigner::load_or_create(&opened.store)?)
            }
        };
        let mut client = Client::new(opened.store, key_store, signer, transport, self.clock.clone())?
            .with_outbox(self.outbox)?
            .with_policy(self.policy)
            .with_nearby_policy(self.nearby);
        client.quarantined = opened.quarantined;
        if let Some(dir) = &self.quick_dir {
            let quick = open_quick_access(dir, &client)?;
            client.quick = Some(Arc::new(quick));
        }
        let client = Arc::new(client);
        if let Some(cloud) = self.cloud {
            let mut builder = SyncEngine::builder(&client, cloud.config, cloud.auth).clock(self.clock);
            if let Some(timer) = cloud.timer {
                builder = builder.timer(timer);
            }
            let engine = builder.build()?;
            // Set once, right after the client exists: never fails.
            let _ = client.sync.set(Box::new(engine));
        }
        if let Some(quick) = &client.quick {
            // What widgets recorded while the app was away, and files that
            // match the store (a crash may have left one behind).
            if let Err(e) = quick.refresh_all(client.store(), client.outbox()) {
                log::warn!(target: "latchkey::quick", "refreshing quick access failed: {e}");
            }
        }
        let custody = client.key_custody();
        crate::log_line!(
            Info,
            target: "latchkey::client",
            "client ready (store {}; key store: {}, holder key: {})",
            self.data_dir.display(),
            custody.key_store.as_str(),
            custody.signer.as_str()
        );
        Ok(client)
    }

    /// [`ClientBuilder::open`] on the blocking pool, off the caller's thread.
    pub async fn build(self) -> Result<Arc<Client>, BuildError> {
        let out = crate::runtime::run_erased(Box::new(move || Box::new(self.open()) as Box<dyn std::any::Any + Send>))
            .await
            .map_err(|e| BuildError::Task(e.to_string()))?;
        match out.downcast::<Result<Arc<Client>, BuildError>>() {
            Ok(result) => *result,
            Err(_) => Err(BuildError::Task("the task returned an unexpected type".into())),
        }
    }
}
