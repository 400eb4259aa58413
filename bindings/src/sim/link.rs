//! One simulated BLE connection, driven packet by packet by a test's
//! foreign `BleConnection` (the Kotlin/Swift transport under test).

use crate::platform::ble::BleError;
use latchkey_sim::radio::{LinkError, SimConnection};
use std::sync::Mutex;

/// The simulator's link error as the platform error a real stack reports.
pub(crate) fn link_error(e: LinkError) -> BleError {
    match e {
        LinkError::Timeout { .. } => BleError::Timeout,
        LinkError::Disconnected | LinkError::NotConnected => BleError::Disconnected,
        LinkError::OutOfRange(_) | LinkError::UnknownDevice(_) => BleError::ConnectTimeout,
        other => BleError::Other {
            reason: other.to_string(),
        },
    }
}

/// One simulated connection, driven packet by packet (by a test's
/// foreign `BleConnection`). Virtual time: nothing sleeps.
#[derive(uniffi::Object)]
pub struct SimulatedLink {
    connection: Mutex<Option<SimConnection>>,
}

impl SimulatedLink {
    pub(crate) fn new(connection: SimConnection) -> Self {
        Self {
            connection: Mutex::new(Some(connection)),
        }
    }
}

impl SimulatedLink {
    fn with<T>(&self, f: impl FnOnce(&mut SimConnection) -> Result<T, LinkError>) -> Result<T, BleError> {
        let mut guard = self.connection.lock().unwrap_or_else(|p| p.into_inner());
        let connection = guard.as_mut().ok_or(BleError::Disconnected)?;
        f(connection).map_err(link_error)
    }
}

#[uniffi::export]
impl SimulatedLink {
    /// The link's ATT MTU.
    pub fn mtu(&self) -> u16 {
        self.with(|c| Ok(c.mtu()))
            .unwrap_or(latchkey_protocol::framing::MIN_MTU)
    }

    /// Writes one packet to the lock's RX characteristic.
    pub fn write(&self, packet: Vec<u8>) -> Result<(), BleError> {
        self.with(|c| c.write_packet(&packet))
    }

    /// The next packet the lock notifies, waiting at most `timeout_ms` of
    /// virtual time.
    pub fn next_notification(&self, timeout_ms: u64) -> Result<Vec<u8>, BleError> {
        self.with(|c| c.next_notification(timeout_ms))
    }

    /// Closes the link (idempotent).
    pub fn disconnect(&self) {
        if let Some(mut c) = self.connection.lock().unwrap_or_else(|p| p.into_inner()).take() {
            c.disconnect();
        }
    }

    /// Whether the link is still open.
    pub fn is_connected(&self) -> bool {
        self.with(|c| Ok(c.is_connected())).unwrap_or(false)
    }
}
