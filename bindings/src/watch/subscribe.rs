//! The subscribe calls on the sub-clients: each builds the core's watcher
//! for its value and starts it with the app's listener.

use super::listeners::{KeysListener, LockViewListener, NearbyLocksListener, SyncStatusListener};
use super::sources::{KeysSource, LockSource, NearbySource, SyncSource};
use super::subscription::{start, Subscription};
use crate::errors::CredentialError;
use crate::keys::{lock_id as parse_lock_id, KeysClient};
use crate::locks::LocksClient;
use crate::runtime::ClientFailure;
use crate::sync::{SyncClient, SyncError};
use std::sync::Arc;

#[uniffi::export]
impl LocksClient {
    /// One lock's state, live: `listener` gets it now, then after every
    /// change (a command, a sync, a status read): bolt, door, battery,
    /// faults, the last outcome, drift. Ends with `UnknownLock` if the
    /// phone has no record of the lock. Keep the returned handle; cancel
    /// it (or drop it) to stop.
    pub fn subscribe(
        &self,
        lock_id: String,
        listener: Box<dyn LockViewListener>,
    ) -> Result<Arc<Subscription>, CredentialError> {
        let id = parse_lock_id("lock id", &lock_id)?;
        let session = self.session();
        let watcher = session.client::<CredentialError>()?.watch().lock(id);
        Ok(start(
            session.runtime(),
            Box::new(LockSource {
                watcher,
                listener: listener.into(),
            }),
        ))
    }

    /// The latchkey locks in range, while the subscription runs: a scan
    /// session (an 8 s scan every 12 s, within Android's scan budget)
    /// naming the locks this phone knows, strongest signal first. A
    /// failed scan (Bluetooth off, a permission) arrives as the value's
    /// `problem`, and the next window tries again.
    pub fn subscribe_nearby(
        &self,
        listener: Box<dyn NearbyLocksListener>,
    ) -> Result<Arc<Subscription>, CredentialError> {
        let session = self.session();
        let watcher = session.client::<CredentialError>()?.watch().nearby();
        Ok(start(
            session.runtime(),
            Box::new(NearbySource {
                watcher,
                listener: listener.into(),
            }),
        ))
    }
}

#[uniffi::export]
impl KeysClient {
    /// The keys this phone holds, live: now, then after each key added,
    /// renewed or removed (by the app or by sync).
    pub fn subscribe(&self, listener: Box<dyn KeysListener>) -> Result<Arc<Subscription>, CredentialError> {
        let session = self.session();
        let watcher = session.client::<CredentialError>()?.watch().keys();
        Ok(start(
            session.runtime(),
            Box::new(KeysSource {
                watcher,
                listener: listener.into(),
            }),
        ))
    }
}

#[uniffi::export]
impl SyncClient {
    /// The sync status, live: now, then after each pass, connectivity
    /// change, queued or uploaded event (online, last pass, pending and
    /// dead-lettered events, next retry, drift).
    pub fn subscribe_status(&self, listener: Box<dyn SyncStatusListener>) -> Result<Arc<Subscription>, SyncError> {
        let watcher = self.phone()?.watch().sync_status().ok_or_else(SyncError::closed)?;
        Ok(start(
            self.runtime(),
            Box::new(SyncSource {
                watcher,
                listener: listener.into(),
            }),
        ))
    }
}
