//! The long-lived phone client: credentials in, commands out.
//!
//! [`Client`] joins the encrypted [`Store`], the holder [`Signer`], a
//! [`Transport`] and the phone's clock. The app (through the bindings) or
//! the CLI creates one and keeps it for the process's life.

mod attached;
mod builder;
mod commands;
mod credentials;
mod firmware;
mod firmware_state;
mod handles;
mod memory;
mod observe;
mod pins;
mod prepare;
mod record;
mod setup;
mod sheet;
mod sign_out;

pub(crate) use attached::{AttachedSync, EngineFuture};
pub use builder::{BuildError, ClientBuilder};
pub use firmware::{FirmwareStatus, FirmwareUpdate};
pub use handles::{Diagnostics, Emergency, Firmware, Keys, Locks, Pins, Setup};
pub use memory::LastOutcome;
pub use setup::{ClaimSettings, SetupReport};

pub use crate::command::CommandReport;
pub(crate) use pins::read_pin_status;
pub use pins::{PendingPinChange, PinStatus};
pub use sign_out::{SignOutReport, SignOutUpload};
// The submodules reach it as `super::blocking`.
pub(crate) use crate::runtime::blocking;

use crate::clock::PhoneClock;
use crate::error::LatchkeyError;
use crate::outbox::{Outbox, OutboxConfig};
use crate::platform_keys::{KeyProtection, KeyStore, Signer};
use crate::quick::QuickAccess;
use crate::store::{Quarantined, Store};
use crate::transport::Transport;
use crate::unlock::CommandPolicy;
use crate::watch::NearbyPolicy;
use memory::LockMemory;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// Deliver a time token when the lock's clock is further off than this.
pub const SKEW_THRESHOLD_S: u32 = 30;

/// How the client's two platform secrets are protected: the key that
/// wraps the store's data key, and the holder key. A support screen shows
/// it; an app may refuse to hand out keys on a phone without hardware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCustody {
    /// The key store's wrapping key ([`KeyProtection::Software`]: a key
    /// file beside the store, desktops and tests only).
    pub key_store: KeyProtection,
    /// The holder key ([`KeyProtection::Software`]: a key sealed in the
    /// store, desktops and tests only).
    pub signer: KeyProtection,
}

impl KeyCustody {
    /// Whether either secret is a software fallback.
    pub fn uses_software_keys(&self) -> bool {
        self.key_store == KeyProtection::Software || self.signer == KeyProtection::Software
    }
}

/// The phone side of latchkey: what every front end holds, built by
/// [`ClientBuilder`]. One per app process, kept for its life; dropping the
/// last handle closes the store (a running sync loop then returns).
pub struct Client {
    store: Store,
    outbox: Outbox,
    key_store: Arc<dyn KeyStore>,
    signer: Arc<dyn Signer>,
    transport: Arc<dyn Transport>,
    clock: Arc<dyn PhoneClock>,
    online: AtomicBool,
    policy: CommandPolicy,
    nearby: NearbyPolicy,
    memory: LockMemory,
    quarantined: Option<Quarantined>,
    /// Set by [`Client::sign_out`]: every later call fails.
    signed_out: AtomicBool,
    /// Set when [`Client::sign_out`] starts: a second call (a double tap)
    /// fails at once instead of wiping twice.
    sign_out_started: AtomicBool,
    /// The sync engine, when built with a cloud ([`Client::sync`]).
    sync: OnceLock<Box<dyn AttachedSync>>,
    /// Quick access for other processes, when built with a directory for
    /// it ([`ClientBuilder::quick_access`]).
    quick: Option<Arc<QuickAccess>>,
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Some(engine) = self.sync.get() {
            engine.stop();
        }
    }
}

impl Client {
    /// A client over an open store (the builder's last step). Starts
    /// offline until the platform says otherwise ([`Client::set_online`]).
    pub(crate) fn new(
        store: Store,
        key_store: Arc<dyn KeyStore>,
        signer: Arc<dyn Signer>,
        transport: Arc<dyn Transport>,
        clock: Arc<dyn PhoneClock>,
    ) -> Result<Self, crate::outbox::OutboxError> {
        let outbox = Outbox::new(&store, OutboxConfig::default())?;
        Ok(Self {
            store,
            outbox,
            key_store,
            signer,
            transport,
            clock,
            online: AtomicBool::new(false),
            policy: CommandPolicy::default(),
            nearby: NearbyPolicy::default(),
            memory: LockMemory::default(),
            quarantined: None,
            signed_out: AtomicBool::new(false),
            sign_out_started: AtomicBool::new(false),
            sync: OnceLock::new(),
            quick: None,
        })
    }

