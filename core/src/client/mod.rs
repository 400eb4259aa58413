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
mod report;
mod setup;
mod sheet;

pub(crate) use attached::AttachedSync;
pub use builder::{BuildError, ClientBuilder};
pub use firmware::{FirmwareStatus, FirmwareUpdate};
pub use handles::{Diagnostics, Emergency, Firmware, Keys, Locks, Pins, Setup};
pub use memory::LastOutcome;
pub use setup::{ClaimSettings, SetupReport};

pub(crate) use pins::read_pin_status;
pub use pins::{PendingPinChange, PinStatus};
pub use report::CommandReport;
// The submodules reach it as `super::blocking`.
pub(crate) use crate::runtime::blocking;

use crate::clock::PhoneClock;
use crate::outbox::{Outbox, OutboxConfig};
use crate::platform_keys::Signer;
use crate::store::{Quarantined, Store};
use crate::transport::Transport;
use crate::unlock::CommandPolicy;
use memory::LockMemory;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// Deliver a time token when the lock's clock is further off than this.
pub const SKEW_THRESHOLD_S: u32 = 30;

/// Whether the client's platform secrets are the software fallbacks
/// (desktops and tests) rather than the platform's hardware-backed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyCustody {
    /// The store's data key is wrapped by a software key file beside the
    /// store, not by the platform key store.
    pub software_key_store: bool,
    /// The holder key is a software key sealed in the store, not held by
    /// the platform (StrongBox, the Secure Enclave).
    pub software_signer: bool,
}

/// The phone side of latchkey: what every front end holds, built by
/// [`ClientBuilder`]. One per app process, kept for its life; dropping the
/// last handle closes the store (a running sync loop then returns).
pub struct Client {
    store: Store,
    outbox: Outbox,
    signer: Arc<dyn Signer>,
    transport: Arc<dyn Transport>,
    clock: Arc<dyn PhoneClock>,
    online: AtomicBool,
    policy: CommandPolicy,
    memory: LockMemory,
    quarantined: Option<Quarantined>,
    custody: KeyCustody,
    /// The sync engine, when built with a cloud ([`Client::sync`]).
    sync: OnceLock<Box<dyn AttachedSync>>,
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
        signer: Arc<dyn Signer>,
        transport: Arc<dyn Transport>,
        clock: Arc<dyn PhoneClock>,
    ) -> Result<Self, crate::outbox::OutboxError> {
        let outbox = Outbox::new(&store, OutboxConfig::default())?;
        Ok(Self {
            store,
            outbox,
            signer,
            transport,
            clock,
            online: AtomicBool::new(false),
            policy: CommandPolicy::default(),
            memory: LockMemory::default(),
            quarantined: None,
            custody: KeyCustody::default(),
            sync: OnceLock::new(),
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

    /// Set when the store could not be read when the client was built: it
    /// was renamed aside and the client started with an empty store. Tell
    /// the person, and sync to refill the credential cache.
    pub fn store_quarantine(&self) -> Option<&Quarantined> {
        self.quarantined.as_ref()
    }

    /// Which platform secrets are software fallbacks.
    pub fn key_custody(&self) -> KeyCustody {
        self.custody
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
}
