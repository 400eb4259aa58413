//! `latchkey-sim`: the simulated lock and its counterparts as processes.
//!
//! - `latchkey-sim peripheral --adapter hci1`: a lock served as a BLE
//!   peripheral through BlueZ (Linux).
//!
//! Each subcommand lives in the library; this file only dispatches.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// latchkey's simulated lock and counterparts.
#[derive(Debug, Parser)]
#[command(name = "latchkey-sim", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve a simulated lock as a Bluetooth LE peripheral through BlueZ.
    #[cfg(target_os = "linux")]
    Peripheral(latchkey_sim::bluez::PeripheralArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        #[cfg(target_os = "linux")]
        Command::Peripheral(args) => latchkey_sim::bluez::run_peripheral_command(args),
    }
}
