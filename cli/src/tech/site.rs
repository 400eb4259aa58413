//! Where a technician command runs: a simulated site (the default) or
//! the real Bluetooth stack (`--ble`, with a phone store in `--data-dir`).
//!
//! The simulated site is commissioned afresh for each command, at the
//! computer's clock: a "Front door" that a resident used this morning
//! (its log has news) and a "Garage" whose small log has overwritten its
//! oldest entries (so `events` shows a gap), the technician's phone with a
//! service key to both, and any `--sim-fault` injected into the front door.

use clap::{Args, ValueEnum};
use latchkey_core::clock::{PhoneClock, SystemClock};
use latchkey_core::simworld::{GrantSpec, SimLockHandle, SimWorld};
use latchkey_core::store::LockMeta;
use latchkey_core::unlock::NoProgress;
use latchkey_core::{LatchkeyError, Phone};
use latchkey_protocol::{Command, LockId, Role};
use latchkey_sim::lock::{Fault, LockConfig};
use latchkey_sim::radio::LinkParams;
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
    /// The phone's data directory (credential store, outbox). Required with --ble.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The lock, by name or id (default: the first this phone knows).
    #[arg(long, value_name = "NAME|ID")]
    pub lock: Option<String>,
    /// Give the simulated front door a fault first.
    #[arg(long, value_enum)]
    pub sim_fault: Option<SimFault>,
    /// Plain output without colours.
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
}

/// A phone ready for commands, and what it runs against.
pub struct Site {
    /// The technician's phone.
    pub phone: Arc<Phone>,
    /// The simulated world (None with --ble).
    pub world: Option<SimWorld>,
    /// The simulated locks (empty with --ble).
    pub locks: Vec<SimLockHandle>,
    /// "simulated site" or "Bluetooth (adapter …)".
    pub description: String,
    _dir: Option<tempfile::TempDir>,
}

impl Site {
    /// Opens the site the options ask for.
    pub async fn open(target: &Target) -> Result<Self, LatchkeyError> {
        if target.ble {
            return ble_site(target);
        }
        simulated(target).await
    }

    /// The phone's clock now (virtual for the simulated site).
    pub fn now(&self) -> u32 {
        match &self.world {
            Some(w) => w.clock.unix_now(),
            None => SystemClock.now_unix(),
        }
    }

    /// The lock the options name, or the first one known.
    pub async fn lock(&self, wanted: Option<&str>) -> Result<LockMeta, LatchkeyError> {
        let mut locks = self.phone.store().locks().list_meta()?;
        locks.sort_by(|a, b| a.name.cmp(&b.name));
        let found = match wanted {
            None => locks.into_iter().next(),
            Some(w) => locks
                .into_iter()
                .find(|m| m.name.eq_ignore_ascii_case(w) || m.lock_id.to_string() == w.to_ascii_lowercase()),
        };
        found.ok_or_else(|| {
            LatchkeyError::refused_locally(
                latchkey_core::DiagnosisCode::UnknownLock,
                match wanted {
                    Some(w) => format!("this phone knows no lock called {w:?} (see `latchkey keys`)"),
                    None => "this phone knows no lock yet: sync with the cloud first (`latchkey sync`)".into(),
                },
            )
        })
    }
}

