//! A lock's guard, `<dir>/locks/<name>.guard`: an exclusive `flock` that
//! the app and every quick process hold from reserving a FAST counter
//! until the lock's answer is recorded (and while rewriting the lock's
//! file, or ingesting what quick processes recorded about it). So two
//! processes never talk to one lock at once, counters reach the lock in
//! the order they were reserved, and the lock's file changes one holder at
//! a time. The kernel releases it when its holder dies, even by `kill -9`.

use super::error::QuickError;
use super::layout::QuickDir;
use crate::file_lock::{FileLock, LockFailure};
use crate::store::seal::Sealer;
use latchkey_protocol::LockId;
use std::time::Duration;

/// A held guard of one lock; released on drop.
#[derive(Debug)]
pub(crate) struct LockGuard {
    lock_id: LockId,
    _held: FileLock,
}

impl LockGuard {
    /// Takes the guard of `lock_id`, waiting up to `patience` for its holder.
    pub(crate) fn acquire(
        dir: &QuickDir,
        sealer: &Sealer,
        lock_id: LockId,
        patience: Duration,
    ) -> Result<Self, QuickError> {
        let path = dir.guard_file(&QuickDir::lock_name(sealer, &lock_id));
        match FileLock::acquire_within(&path, patience) {
            Ok(held) => Ok(Self { lock_id, _held: held }),
            Err(LockFailure::Held) => Err(QuickError::Busy {
                waited_s: patience.as_secs(),
            }),
            Err(LockFailure::Io(e)) => Err(QuickError::io(&path, &e)),
        }
    }

    /// The lock it guards.
    pub(crate) fn lock_id(&self) -> LockId {
        self.lock_id
    }
}
