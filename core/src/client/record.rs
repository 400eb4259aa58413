//! After the radio: persist what the command taught (`command::Finished`)
//! into the client's outbox and store.

use crate::command::{CommandReport, FastChange, Finished};
use crate::error::LatchkeyError;
use crate::outbox::{Outbox, OutboxError};
use crate::store::Store;
use latchkey_protocol::ResultCode;

/// Persists what the command learned; returns the report, or the lock's
/// refusal code.
pub(super) fn record(
    store: &Store,
    outbox: &Outbox,
    finished: &Finished<'_>,
) -> Result<Result<CommandReport, ResultCode>, LatchkeyError> {
    let lock_id = finished.prepared.meta.lock_id;
    let key_id = finished.prepared.key.key.key_id();
    // Events first (one flush), then the cursor: a crash in between
    // re-collects events rather than losing them. The command already
    // happened: a full outbox must not turn it into an error, nor lose the
    // fast key and state below. The lock's events stay uncollected (the
    // cursor doesn't move) and are fetched again later; the report says why.
    let not_queued = match outbox.append_batch(finished.events()) {
        Ok(_) => None,
        Err(e @ OutboxError::Full { .. }) => Some(e.to_string()),
        Err(OutboxError::Store(e)) => return Err(e.into()),
    };
    match finished.fast_change() {
        FastChange::New(key) => store.fast_keys().put(&lock_id, &key_id, key)?,
        FastChange::Forget => {
            store.fast_keys().remove(&lock_id, &key_id)?;
        }
        FastChange::Keep => {}
    }
    let queued = not_queued.is_none();
    store.locks().update_state(&lock_id, |s| finished.apply(s, queued))?;
    if let Some(seq) = finished.pin_ack() {
        store.pins().record_ack(&lock_id, seq)?;
    }
    Ok(finished.report(not_queued))
}
