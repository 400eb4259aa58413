//! `latchkey-sim peripheral`: a simulated lock served as a BLE peripheral
//! on a real adapter (a Raspberry Pi becomes a test lock) or on BlueZoo:
//! commissioned in memory, or (`--unclaimed`) as it leaves the factory,
//! waiting to be claimed with the setup code it prints.
//!
//! What happens to the lock is printed as it happens (`narrated.rs`): the
//! bolt moving, a claim, a new firmware, a factory reset, which SIGUSR1
//! does (the button inside the lock). `--firmware-vendor DIR` makes the
//! lock trust a lock maker kept in DIR, which writes its next image there
//! for a phone to carry (`vendor_dir.rs`).

use super::narrated::{say, Narrated};
use super::{vendor_dir, BluezPeripheral, PeripheralOptions, WallClockDriver};
use crate::authority::KeyAuthority;
use crate::lock::{LockConfig, SimLock};
use crate::{Peripheral, VirtualClock};
use latchkey_protocol::{hex, LockId, SetupSecret, SigningKey};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::signal::unix::{signal, SignalKind};

/// Arguments of `latchkey-sim peripheral`.
#[derive(Debug, Clone, clap::Args)]
pub struct PeripheralArgs {
    /// Adapter to serve on, e.g. hci1 (default: the system's default adapter).
    #[arg(long)]
    pub adapter: Option<String>,
    /// Commissioning file (JSON: lock id, identity and issuer keys). Read
    /// when it exists, so phones provisioned earlier keep working; written
    /// otherwise. Without it, a new lock is commissioned and printed.
    #[arg(long)]
    pub commissioning: Option<PathBuf>,
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long)]
    pub seconds: Option<u64>,
    /// Hold each answer this many milliseconds before notifying it: a slow
    /// lock, or a window to kill the process after the lock acted and
    /// before it answered.
    #[arg(long, default_value_t = 0)]
    pub answer_delay_ms: u64,
    /// Start as the lock leaves the factory: unclaimed, for a phone to
    /// claim with the setup code printed (the label inside its battery
    /// cover). The commissioning file then gives only its id and identity.
    #[arg(long)]
    pub unclaimed: bool,
    /// The lock maker's folder: the lock trusts the firmware key kept
    /// there (made when missing), and the maker's next image is written
    /// there for a phone to carry (`firmware-1.1.0.manifest`, `.image`).
    #[arg(long, value_name = "DIR")]
    pub firmware_vendor: Option<PathBuf>,
}

