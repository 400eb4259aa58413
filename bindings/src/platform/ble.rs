//! The app's own Bluetooth LE stack (Android BluetoothGatt, CoreBluetooth)
//! as latchkey's transport. The platform code only scans, connects and
//! moves packets; decoding advertisements, framing, timeouts and retries
//! stay in Rust.

use std::sync::Arc;

/// What the platform reports when a Bluetooth step fails. The core turns
/// each into a diagnosis the app can explain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum BleError {
    /// Bluetooth is switched off.
    #[error("Bluetooth is off")]
    BluetoothOff,
    /// A Bluetooth (or, on older Android, location) permission is missing.
    #[error("permission missing: {permission}")]
    PermissionDenied {
        /// The permission's platform name (`BLUETOOTH_SCAN`).
        permission: String,
    },
    /// No adapter, or the platform's Bluetooth service is unavailable.
    #[error("Bluetooth unavailable: {reason}")]
    Unavailable {
        /// What the platform said.
        reason: String,
    },
    /// Connecting did not complete in time.
    #[error("connection timed out")]
    ConnectTimeout,
    /// No notification arrived in time.
    #[error("no answer in time")]
    Timeout,
    /// The link dropped.
    #[error("disconnected")]
    Disconnected,
    /// Anything else (e.g. GATT status 133).
    #[error("Bluetooth error: {reason}")]
    Other {
        /// What the platform said.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for BleError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Other {
            reason: format!("the app's Bluetooth code failed unexpectedly: {}", e.reason),
        }
    }
}

/// What to scan for. Android: a `ScanFilter` on `service_uuid` or on
/// manufacturer data `company_id` starting with `manufacturer_data_prefix`;
/// iOS: `scanForPeripherals(withServices:)` and a check of the prefix.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BleScanRequest {
    /// The latchkey GATT service UUID.
    pub service_uuid: String,
    /// The Bluetooth SIG company id of latchkey's manufacturer data.
    pub company_id: u16,
    /// Manufacturer data must start with these bytes (empty: any latchkey
    /// lock; otherwise the version and the wanted lock's short id).
    pub manufacturer_data_prefix: Vec<u8>,
    /// Return as soon as one matching advertisement was seen.
    pub stop_at_first_match: bool,
    /// Scan for at most this long, in milliseconds.
    pub timeout_ms: u64,
}

/// One advertisement seen in a scan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BleAdvertisement {
    /// The platform's address (Android MAC) or identifier (iOS UUID).
    pub address: String,
    /// Signal strength in dBm.
    pub rssi: i16,
    /// The manufacturer data's company id.
    pub company_id: u16,
    /// The manufacturer data after the company id.
    pub manufacturer_data: Vec<u8>,
}

/// A BLE central. Implemented by the app when it brings its own stack.
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait BleTransport: Send + Sync {
    /// Scans for at most `request.timeout_ms` and returns what was seen
    /// (empty when nothing was: the core reports the lock out of range).
    async fn scan(&self, request: BleScanRequest) -> Result<Vec<BleAdvertisement>, BleError>;

    /// A connection object for the device at `address`, not yet connected
    /// (no radio use; `BleConnection::connect` connects).
    fn connection(&self, address: String) -> Result<Arc<dyn BleConnection>, BleError>;
}

/// One connection to a lock's latchkey GATT service.
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait BleConnection: Send + Sync {
    /// Connects, negotiates the MTU, discovers the latchkey service and
    /// subscribes to its TX characteristic, within `timeout_ms`.
    async fn connect(&self, timeout_ms: u64) -> Result<(), BleError>;

    /// The negotiated ATT MTU (23 to 517), once connected.
    fn mtu(&self) -> u16;

    /// Writes one packet to the RX characteristic (write without response).
    async fn write(&self, packet: Vec<u8>) -> Result<(), BleError>;

    /// The next packet notified on TX, in arrival order, waiting at most
    /// `timeout_ms` ([`BleError::Timeout`] after that).
    async fn next_notification(&self, timeout_ms: u64) -> Result<Vec<u8>, BleError>;

    /// Closes the connection. Idempotent; also called when a command is
    /// cancelled.
    async fn disconnect(&self) -> Result<(), BleError>;
}

/// The latchkey GATT service a platform transport connects to.
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

/// The UUIDs and ids a platform transport needs, from the protocol itself.
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
