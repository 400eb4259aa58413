//! Virtual time shared by the lock model and the radio model, so that
//! tests and benchmarks are deterministic and never sleep.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A clock that only moves when told to. Clones share the same time.
#[derive(Debug, Clone)]
pub struct VirtualClock {
    elapsed_ms: Arc<AtomicU64>,
    start_unix: u32,
}

impl VirtualClock {
    /// A clock whose true time starts at `start_unix` (unix seconds).
    pub fn starting_at(start_unix: u32) -> Self {
        Self {
            elapsed_ms: Arc::new(AtomicU64::new(0)),
            start_unix,
        }
    }

    /// Milliseconds since the clock started.
    pub fn now_ms(&self) -> u64 {
        self.elapsed_ms.load(Ordering::SeqCst)
    }

    /// True time now, in unix seconds (the lock's RTC may drift from it).
    pub fn unix_now(&self) -> u32 {
        self.start_unix.saturating_add((self.now_ms() / 1000) as u32)
    }

    /// Moves time forward.
    pub fn advance_ms(&self, ms: u64) {
        self.elapsed_ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// Moves time forward by whole seconds.
    pub fn advance_secs(&self, secs: u64) {
        self.advance_ms(secs * 1000);
    }
}
