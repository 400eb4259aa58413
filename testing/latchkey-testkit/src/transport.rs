//! The simulated radio from latchkey-sim as a latchkey-core [`Transport`]:
//! for tests, the demo and the bindings' test build. Time is virtual, so
//! nothing here sleeps.

use async_trait::async_trait;
use latchkey_core::transport::{Link, ScanFilter, ScannedLock, Transport, TransportError};
use latchkey_protocol::{Advertisement, COMPANY_ID};
use latchkey_sim::radio::{LinkError, LinkParams, SimConnection, SimRadio};
use std::time::Duration;

/// A phone's Bluetooth adapter in the simulation.
#[derive(Clone)]
pub struct SimTransport {
    radio: SimRadio,
    params: LinkParams,
    adapter: std::sync::Arc<std::sync::Mutex<AdapterState>>,
}

/// What the simulated phone's Bluetooth looks like, for failure scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AdapterState {
    /// Working.
    #[default]
    On,
    /// Switched off by the user.
    Off,
    /// The app lacks the scan permission.
    PermissionDenied,
}

impl SimTransport {
    /// A transport over `radio` whose connections use `params`.
    pub fn new(radio: SimRadio, params: LinkParams) -> Self {
        Self {
            radio,
            params,
            adapter: Default::default(),
        }
    }

    /// The radio (to move locks out of range, inject faults, read the clock).
    pub fn radio(&self) -> &SimRadio {
        &self.radio
    }

    /// Simulates the phone's adapter being off or unauthorized.
    pub fn set_adapter_state(&self, state: AdapterState) {
        *self.adapter.lock().unwrap_or_else(|p| p.into_inner()) = state;
    }

    fn check_adapter(&self) -> Result<(), TransportError> {
        match *self.adapter.lock().unwrap_or_else(|p| p.into_inner()) {
            AdapterState::On => Ok(()),
            AdapterState::Off => Err(TransportError::BluetoothOff),
            AdapterState::PermissionDenied => Err(TransportError::PermissionDenied("BLUETOOTH_SCAN".into())),
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn map_error(e: LinkError, timeout: Duration) -> TransportError {
    match e {
        LinkError::Timeout { .. } => TransportError::Timeout(timeout),
        LinkError::Disconnected | LinkError::NotConnected => TransportError::Disconnected,
        LinkError::OutOfRange(_) | LinkError::UnknownDevice(_) => TransportError::ConnectTimeout(timeout),
        other => TransportError::Other(other.to_string()),
    }
}

#[async_trait]
impl Transport for SimTransport {
    async fn scan(&self, filter: &ScanFilter, timeout: Duration) -> Result<Vec<ScannedLock>, TransportError> {
        self.check_adapter()?;
        let decode = |r: &latchkey_sim::radio::ScanResult| {
            if r.company_id != COMPANY_ID {
                return None;
            }
            let ad = Advertisement::decode(&r.manufacturer_data).ok()?;
            let wanted = filter.short_lock_id.is_none_or(|id| id == ad.short_lock_id);
            wanted.then(|| ScannedLock {
                address: r.address.clone(),
                rssi: r.rssi,
                advertisement: ad,
            })
        };
        let results = self
            .radio
            .scan_until(millis(timeout), |r| filter.first_match && decode(r).is_some());
        let mut found: Vec<ScannedLock> = Vec::new();
        // Keep the newest advertisement per device.
        for lock in results.iter().filter_map(decode) {
            match found.iter_mut().find(|f| f.address == lock.address) {
                Some(existing) => *existing = lock,
                None => found.push(lock),
            }
        }
        Ok(found)
    }

    async fn connect(&self, address: &str, timeout: Duration) -> Result<Box<dyn Link>, TransportError> {
        self.check_adapter()?;
        let connection = self
            .radio
            .connect(address, self.params)
            .map_err(|e| map_error(e, timeout))?;
        Ok(Box::new(SimLink { connection }))
    }
}

struct SimLink {
    connection: SimConnection,
}

#[async_trait]
impl Link for SimLink {
    fn mtu(&self) -> u16 {
        self.connection.mtu()
    }

    async fn write(&mut self, packet: &[u8]) -> Result<(), TransportError> {
        self.connection
            .write_packet(packet)
            .map_err(|e| map_error(e, Duration::ZERO))
    }

    async fn next_notification(&mut self, timeout: Duration) -> Result<Vec<u8>, TransportError> {
        self.connection
            .next_notification(millis(timeout))
            .map_err(|e| map_error(e, timeout))
    }

    fn now_ms(&self) -> u64 {
        self.connection.now_ms()
    }

    async fn disconnect(&mut self) {
        self.connection.disconnect();
    }
}