async fn simulated(target: &Target) -> Result<Site, LatchkeyError> {
    let storage = |e: std::io::Error| LatchkeyError::Storage(e.to_string());
    let now = SystemClock.now_unix();
    // The site's history runs over the last two days, ending now.
    let world = SimWorld::new(now - 2 * 86_400)?;
    let front = world.add_lock("Front door", LockConfig::default())?;
    let garage = world.add_lock(
        "Garage",
        LockConfig {
            event_capacity: 16,
            ..LockConfig::default()
        },
    )?;
    let resident_dir = tempfile::tempdir().map_err(storage)?;
    let resident = world
        .phone(resident_dir.path(), LinkParams::mtu185(), &[&front, &garage])
        .await?;
    let key = world.issue(&resident, &front, GrantSpec::resident(now - 2 * 86_400))?;
    resident.add_key(key, "resident").await?;
    for command in [Command::Unlock, Command::Lock] {
        resident.run_command(front.id(), command, &NoProgress).await?;
    }
    // Keypad entries no phone has collected yet: a few at the front door,
    // more at the garage than its 16-entry log holds.
    keypad_history(&world, &front, 3);
    keypad_history(&world, &garage, 20);
    world
        .clock
        .advance_secs(now.saturating_sub(world.clock.unix_now()).into());

    let dir = match &target.data_dir {
        Some(_) => None,
        None => Some(tempfile::tempdir().map_err(storage)?),
    };
    let path = target
        .data_dir
        .clone()
        .or_else(|| dir.as_ref().map(|d| d.path().to_path_buf()))
        .ok_or_else(|| LatchkeyError::Storage("no data directory".into()))?;
    std::fs::create_dir_all(&path).map_err(storage)?;
    let phone = world.phone(&path, LinkParams::mtu185(), &[&front, &garage]).await?;
    for lock in [&front, &garage] {
        let spec = GrantSpec {
            role: Role::Service,
            ..GrantSpec::resident(now - 60)
        };
        let key = world.issue(&phone, lock, spec)?;
        phone.add_key(key, "Technician (service)").await?;
    }
    if let Some(fault) = target.sim_fault {
        front.lock().inject(fault.fault());
    }
    Ok(Site {
        phone: Arc::new(phone),
        world: Some(world),
        locks: vec![front, garage],
        description: "simulated site (Front door, Garage)".into(),
        _dir: dir,
    })
}

/// `entries` wrong codes typed on the keypad, an hour apart (a lockout lasts at most an hour).
fn keypad_history(world: &SimWorld, lock: &SimLockHandle, entries: u32) {
    for _ in 0..entries {
        lock.lock().enter_pin("000000");
        world.clock.advance_secs(3600);
    }
}

#[cfg(feature = "ble")]
fn ble_site(target: &Target) -> Result<Site, LatchkeyError> {
    use latchkey_core::keys::{SoftwareKeyStore, SoftwareSigner};
    use latchkey_core::store::Store;
    use latchkey_core::transport::ble::{BleOptions, BleTransport};
    let dir = target.data_dir.clone().ok_or_else(needs_data_dir)?;
    let keystore = Arc::new(SoftwareKeyStore::beside(&dir).map_err(|e| LatchkeyError::Storage(e.to_string()))?);
    let store = Store::open(&dir, keystore)?.store;
    let signer = Arc::new(SoftwareSigner::load_or_create(&store)?);
    let transport = Arc::new(BleTransport::new(BleOptions::default()));
    let phone = Phone::new(store, signer, transport, Arc::new(SystemClock))?;
    Ok(Site {
        phone: Arc::new(phone),
        world: None,
        locks: Vec::new(),
        description: format!("Bluetooth, phone store {}", dir.display()),
        _dir: None,
    })
}

#[cfg(not(feature = "ble"))]
fn ble_site(_target: &Target) -> Result<Site, LatchkeyError> {
    Err(LatchkeyError::Bluetooth {
        code: latchkey_core::DiagnosisCode::BluetoothUnavailable,
        detail: "this latchkey was built without Bluetooth support (build with `--features ble`)".into(),
    })
}

#[cfg_attr(not(feature = "ble"), allow(dead_code))]
fn needs_data_dir() -> LatchkeyError {
    LatchkeyError::Storage(
        "--ble needs --data-dir: the phone store holding keys for the real lock (fill it with `latchkey sync`)".into(),
    )
}

/// A lock id printed the way the store and the cloud print it.
pub fn lock_label(meta: &LockMeta) -> String {
    format!("{} ({})", meta.name, short(&meta.lock_id))
}

fn short(id: &LockId) -> String {
    id.to_string().chars().take(8).collect()
}
