//! What the sub-clients share: the phone (held weakly, so closing the
//! client closes the store), the phone's clock, and the last outcome of a
//! command per lock, which diagnostics hands to the engine as "what the
//! app just saw".

use latchkey_core::clock::PhoneClock;
use latchkey_core::sync::SyncEngine;
use latchkey_core::{CommandReport, LatchkeyError, Phone};
use latchkey_protocol::LockId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// What sub-client calls report after the client was closed.
pub(crate) const CLIENT_CLOSED: &str = "the client was closed; build a new one";

/// The last command's outcome for one lock, with when it ended.
#[derive(Clone)]
pub(crate) enum LastOutcome {
    /// The lock answered `ok`.
    Succeeded(Box<CommandReport>, u32),
    /// The command failed.
    Failed(LatchkeyError, u32),
}

/// Shared by a client and its sub-clients.
#[derive(Clone)]
pub(crate) struct Session {
    phone: Weak<Phone>,
    /// The phone's clock (the simulated world's in test builds).
    pub(crate) clock: Arc<dyn PhoneClock>,
    outcomes: Arc<Mutex<HashMap<LockId, LastOutcome>>>,
    sync: Option<Weak<SyncEngine>>,
}

impl Session {
    pub(crate) fn new(phone: &Arc<Phone>, clock: Arc<dyn PhoneClock>, sync: Option<&Arc<SyncEngine>>) -> Self {
        Self {
            phone: Arc::downgrade(phone),
            clock,
            outcomes: Arc::default(),
            sync: sync.map(Arc::downgrade),
        }
    }

    /// The phone, unless the client was closed (a command in progress
    /// keeps it open until it ends).
    pub(crate) fn phone(&self) -> Option<Arc<Phone>> {
        self.phone.upgrade()
    }

    /// Records how the last command on `lock_id` ended.
    pub(crate) fn record(&self, lock_id: LockId, outcome: &Result<CommandReport, LatchkeyError>) {
        let at = self.clock.now_unix();
        let last = match outcome {
            Ok(report) => LastOutcome::Succeeded(Box::new(report.clone()), at),
            Err(e) => LastOutcome::Failed(e.clone(), at),
        };
        self.outcomes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(lock_id, last);
        // The command queued events: a running sync loop uploads them.
        if let Some(engine) = self.sync.as_ref().and_then(Weak::upgrade) {
            engine.notify_new_events();
        }
    }

    /// How the last command on `lock_id` ended, if one ran.
    pub(crate) fn last_outcome(&self, lock_id: &LockId) -> Option<LastOutcome> {
        self.outcomes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(lock_id)
            .cloned()
    }
}
