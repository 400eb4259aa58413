//! The four subscriptions as [`Source`]s: each polls its core watcher and
//! turns a value into the exported record and a call of its listener.
//! The core decides what changed and when; nothing here compares values.

use super::listeners::{KeysListener, LockViewListener, NearbyLocksListener, SubscriptionError, SyncStatusListener};
use super::records::{LockView, NearbyLocks};
use super::subscription::{Call, Source, Step};
use crate::records::KeyInfo;
use crate::sync::SyncStatus;
use async_trait::async_trait;
use latchkey_core::store::StoredKey;
use latchkey_core::watch::{LockView as CoreView, NearbyWatcher, Watcher};
use latchkey_core::LatchkeyError;
use std::sync::Arc;

/// How a listener is told that its subscription ended.
fn ended(result: Option<LatchkeyError>, on_error: impl FnOnce(SubscriptionError) + Send + 'static) -> Step {
    let error = result.map_or(SubscriptionError::ClientClosed, Into::into);
    Step::End(Box::new(move || on_error(error)))
}

fn deliver(call: impl FnOnce() + Send + 'static) -> Step {
    let call: Call = Box::new(call);
    Step::Deliver(call)
}

/// One lock's state.
pub(crate) struct LockSource {
    pub(crate) watcher: Watcher<CoreView>,
    pub(crate) listener: Arc<dyn LockViewListener>,
}

#[async_trait]
impl Source for LockSource {
    async fn next(&mut self) -> Step {
        let listener = self.listener.clone();
        match self.watcher.next().await {
            Some(Ok(view)) => deliver(move || listener.on_update(LockView::from(view))),
            other => ended(other.and_then(Result::err), move |e| listener.on_error(e)),
        }
    }
}

/// The locks in range.
pub(crate) struct NearbySource {
    pub(crate) watcher: NearbyWatcher,
    pub(crate) listener: Arc<dyn NearbyLocksListener>,
}

#[async_trait]
impl Source for NearbySource {
    async fn next(&mut self) -> Step {
        let listener = self.listener.clone();
        match self.watcher.next().await {
            Some(Ok(nearby)) => deliver(move || listener.on_update(NearbyLocks::from(nearby))),
            other => ended(other.and_then(Result::err), move |e| listener.on_error(e)),
        }
    }
}

/// The sync status.
pub(crate) struct SyncSource {
    pub(crate) watcher: Watcher<latchkey_core::sync::SyncStatus>,
    pub(crate) listener: Arc<dyn SyncStatusListener>,
}

#[async_trait]
impl Source for SyncSource {
    async fn next(&mut self) -> Step {
        let listener = self.listener.clone();
        match self.watcher.next().await {
            Some(Ok(status)) => deliver(move || listener.on_update(SyncStatus::from(status))),
            other => ended(other.and_then(Result::err), move |e| listener.on_error(e)),
        }
    }
}

/// The keys.
pub(crate) struct KeysSource {
    pub(crate) watcher: Watcher<Vec<StoredKey>>,
    pub(crate) listener: Arc<dyn KeysListener>,
}

#[async_trait]
impl Source for KeysSource {
    async fn next(&mut self) -> Step {
        let listener = self.listener.clone();
        match self.watcher.next().await {
            Some(Ok(keys)) => {
                let keys: Vec<KeyInfo> = keys.iter().map(KeyInfo::from).collect();
                deliver(move || listener.on_update(keys))
            }
            other => ended(other.and_then(Result::err), move |e| listener.on_error(e)),
        }
    }
}
