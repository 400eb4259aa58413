//! Opening the site a command asks for: a real lock over this computer's
//! Bluetooth (`--ble`, with the phone store in `--data-dir`), that store
//! alone with no radio, or by default the simulated site (`simulated.rs`).

use super::output::CliError;
use super::simulated;
use super::site::{Site, Target};
use latchkey_core::clock::{PhoneClock, SystemClock};
use latchkey_core::transport::Transport;
use latchkey_core::{Client, ClientBuilder, LatchkeyError};
use std::path::Path;
use std::sync::Arc;

impl Site {
    /// Opens the site the options ask for.
    pub async fn open(target: &Target) -> Result<Self, CliError> {
        if target.ble {
            let dir = target.data_dir.as_deref().ok_or_else(|| {
                CliError::Usage(
                    "--ble needs --data-dir DIR: the phone store holding the keys for the real lock \
                     (fill it with `latchkey sync --cloud …`)"
                        .into(),
                )
            })?;
            let client = open_client(dir, ble_transport(target)?).await?;
            return Ok(Self::of_store(client, dir, true));
        }
        if target.data_dir.is_some() {
            return Err(CliError::Usage(
                "--data-dir names a real phone's store: talking to a lock with it needs --ble \
                 (the simulated site is commissioned afresh for every command)"
                    .into(),
            ));
        }
        Ok(simulated::site(target.sim_fault).await?)
    }

    /// For commands that only read the phone's store (`keys`): like
    /// [`Site::open`], but `--data-dir` alone opens that store with no radio.
    pub async fn open_store(target: &Target) -> Result<Self, CliError> {
        match &target.data_dir {
            Some(dir) if !target.ble => Self::store_only(dir).await,
            _ => Self::open(target).await,
        }
    }

    /// The phone store in `dir` with no radio, for talking to a cloud.
    pub async fn store_only(dir: &Path) -> Result<Self, CliError> {
        let radio = latchkey_sim::radio::SimRadio::new(latchkey_sim::VirtualClock::starting_at(SystemClock.now_unix()));
        let transport = latchkey_testkit::SimTransport::new(radio, latchkey_sim::radio::LinkParams::mtu185());
        let client = open_client(dir, Arc::new(transport)).await?;
        Ok(Self::of_store(client, dir, false))
    }

    fn of_store(client: Arc<Client>, dir: &Path, real: bool) -> Self {
        let how = if real { "Bluetooth" } else { "no radio" };
        Self {
            client,
            world: None,
            locks: Vec::new(),
            description: format!("{how}, phone store {}", dir.display()),
            real,
            _dir: None,
        }
    }
}

/// A client over `transport` with its encrypted store in `dir` (created if
/// missing), software platform keys (a technician's computer has no
/// StrongBox) and this computer's clock. A store that could not be read
/// was quarantined: the site's commands say so ([`Site::quarantine`]).
async fn open_client(dir: &Path, transport: Arc<dyn Transport>) -> Result<Arc<Client>, CliError> {
    Ok(ClientBuilder::new(dir)
        .allow_software_keys()
        .transport(transport)
        .build()
        .await
        .map_err(LatchkeyError::from)?)
}

#[cfg(feature = "ble")]
fn ble_transport(target: &Target) -> Result<Arc<dyn Transport>, CliError> {
    Ok(Arc::new(latchkey_core::transport::ble::BleTransport::new(
        super::site::ble_options(target),
    )))
}

#[cfg(not(feature = "ble"))]
fn ble_transport(_target: &Target) -> Result<Arc<dyn Transport>, CliError> {
    Err(CliError::Latchkey(LatchkeyError::Bluetooth {
        code: latchkey_core::DiagnosisCode::BluetoothUnavailable,
        detail: "this latchkey was built without Bluetooth support (build it with `--features ble`)".into(),
    }))
}
