//! Where a technician command runs: the simulated site (the default, see
//! `simulated.rs`) or a real lock over this computer's Bluetooth (`--ble`),
//! with the phone's store in `--data-dir`. `open.rs` opens the one the
//! options ask for.

use super::display::short;
use clap::{Args, ValueEnum};
use latchkey_core::clock::{PhoneClock, SystemClock};
use latchkey_core::store::{LockMeta, Quarantined};
use latchkey_core::{Client, DiagnosisCode, LatchkeyError};
use latchkey_sim::lock::Fault;
use latchkey_testkit::{SimLockHandle, SimWorld};
use std::path::PathBuf;
use std::sync::Arc;

/// Options every technician command takes.
#[derive(Args, Debug, Clone, Default)]
pub struct Target {
    /// Print JSON on stdout (stable field names) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Use this computer's Bluetooth (btleplug) and the phone store in --data-dir.
    #[arg(long)]
    pub ble: bool,
    /// The phone's store (keys, outbox) for --ble, `keys` and `sync --cloud`; created if missing.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Reach the locks a simulated lock process serves on this Unix socket (tests and the benchmark) instead of Bluetooth; with --data-dir.
    #[arg(long, value_name = "PATH")]
    pub lock_socket: Option<PathBuf>,
    /// The quick-access directory shared with widgets and watches: with --data-dir the app keeps it current; with --quick, unlock through it.
    #[arg(long, value_name = "DIR")]
    pub quick_dir: Option<PathBuf>,
    /// Act as a widget or watch would: through --quick-dir only, never opening the store (its key store is found beside --data-dir). Needs --lock ID.
    #[arg(long)]
    pub quick: bool,
    /// With --ble: the Bluetooth adapter to use, e.g. hci0 (default: the first).
    #[arg(long, value_name = "NAME")]
    pub adapter: Option<String>,
    /// The lock, by name or id (default: the first this phone knows, by name).
    #[arg(long, value_name = "NAME|ID")]
    pub lock: Option<String>,
    /// Give the simulated front door a fault, which the resident ran into before you came.
    #[arg(long, value_enum, value_name = "FAULT")]
    pub sim_fault: Option<SimFault>,
    /// Plain output without colours (also: NO_COLOR=1).
    #[arg(long)]
    pub no_color: bool,
}

/// Faults the simulated lock can be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimFault {
    /// The bolt binds: the motor stalls.
    Jammed,
    /// The strike plate is out of line: locking stops short.
    MisalignedStrike,
    /// The batteries are low but still work.
    BatteryLow,
    /// The batteries are too weak to move the bolt.
    BatteryFlat,
    /// The door stands open.
    DoorOpen,
}

impl SimFault {
    /// The lock model's fault.
    pub fn fault(self) -> Fault {
        match self {
            Self::Jammed => Fault::JammedBolt,
            Self::MisalignedStrike => Fault::MisalignedStrike,
            Self::BatteryLow => Fault::BatteryMv(4600),
            Self::BatteryFlat => Fault::BatteryMv(4300),
            Self::DoorOpen => Fault::DoorOpen,
        }
    }

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jammed => "jammed",
            Self::MisalignedStrike => "misaligned-strike",
            Self::BatteryLow => "battery-low",
            Self::BatteryFlat => "battery-flat",
            Self::DoorOpen => "door-open",
        }
    }
}

/// Where a technician command runs: the technician's client and, for the
/// simulated site, the world its locks live in.
pub struct Site {
    /// The technician's phone.
    pub client: Arc<Client>,
    /// The simulated world (None with --ble or a store of its own).
    pub world: Option<SimWorld>,
    /// The simulated locks (empty with --ble).
    pub locks: Vec<SimLockHandle>,
    /// "simulated site (…)" or "Bluetooth, phone store …".
    pub description: String,
    /// Whether commands reach a real lock.
    pub real: bool,
    pub(super) _dir: Option<tempfile::TempDir>,
}

impl Site {
    /// The phone's store, when `--data-dir` named one that could not be
    /// read: it was renamed aside and an empty one started.
    pub fn quarantine(&self) -> Option<&Quarantined> {
        self.client.store_quarantine()
    }

    /// The phone's clock now (virtual for the simulated site).
    pub fn now(&self) -> u32 {
        match &self.world {
            Some(w) => w.clock.unix_now(),
            None => SystemClock.now_unix(),
        }
    }

    /// The lock the options name, or the first one known (by name).
    pub async fn lock(&self, wanted: Option<&str>) -> Result<LockMeta, LatchkeyError> {
        let mut locks = self.client.store().locks().list_meta()?;
        locks.sort_by(|a, b| a.name.cmp(&b.name));
        let found = match wanted {
            None => locks.into_iter().next(),
            Some(w) => locks
                .into_iter()
                .find(|m| m.name.eq_ignore_ascii_case(w) || m.lock_id.to_string() == w.to_ascii_lowercase()),
        };
        found.ok_or_else(|| {
            LatchkeyError::refused_locally(
                DiagnosisCode::UnknownLock,
                match wanted {
                    Some(w) => format!("this phone knows no lock called {w:?} (see `latchkey keys`)"),
                    None => "this phone knows no lock yet: sync with the cloud first (`latchkey sync`)".into(),
                },
            )
        })
    }
}

/// The btleplug options `--adapter` asks for.
#[cfg(feature = "ble")]
pub fn ble_options(target: &Target) -> latchkey_core::transport::ble::BleOptions {
    match &target.adapter {
        Some(name) => latchkey_core::transport::ble::BleOptions::on_adapter(name),
        None => Default::default(),
    }
}

/// A lock as people see it: its name and the start of its id.
pub fn lock_label(meta: &LockMeta) -> String {
    format!("{} ({})", meta.name, short(&meta.lock_id))
}
