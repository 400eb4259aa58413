//! The app's Bluetooth LE stack (Android `BluetoothGatt` and
//! `BluetoothLeScanner`, CoreBluetooth) as latchkey's central.
//!
//! The contract is small on purpose, so that a reviewer can check an
//! implementation against the platform's documentation line by line:
//!
//! - [`BleCentral`]: each method is one platform call, made at once, that
//!   returns what the platform said ([`BleStart`]); no waiting, no
//!   retrying, no timers, no decisions.
//! - [`BleEvents`]: each platform callback is forwarded with its raw facts
//!   (ids, status codes, values), from whatever thread the platform calls
//!   on.
//!
//! Everything that decides (the order of operations, which callback
//! completes which, timeouts, retrying a busy write, flow control, the
//! 512-byte attribute limit, Android's scan budget, connection
//! generations) is latchkey-core's central driver
//! (`latchkey_core::transport::central`), tested against scripts of each
//! platform's behaviour.

use latchkey_core::transport::central::{AdapterState, CentralEvent, GattCentral};
use std::sync::{Arc, Weak};

/// Which stack the app's central drives; the driver applies its rules
/// (Android's scan budget, whether writes without response are confirmed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BleStack {
    /// Android `BluetoothGatt` / `BluetoothLeScanner`.
    Android,
    /// CoreBluetooth.
    CoreBluetooth,
}

/// Why the platform refused to start an operation, as it said it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum BleError {
    /// Bluetooth is off, or turning off (`IllegalStateException`).
    #[error("Bluetooth is off")]
    BluetoothOff,
    /// A permission is missing (`SecurityException`; CoreBluetooth
    /// `unauthorized`), by its platform name (`BLUETOOTH_SCAN`).
    #[error("permission missing: {permission}")]
    PermissionDenied {
        /// The permission's platform name.
        permission: String,
    },
    /// No adapter, or the platform's Bluetooth service is unavailable.
    #[error("Bluetooth unavailable: {reason}")]
    Unavailable {
        /// What the platform said.
        reason: String,
    },
    /// The adapter is resetting or starting.
    #[error("Bluetooth not ready: {reason}")]
    NotReady {
        /// What the platform said.
        reason: String,
    },
    /// Anything else, with the platform's status code when it gave one.
    #[error("Bluetooth error: {reason}")]
    Other {
        /// What the platform said.
        reason: String,
        /// The status or error code.
        status: Option<i32>,
    },
}

/// What the platform said when asked to start an operation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum BleStart {
    /// Started; its callback follows.
    Started,
    /// Busy with another operation (API 33+ `ERROR_GATT_WRITE_REQUEST_BUSY`,
    /// or `false` from an older call).
    Busy,
    /// CoreBluetooth `canSendWriteWithoutResponse == false`: nothing was
    /// sent; `BleEvents.readyToWrite` will follow.
    NotReady,
    /// Done at once, with no callback to wait for (a CoreBluetooth write
    /// without response that was taken; an MTU reported right away).
    Done,
    /// Refused.
    Failed {
        /// Why.
        error: BleError,
    },
}

/// The adapter's state as the platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BleAdapterState {
    /// On and usable.
    On,
    /// Off, or turning off.
    Off,
    /// Resetting or turning on.
    Resetting,
    /// The app may not use Bluetooth.
    Unauthorized,
    /// No Bluetooth LE on this device.
    Unsupported,
}

/// What to scan for: manufacturer data of `company_id` starting with
/// `manufacturer_data_prefix` (Android: a `ScanFilter` with that data and a
/// mask of 0xFF bytes; iOS: `scanForPeripherals(withServices:
/// [service_uuid])` and every advertisement forwarded).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BleScanRequest {
    /// The latchkey GATT service UUID.
    pub service_uuid: String,
    /// The Bluetooth SIG company id of latchkey's manufacturer data.
    pub company_id: u16,
    /// Manufacturer data must start with these bytes (empty: any).
    pub manufacturer_data_prefix: Vec<u8>,
}

/// The app's Bluetooth central. One platform call per method, made at once.
#[uniffi::export(with_foreign)]
pub trait BleCentral: Send + Sync {
    /// Which stack this is.
    fn stack(&self) -> BleStack;
    /// Where to forward every callback from now on (called once, when the
    /// client is built; keep it).
    fn attach(&self, events: Arc<BleEvents>);
    /// `BluetoothLeScanner.startScan` / `scanForPeripherals`, as scan
    /// `scan_id` (tag its results with it).
    fn start_scan(&self, scan_id: u64, request: BleScanRequest) -> BleStart;
    /// `stopScan` for scan `scan_id` (idempotent).
    fn stop_scan(&self, scan_id: u64);
    /// `connectGatt(context, false, callback, TRANSPORT_LE)` /
    /// `connect(_:options:)`, as connection `connection_id` (a new id for
    /// every attempt, even to the same device: tag its callbacks with it).
    fn connect(&self, connection_id: u64, address: String) -> BleStart;
    /// `requestMtu(mtu)`. CoreBluetooth negotiates by itself: report
    /// `maximumWriteValueLength(for: .withoutResponse) + 3` with
    /// `BleEvents.mtuChanged` and answer `Done`.
    fn request_mtu(&self, connection_id: u64, mtu: u16) -> BleStart;
    /// `discoverServices()` / `discoverServices([service])` then
    /// `discoverCharacteristics`.
    fn discover(&self, connection_id: u64) -> BleStart;
    /// `setCharacteristicNotification(tx, true)` and the CCCD write /
    /// `setNotifyValue(true, for: tx)`.
    fn subscribe(&self, connection_id: u64) -> BleStart;
    /// `writeCharacteristic(rx, value, WRITE_TYPE_NO_RESPONSE)` (API 33+
    /// status codes as they are) / `writeValue(_:for:type:)` after checking
    /// `canSendWriteWithoutResponse`.
    fn write(&self, connection_id: u64, value: Vec<u8>, with_response: bool) -> BleStart;
    /// `disconnect()` then `close()` / `cancelPeripheralConnection`;
    /// forget the connection. Idempotent.
    fn close(&self, connection_id: u64);
}

