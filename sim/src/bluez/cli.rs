//! `latchkey-sim peripheral`: a simulated lock, commissioned in memory,
//! served as a BLE peripheral on a real adapter (a Raspberry Pi becomes a
//! test lock) or on BlueZoo.
//!
//! Each bolt movement is printed as it happens (`bolt: unlocked
//! (actuation 1)`), so whoever watches the lock (a person, or a test
//! driving the process) sees what the door did even when the process is
//! killed before it answered.

use super::{BluezPeripheral, PeripheralOptions, WallClockDriver};
use crate::authority::KeyAuthority;
use crate::lock::{LockConfig, SimLock};
use crate::{Peripheral, VirtualClock};
use latchkey_protocol::{hex, Advertisement, LockId, SigningKey};
use serde_json::{json, Value};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    let lock = SimLock::commission_with_identity(
        SigningKey::from_pkcs8(&commissioning.identity_pkcs8).map_err(|e| format!("identity key: {e}"))?,
        commissioning.issuer.public_key(),
        commissioning.lock_id,
        clock,
        LockConfig::default(),
    )
    .map_err(|e| format!("commissioning the lock: {e}"))?;
    let identity = lock.identity_public_key();
    let lock: Arc<Mutex<dyn Peripheral>> = Arc::new(Mutex::new(Narrated { lock, actuations: 0 }));
    let options = PeripheralOptions {
        adapter: args.adapter.clone(),
        answer_delay: Duration::from_millis(args.answer_delay_ms),
        ..PeripheralOptions::default()
    };
    let peripheral = BluezPeripheral::start(lock, options).await.map_err(|e| e.to_string())?;

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
    println!(
        "issuer key (SEC1):    {}",
        hex::encode(&commissioning.issuer.public_key().to_sec1())
    );
    match &args.commissioning {
        Some(path) => {
            let text = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?;
            std::fs::write(path, text + "\n").map_err(|e| format!("writing {}: {e}", path.display()))?;
            println!(
                "commissioning file:   {} (holds the issuer's secret key)",
                path.display()
            );
        }
        None => println!("issuer PKCS#8 (secret): {}", hex::encode(commissioning.issuer.pkcs8())),
    }
    println!("advertising; Ctrl-C stops");

    match args.seconds {
        Some(seconds) => tokio::time::sleep(Duration::from_secs(seconds)).await,
        None => {
            let _ = tokio::signal::ctrl_c().await;
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

/// The lock, printing a line each time its bolt moves.
struct Narrated {
    lock: SimLock,
    actuations: u64,
}

impl Peripheral for Narrated {
    fn advertisement(&mut self) -> Advertisement {
        self.lock.advertisement()
    }
    fn on_connect(&mut self, mtu: u16) {
        self.lock.on_connect(mtu);
    }
    fn on_disconnect(&mut self) {
        self.lock.on_disconnect();
    }
    fn on_packet(&mut self, packet: &[u8]) -> Option<Vec<u8>> {
        let answer = self.lock.on_packet(packet);
        let actuations = self.lock.actuation_count();
        if actuations != self.actuations {
            self.actuations = actuations;
            let bolt = format!("{:?}", self.lock.status().bolt).to_lowercase();
            // Flushed at once: the process may be killed before it answers.
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "bolt: {bolt} (actuation {actuations})");
            let _ = out.flush();
        }
        answer
    }
    fn on_tick(&mut self) -> Option<Vec<u8>> {
        self.lock.on_tick()
    }
    fn asym_ops(&self) -> u64 {
        self.lock.asym_ops()
    }
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
