//! Before the radio, from the client's store: the lock as the store knows
//! it, the plan (`command::plan`), and the FAST counter reserved on disk.

use crate::command::{plan, unknown_lock, LockSnapshot, Prepared};
use crate::error::LatchkeyError;
use crate::outbox::Outbox;
use crate::quick::{LockGuard, QuickAccess};
use crate::store::Store;
use latchkey_protocol::{Command, LockId, PublicKey};

/// Reads, plans and reserves: every refusal happens here, before the radio.
/// With quick access, the caller holds the lock's guard and the counter is
/// reserved from the copy the quick processes share.
pub(super) fn prepare(
    (store, outbox): (&Store, &Outbox),
    lock_id: LockId,
    holder: PublicKey,
    command: Command,
    now: u32,
    online: bool,
    quick: Option<(&QuickAccess, &LockGuard)>,
) -> Result<Prepared, LatchkeyError> {
    let mut snapshot = LockSnapshot::read(store, lock_id)?
        .ok_or_else(|| unknown_lock("this phone has no record of that lock; sync first"))?;
    // Events already queued are not asked for again, even when a crash
    // kept the state's cursor behind (`outbox/collected.rs`).
    for (epoch, seq) in outbox.collected(&lock_id)? {
        snapshot.state.advance_event_cursor(epoch, seq);
    }
    let prepared = plan(&snapshot, holder, command, now, online)?;
    let key_id = prepared.key.key.key_id();
    if let Some((quick, guard)) = quick {
        return Ok(match quick.reserve(store, guard, &key_id)? {
            Some((fast_key, counter)) => prepared.with_fast(fast_key, counter),
            None => prepared,
        });
    }
    // The counter is bumped durably before the request exists, so a crash
    // can never make the phone reuse one.
    Ok(match store.fast_keys().get(&lock_id, &key_id)? {
        Some(entry) => match store.fast_keys().next_counter(&lock_id, &key_id)? {
            Some(counter) => prepared.with_fast(entry.key, counter),
            None => prepared,
        },
        None => prepared,
    })
}
