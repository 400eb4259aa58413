//! The engine as its client holds it: [`SyncEngine`] as the client's
//! [`AttachedSync`], and [`Client::sync`], which hands the engine back.

use super::config::Connectivity;
use super::handle::SyncEngine;
use crate::client::AttachedSync;
use crate::Client;
use std::any::Any;

impl AttachedSync for SyncEngine {
    fn stop(&self) {
        SyncEngine::stop(self);
    }

    fn set_connectivity(&self, connectivity: Connectivity) {
        SyncEngine::set_connectivity(self, connectivity);
    }

    fn notify_new_events(&self) {
        SyncEngine::notify_new_events(self);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Client {
    /// The sync engine, when the client was built with a cloud.
    pub fn sync(&self) -> Option<&SyncEngine> {
        self.attached_sync()?.as_any().downcast_ref()
    }
}
