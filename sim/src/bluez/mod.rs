//! The lock as a real Bluetooth LE peripheral on BlueZ (feature `bluez`,
//! Linux only): any [`Peripheral`] — normally a
//! [`SimLock`](crate::lock::SimLock) — served through the system's BLE
//! stack, so a phone (or latchkey-core's btleplug transport) reaches it over
//! a real GATT connection. On a Raspberry Pi this is a test lock; in the
//! test harness it runs against BlueZoo, a mock BlueZ.
//!
//! What [`BluezPeripheral::start`] does, in order:
//!
//! 1. Registers the latchkey GATT service (before anything advertises: a
//!    central that connects earlier would find no service): RX accepts
//!    writes with and (unless [`PeripheralOptions::write_without_response`]
//!    is off) without response, TX notifies, INFO reads the current
//!    advertisement payload.
//! 2. Registers an LE advertisement: manufacturer data
//!    [`COMPANY_ID`](latchkey_protocol::COMPANY_ID) → the
//!    19-byte [`Advertisement`](latchkey_protocol::Advertisement), the
//!    service UUID and `Discoverable = true`. When the payload no longer
//!    fits a legacy advertisement (real controllers without extended
//!    advertising), it retries without the service UUID: phones find locks
//!    by the manufacturer data anyway.
//! 3. Runs: each RX write is one framing packet for
//!    [`Peripheral::on_packet`]; a response frame is fragmented at the ATT
//!    MTU BlueZ reported with that write (23 when unknown; BlueZoo reports
//!    512 and does not fragment) and notified packet by packet on TX, in
//!    order ([`BluezPeripheral::exchanges`] records the writes and
//!    notifications each answer took). A timer calls [`Peripheral::on_tick`] and re-registers the
//!    advertisement whenever the payload changed (the challenge rotates on
//!    a timer and after every authenticated request). A central's
//!    `Connected` property drives `on_connect` / `on_disconnect`.
//!
//! The lock model runs in virtual time; [`WallClockDriver`] moves its
//! clock with the wall clock when it serves a real radio.

mod advertising;
mod cli;
mod error;
mod gatt;
mod link;
mod narrated;
mod vendor_dir;
mod wall_clock;

pub use cli::{run_peripheral_command, PeripheralArgs};
pub use error::BluezError;
pub use link::{ExchangeRecord, PeripheralStats};
pub use vendor_dir::NEXT_FIRMWARE;
pub use wall_clock::WallClockDriver;

/// The BlueZ bindings this module is built on, for tools and tests that
/// need the same session (e.g. to power an adapter off).
pub use bluer;

use crate::Peripheral;
use error::bluez;
use link::Shared;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;

/// How to run the peripheral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeripheralOptions {
    /// Adapter name (e.g. "hci1"); `None`: the system's default adapter.
    pub adapter: Option<String>,
    /// How often `on_tick` runs and the advertisement is checked.
    pub tick: Duration,
    /// Power the adapter on when it is off.
    pub power_on: bool,
    /// Offer write without response on RX (off: a lock whose RX takes
    /// only writes with response, so the central must use those).
    pub write_without_response: bool,
    /// Hold each answer this long before notifying it: a slow lock, or a
    /// window in which a test can stop the lock after it acted but before
    /// it answered.
    pub answer_delay: Duration,
}

impl Default for PeripheralOptions {
    fn default() -> Self {
        Self {
            adapter: None,
            tick: Duration::from_millis(100),
            power_on: true,
            write_without_response: true,
            answer_delay: Duration::ZERO,
        }
    }
}

impl PeripheralOptions {
    /// The default options on a named adapter.
    pub fn on_adapter(name: &str) -> Self {
        Self {
            adapter: Some(name.to_string()),
            ..Self::default()
        }
    }
}

/// A running peripheral. Stop it with [`BluezPeripheral::stop`]; dropping
/// it also unregisters everything.
pub struct BluezPeripheral {
    shared: Arc<Shared>,
    adapter: bluer::Adapter,
    address: String,
    /// Every task owns what it registered (the GATT application, the
    /// advertisement): aborting them unregisters it.
    tasks: Vec<JoinHandle<()>>,
}

impl BluezPeripheral {
    /// Serves `peripheral` on the adapter `options` names. Must run inside
    /// a tokio runtime.
    pub async fn start(peripheral: Arc<Mutex<dyn Peripheral>>, options: PeripheralOptions) -> Result<Self, BluezError> {
        let session = bluer::Session::new().await.map_err(bluez("connecting to BlueZ"))?;
        let adapter = match &options.adapter {
            Some(name) => {
                let present = session.adapter_names().await.map_err(bluez("listing adapters"))?;
                if !present.contains(name) {
                    return Err(BluezError::NoAdapter {
                        wanted: name.clone(),
                        present,
                    });
                }
                session.adapter(name)
            }
            None => session.default_adapter().await,
        }
        .map_err(bluez("finding the adapter"))?;
        let name = adapter.name().to_string();
        if options.power_on && !adapter.is_powered().await.map_err(bluez(format!("reading {name}")))? {
            adapter
                .set_powered(true)
                .await
                .map_err(bluez(format!("powering {name} on")))?;
        }
        let address = adapter
            .address()
            .await
            .map_err(bluez(format!("reading {name}'s address")))?
            .to_string();

        let (shared, frames) = Shared::new(peripheral, options.answer_delay);
        let app = gatt::serve(&adapter, &shared, options.write_without_response).await?;
        let advertiser = advertising::Advertiser::register(adapter.clone(), &shared).await?;

        let tasks = vec![
            tokio::spawn(gatt::keep(app)),
            tokio::spawn(link::send_frames(shared.clone(), frames)),
            tokio::spawn(link::watch_centrals(adapter.clone(), shared.clone())),
            tokio::spawn(advertising::run(advertiser, shared.clone(), options.tick)),
        ];
        Ok(Self {
            shared,
            adapter,
            address,
            tasks,
        })
    }

    /// The adapter's name (e.g. "hci1").
    pub fn adapter_name(&self) -> &str {
        self.adapter.name()
    }

    /// The adapter's Bluetooth address, as a central sees the lock.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// What crossed the link so far.
    pub fn stats(&self) -> PeripheralStats {
        self.shared.stats()
    }

    /// Every response frame so far, oldest first, with the RX writes that
    /// led to it and the TX notifications that carried it.
    pub fn exchanges(&self) -> Vec<ExchangeRecord> {
        self.shared.exchanges()
    }

    /// Stops serving: disconnects the central (as the radio link would
    /// drop when a lock stops), withdraws the advertisement and the GATT
    /// service. The peripheral model itself is left as it is, so a new
    /// `start` with it continues where this one stopped.
    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    async fn shutdown(&mut self) {
        self.shared.stop();
        for task in self.tasks.drain(..) {
            task.abort();
            let _ = task.await;
        }
        if let Some(central) = self.shared.take_central() {
            if let Ok(device) = self.adapter.device(central) {
                let _ = device.disconnect().await;
            }
        }
    }
}

impl Drop for BluezPeripheral {
    fn drop(&mut self) {
        self.shared.stop();
        for task in &self.tasks {
            task.abort();
        }
    }
}
