//! The world's virtual time as a phone's clock.

use latchkey_core::clock::PhoneClock;
use latchkey_sim::VirtualClock;

/// A phone clock that reads the simulated world's virtual time.
#[derive(Debug, Clone)]
pub struct WorldClock(pub VirtualClock);

impl PhoneClock for WorldClock {
    fn now_unix(&self) -> u32 {
        self.0.unix_now()
    }
}
