//! What the sub-clients share: the core client, held weakly so that
//! closing the `LatchkeyClient` closes the store, and the library's
//! runtime, where subscriptions run. Everything else (the clock, the last
//! outcome per lock that diagnostics reads, waking the sync loop after a
//! command) lives in latchkey-core's `Client`.

use crate::runtime::{upgrade, ClientFailure};
use latchkey_core::Client;
use std::sync::{Arc, Weak};

/// Shared by a client and its sub-clients.
#[derive(Clone)]
pub(crate) struct Session {
    client: Weak<Client>,
    runtime: tokio::runtime::Handle,
}

impl Session {
    pub(crate) fn new(client: &Arc<Client>, runtime: tokio::runtime::Handle) -> Self {
        Self {
            client: Arc::downgrade(client),
            runtime,
        }
    }

    /// The core client, unless the app closed it or it signed out (a
    /// command in progress keeps it open until it ends).
    pub(crate) fn client<E: ClientFailure>(&self) -> Result<Arc<Client>, E> {
        let client = upgrade::<_, E>(&self.client)?;
        if client.is_signed_out() {
            return Err(E::closed());
        }
        Ok(client)
    }

    /// The library's runtime.
    pub(crate) fn runtime(&self) -> &tokio::runtime::Handle {
        &self.runtime
    }
}
