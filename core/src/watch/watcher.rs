//! One subscription to a value the app shows (a lock's state, the keys,
//! the sync status): its current value first, then every change.
//!
//! The rule: after any write to one of the watcher's areas (the store's
//! change feed, `crate::changes`) it waits a moment for the burst to
//! settle, reads the value again and delivers it only if it differs from
//! the last one delivered. So a value is never stale for longer than a
//! read, an unrelated write never reaches the app, and a burst of writes
//! (a command records its events, fast key and lock state in a row)
//! arrives as one update.

use crate::changes::{ChangeArea, Versions};
use crate::error::LatchkeyError;
use crate::Client;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::watch;

/// How long a burst of writes may take before the value is read again.
pub(crate) const SETTLE: Duration = Duration::from_millis(30);

/// A read of the watched value.
pub(crate) type Read<T> =
    Box<dyn Fn(Arc<Client>) -> Pin<Box<dyn Future<Output = Result<T, LatchkeyError>> + Send>> + Send + Sync>;

/// A subscription: call [`Watcher::next`] in a loop. It holds the client
/// weakly: dropping the client (or signing out) ends it.
pub struct Watcher<T> {
    client: Weak<Client>,
    changes: watch::Receiver<Versions>,
    seen: Versions,
    areas: &'static [ChangeArea],
    read: Read<T>,
    same: fn(&T, &T) -> bool,
    last: Option<T>,
    started: bool,
    ended: bool,
}

impl<T: Clone + Send + 'static> Watcher<T> {
    /// A watcher of the value `read` returns, read again after writes to
    /// `areas`; `same` says when two values show the same thing.
    pub(crate) fn new(
        client: &Arc<Client>,
        areas: &'static [ChangeArea],
        read: Read<T>,
        same: fn(&T, &T) -> bool,
    ) -> Self {
        let mut changes = client.store().changes().subscribe();
        let seen = *changes.borrow_and_update();
        Self {
            client: Arc::downgrade(client),
            changes,
            seen,
            areas,
            read,
            same,
            last: None,
            started: false,
            ended: false,
        }
    }

    /// The current value on the first call; then the next value that
    /// differs from the last one delivered. `None` once the client is gone
    /// or signed out, and after an error (a subscription ends at its first
    /// error: reading the store failed, or the lock is no longer known).
    pub async fn next(&mut self) -> Option<Result<T, LatchkeyError>> {
        while !self.ended {
            if self.started && !self.changed().await {
                break;
            }
            self.started = true;
            let client = match self.client.upgrade() {
                Some(client) if !client.is_signed_out() => client,
                _ => break,
            };
            match (self.read)(client).await {
                Err(e) => {
                    self.ended = true;
                    return Some(Err(e));
                }
                Ok(value) if self.last.as_ref().is_some_and(|last| (self.same)(last, &value)) => {}
                Ok(value) => {
                    self.last = Some(value.clone());
                    return Some(Ok(value));
                }
            }
        }
        self.ended = true;
        None
    }

    /// Waits for a write to one of the areas (or the sign-out), then lets
    /// the burst settle. `false` when the store is gone.
    async fn changed(&mut self) -> bool {
        loop {
            if self.changes.changed().await.is_err() {
                return false;
            }
            let now = *self.changes.borrow_and_update();
            if now.closed() || now.moved_since(&self.seen, self.areas) {
                tokio::time::sleep(SETTLE).await;
                // What changed while settling is in the read that follows.
                self.seen = *self.changes.borrow_and_update();
                return true;
            }
        }
    }
}

/// `same` for values compared whole.
pub(crate) fn equal<T: PartialEq>(a: &T, b: &T) -> bool {
    a == b
}
