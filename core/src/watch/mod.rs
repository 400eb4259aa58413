//! Live values for app screens, so no app polls: one lock's state, the
//! locks in range while a scan session is on, the sync status and the
//! keys. `client.watch()` hands out a subscription per screen; the
//! bindings run each on the library's runtime and call the app's listener
//! (Kotlin wraps them as `Flow`s, Swift as `AsyncSequence`s).
//!
//! The change detection lives here, not in the glue: every write to the
//! store, the outbox, the sync engine's standing and every command's end
//! bumps the store's change feed (`crate::changes`); a [`Watcher`] reads
//! its value again after a write that concerns it and delivers only what
//! differs from its last delivery (`watcher.rs` states the rule). The
//! nearby locks come from scanning instead ([`NearbyWatcher`], windows
//! sized by [`NearbyPolicy`]).
//!
//! Every subscription holds the client weakly and ends when the client is
//! dropped or signs out.

mod lock_view;
mod nearby;
mod policy;
mod watcher;

pub use lock_view::{KnownStatus, LockView};
pub use nearby::{NearbyLock, NearbyLocks, NearbyWatcher};
pub use policy::NearbyPolicy;
pub use watcher::Watcher;

use crate::changes::ChangeArea;
use crate::error::LatchkeyError;
use crate::store::StoredKey;
use crate::sync::SyncStatus;
use crate::Client;
use std::sync::Arc;

/// What a lock's view depends on: its records, its PIN lists and the
/// commands' outcomes.
const LOCK_AREAS: &[ChangeArea] = &[ChangeArea::Locks, ChangeArea::Pins, ChangeArea::Commands];
/// The sync status: the outbox, the engine, and each lock's drift.
const SYNC_AREAS: &[ChangeArea] = &[
    ChangeArea::Outbox,
    ChangeArea::Sync,
    ChangeArea::Locks,
    ChangeArea::Pins,
];

/// The subscriptions of one client: `client.watch()`.
#[derive(Clone, Copy)]
pub struct Watches<'a>(&'a Arc<Client>);

impl Client {
    /// Subscriptions to live values (a lock's state, the nearby locks, the
    /// sync status, the keys).
    pub fn watch(self: &Arc<Self>) -> Watches<'_> {
        Watches(self)
    }
}

impl Watches<'_> {
    /// One lock's state, last outcome and drift. Ends with an
    /// `unknown_lock` refusal when the phone has no record of the lock.
    pub fn lock(&self, lock_id: latchkey_protocol::LockId) -> Watcher<LockView> {
        let read: watcher::Read<LockView> =
            Box::new(move |client| Box::pin(async move { lock_view::read(&client, lock_id).await }));
        Watcher::new(self.0, LOCK_AREAS, read, watcher::equal)
    }

    /// The digital keys this phone holds, as they are added, renewed and
    /// removed.
    pub fn keys(&self) -> Watcher<Vec<StoredKey>> {
        let read: watcher::Read<Vec<StoredKey>> = Box::new(|client| {
            Box::pin(async move {
                let store = client.store().clone();
                crate::runtime::blocking(move || Ok(store.keys().list()?)).await
            })
        });
        Watcher::new(self.0, &[ChangeArea::Keys], read, watcher::equal)
    }

    /// The sync status (connectivity, last pass, pending and dead-lettered
    /// events, next retry, drift); `None` without a cloud. The time left
    /// in a backoff and the oldest event's age are as of each delivery:
    /// time passing alone delivers nothing.
    pub fn sync_status(&self) -> Option<Watcher<SyncStatus>> {
        self.0.sync()?;
        let read: watcher::Read<SyncStatus> = Box::new(|client| {
            Box::pin(async move {
                let engine = client.sync().cloned().ok_or_else(|| LatchkeyError::Internal {
                    detail: "the client has no sync engine".into(),
                })?;
                Ok(engine.status().await?)
            })
        });
        Some(Watcher::new(self.0, SYNC_AREAS, read, same_sync_status))
    }

    /// A nearby-locks scan session, with the client's [`NearbyPolicy`].
    pub fn nearby(&self) -> NearbyWatcher {
        NearbyWatcher::new(self.0, self.0.nearby_policy())
    }
}

/// Two statuses show the same thing when they differ only in how much
/// time has passed (the backoff left, the oldest event's age).
fn same_sync_status(a: &SyncStatus, b: &SyncStatus) -> bool {
    let timeless = |s: &SyncStatus| SyncStatus {
        next_attempt_in_ms: s.next_attempt_in_ms.map(|_| 0),
        oldest_pending_age_s: s.oldest_pending_age_s.map(|_| 0),
        ..s.clone()
    };
    timeless(a) == timeless(b)
}
