//! Subscriptions: live values for app screens, so no app polls. One
//! lock's state (`client.locks().subscribe`), the locks in range while a
//! scan session is on (`subscribeNearby`), the sync status
//! (`client.sync()?.subscribeStatus`) and the keys
//! (`client.keys().subscribe`). Each returns a [`Subscription`] that
//! cancels it; listeners are called on the library's `latchkey-watch`
//! thread, never the caller's.
//!
//! The change detection is latchkey-core's (`latchkey_core::watch`):
//! this module only runs each core watcher on the library's runtime and
//! hands its values to the listener. The Kotlin `Flow`s
//! (`android/…/Flows.kt`) and Swift `AsyncSequence`s
//! (`ios/…/Subscriptions.swift`) wrap these calls.

mod listeners;
mod records;
mod sources;
mod subscribe;
mod subscription;

pub use listeners::{KeysListener, LockViewListener, NearbyLocksListener, SubscriptionError, SyncStatusListener};
pub use records::{CommandOutcome, LockView, NearbyLock, NearbyLocks, NearbyProblem};
#[cfg(feature = "sim")]
pub use subscription::running_subscription_count;
pub use subscription::Subscription;