/// Where the app forwards each platform callback, raw. Never blocks.
#[derive(uniffi::Object)]
pub struct BleEvents {
    central: Weak<GattCentral>,
}

impl BleEvents {
    pub(crate) fn new(central: &Arc<GattCentral>) -> Self {
        Self {
            central: Arc::downgrade(central),
        }
    }

    fn deliver(&self, event: CentralEvent) {
        if let Some(central) = self.central.upgrade() {
            central.deliver(event);
        }
    }
}

#[uniffi::export]
impl BleEvents {
    /// The adapter's state changed (`ACTION_STATE_CHANGED`,
    /// `centralManagerDidUpdateState`).
    pub fn adapter_state(&self, state: BleAdapterState) {
        self.deliver(CentralEvent::Adapter(match state {
            BleAdapterState::On => AdapterState::On,
            BleAdapterState::Off => AdapterState::Off,
            BleAdapterState::Resetting => AdapterState::Resetting,
            BleAdapterState::Unauthorized => AdapterState::Unauthorized,
            BleAdapterState::Unsupported => AdapterState::Unsupported,
        }));
    }

    /// `onScanResult` / `didDiscover`: the manufacturer data of
    /// `company_id`, after the company id.
    pub fn scan_result(&self, scan_id: u64, address: String, rssi: i16, company_id: u16, data: Vec<u8>) {
        self.deliver(CentralEvent::ScanResult {
            scan: scan_id,
            address,
            rssi,
            company_id,
            data,
        });
    }

    /// `onScanFailed(errorCode)`.
    pub fn scan_failed(&self, scan_id: u64, code: i32) {
        self.deliver(CentralEvent::ScanFailed { scan: scan_id, code });
    }

    /// `onConnectionStateChange(status, STATE_CONNECTED)` / `didConnect`
    /// (status 0).
    pub fn connected(&self, connection_id: u64, status: i32) {
        self.deliver(CentralEvent::Connected {
            conn: connection_id,
            status,
        });
    }

    /// `onConnectionStateChange(status, STATE_DISCONNECTED)` /
    /// `didDisconnectPeripheral`, `didFailToConnect` (the `CBError` code, 0
    /// without an error).
    pub fn disconnected(&self, connection_id: u64, status: i32) {
        self.deliver(CentralEvent::Disconnected {
            conn: connection_id,
            status,
        });
    }

    /// `onMtuChanged(mtu, status)`.
    pub fn mtu_changed(&self, connection_id: u64, mtu: u16, status: i32) {
        self.deliver(CentralEvent::MtuChanged {
            conn: connection_id,
            mtu,
            status,
        });
    }

    /// `onServicesDiscovered(status)` / `didDiscoverCharacteristicsFor`:
    /// whether the latchkey service with its RX and TX characteristics is
    /// there.
    pub fn services_discovered(&self, connection_id: u64, status: i32, latchkey_service: bool) {
        self.deliver(CentralEvent::ServicesDiscovered {
            conn: connection_id,
            status,
            latchkey_service,
        });
    }

    /// `onDescriptorWrite` of TX's CCCD / `didUpdateNotificationStateFor`.
    pub fn subscribed(&self, connection_id: u64, status: i32) {
        self.deliver(CentralEvent::Subscribed {
            conn: connection_id,
            status,
        });
    }

    /// `onCharacteristicWrite(status)` / `didWriteValueFor`.
    pub fn write_done(&self, connection_id: u64, status: i32) {
        self.deliver(CentralEvent::WriteDone {
            conn: connection_id,
            status,
        });
    }

    /// `peripheralIsReady(toSendWriteWithoutResponse:)`.
    pub fn ready_to_write(&self, connection_id: u64) {
        self.deliver(CentralEvent::ReadyToWrite { conn: connection_id });
    }

    /// `onCharacteristicChanged` on TX / `didUpdateValueFor` TX.
    pub fn notification(&self, connection_id: u64, value: Vec<u8>) {
        self.deliver(CentralEvent::Notification {
            conn: connection_id,
            value,
        });
    }
}

/// The latchkey GATT service a platform central connects to.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GattService {
    /// The service UUID (scan for it, discover it).
    pub service_uuid: String,
    /// RX: the phone writes requests here, without response.
    pub rx_characteristic_uuid: String,
    /// TX: the lock notifies responses here (subscribe through its CCCD).
    pub tx_characteristic_uuid: String,
    /// Read-only: the current advertisement payload.
    pub info_characteristic_uuid: String,
    /// The company id of latchkey's manufacturer data.
    pub company_id: u16,
}

/// The UUIDs and ids a platform central needs, from the protocol itself.
#[uniffi::export]
pub fn latchkey_gatt_service() -> GattService {
    use latchkey_protocol::{COMPANY_ID, INFO_CHAR_UUID, RX_CHAR_UUID, SERVICE_UUID, TX_CHAR_UUID};
    GattService {
        service_uuid: SERVICE_UUID.into(),
        rx_characteristic_uuid: RX_CHAR_UUID.into(),
        tx_characteristic_uuid: TX_CHAR_UUID.into(),
        info_characteristic_uuid: INFO_CHAR_UUID.into(),
        company_id: COMPANY_ID,
    }
}
