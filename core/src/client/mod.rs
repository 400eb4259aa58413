//! The long-lived phone client: credentials in, commands out.
//!
//! [`Phone`] joins the encrypted [`Store`], the holder [`Signer`], a
//! [`Transport`] and the phone's clock. The app (through the bindings) or
//! the CLI creates one and keeps it for the process's life.

mod commands;
mod credentials;
mod pins;
mod prepare;
mod record;
mod report;
mod sheet;

pub(crate) use pins::{local_day, read_pin_status};
pub use pins::{PendingPinChange, PinStatus};
pub use report::CommandReport;
// The submodules reach it as `super::blocking`.
pub(crate) use crate::runtime::blocking;

use crate::clock::PhoneClock;
use crate::error::LatchkeyError;
use crate::keys::Signer;
use crate::outbox::{Outbox, OutboxConfig};
use crate::store::Store;
use crate::transport::Transport;
use crate::unlock::CommandPolicy;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Deliver a time token when the lock's clock is further off than this.
pub const SKEW_THRESHOLD_S: u32 = 30;

/// The phone side of latchkey.
pub struct Phone {
    store: Store,
    outbox: Outbox,
    signer: Arc<dyn Signer>,
    transport: Arc<dyn Transport>,
    clock: Arc<dyn PhoneClock>,
    online: AtomicBool,
    policy: CommandPolicy,
}

impl Phone {
    /// A phone over an open store. Starts offline until the platform says
    /// otherwise ([`Phone::set_online`]).
    pub fn new(
        store: Store,
        signer: Arc<dyn Signer>,
        transport: Arc<dyn Transport>,
        clock: Arc<dyn PhoneClock>,
    ) -> Result<Self, LatchkeyError> {
        let outbox = Outbox::new(&store, OutboxConfig::default()).map_err(|e| LatchkeyError::Storage(e.to_string()))?;
        Ok(Self {
            store,
            outbox,
            signer,
            transport,
            clock,
            online: AtomicBool::new(false),
            policy: CommandPolicy::default(),
        })
    }

    /// Changes the outbox's settings (its cap). Call before handing the
    /// phone to the sync engine.
    pub fn with_outbox(mut self, config: OutboxConfig) -> Result<Self, LatchkeyError> {
        self.outbox = Outbox::new(&self.store, config).map_err(|e| LatchkeyError::Storage(e.to_string()))?;
        Ok(self)
    }

    /// Changes the timeouts and retry policy for commands.
    pub fn with_policy(mut self, policy: CommandPolicy) -> Self {
        self.policy = policy;
        self
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

    /// Looks for latchkey locks in range (a technician's scan; commands
    /// scan by themselves).
    pub async fn scan(
        &self,
        filter: &crate::transport::ScanFilter,
        timeout: std::time::Duration,
    ) -> Result<Vec<crate::transport::ScannedLock>, LatchkeyError> {
        Ok(self.transport.scan(filter, timeout).await?)
    }

    /// The holder public key keys must be issued to.
    pub fn holder_key(&self) -> latchkey_protocol::PublicKey {
        self.signer.public_key()
    }
}
