//! The platform's callbacks as facts ([`CentralEvent`]) and the router that
//! hands each to the operation waiting for it: by connection or scan id,
//! so a late callback of an old connection never reaches a new one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// One connection attempt's id, new for every attempt (a connection
/// generation).
pub type ConnId = u64;
/// One scan's id.
pub type ScanId = u64;

/// The adapter's state as the platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdapterState {
    /// Powered on and usable.
    On,
    /// Off (or turning off).
    Off,
    /// Resetting or starting (CoreBluetooth `resetting`, Android
    /// `STATE_TURNING_ON`).
    Resetting,
    /// The app may not use Bluetooth.
    Unauthorized,
    /// No Bluetooth LE on this device.
    Unsupported,
}

/// One platform callback's raw facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CentralEvent {
    /// The adapter's state changed (Android `ACTION_STATE_CHANGED`,
    /// `centralManagerDidUpdateState`).
    Adapter(AdapterState),
    /// An advertisement (`onScanResult`, `didDiscover`).
    ScanResult {
        /// The scan.
        scan: ScanId,
        /// The device's address or identifier.
        address: String,
        /// Signal strength, dBm.
        rssi: i16,
        /// The manufacturer data's company id.
        company_id: u16,
        /// The manufacturer data after the company id.
        data: Vec<u8>,
    },
    /// The scan could not start or stopped (`onScanFailed` with its code).
    ScanFailed {
        /// The scan.
        scan: ScanId,
        /// The platform's error code (Android: 1 already started, 2
        /// registration failed, 3 internal error, 4 unsupported, 6 scanning
        /// too frequently).
        code: i32,
    },
    /// Connected (`onConnectionStateChange` with `STATE_CONNECTED` and its
    /// status; `didConnect` with status 0).
    Connected {
        /// The connection.
        conn: ConnId,
        /// The GATT status the callback carried (0 = success).
        status: i32,
    },
    /// Disconnected, or the connection failed (`STATE_DISCONNECTED` with
    /// its status, e.g. 133; `didDisconnectPeripheral`,
    /// `didFailToConnect`).
    Disconnected {
        /// The connection.
        conn: ConnId,
        /// The status or error code (0: a clean disconnect).
        status: i32,
    },
    /// The ATT MTU was negotiated (`onMtuChanged`).
    MtuChanged {
        /// The connection.
        conn: ConnId,
        /// The MTU.
        mtu: u16,
        /// The GATT status.
        status: i32,
    },
    /// Service discovery ended (`onServicesDiscovered`,
    /// `didDiscoverCharacteristicsFor`).
    ServicesDiscovered {
        /// The connection.
        conn: ConnId,
        /// The GATT status.
        status: i32,
        /// Whether the latchkey service with its RX and TX characteristics
        /// was found.
        latchkey_service: bool,
    },
    /// The TX subscription was written (`onDescriptorWrite` of the CCCD,
    /// `didUpdateNotificationStateFor`).
    Subscribed {
        /// The connection.
        conn: ConnId,
        /// The GATT status.
        status: i32,
    },
    /// A write completed (`onCharacteristicWrite`, `didWriteValueFor`).
    WriteDone {
        /// The connection.
        conn: ConnId,
        /// The GATT status.
        status: i32,
    },
    /// The platform can take a write without response again
    /// (`peripheralIsReady(toSendWriteWithoutResponse:)`).
    ReadyToWrite {
        /// The connection.
        conn: ConnId,
    },
    /// A notification on TX (`onCharacteristicChanged`,
    /// `didUpdateValueFor`).
    Notification {
        /// The connection.
        conn: ConnId,
        /// The value.
        value: Vec<u8>,
    },
}

impl CentralEvent {
    fn conn(&self) -> Option<ConnId> {
        match self {
            Self::Connected { conn, .. }
            | Self::Disconnected { conn, .. }
            | Self::MtuChanged { conn, .. }
            | Self::ServicesDiscovered { conn, .. }
            | Self::Subscribed { conn, .. }
            | Self::WriteDone { conn, .. }
            | Self::ReadyToWrite { conn }
            | Self::Notification { conn, .. } => Some(*conn),
            _ => None,
        }
    }

    fn scan(&self) -> Option<ScanId> {
        match self {
            Self::ScanResult { scan, .. } | Self::ScanFailed { scan, .. } => Some(*scan),
            _ => None,
        }
    }

    fn status(&self) -> Option<i32> {
        match self {
            Self::Connected { status, .. }
            | Self::Disconnected { status, .. }
            | Self::MtuChanged { status, .. }
            | Self::ServicesDiscovered { status, .. }
            | Self::Subscribed { status, .. }
            | Self::WriteDone { status, .. } => Some(*status),
            _ => None,
        }
    }
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

/// Hands events to the operations waiting for them. Events for ids no one
/// waits for (a closed connection's late callbacks, a stopped scan's last
/// results) are dropped.
#[derive(Default)]
pub(super) struct Router {
    next_id: AtomicU64,
    waiting: Mutex<Waiting>,
}

#[derive(Default)]
struct Waiting {
    conns: HashMap<ConnId, UnboundedSender<CentralEvent>>,
    scans: HashMap<ScanId, UnboundedSender<CentralEvent>>,
    record: RadioRecord,
}

impl Router {
    fn waiting(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new id for a connection or a scan (never reused).
    pub(super) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Starts listening for connection `conn`'s events.
    pub(super) fn open_conn(&self, conn: ConnId) -> UnboundedReceiver<CentralEvent> {
        let (tx, rx) = unbounded_channel();
        self.waiting().conns.insert(conn, tx);
        rx
    }

    /// Starts listening for scan `scan`'s events.
    pub(super) fn open_scan(&self, scan: ScanId) -> UnboundedReceiver<CentralEvent> {
        let (tx, rx) = unbounded_channel();
        self.waiting().scans.insert(scan, tx);
        rx
    }

    /// Stops listening for connection `conn` (its late events are dropped).
    pub(super) fn close_conn(&self, conn: ConnId) {
        self.waiting().conns.remove(&conn);
    }

    /// Stops listening for scan `scan`.
    pub(super) fn close_scan(&self, scan: ScanId) {
        self.waiting().scans.remove(&scan);
    }

    /// What was seen of the radio so far.
    pub(super) fn record(&self) -> RadioRecord {
        self.waiting().record.clone()
    }

    /// Routes one event. An adapter change goes to every waiting operation.
    pub(super) fn deliver(&self, event: CentralEvent) {
        let mut w = self.waiting();
        if let Some(status) = event.status().filter(|s| *s != 0) {
            w.record.last_gatt_status = Some(status);
        }
        if let CentralEvent::Adapter(state) = &event {
            w.record.adapter = Some(*state);
            for tx in w.conns.values().chain(w.scans.values()) {
                let _ = tx.send(event.clone());
            }
            return;
        }
        let target = match (event.conn(), event.scan()) {
            (Some(c), _) => w.conns.get(&c),
            (_, Some(s)) => w.scans.get(&s),
            _ => None,
        };
        if let Some(tx) = target {
            let _ = tx.send(event);
        }
    }
}
