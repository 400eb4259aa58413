//! Time as the engine's retry logic sees it, behind an interface so tests
//! can run backoff and Retry-After in virtual time.

use async_trait::async_trait;
use std::sync::Mutex;
use std::time::Duration;

/// A monotonic clock the engine can also sleep on.
#[async_trait]
pub trait SyncTimer: Send + Sync {
    /// Time since an arbitrary fixed origin.
    fn now(&self) -> Duration;
    /// Waits `duration`.
    async fn sleep(&self, duration: Duration);
}

/// Real time (tokio's clock).
#[derive(Debug, Clone, Copy)]
pub struct TokioTimer {
    origin: tokio::time::Instant,
}

impl TokioTimer {
    /// A timer whose origin is now.
    pub fn new() -> Self {
        Self {
            origin: tokio::time::Instant::now(),
        }
    }
}

impl Default for TokioTimer {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl SyncTimer for TokioTimer {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// Virtual time: `sleep` moves the clock forward and returns at once, so
/// a test can honour an hour of Retry-After in no time and check what was
/// waited ([`ManualTimer::slept`]).
#[derive(Debug, Default)]
pub struct ManualTimer {
    state: Mutex<(Duration, Duration)>,
}

impl ManualTimer {
    /// A timer at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves time forward.
    pub fn advance(&self, by: Duration) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 = s.0.saturating_add(by);
    }

    /// Total time spent in `sleep`.
    pub fn slept(&self) -> Duration {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1
    }
}

#[async_trait]
impl SyncTimer for ManualTimer {
    fn now(&self) -> Duration {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0
    }

    async fn sleep(&self, duration: Duration) {
        {
            let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            s.0 = s.0.saturating_add(duration);
            s.1 = s.1.saturating_add(duration);
        }
        // Let other tasks run, as a real sleep would.
        tokio::task::yield_now().await;
    }
}
