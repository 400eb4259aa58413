//! The app's [`BleCentral`] as latchkey-core's `CentralOps`: a plain
//! translation of each call and its answer. The driver (core's
//! `GattCentral`) makes every decision.

use super::ble::{BleCentral, BleError, BleEvents, BleScanRequest, BleStack, BleStart};
use latchkey_core::transport::central::{
    CentralOps, ConnId, GattCentral, PlatformError, PlatformScanFilter, ScanBudget, ScanId, StartResult,
    ANDROID_SCAN_BUDGET,
};
use std::sync::Arc;

/// The app's central as the core's operations.
pub(crate) struct ForeignCentral {
    inner: Arc<dyn BleCentral>,
    stack: BleStack,
}

impl ForeignCentral {
    /// The core's driver over the app's `central`, wired to its callbacks.
    pub(crate) fn driver(central: Arc<dyn BleCentral>) -> Arc<GattCentral> {
        let stack = central.stack();
        let budget = match stack {
            BleStack::Android => ScanBudget::per_window(ANDROID_SCAN_BUDGET),
            BleStack::CoreBluetooth => ScanBudget::unlimited(),
        };
        let ops = Arc::new(Self {
            inner: central.clone(),
            stack,
        });
        let driver = Arc::new(GattCentral::new(ops, budget));
        central.attach(Arc::new(BleEvents::new(&driver)));
        driver
    }
}

fn start(result: BleStart) -> StartResult {
    match result {
        BleStart::Started => StartResult::Started,
        BleStart::Busy => StartResult::Busy,
        BleStart::NotReady => StartResult::NotReady,
        BleStart::Done => StartResult::Done,
        BleStart::Failed { error } => StartResult::Failed(match error {
            BleError::BluetoothOff => PlatformError::BluetoothOff,
            BleError::PermissionDenied { permission } => PlatformError::PermissionDenied(permission),
            BleError::Unavailable { reason } => PlatformError::Unavailable(reason),
            BleError::NotReady { reason } => PlatformError::NotReady(reason),
            BleError::Other { reason, status } => PlatformError::Other { reason, status },
        }),
    }
}

impl CentralOps for ForeignCentral {
    fn start_scan(&self, scan: ScanId, filter: &PlatformScanFilter) -> StartResult {
        start(self.inner.start_scan(
            scan,
            BleScanRequest {
                service_uuid: filter.service_uuid.clone(),
                company_id: filter.company_id,
                manufacturer_data_prefix: filter.prefix.clone(),
            },
        ))
    }

    fn stop_scan(&self, scan: ScanId) {
        self.inner.stop_scan(scan);
    }

    fn connect(&self, conn: ConnId, address: &str) -> StartResult {
        start(self.inner.connect(conn, address.to_string()))
    }

    fn request_mtu(&self, conn: ConnId, mtu: u16) -> StartResult {
        start(self.inner.request_mtu(conn, mtu))
    }

    fn discover(&self, conn: ConnId) -> StartResult {
        start(self.inner.discover(conn))
    }

    fn subscribe(&self, conn: ConnId) -> StartResult {
        start(self.inner.subscribe(conn))
    }

    fn write(&self, conn: ConnId, value: &[u8], with_response: bool) -> StartResult {
        start(self.inner.write(conn, value.to_vec(), with_response))
    }

    fn close(&self, conn: ConnId) {
        self.inner.close(conn);
    }

    fn confirms_writes_without_response(&self) -> bool {
        // Android calls onCharacteristicWrite for every write; CoreBluetooth
        // calls didWriteValueFor only for writes with response.
        self.stack == BleStack::Android
    }
}
