//! The phone's clock, behind an interface so tests can
//! run in virtual time.

/// Wall-clock time as the phone sees it.
pub trait PhoneClock: Send + Sync {
    /// Unix seconds.
    fn now_unix(&self) -> u32;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl PhoneClock for SystemClock {
    fn now_unix(&self) -> u32 {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        u32::try_from(secs).unwrap_or(u32::MAX)
    }
}
