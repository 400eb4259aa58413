//! A BLE central driven from Rust over a platform's callback API (Android
//! `BluetoothGatt`/`BluetoothLeScanner`, CoreBluetooth).
//!
//! The platform glue does two things only: it starts operations when asked
//! ([`CentralOps`], each call returns at once with what the platform said)
//! and it hands every callback's raw facts back ([`GattCentral::deliver`]
//! with a [`CentralEvent`]). Everything that decides lives here, where it
//! is tested against scripts of real platform behaviour
//! (`core/tests/central_*.rs`): one operation at a time per connection and
//! which callback completes which (`connect.rs`), connection generations
//! (a late disconnect of an old connection never touches a new one),
//! timeouts, retrying a busy write, flow control for writes without
//! response, the 512-byte attribute limit (`link.rs`), and Android's scan
//! budget (`scan.rs`). The driver records the scans it started and the
//! last GATT status ([`RadioRecord`]) for the diagnostics.

mod connect;
mod events;
mod link;
mod scan;

pub use events::{AdapterState, CentralEvent, ConnId, ScanId};
pub use link::MAX_ATTRIBUTE_VALUE;
pub use scan::{ScanBudget, ANDROID_SCAN_BUDGET};

use super::{Link, ScanFilter, ScannedLock, Transport, TransportError};
use async_trait::async_trait;
use events::Router;
use std::sync::{Arc, Mutex};
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
    fn into_transport(self) -> TransportError {
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

/// What the driver saw of the radio, for the diagnostics: read by the
/// client instead of asking the app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RadioRecord {
    /// Scans started in the last 30 s (Android ignores a sixth silently).
    pub scans_started_last_30s: u32,
    /// Scans the driver held back to stay within the platform's budget.
    pub scans_delayed: u32,
    /// The last non-zero GATT status a callback reported.
    pub last_gatt_status: Option<i32>,
    /// The adapter's last reported state.
    pub adapter: Option<AdapterState>,
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

/// A [`Transport`] over a platform's [`CentralOps`].
pub struct GattCentral {
    ops: Arc<dyn CentralOps>,
    router: Arc<Router>,
    budget: Mutex<ScanBudget>,
    timings: CentralTimings,
}

impl GattCentral {
    /// A central over `ops`, keeping within `budget` scan starts.
    pub fn new(ops: Arc<dyn CentralOps>, budget: ScanBudget) -> Self {
        Self::with_timings(ops, budget, CentralTimings::default())
    }

    /// [`GattCentral::new`] with other timeouts (tests).
    pub fn with_timings(ops: Arc<dyn CentralOps>, budget: ScanBudget, timings: CentralTimings) -> Self {
        Self {
            ops,
            router: Arc::new(Router::default()),
            budget: Mutex::new(budget),
            timings,
        }
    }

    /// One platform callback's facts, from whatever thread the platform
    /// called on. Never blocks.
    pub fn deliver(&self, event: CentralEvent) {
        self.router.deliver(event);
    }

    /// What the driver saw of the radio.
    pub fn record(&self) -> RadioRecord {
        let (started, delayed) = self.budget.lock().unwrap_or_else(|p| p.into_inner()).counts();
        let mut record = self.router.record();
        record.scans_started_last_30s = started;
        record.scans_delayed = delayed;
        record
    }
}

#[async_trait]
impl Transport for GattCentral {
    async fn scan(&self, filter: &ScanFilter, timeout: Duration) -> Result<Vec<ScannedLock>, TransportError> {
        scan::run(self, filter, timeout).await
    }

    async fn connect(&self, address: &str, timeout: Duration) -> Result<Box<dyn Link>, TransportError> {
        connect::run(self, address, timeout).await
    }

    fn radio_record(&self) -> Option<RadioRecord> {
        Some(self.record())
    }
}
