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

use super::sign_out::SignOutUpload;
use crate::sync::Connectivity;
use std::any::Any;
use std::future::Future;
use std::pin::Pin;

/// A future the engine hands the client.
pub(crate) type EngineFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The client's side of its sync engine.
pub(crate) trait AttachedSync: Send + Sync {
    /// Ends the background loop (the client is going).
    fn stop(&self);
    /// The platform reported connectivity.
    fn set_connectivity(&self, connectivity: Connectivity);
    /// A command queued events.
    fn notify_new_events(&self);
    /// Before a sign-out: stops the loop and, online, uploads what it can
    /// (whatever the backoff said, without waiting out a new one).
    /// Returns how it went and how many events went up.
    fn upload_before_sign_out(&self) -> EngineFuture<'_, (SignOutUpload, u64)>;
    /// Waits until no pass runs (the client has just signed out, so a
    /// later pass does nothing).
    fn quiesce(&self) -> EngineFuture<'_, ()>;
    /// The engine itself, for [`Client::sync`](super::Client::sync).
    fn as_any(&self) -> &dyn Any;
}