    /// Changes the outbox's settings (its cap).
    pub(crate) fn with_outbox(mut self, config: OutboxConfig) -> Result<Self, crate::outbox::OutboxError> {
        self.outbox = Outbox::new(&self.store, config)?;
        Ok(self)
    }

    /// Changes the timeouts and retry policy for commands.
    pub(crate) fn with_policy(mut self, policy: CommandPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Changes how nearby-locks sessions scan.
    pub(crate) fn with_nearby_policy(mut self, nearby: NearbyPolicy) -> Self {
        self.nearby = nearby;
        self
    }

    /// How nearby-locks sessions scan ([`crate::watch::Watches::nearby`]).
    pub fn nearby_policy(&self) -> NearbyPolicy {
        self.nearby
    }

    /// Set when the store could not be read when the client was built: it
    /// was renamed aside and the client started with an empty store. Tell
    /// the person, and sync to refill the credential cache.
    pub fn store_quarantine(&self) -> Option<&Quarantined> {
        self.quarantined.as_ref()
    }

    /// How the platform secrets are protected (software fallbacks,
    /// StrongBox, the Secure Enclave…), as the key store and signer say.
    pub fn key_custody(&self) -> KeyCustody {
        KeyCustody {
            key_store: self.key_store.protection(),
            signer: self.signer.protection(),
        }
    }

    /// Whether [`Client::sign_out`] ran: the client is closed for good.
    pub fn is_signed_out(&self) -> bool {
        self.signed_out.load(Ordering::SeqCst)
    }

    /// The error of every call after [`Client::sign_out`].
    pub(crate) fn ensure_signed_in(&self) -> Result<(), crate::error::LatchkeyError> {
        if self.is_signed_out() {
            return Err(crate::error::LatchkeyError::Internal {
                detail: "this client signed out; build a new one".into(),
            });
        }
        Ok(())
    }

    /// The attached sync engine, as the client holds it (`Client::sync`,
    /// in `sync/attach.rs`, gives the engine itself).
    pub(crate) fn attached_sync(&self) -> Option<&dyn AttachedSync> {
        self.sync.get().map(|engine| engine.as_ref())
    }

    /// The phone's clock.
    pub fn clock(&self) -> &Arc<dyn PhoneClock> {
        &self.clock
    }

    /// The platform reports connectivity; with a sync engine it is told
    /// too (and wakes). Offline, only offline-allowed keys are used.
    pub fn set_connectivity(&self, connectivity: crate::sync::Connectivity) {
        match self.sync.get() {
            Some(engine) => engine.set_connectivity(connectivity),
            None => self.set_online(connectivity.online),
        }
    }

    /// The platform reports connectivity. Offline, only offline-allowed
    /// keys are used.
    pub fn set_online(&self, online: bool) {
        self.online.store(online, Ordering::SeqCst);
    }

    /// Whether the platform last reported the phone online.
    pub fn is_online(&self) -> bool {
        self.online.load(Ordering::SeqCst)
    }

    /// The credential store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The event outbox.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The holder public key keys must be issued to.
    pub fn holder_key(&self) -> latchkey_protocol::PublicKey {
        self.signer.public_key()
    }

    /// The quick-access directory, when the client keeps one
    /// ([`ClientBuilder::quick_access`]).
    pub fn quick_access_dir(&self) -> Option<&std::path::Path> {
        self.quick.as_deref().map(QuickAccess::dir)
    }

    /// Takes in what quick processes (widgets, watches, tiles) recorded,
    /// and brings every lock's quick-access file up to date with the
    /// store. The client does it by itself when it is built, around each
    /// command, after credentials change and on every sync pass; an app
    /// calls it when it comes to the foreground to show a widget's unlocks
    /// at once. Does nothing without quick access.
    pub async fn refresh_quick_access(&self) -> Result<(), LatchkeyError> {
        let Some(quick) = self.quick.clone() else {
            return Ok(());
        };
        let store = self.store.clone();
        let outbox = self.outbox.clone();
        blocking(move || Ok(quick.refresh_all(&store, &outbox)?)).await
    }

    /// [`Client::refresh_quick_access`] where a failure is only logged
    /// (the command or sync that triggered it went well).
    pub(crate) async fn refresh_quick_access_quietly(&self) {
        if let Err(e) = self.refresh_quick_access().await {
            log::warn!(target: "latchkey::quick", "refreshing quick access failed: {e}");
        }
    }
}
