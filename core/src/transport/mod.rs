//! How the core reaches a lock: one async [`Transport`] interface with
//! timeouts on every step, implemented by btleplug (feature `ble`), by the
//! app's own BLE stack through the bindings (Android BluetoothGatt,
//! CoreBluetooth), and in tests by the test kit's own transport.
//!
//! A transport moves packets; [`FrameLink`] turns them into protocol frames
//! (fragmenting to the link's MTU and reassembling with a size limit).

#[cfg(feature = "ble")]
pub mod ble;
pub mod central;
mod frames;

pub use frames::FrameLink;

use async_trait::async_trait;
use latchkey_protocol::Advertisement;
use std::time::Duration;

/// What to look for while scanning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanFilter {
    /// Only devices advertising latchkey manufacturer data whose short lock
    /// id is this (None: any latchkey lock).
    pub short_lock_id: Option<[u8; 4]>,
    /// Stop as soon as one matching device is seen.
    pub first_match: bool,
}

/// A lock seen in a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedLock {
    /// The platform's address or identifier of the device.
    pub address: String,
    /// Signal strength in dBm.
    pub rssi: i16,
    /// The decoded advertisement payload.
    pub advertisement: Advertisement,
}

/// Why a transport step failed, in terms the diagnosis engine can explain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// Bluetooth is switched off on this device.
    #[error("Bluetooth is off")]
    BluetoothOff,
    /// The radio is blocked (rfkill: a desktop's Bluetooth or airplane-mode
    /// switch); unblocking it, not powering it on, is the fix.
    #[error("Bluetooth is blocked on {0} (rfkill or airplane mode)")]
    Blocked(String),
    /// The adapter is still starting (or resetting); it will be ready soon.
    #[error("the Bluetooth adapter {0} is not ready yet")]
    NotReady(String),
    /// The app lacks a Bluetooth (or location) permission.
    #[error("Bluetooth permission missing: {0}")]
    PermissionDenied(String),
    /// No Bluetooth adapter, or the platform's Bluetooth service is missing.
    #[error("Bluetooth unavailable: {0}")]
    Unavailable(String),
    /// The lock was not seen within the scan timeout.
    #[error("lock not found nearby within {0:?}")]
    NotFound(Duration),
    /// Connecting did not complete within the timeout.
    #[error("connection timed out after {0:?}")]
    ConnectTimeout(Duration),
    /// No answer within the timeout.
    #[error("no answer from the lock within {0:?}")]
    Timeout(Duration),
    /// The link dropped.
    #[error("the connection to the lock was lost")]
    Disconnected,
    /// Android allows an app five scan starts per 30 s and silently ignores
    /// more; the next one could start only after this wait, longer than
    /// the command may take.
    #[error("Android allows an app five Bluetooth scans in 30 s; the next can start in {0:?}")]
    ScanThrottled(Duration),
    /// Anything else the platform reported (e.g. GATT status 133).
    #[error("Bluetooth error: {0}")]
    Other(String),
}

/// A BLE central able to find and connect to locks.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Scans for latchkey locks for at most `timeout`.
    async fn scan(&self, filter: &ScanFilter, timeout: Duration) -> Result<Vec<ScannedLock>, TransportError>;
    /// Connects to a scanned device, discovers the latchkey service and
    /// subscribes to its TX characteristic.
    async fn connect(&self, address: &str, timeout: Duration) -> Result<Box<dyn Link>, TransportError>;
    /// What the transport saw of the radio (scans started, the last GATT
    /// status), when it keeps a record: the diagnostics read it instead of
    /// asking the app.
    fn radio_record(&self) -> Option<central::RadioRecord> {
        None
    }
}

/// One connection to a lock's latchkey GATT service.
#[async_trait]
pub trait Link: Send {
    /// The negotiated ATT MTU.
    fn mtu(&self) -> u16;
    /// Writes one packet to the RX characteristic (without response).
    async fn write(&mut self, packet: &[u8]) -> Result<(), TransportError>;
    /// The next packet notified on TX, waiting at most `timeout`.
    async fn next_notification(&mut self, timeout: Duration) -> Result<Vec<u8>, TransportError>;
    /// Milliseconds on the transport's clock (virtual in tests),
    /// used for reassembly timeouts and latency figures.
    fn now_ms(&self) -> u64;
    /// Closes the connection (idempotent).
    async fn disconnect(&mut self);
}
