//! What the sub-clients share: the core client, held weakly so that
//! closing the `LatchkeyClient` closes the store. Everything else (the
//! clock, the last outcome per lock that diagnostics reads, waking the sync
//! loop after a command) lives in latchkey-core's `Client`.

use crate::runtime::{upgrade, ClientFailure};
use latchkey_core::Client;
use std::sync::{Arc, Weak};

/// Shared by a client and its sub-clients.
#[derive(Clone)]
pub(crate) struct Session {
    client: Weak<Client>,
}

impl Session {
    pub(crate) fn new(client: &Arc<Client>) -> Self {
        Self {
            client: Arc::downgrade(client),
        }
    }

    /// The core client, unless the app closed it (a command in progress
    /// keeps it open until it ends).
    pub(crate) fn client<E: ClientFailure>(&self) -> Result<Arc<Client>, E> {
        upgrade(&self.client)
    }
}