/// Runs the `peripheral` subcommand to completion.
pub fn run_peripheral_command(args: PeripheralArgs) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("latchkey-sim: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("latchkey-sim peripheral: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: PeripheralArgs) -> Result<(), String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
        .map_err(|e| format!("system clock before 1970: {e}"))?;
    let clock = VirtualClock::starting_at(now);
    let _wall = WallClockDriver::start(clock.clone(), Duration::from_millis(10));
    let commissioning = match &args.commissioning {
        Some(path) if path.exists() => Commissioning::load(path)?,
        _ => Commissioning::generate()?,
    };
    let mut config = LockConfig::default();
    let vendor = match &args.firmware_vendor {
        Some(dir) => Some(vendor_dir::open(dir, now)?),
        None => None,
    };
    config.vendor_key = vendor.as_ref().map(|v| v.key);
    let identity = SigningKey::from_pkcs8(&commissioning.identity_pkcs8).map_err(|e| format!("identity key: {e}"))?;
    let lock = if args.unclaimed {
        let secret = SetupSecret(latchkey_protocol::crypto::random_array().map_err(|e| format!("setup secret: {e}"))?);
        SimLock::factory_new(identity, commissioning.lock_id, secret, clock, config)
    } else {
        SimLock::commission_with_identity(
            identity,
            commissioning.issuer.public_key(),
            commissioning.lock_id,
            clock,
            config,
        )
    }
    .map_err(|e| format!("commissioning the lock: {e}"))?;
    let identity = lock.identity_public_key();
    let label = lock.label().to_text();
    let lock = Arc::new(Mutex::new(Narrated::new(lock)));
    let served: Arc<Mutex<dyn Peripheral>> = lock.clone();
    let options = PeripheralOptions {
        adapter: args.adapter.clone(),
        answer_delay: Duration::from_millis(args.answer_delay_ms),
        ..PeripheralOptions::default()
    };
    let peripheral = BluezPeripheral::start(served, options)
        .await
        .map_err(|e| e.to_string())?;

    let record = json!({
        "lock_id": commissioning.lock_id.to_hex(),
        "identity_public_key": hex::encode(&identity.to_sec1()),
        "identity_pkcs8": hex::encode(&commissioning.identity_pkcs8),
        "issuer_public_key": hex::encode(&commissioning.issuer.public_key().to_sec1()),
        "issuer_pkcs8": hex::encode(commissioning.issuer.pkcs8()),
        "adapter": peripheral.adapter_name(),
        "address": peripheral.address(),
    });
    println!(
        "latchkey-sim peripheral on {} ({})",
        peripheral.adapter_name(),
        peripheral.address()
    );
    println!("lock id:              {}", commissioning.lock_id.to_hex());
    println!("identity key (SEC1):  {}", hex::encode(&identity.to_sec1()));
    // An unclaimed lock has no issuer until a phone installs its account's.
    if !args.unclaimed {
        println!(
            "issuer key (SEC1):    {}",
            hex::encode(&commissioning.issuer.public_key().to_sec1())
        );
    }
    match &args.commissioning {
        Some(path) => {
            let text = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?;
            std::fs::write(path, text + "\n").map_err(|e| format!("writing {}: {e}", path.display()))?;
            println!(
                "commissioning file:   {} (holds the issuer's secret key)",
                path.display()
            );
        }
        None if !args.unclaimed => {
            println!("issuer PKCS#8 (secret): {}", hex::encode(commissioning.issuer.pkcs8()))
        }
        None => {}
    }
    if args.unclaimed {
        println!("unclaimed; setup code: {label}");
    }
    if let Some(vendor) = &vendor {
        println!(
            "vendor's next firmware: {} (manifest), {} (image)",
            vendor.manifest.display(),
            vendor.image.display()
        );
    }
    let mut reset_button = signal(SignalKind::user_defined1()).map_err(|e| format!("SIGUSR1: {e}"))?;
    say(&format!(
        "advertising; SIGUSR1 factory-resets (kill -USR1 {}), Ctrl-C stops",
        std::process::id()
    ));

    let stop = async {
        match args.seconds {
            Some(seconds) => tokio::time::sleep(Duration::from_secs(seconds)).await,
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    };
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = reset_button.recv() => lock.lock().unwrap_or_else(|p| p.into_inner()).factory_reset(),
        }
    }
    let stats = peripheral.stats();
    peripheral.stop().await;
    println!(
        "stopped: {} connections, {} packets in, {} frames out",
        stats.connects, stats.packets_in, stats.frames_out
    );
    Ok(())
}

/// What a phone needs to know about the lock, and the secrets to recreate it.
struct Commissioning {
    lock_id: LockId,
    identity_pkcs8: Vec<u8>,
    issuer: KeyAuthority,
}

impl Commissioning {
    fn generate() -> Result<Self, String> {
        let identity = SigningKey::generate().map_err(|e| format!("identity key: {e}"))?;
        Ok(Self {
            lock_id: LockId::random().map_err(|e| format!("lock id: {e}"))?,
            identity_pkcs8: identity.pkcs8().to_vec(),
            issuer: KeyAuthority::generate().map_err(|e| format!("issuer key: {e}"))?,
        })
    }

    fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let record: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let field = |name: &str| -> Result<Vec<u8>, String> {
            record
                .get(name)
                .and_then(Value::as_str)
                .and_then(hex::decode)
                .ok_or_else(|| format!("{}: missing or non-hex field {name}", path.display()))
        };
        let lock_id = record
            .get("lock_id")
            .and_then(Value::as_str)
            .and_then(LockId::from_hex)
            .ok_or_else(|| format!("{}: missing or bad lock_id", path.display()))?;
        Ok(Self {
            lock_id,
            identity_pkcs8: field("identity_pkcs8")?,
            issuer: KeyAuthority::from_pkcs8(&field("issuer_pkcs8")?).map_err(|e| format!("issuer key: {e}"))?,
        })
    }
}
