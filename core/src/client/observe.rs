//! What the diagnostics rules, the readiness check and the troubleshooter
//! read about one lock: the store's records and, from this process, how
//! the last command on it ended.

use super::{Diagnostics, LastOutcome};
use crate::diagnostics::{DeviceSnapshot, LockObservations, PlatformSnapshot};
use crate::error::LatchkeyError;
use crate::runtime::blocking;
use crate::transport::central::RadioRecord;
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

    /// What this client's own Bluetooth central saw of the radio (scans
    /// it started in the last 30 s, the last GATT status), when its
    /// transport keeps a record (the app's central through the bindings).
    pub fn radio(&self) -> Option<RadioRecord> {
        self.0.transport.radio_record()
    }

    /// `snapshot` with the radio facts this client recorded itself: an
    /// Android snapshot's scan count and last GATT status come from the
    /// central, not from the app (the larger count and the newer status
    /// win, so a snapshot from a support tool still counts).
    pub fn complete_snapshot(&self, mut snapshot: PlatformSnapshot) -> PlatformSnapshot {
        if let (Some(record), DeviceSnapshot::Android(android)) = (self.radio(), &mut snapshot.device) {
            android.scans_started_last_30s = android.scans_started_last_30s.max(record.scans_started_last_30s);
            if record.last_gatt_status.is_some() {
                android.last_gatt_status = record.last_gatt_status;
            }
        }
        snapshot
    }
}
