//! How a nearby-locks session scans: windows sized for the platforms'
//! budgets (Android lets an app start five scans in 30 s and silently
//! ignores more; commands need some of them too).

use std::time::Duration;

/// The scan windows of a nearby-locks session ([`crate::watch::NearbyWatcher`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NearbyPolicy {
    /// How long each scan listens.
    pub window: Duration,
    /// From the start of one scan to the start of the next (at least the
    /// window).
    pub period: Duration,
    /// A lock missing from this many windows in a row is still listed (a
    /// lock advertising every second or two can slip through one window).
    pub kept_for_missed_windows: u32,
}

impl Default for NearbyPolicy {
    /// An 8 s scan every 12 s: 2.5 scan starts per 30 s, half of Android's
    /// budget, leaving the rest to the commands. A lock is gone from the
    /// list after two windows without it.
    fn default() -> Self {
        Self {
            window: Duration::from_secs(8),
            period: Duration::from_secs(12),
            kept_for_missed_windows: 1,
        }
    }
}

impl NearbyPolicy {
    /// Scan starts per 30 s this policy makes.
    pub fn scans_per_30s(&self) -> f64 {
        30.0 / self.period.max(self.window).as_secs_f64().max(0.001)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_leaves_android_scan_starts_for_commands() {
        let policy = NearbyPolicy::default();
        assert!(policy.scans_per_30s() <= 2.5, "{}", policy.scans_per_30s());
        assert!(policy.window <= policy.period);
    }
}
