//! The phone's simulated Bluetooth adapter: peripherals, scanning, and
//! opening connections.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use latchkey_protocol::{COMPANY_ID, SERVICE_UUID};

use super::connection::SimConnection;
use super::devices::{advertising_phase, lock, Device};
use super::error::LinkError;
use super::faults::FaultPlan;
use super::params::LinkParams;
use super::timing::advance_to;
use crate::{Peripheral, VirtualClock};

/// Advertising interval of a peripheral unless changed with
/// [`SimRadio::set_advertising_interval`], in ms.
pub const DEFAULT_ADVERTISING_INTERVAL_MS: u64 = 200;

/// One advertisement the phone received while scanning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanResult {
    /// The device's address.
    pub address: String,
    /// Received signal strength, in dBm.
    pub rssi: i16,
    /// The advertised local name, if the device sets one.
    pub local_name: Option<String>,
    /// Bluetooth SIG company id of the manufacturer data
    /// ([`latchkey_protocol::COMPANY_ID`]).
    pub company_id: u16,
    /// Manufacturer-specific data after the company id: the encoded
    /// [`latchkey_protocol::Advertisement`].
    pub manufacturer_data: Vec<u8>,
    /// Advertised service UUIDs (the latchkey service).
    pub service_uuids: Vec<String>,
    /// Virtual time the advertisement was received, in ms.
    pub at_ms: u64,
}

struct RadioInner {
    clock: VirtualClock,
    devices: Mutex<BTreeMap<String, Arc<Device>>>,
    next_faults: Mutex<VecDeque<FaultPlan>>,
}

/// The phone's Bluetooth adapter in the simulation. Clones share the same
/// peripherals and clock, so a test can keep a handle to move a lock out of
/// range while a transport owns another.
#[derive(Clone)]
pub struct SimRadio {
    inner: Arc<RadioInner>,
}

impl SimRadio {
    /// A radio on `clock`; share the clock with the simulated locks.
    pub fn new(clock: VirtualClock) -> Self {
        Self {
            inner: Arc::new(RadioInner {
                clock,
                devices: Mutex::new(BTreeMap::new()),
                next_faults: Mutex::new(VecDeque::new()),
            }),
        }
    }

    /// The radio's clock.
    pub fn clock(&self) -> &VirtualClock {
        &self.inner.clock
    }

    /// Puts a peripheral on the air, in range and powered, replacing any
    /// device with the same address.
    pub fn add_peripheral(&self, address: impl Into<String>, rssi: i16, peripheral: Arc<Mutex<dyn Peripheral>>) {
        let address = address.into();
        let device = Device::new(address.clone(), rssi, DEFAULT_ADVERTISING_INTERVAL_MS, peripheral);
        lock(&self.inner.devices).insert(address, Arc::new(device));
    }

    /// Moves a peripheral into or out of range. Out of range it is not
    /// scanned, cannot be connected, and a live link to it drops.
    pub fn set_in_range(&self, address: &str, in_range: bool) -> Result<(), LinkError> {
        self.update(address, |s| s.in_range = in_range)
    }

    /// Powers a peripheral on or off (as far as the radio can tell, the
    /// same as leaving range; the peripheral's own state is its business).
    pub fn set_powered(&self, address: &str, powered: bool) -> Result<(), LinkError> {
        self.update(address, |s| s.powered = powered)
    }

    /// Changes the signal strength reported for a peripheral.
    pub fn set_rssi(&self, address: &str, rssi: i16) -> Result<(), LinkError> {
        self.update(address, |s| s.rssi = rssi)
    }

    /// Sets (or clears) the local name a peripheral advertises.
    pub fn set_local_name(&self, address: &str, name: Option<String>) -> Result<(), LinkError> {
        self.update(address, |s| s.local_name = name)
    }

    /// Changes how often a peripheral advertises (at least every 1 ms).
    pub fn set_advertising_interval(&self, address: &str, interval_ms: u64) -> Result<(), LinkError> {
        self.update(address, |s| s.advertising_interval_ms = interval_ms.max(1))
    }

    /// Faults to inject on the next connection [`SimRadio::connect`] opens
    /// (replacing any plans queued for later connections).
    pub fn set_next_faults(&self, faults: FaultPlan) {
        *lock(&self.inner.next_faults) = VecDeque::from([faults]);
    }

