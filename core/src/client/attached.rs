//! What a client asks of the sync engine attached to it
//! ([`ClientBuilder::cloud`](super::ClientBuilder::cloud)): to stop when the
//! client goes, and to hear of connectivity and of new events.
//!
//! The client holds its engine as this trait, so the client does not
//! depend on the engine, which depends on the client (it holds it weakly
//! and syncs it). `sync/attach.rs` implements it for [`SyncEngine`] and
//! adds [`Client::sync`](super::Client::sync), which hands the engine back.
//!
//! [`SyncEngine`]: crate::sync::SyncEngine

use crate::sync::Connectivity;
use std::any::Any;

/// The client's side of its sync engine.
pub(crate) trait AttachedSync: Send + Sync {
    /// Ends the background loop (the client is going).
    fn stop(&self);
    /// The platform reported connectivity.
    fn set_connectivity(&self, connectivity: Connectivity);
    /// A command queued events.
    fn notify_new_events(&self);
    /// The engine itself, for [`Client::sync`](super::Client::sync).
    fn as_any(&self) -> &dyn Any;
}
