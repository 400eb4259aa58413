//! What the diagnostics rules, the readiness check and the troubleshooter
//! read about one lock: the store's records and, from this process, how
//! the last command on it ended.

use super::{Diagnostics, LastOutcome};
use crate::diagnostics::LockObservations;
use crate::error::LatchkeyError;
use crate::runtime::blocking;
use latchkey_protocol::LockId;

impl Diagnostics<'_> {
    /// The observations of `lock_id` now: stored status, battery, keys,
    /// drift, the backup way in, and the outcome of the last command this
    /// client ran on it (a refusal a minute ago explains more than the
    /// store can). Every front end gets the same diagnosis from it.
    pub async fn observe(&self, lock_id: LockId) -> Result<LockObservations, LatchkeyError> {
        let store = self.0.store.clone();
        let holder = self.0.holder_key();
        let now = self.0.clock.now_unix();
        let last = self.0.memory.last(&lock_id);
        blocking(move || {
            let builder = LockObservations::builder(&store, lock_id, now).holder(holder);
            let builder = match &last {
                Some(LastOutcome::Failed(e, at)) => builder.last_error(e, *at),
                Some(LastOutcome::Succeeded(report, at)) => builder.last_report(report, *at),
                None => builder,
            };
            Ok(builder.build()?)
        })
        .await
    }
}