    /// Faults for the connections after those already planned, one plan
    /// per connection, in order: a retry can be made to fail too.
    pub fn queue_faults(&self, plans: impl IntoIterator<Item = FaultPlan>) {
        lock(&self.inner.next_faults).extend(plans);
    }

    /// Listens for `duration_ms` of virtual time (advertisements at
    /// `[now, now + duration_ms)`) and returns every
    /// advertisement heard, in order. A peripheral advertises once per
    /// advertising interval (at a fixed phase derived from its address);
    /// one that is out of range, powered off or connected is silent. The
    /// phone scans with a 100 % duty cycle.
    pub fn scan(&self, duration_ms: u64) -> Vec<ScanResult> {
        self.scan_until(duration_ms, |_| false)
    }

    /// Like [`SimRadio::scan`], but stops (leaving the clock there) at the
    /// first advertisement for which `stop` returns true.
    pub fn scan_until(&self, duration_ms: u64, mut stop: impl FnMut(&ScanResult) -> bool) -> Vec<ScanResult> {
        let clock = &self.inner.clock;
        let start = clock.now_ms();
        let end = start.saturating_add(duration_ms);
        let mut schedule: Vec<(u64, Arc<Device>)> = Vec::new();
        for device in self.devices() {
            let state = device.state();
            let interval = state.advertising_interval_ms.max(1);
            let phase = advertising_phase(&device.address, interval);
            let mut at = start - start % interval + phase;
            if at < start {
                at += interval;
            }
            while at < end {
                schedule.push((at, Arc::clone(&device)));
                at += interval;
            }
        }
        schedule.sort_by(|a, b| (a.0, &a.1.address).cmp(&(b.0, &b.1.address)));

        let mut heard = Vec::new();
        for (at, device) in schedule {
            advance_to(clock, at);
            let state = device.state();
            if !state.in_range || !state.powered || state.connected {
                continue;
            }
            let advertisement = device.with_peripheral(|p| p.advertisement());
            let result = ScanResult {
                address: device.address.clone(),
                rssi: state.rssi,
                local_name: state.local_name,
                company_id: COMPANY_ID,
                manufacturer_data: advertisement.encode(),
                service_uuids: vec![SERVICE_UUID.to_string()],
                at_ms: at,
            };
            let done = stop(&result);
            heard.push(result);
            if done {
                return heard;
            }
        }
        advance_to(clock, end);
        heard
    }

    /// Connects to a peripheral. Establishing the link costs
    /// `params.connect_events` connection intervals; the connection's
    /// measurements start when it returns. An absent peripheral fails
    /// after `params.connect_timeout_ms`; an unknown address at once.
    pub fn connect(&self, address: &str, params: LinkParams) -> Result<SimConnection, LinkError> {
        let params = params.normalized();
        let device = self
            .device(address)
            .ok_or_else(|| LinkError::UnknownDevice(address.to_string()))?;
        let clock = &self.inner.clock;
        if !device.reachable() {
            clock.advance_ms(u64::from(params.connect_timeout_ms));
            return Err(LinkError::OutOfRange(address.to_string()));
        }
        if device.state().connected {
            return Err(LinkError::AlreadyConnected(address.to_string()));
        }
        clock.advance_ms(u64::from(params.connect_events) * u64::from(params.connection_interval_ms));
        device.set_connected(true);
        device.with_peripheral(|p| p.on_connect(params.mtu));
        let faults = lock(&self.inner.next_faults).pop_front().unwrap_or_default();
        Ok(SimConnection::open(device, clock.clone(), params, faults))
    }

    fn devices(&self) -> Vec<Arc<Device>> {
        lock(&self.inner.devices).values().cloned().collect()
    }

    fn device(&self, address: &str) -> Option<Arc<Device>> {
        lock(&self.inner.devices).get(address).cloned()
    }

    fn update(&self, address: &str, f: impl FnOnce(&mut super::devices::DeviceState)) -> Result<(), LinkError> {
        let device = self
            .device(address)
            .ok_or_else(|| LinkError::UnknownDevice(address.to_string()))?;
        f(&mut lock(&device.state));
        Ok(())
    }
}

impl std::fmt::Debug for SimRadio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimRadio")
            .field("now_ms", &self.inner.clock.now_ms())
            .field("devices", &lock(&self.inner.devices).keys().collect::<Vec<_>>())
            .finish()
    }
}
