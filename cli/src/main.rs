//! # latchkey (the command-line tool)
//!
//! The demo that tells latchkey's whole offline story against the
//! reference cloud and a simulated lock, and the commands a service
//! technician runs (simulated site by default, a real lock with `--ble`,
//! a real phone store with `--data-dir`). docs/cli.md describes every
//! command.
//!
//! It is a thin shell over latchkey-core (and latchkey-sim for the
//! simulated site and the reference cloud): it sets the scene, calls and
//! prints, and must never contain protocol or policy logic of its own
//! (unlock path, validity, diagnosis, readiness, what to upload or what a
//! sheet shows are the library's). It is never a dependency of anything:
//! no crate, test harness or app links it; its tests drive the binary.

mod cloud;
mod cloud_check;
mod demo;
mod doctor;
mod life;
mod locales;
mod output;
mod sheet;
mod tech;

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use tech::site::Target;
use tech::sync::SyncArgs;
use tech::Tech;

/// latchkey: open your lock with no network, and know why when you can't.
#[derive(Parser)]
#[command(name = "latchkey", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Tell the whole offline story (reference cloud over TLS, a simulated lock, four phones), checking every step.
    Demo {
        /// Print the steps and their checks as JSON at the end instead of telling them.
        #[arg(long)]
        json: bool,
        /// Plain output without colours (also: NO_COLOR=1).
        #[arg(long)]
        no_color: bool,
        #[command(flatten)]
        locale: locales::LocaleArg,
    },
    /// Explain why this computer, a phone snapshot or the lock can't unlock, with the fix.
    Doctor(doctor::DoctorArgs),
    /// Print a lock's emergency access sheet (simulated lock, or a phone store's with --data-dir): who gets in offline, the backup way in, battery, what to do.
    Sheet(sheet::SheetArgs),
    /// Run the reference cloud on its own (HTTPS with a test CA; for the demo and app tests).
    Cloud(cloud::CloudArgs),
    /// Check a cloud against the API contract with the phone core's own sync engine (the vendor's conformance kit).
    CloudCheck(cloud_check::CloudCheckArgs),
    /// List latchkey locks in range with signal, battery and pending-events flag.
    Scan {
        /// How long to listen, in seconds.
        #[arg(long, default_value_t = 3)]
        seconds: u64,
        #[command(flatten)]
        target: Target,
    },
    /// Read a lock's status (bolt, door, battery, faults, clock) without moving the bolt.
    Status(Target),
    /// Unlock a lock.
    Unlock(Target),
    /// Lock a lock.
    Lock(Target),
    /// Fetch and show a lock's log, with gaps marked.
    Events(Target),
    /// List the keys on this phone, with validity and the offline flag.
    Keys(Target),
    /// Check that this phone would open the lock with no network.
    OfflineCheck(tech::checks::OfflineCheckArgs),
    /// Claim a new lock with the setup code on its label (simulated: a lock fresh from the factory).
    Claim(life::ClaimArgs),
    /// Bring a factory-reset lock back in one flow (simulated: the front door, reset first).
    Recommission(life::RecommissionArgs),
    /// A lock's firmware: what it runs (`show`), or deliver the update this phone carries (`update`).
    Firmware(life::FirmwareArgs),
    /// The languages latchkey speaks: list them, check locale files against English, stamp updated translations.
    Locales {
        #[command(subcommand)]
        command: locales::LocalesCommand,
    },
    /// Upload queued events and refresh keys from the cloud.
    Sync {
        #[command(flatten)]
        args: SyncArgs,
        #[command(flatten)]
        target: Target,
    },
}

fn main() -> ExitCode {
    quiet_panics();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("latchkey: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Demo { json, no_color, locale } => {
            runtime.block_on(demo::run(json, output::Style::detect(no_color), locale.language()))
        }
        Command::Doctor(args) => runtime.block_on(doctor::run(args)),
        Command::Sheet(args) => runtime.block_on(sheet::run(args)),
        Command::Cloud(args) => runtime.block_on(cloud::run(args)),
        Command::CloudCheck(args) => runtime.block_on(cloud_check::run(args)),
        Command::Scan { seconds, target } => runtime.block_on(tech::run(Tech::Scan { seconds }, &target)),
        Command::Status(target) => runtime.block_on(tech::run(Tech::Status, &target)),
        Command::Unlock(target) => runtime.block_on(tech::run(Tech::Unlock, &target)),
        Command::Lock(target) => runtime.block_on(tech::run(Tech::Lock, &target)),
        Command::Events(target) => runtime.block_on(tech::run(Tech::Events, &target)),
        Command::Keys(target) => runtime.block_on(tech::run(Tech::Keys, &target)),
        Command::OfflineCheck(args) => {
            runtime.block_on(tech::run(Tech::OfflineCheck(args.locale.language()), &args.target))
        }
        Command::Locales { command } => locales::run(command),
        Command::Claim(args) => runtime.block_on(life::claim(args)),
        Command::Recommission(args) => runtime.block_on(life::recommission(args)),
        Command::Firmware(args) => runtime.block_on(life::firmware(args)),
        Command::Sync { args, target } => runtime.block_on(tech::run_sync(&target, &args)),
    }
}

/// No backtraces for the person at the terminal: a closed pipe (`| head`)
/// ends the program quietly, a panic the store catches and handles itself
/// (damaged files, then quarantined) says nothing, anything else is one
/// line to report.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        if latchkey_core::panic_is_handled() {
            return;
        }
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("unknown");
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        let at = info.location().map(|l| format!(" at {l}")).unwrap_or_default();
        eprintln!("latchkey: internal error{at}: {message}. Please report it.");
    }));
}
