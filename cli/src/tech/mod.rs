//! The technician commands: scan, status, unlock, lock, events, keys,
//! offline-check and sync, against the simulated site by default or a
//! real lock over Bluetooth with `--ble`; and the guided doctor flow.

mod checks;
pub mod guided;
mod output;
mod progress;
mod radio;
pub mod site;
pub mod sync;

use crate::output::Style;
use latchkey_protocol::Command;
use site::{Site, Target};
use std::process::ExitCode;
use std::time::Duration;

/// A technician command.
#[derive(Debug, Clone, Copy)]
pub enum Tech {
    /// Locks in range.
    Scan {
        /// How long to listen, in seconds.
        seconds: u64,
    },
    /// Read the status.
    Status,
    /// Unlock.
    Unlock,
    /// Lock.
    Lock,
    /// The lock's log.
    Events,
    /// Keys on the phone.
    Keys,
    /// Readiness for an outage.
    OfflineCheck,
}

/// Runs one command and prints its outcome.
pub async fn run(command: Tech, target: &Target) -> ExitCode {
    let style = Style::detect(target.no_color);
    let result = async {
        let site = Site::open(target).await?;
        match command {
            Tech::Scan { seconds } => radio::scan(&site, Duration::from_secs(seconds)).await,
            Tech::Status => radio::command(&site, target, Command::Status).await,
            Tech::Unlock => radio::command(&site, target, Command::Unlock).await,
            Tech::Lock => radio::command(&site, target, Command::Lock).await,
            Tech::Events => radio::events(&site, target).await,
            Tech::Keys => checks::keys(&site).await,
            Tech::OfflineCheck => checks::offline_check(&site, target).await,
        }
    }
    .await;
    output::print(result, target.json, style)
}

/// Runs `sync`.
pub async fn run_sync(target: &Target, args: &sync::SyncArgs) -> ExitCode {
    let style = Style::detect(target.no_color);
    output::print(sync::run(target, args).await, target.json, style)
}

/// A unix time as `YYYY-MM-DD HH:MM` UTC.
pub(crate) fn when(unix: u32) -> String {
    latchkey_core::sheet::datetime(unix, 0)
}
