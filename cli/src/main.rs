//! # latchkey (the command-line tool)
//!
//! The demo that tells latchkey's whole offline story against a simulated
//! lock, and (as they arrive) the commands a service technician runs. It
//! is a thin shell over latchkey-core: it must never contain protocol or
//! policy logic of its own.

mod cloud;
mod demo;
mod doctor;
mod output;
mod sheet;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// latchkey: open your lock with no network, and know why when you can't.
#[derive(Parser)]
#[command(name = "latchkey", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Tell the whole offline story against a simulated lock, step by step.
    Demo {
        /// Plain output without colours.
        #[arg(long)]
        no_color: bool,
    },
    /// Explain why this computer, a phone snapshot or the lock can't unlock, with the fix.
    Doctor(doctor::DoctorArgs),
    /// Print a lock's emergency access sheet (simulated lock): who can get in
    /// without a network, the backup way in, battery advice, the last
    /// offline-readiness check and what to do when the app can't connect.
    /// It holds no keys, PINs or secrets.
    Sheet(sheet::SheetArgs),
    /// Run the reference cloud on its own (HTTPS with a test CA; for the demo and app tests).
    Cloud(cloud::CloudArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("latchkey: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Demo { no_color } => runtime.block_on(demo::run(output::Style::detect(no_color))),
        Command::Doctor(args) => runtime.block_on(doctor::run(args)),
        Command::Sheet(args) => runtime.block_on(sheet::run(args)),
        Command::Cloud(args) => runtime.block_on(cloud::run(args)),
    }
}
