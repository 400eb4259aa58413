//! The engine as its client holds it: [`SyncEngine`] as the client's
//! [`AttachedSync`] (including the last upload before a sign-out), and
//! [`Client::sync`], which hands the engine back.

use super::config::Connectivity;
use super::error::SyncError;
use super::handle::SyncEngine;
use super::status::SyncOutcome;
use crate::client::{AttachedSync, EngineFuture, SignOutUpload};
use crate::Client;
use std::any::Any;

/// Most passes a sign-out makes to empty the outbox (each drains it
/// unless a metered connection caps it).
const SIGN_OUT_PASSES: u32 = 20;

impl SyncEngine {
    async fn upload_for_sign_out(&self) -> (SignOutUpload, u64) {
        self.stop();
        if !self.connectivity().online {
            return (SignOutUpload::Offline, 0);
        }
        self.inner.clear_backoff();
        let mut uploaded = 0;
        let mut pending = 0;
        for _ in 0..SIGN_OUT_PASSES {
            let report = self.inner.pass().await;
            uploaded += report.uploaded + report.duplicates;
            pending = report.pending_after;
            match report.outcome {
                SyncOutcome::Completed if pending == 0 => return (SignOutUpload::Completed, uploaded),
                SyncOutcome::Completed => {}
                SyncOutcome::Offline => return (SignOutUpload::Offline, uploaded),
                SyncOutcome::Failed { error, .. } => return (SignOutUpload::Failed(error), uploaded),
                SyncOutcome::Deferred { retry_in_ms } => {
                    let error = SyncError::Unreachable {
                        detail: "the latchkey service asked to wait before the next upload".into(),
                        retry_after_ms: Some(retry_in_ms),
                    };
                    return (SignOutUpload::Failed(error), uploaded);
                }
            }
        }
        let error = SyncError::Unreachable {
            detail: format!("{pending} event(s) still waiting after {SIGN_OUT_PASSES} passes"),
            retry_after_ms: None,
        };
        (SignOutUpload::Failed(error), uploaded)
    }
}

impl AttachedSync for SyncEngine {
    fn stop(&self) {
        SyncEngine::stop(self);
    }

    fn set_connectivity(&self, connectivity: Connectivity) {
        SyncEngine::set_connectivity(self, connectivity);
    }

    fn notify_new_events(&self) {
        SyncEngine::notify_new_events(self);
    }

    fn upload_before_sign_out(&self) -> EngineFuture<'_, (SignOutUpload, u64)> {
        Box::pin(self.upload_for_sign_out())
    }

    fn quiesce(&self) -> EngineFuture<'_, ()> {
        Box::pin(self.inner.quiesce())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Client {
    /// The sync engine, when the client was built with a cloud.
    pub fn sync(&self) -> Option<&SyncEngine> {
        self.attached_sync()?.as_any().downcast_ref()
    }
}
