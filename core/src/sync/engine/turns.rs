//! Who runs the background loop. One loop at a time; a stop ends the loop
//! that runs (after its pass), and a start after it always leaves exactly
//! one loop running, however quickly the two calls follow each other.

use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Mutex, MutexGuard};

/// No loop runs.
const NONE: u64 = u64::MAX;

/// The loop's generations: every stop starts a new one.
pub(super) struct LoopControl {
    generation: AtomicU64,
    /// The generation of the loop that runs or waits for its turn, or [`NONE`].
    running: AtomicU64,
    /// Held by the running loop for its whole life.
    turn: Mutex<()>,
}

impl LoopControl {
    pub(super) fn new() -> Self {
        Self {
            generation: AtomicU64::new(0),
            running: AtomicU64::new(NONE),
            turn: Mutex::new(()),
        }
    }

    /// Ends the running loop's generation: it returns after its pass.
    pub(super) fn stop(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn current(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The turn to run a loop of the current generation, once the previous
    /// loop has returned; `None` when a loop of this generation already
    /// runs, or a stop came while waiting.
    pub(super) async fn take(&self) -> Option<LoopTurn<'_>> {
        let generation = self.current();
        // Claimed before waiting for the turn: a second start while the
        // first still waits for the old loop returns at once too.
        let claimed = self.running.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |r| {
            (r != generation).then_some(generation)
        });
        if claimed.is_err() {
            return None;
        }
        let guard = self.turn.lock().await;
        if self.current() != generation {
            self.release(generation);
            return None;
        }
        Some(LoopTurn {
            control: self,
            generation,
            _guard: guard,
        })
    }

    /// Gives up `generation`'s claim, unless a newer one holds it.
    fn release(&self, generation: u64) {
        let _ = self
            .running
            .compare_exchange(generation, NONE, Ordering::SeqCst, Ordering::SeqCst);
    }
}

pub(in crate::sync) struct LoopTurn<'a> {
    control: &'a LoopControl,
    generation: u64,
    _guard: MutexGuard<'a, ()>,
}

impl LoopTurn<'_> {
    /// Whether the loop should go on (no stop since it started).
    pub(in crate::sync) fn goes_on(&self) -> bool {
        self.control.current() == self.generation
    }
}

impl Drop for LoopTurn<'_> {
    fn drop(&mut self) {
        self.control.release(self.generation);
    }
}
