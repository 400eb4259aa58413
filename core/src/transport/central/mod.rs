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
mod ops;
mod scan;

pub use events::{AdapterState, CentralEvent, ConnId, RadioRecord, ScanId};
pub use link::MAX_ATTRIBUTE_VALUE;
pub use ops::{CentralOps, CentralTimings, PlatformError, PlatformScanFilter, StartResult};
pub use scan::{ScanBudget, ANDROID_SCAN_BUDGET};

use super::{Link, ScanFilter, ScannedLock, Transport, TransportError};
use async_trait::async_trait;
use events::Router;
use ops::Driver;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A [`Transport`] over a platform's [`CentralOps`].
pub struct GattCentral {
    driver: Driver,
    budget: Mutex<ScanBudget>,
}

impl GattCentral {
    /// A central over `ops`, keeping within `budget` scan starts.
    pub fn new(ops: Arc<dyn CentralOps>, budget: ScanBudget) -> Self {
        Self::with_timings(ops, budget, CentralTimings::default())
    }

    /// [`GattCentral::new`] with other timeouts (tests).
    pub fn with_timings(ops: Arc<dyn CentralOps>, budget: ScanBudget, timings: CentralTimings) -> Self {
        Self {
            driver: Driver {
                ops,
                router: Arc::new(Router::default()),
                timings,
            },
            budget: Mutex::new(budget),
        }
    }

    /// One platform callback's facts, from whatever thread the platform
    /// called on. Never blocks.
    pub fn deliver(&self, event: CentralEvent) {
        self.driver.router.deliver(event);
    }

    /// What the driver saw of the radio.
    pub fn record(&self) -> RadioRecord {
        let (started, delayed) = self.budget.lock().unwrap_or_else(|p| p.into_inner()).counts();
        let mut record = self.driver.router.record();
        record.scans_started_last_30s = started;
        record.scans_delayed = delayed;
        record
    }
}

#[async_trait]
impl Transport for GattCentral {
    async fn scan(&self, filter: &ScanFilter, timeout: Duration) -> Result<Vec<ScannedLock>, TransportError> {
        scan::run(&self.driver, &self.budget, filter, timeout).await
    }

    async fn connect(&self, address: &str, timeout: Duration) -> Result<Box<dyn Link>, TransportError> {
        connect::run(&self.driver, address, timeout).await
    }

    fn radio_record(&self) -> Option<RadioRecord> {
        Some(self.record())
    }
}
