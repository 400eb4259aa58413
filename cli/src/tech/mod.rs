//! The technician commands: scan, status, unlock, lock, events, keys,
//! offline-check and sync, against the simulated site by default or a
//! real lock over Bluetooth with `--ble`.

pub mod checks;
mod display;
mod events;
mod open;
pub mod output;
pub mod progress;
mod quick;
mod radio;
mod simulated;
pub mod site;
pub mod sync;

pub(crate) use display::{short, when};

use crate::locales::Language;
use latchkey_protocol::Command;
use output::CliError;
use site::{Site, Target};
use std::process::ExitCode;
use std::time::Duration;

/// A technician command.
#[derive(Debug, Clone)]
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
    /// Readiness for an outage, in a language.
    OfflineCheck(Language),
}

/// Runs one command and prints its outcome.
pub async fn run(command: Tech, target: &Target) -> ExitCode {
    let mut quarantine = None;
    let result = async {
        if target.quick {
            return match command {
                Tech::Status => quick::command(target, Command::Status).await,
                Tech::Unlock => quick::command(target, Command::Unlock).await,
                Tech::Lock => quick::command(target, Command::Lock).await,
                _ => Err(CliError::Usage("--quick goes with unlock, lock and status".into())),
            };
        }
        let site = match command {
            Tech::Keys => Site::open_store(target).await?,
            _ => Site::open(target).await?,
        };
        quarantine = site.quarantine().cloned();
        match &command {
            Tech::Scan { seconds } => radio::scan(&site, Duration::from_secs(*seconds)).await,
            Tech::Status => radio::command(&site, target, Command::Status).await,
            Tech::Unlock => radio::command(&site, target, Command::Unlock).await,
            Tech::Lock => radio::command(&site, target, Command::Lock).await,
            Tech::Events => events::events(&site, target).await,
            Tech::Keys => checks::keys(&site).await,
            Tech::OfflineCheck(language) => checks::offline_check(&site, target, language).await,
        }
    }
    .await;
    output::print_noting(result, quarantine.as_ref(), target.json, target.no_color)
}

/// Runs `sync`.
pub async fn run_sync(target: &Target, args: &sync::SyncArgs) -> ExitCode {
    let (result, quarantine) = sync::run(target, args).await;
    output::print_noting(result, quarantine.as_ref(), target.json, target.no_color)
}

impl From<latchkey_core::outbox::OutboxError> for CliError {
    fn from(e: latchkey_core::outbox::OutboxError) -> Self {
        Self::Latchkey(latchkey_core::LatchkeyError::Storage(e.to_string()))
    }
}
