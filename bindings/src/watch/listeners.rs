//! What the app implements to receive a subscription's values, and why a
//! subscription can end. Every listener is called on the library's
//! `latchkey-watch` thread (never the caller's), in order: post to the
//! main thread before touching UI. The Kotlin `Flow` and Swift
//! `AsyncSequence` wrappers in the glue implement them for the app.
//!
//! Callback interfaces, not foreign traits: only the app implements them,
//! and a callback interface has no Rust-side scaffolding for the app to
//! call (about 20 KB less library).

use crate::records::KeyInfo;
use crate::sync::SyncStatus;
use crate::watch::records::{LockView, NearbyLocks};
use latchkey_core::{DiagnosisCode, LatchkeyError};

/// Why a subscription ended. After `on_error` the listener hears nothing
/// more; subscribe again to start over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum SubscriptionError {
    /// The phone has no record of the lock (any more): sync first.
    #[error("unknown lock: {reason}")]
    UnknownLock {
        /// Which lock.
        reason: String,
    },
    /// Reading the store failed.
    #[error("storage: {reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
    /// The client was closed or signed out.
    #[error("the client was closed or signed out")]
    ClientClosed,
    /// A failure inside the library.
    #[error("internal error: {reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
}

impl From<LatchkeyError> for SubscriptionError {
    fn from(e: LatchkeyError) -> Self {
        match e {
            e if e.diagnosis() == DiagnosisCode::UnknownLock => Self::UnknownLock { reason: e.to_string() },
            LatchkeyError::Storage(reason) => Self::Storage { reason },
            e => Self::Internal { reason: e.to_string() },
        }
    }
}

/// Receives one lock's state (`client.locks().subscribe`).
#[uniffi::export(callback_interface)]
pub trait LockViewListener: Send + Sync {
    /// The state now, then each change.
    fn on_update(&self, view: LockView);
    /// The subscription ended.
    fn on_error(&self, error: SubscriptionError);
}

/// Receives the locks in range (`client.locks().subscribeNearby`).
#[uniffi::export(callback_interface)]
pub trait NearbyLocksListener: Send + Sync {
    /// The locks after the first scan window, then after each change.
    fn on_update(&self, nearby: NearbyLocks);
    /// The subscription ended.
    fn on_error(&self, error: SubscriptionError);
}

/// Receives the sync status (`client.sync()?.subscribeStatus`).
#[uniffi::export(callback_interface)]
pub trait SyncStatusListener: Send + Sync {
    /// The status now, then each change.
    fn on_update(&self, status: SyncStatus);
    /// The subscription ended.
    fn on_error(&self, error: SubscriptionError);
}

/// Receives the keys this phone holds (`client.keys().subscribe`).
#[uniffi::export(callback_interface)]
pub trait KeysListener: Send + Sync {
    /// The keys now, then after each change.
    fn on_update(&self, keys: Vec<KeyInfo>);
    /// The subscription ended.
    fn on_error(&self, error: SubscriptionError);
}
