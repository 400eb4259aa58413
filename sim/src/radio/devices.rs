//! The peripherals a radio knows, and whether each can be reached.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::Peripheral;

/// Locks a mutex, carrying on past a panic in another holder: the
/// simulated state stays usable for the test that is reporting the panic.
pub(crate) fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the radio knows about one peripheral, changeable at any time.
#[derive(Debug, Clone)]
pub(crate) struct DeviceState {
    pub(crate) rssi: i16,
    pub(crate) local_name: Option<String>,
    pub(crate) advertising_interval_ms: u64,
    pub(crate) in_range: bool,
    pub(crate) powered: bool,
    pub(crate) connected: bool,
}

/// One peripheral on the simulated air.
pub(crate) struct Device {
    pub(crate) address: String,
    pub(crate) peripheral: Arc<Mutex<dyn Peripheral>>,
    pub(crate) state: Mutex<DeviceState>,
}

impl Device {
    /// A device in range, powered and not connected.
    pub(crate) fn new(
        address: String,
        rssi: i16,
        advertising_interval_ms: u64,
        peripheral: Arc<Mutex<dyn Peripheral>>,
    ) -> Self {
        Self {
            address,
            peripheral,
            state: Mutex::new(DeviceState {
                rssi,
                local_name: None,
                advertising_interval_ms,
                in_range: true,
                powered: true,
                connected: false,
            }),
        }
    }

    /// A copy of the current state.
    pub(crate) fn state(&self) -> DeviceState {
        lock(&self.state).clone()
    }

    /// Whether the phone could hear it or connect to it now.
    pub(crate) fn reachable(&self) -> bool {
        let state = lock(&self.state);
        state.in_range && state.powered
    }

    /// Records that a connection started or ended.
    pub(crate) fn set_connected(&self, connected: bool) {
        lock(&self.state).connected = connected;
    }

    /// Moves the device into or out of range.
    pub(crate) fn set_in_range(&self, in_range: bool) {
        lock(&self.state).in_range = in_range;
    }

    /// Runs `f` with the peripheral locked.
    pub(crate) fn with_peripheral<R>(&self, f: impl FnOnce(&mut dyn Peripheral) -> R) -> R {
        let mut guard = lock(&self.peripheral);
        f(&mut *guard)
    }
}

/// A position in the advertising schedule derived from the address, so
/// devices do not all advertise at the same instant, yet every run is the
/// same (FNV-1a of the address).
pub(crate) fn advertising_phase(address: &str, interval_ms: u64) -> u64 {
    let hash = address.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash % interval_ms.max(1)
}
