//! The platform's side of the central: what it is asked to do
//! ([`CentralOps`]), what it answers when asked ([`StartResult`],
//! [`PlatformError`]), and what every step of the driver shares (the
//! [`Driver`], starting an operation while the platform is busy, an
//! adapter state or a GATT status in words).

use super::events::{AdapterState, ConnId, Router, ScanId};
use crate::transport::TransportError;
use std::sync::Arc;
use std::time::Duration;

/// What the platform said when asked to start an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartResult {
    /// Started: its callback will follow.
    Started,
    /// The platform is busy with another operation (Android API 33+
    /// `ERROR_GATT_WRITE_REQUEST_BUSY`, a `false` from an older call while
    /// a callback is due): try again shortly.
    Busy,
    /// Not ready to take a write without response (CoreBluetooth
    /// `canSendWriteWithoutResponse == false`): wait for
    /// [`CentralEvent::ReadyToWrite`].
    NotReady,
    /// Done at once, with no callback to wait for (an iOS write without
    /// response that was accepted, an MTU the platform already knows).
    Done,
    /// Refused.
    Failed(PlatformError),
}

/// Why the platform refused to start an operation, as it said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlatformError {
    /// Bluetooth is off (or turning off: `IllegalStateException`).
    BluetoothOff,
    /// A runtime permission is missing (`SecurityException`; CoreBluetooth
    /// `unauthorized`), with the platform's name for it.
    PermissionDenied(String),
    /// No adapter or Bluetooth service.
    Unavailable(String),
    /// The adapter is resetting or starting.
    NotReady(String),
    /// Anything else, with the platform's words and status when it gave one.
    Other {
        /// What the platform said.
        reason: String,
        /// A status or error code, when there was one.
        status: Option<i32>,
    },
}

impl PlatformError {
    pub(super) fn into_transport(self) -> TransportError {
        match self {
            Self::BluetoothOff => TransportError::BluetoothOff,
            Self::PermissionDenied(p) => TransportError::PermissionDenied(p),
            Self::Unavailable(r) => TransportError::Unavailable(r),
            Self::NotReady(r) => TransportError::NotReady(r),
            Self::Other {
                reason,
                status: Some(s),
            } => TransportError::Other(format!("{reason} (status {s})")),
            Self::Other { reason, status: None } => TransportError::Other(reason),
        }
    }
}

/// What to scan for, in the platform's terms: manufacturer data with
/// `company_id` starting with `prefix` (Android builds a `ScanFilter` from
/// it; CoreBluetooth scans for `service_uuid` and the driver checks the
/// prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformScanFilter {
    /// The latchkey GATT service UUID.
    pub service_uuid: String,
    /// The company id of latchkey's manufacturer data.
    pub company_id: u16,
    /// The manufacturer data must start with these bytes.
    pub prefix: Vec<u8>,
}

/// The operations a platform central offers. Every call returns at once
/// with what the platform said; results arrive later as [`CentralEvent`]s
/// through [`GattCentral::deliver`]. Implementations make no decisions:
/// each method is one platform call (see the Android and iOS glue).
pub trait CentralOps: Send + Sync {
    /// Starts a scan (`BluetoothLeScanner.startScan`,
    /// `scanForPeripherals`).
    fn start_scan(&self, scan: ScanId, filter: &PlatformScanFilter) -> StartResult;
    /// Stops it (idempotent).
    fn stop_scan(&self, scan: ScanId);
    /// Connects to `address` (`connectGatt` with `TRANSPORT_LE`,
    /// `connect(_:options:)`), as connection `conn`.
    fn connect(&self, conn: ConnId, address: &str) -> StartResult;
    /// Asks for an ATT MTU (`requestMtu`; CoreBluetooth negotiates by
    /// itself and answers [`StartResult::Done`] after delivering
    /// [`CentralEvent::MtuChanged`] with `maximumWriteValueLength + 3`).
    fn request_mtu(&self, conn: ConnId, mtu: u16) -> StartResult;
    /// Discovers services (`discoverServices`, `discoverServices` then
    /// `discoverCharacteristics`).
    fn discover(&self, conn: ConnId) -> StartResult;
    /// Subscribes to the TX characteristic (`setCharacteristicNotification`
    /// and a CCCD write; `setNotifyValue(true)`).
    fn subscribe(&self, conn: ConnId) -> StartResult;
    /// Writes `value` to the RX characteristic.
    fn write(&self, conn: ConnId, value: &[u8], with_response: bool) -> StartResult;
    /// Closes connection `conn` and releases everything it holds
    /// (`disconnect` + `close`, `cancelPeripheralConnection`). Idempotent.
    fn close(&self, conn: ConnId);
    /// Whether a write without response gets a completion callback
    /// ([`CentralEvent::WriteDone`]): Android yes, CoreBluetooth no.
    fn confirms_writes_without_response(&self) -> bool;
}

/// Timeouts of the steps the platform has no timeout for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CentralTimings {
    /// How long to wait for `onMtuChanged` before going on at MTU 23 (it
    /// may never come on some phones).
    pub mtu_wait: Duration,
    /// How long a write may stay unconfirmed: after that it counts as
    /// possibly sent.
    pub write_wait: Duration,
    /// How long to wait between tries of a busy operation, and how many.
    pub busy_retry: Duration,
    /// Most tries of a busy operation.
    pub busy_tries: u32,
}

impl Default for CentralTimings {
    fn default() -> Self {
        Self {
            mtu_wait: Duration::from_millis(1500),
            write_wait: Duration::from_secs(2),
            busy_retry: Duration::from_millis(20),
            busy_tries: 25,
        }
    }
}

/// What every step of the driver works with: the platform, the event
/// router, the timeouts.
#[derive(Clone)]
pub(super) struct Driver {
    pub(super) ops: Arc<dyn CentralOps>,
    pub(super) router: Arc<Router>,
    pub(super) timings: CentralTimings,
}

/// The error an adapter state means for a waiting operation, if any.
pub(super) fn adapter_error(state: AdapterState) -> Option<TransportError> {
    match state {
        AdapterState::On => None,
        AdapterState::Off => Some(TransportError::BluetoothOff),
        AdapterState::Resetting => Some(TransportError::NotReady("the Bluetooth adapter is resetting".into())),
        AdapterState::Unauthorized => Some(TransportError::PermissionDenied("Bluetooth".into())),
        AdapterState::Unsupported => Some(TransportError::Unavailable("no Bluetooth LE on this device".into())),
    }
}

/// A GATT status in words (the common ones by name).
pub(super) fn gatt_status(status: i32) -> String {
    let name = match status {
        8 => "connection timeout",
        19 => "the lock ended the connection",
        22 => "the phone's Bluetooth ended the connection",
        62 => "the connection could not be established",
        133 => "GATT_ERROR",
        257 => "GATT_FAILURE",
        _ => "",
    };
    if name.is_empty() {
        format!("GATT status {status}")
    } else {
        format!("GATT status {status} ({name})")
    }
}

/// Starts an operation, trying again while the platform says it is busy.
pub(super) async fn start(timings: &CentralTimings, mut op: impl FnMut() -> StartResult) -> StartResult {
    for _ in 1..timings.busy_tries.max(1) {
        match op() {
            StartResult::Busy => tokio::time::sleep(timings.busy_retry).await,
            other => return other,
        }
    }
    op()
}
