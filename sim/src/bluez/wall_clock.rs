//! Virtual time that follows the wall clock, for a lock model serving a
//! real radio: its challenge rotation, reassembly timeouts and RTC must
//! move as real time passes.

use crate::VirtualClock;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// Advances a [`VirtualClock`] by the wall time that passes, every
/// `resolution`, until dropped. Jumps made with
/// [`VirtualClock::advance_secs`] meanwhile still count: it only adds.
pub struct WallClockDriver {
    task: JoinHandle<()>,
}

impl WallClockDriver {
    /// Starts following the wall clock (inside a tokio runtime).
    pub fn start(clock: VirtualClock, resolution: Duration) -> Self {
        let task = tokio::spawn(async move {
            let mut timer = tokio::time::interval(resolution.max(Duration::from_millis(1)));
            let mut last = Instant::now();
            let mut carried_us: u128 = 0;
            loop {
                timer.tick().await;
                let now = Instant::now();
                carried_us += now.duration_since(last).as_micros();
                last = now;
                let ms = carried_us / 1000;
                carried_us %= 1000;
                clock.advance_ms(u64::try_from(ms).unwrap_or(u64::MAX));
            }
        });
        Self { task }
    }
}

impl Drop for WallClockDriver {
    fn drop(&mut self) {
        self.task.abort();
    }
}
