//! The lock `latchkey-sim peripheral` serves, saying on stdout what
//! happened to it as it happens, so whoever watches the lock (a person,
//! or a test driving the process) sees it even when the process is killed
//! before it answered: each bolt movement (`bolt: unlocked (actuation
//! 1)`), a claim (`claimed: epoch 1, named "Garden gate"`), a new firmware
//! running (`firmware: 1.1.0`) and a factory reset (`factory reset:
//! unclaimed, epoch 2`).

use crate::lock::SimLock;
use crate::Peripheral;
use latchkey_protocol::{Advertisement, FirmwareVersion};
use std::io::Write as _;

/// The lock, and what was last said about it.
pub(super) struct Narrated {
    lock: SimLock,
    actuations: u64,
    claimed: bool,
    firmware: FirmwareVersion,
}

impl Narrated {
    pub(super) fn new(lock: SimLock) -> Self {
        Self {
            actuations: lock.actuation_count(),
            claimed: lock.is_claimed(),
            firmware: lock.firmware_version(),
            lock,
        }
    }

    /// The reset button inside the lock.
    pub(super) fn factory_reset(&mut self) {
        self.lock.factory_reset();
        self.claimed = false;
        say(&format!(
            "factory reset: unclaimed, epoch {}; setup code: {}",
            self.lock.epoch(),
            self.lock.label().to_text()
        ));
    }

    fn tell_changes(&mut self) {
        let actuations = self.lock.actuation_count();
        if actuations != self.actuations {
            self.actuations = actuations;
            let bolt = format!("{:?}", self.lock.status().bolt).to_lowercase();
            say(&format!("bolt: {bolt} (actuation {actuations})"));
        }
        if self.lock.is_claimed() != self.claimed {
            self.claimed = self.lock.is_claimed();
            if self.claimed {
                let name = self.lock.info().name;
                say(&format!("claimed: epoch {}, named {name:?}", self.lock.epoch()));
            }
        }
        let firmware = self.lock.firmware_version();
        if firmware != self.firmware {
            self.firmware = firmware;
            say(&format!("firmware: {firmware}"));
        }
    }
}

/// One line on stdout, flushed at once: the process may be killed next.
pub(super) fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

impl Peripheral for Narrated {
    fn advertisement(&mut self) -> Advertisement {
        self.lock.advertisement()
    }
    fn on_connect(&mut self, mtu: u16) {
        self.lock.on_connect(mtu);
    }
    fn on_disconnect(&mut self) {
        self.lock.on_disconnect();
    }
    fn on_packet(&mut self, packet: &[u8]) -> Option<Vec<u8>> {
        let answer = self.lock.on_packet(packet);
        self.tell_changes();
        answer
    }
    fn on_tick(&mut self) -> Option<Vec<u8>> {
        self.lock.on_tick()
    }
    fn asym_ops(&self) -> u64 {
        self.lock.asym_ops()
    }
}
