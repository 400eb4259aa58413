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
        if let Some(socket) = &target.lock_socket {
            let dir = target.data_dir.as_deref().ok_or_else(|| {
                CliError::Usage("--lock-socket needs --data-dir DIR: the phone store holding the keys".into())
            })?;
            let transport = Arc::new(latchkey_testkit::lock_socket::SocketTransport::new(socket));
            let client = open_client(dir, transport, target).await?;
            return Ok(Self::of_store(client, dir, true));
        }
        if target.ble {
            let dir = target.data_dir.as_deref().ok_or_else(|| {
                CliError::Usage(
                    "--ble needs --data-dir DIR: the phone store holding the keys for the real lock \
                     (fill it with `latchkey sync --cloud …`)"
                        .into(),
                )
            })?;
            let client = open_client(dir, ble_transport(target)?, target).await?;
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
        let client = open_client(dir, Arc::new(transport), &Target::default()).await?;
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
/// With `--quick-dir`, the client keeps quick access there.
async fn open_client(dir: &Path, transport: Arc<dyn Transport>, target: &Target) -> Result<Arc<Client>, CliError> {
    let mut builder = ClientBuilder::new(dir).allow_software_keys().transport(transport);
    if let Some(quick) = &target.quick_dir {
        builder = builder.quick_access(quick);
    }
    Ok(builder.build().await.map_err(LatchkeyError::from)?)
}

/// The transport `--lock-socket` or `--ble` asks for (quick access has no
/// simulated site: its keys are the app's).
pub(super) fn radio_for(target: &Target) -> Result<Arc<dyn Transport>, CliError> {
    match &target.lock_socket {
        Some(socket) => Ok(Arc::new(latchkey_testkit::lock_socket::SocketTransport::new(socket))),
        None if target.ble => ble_transport(target),
        None => Err(CliError::Usage(
            "--quick talks to the lock the app's keys are for: add --ble (or --lock-socket PATH)".into(),
        )),
    }
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
