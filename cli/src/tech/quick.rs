//! `unlock --quick` (and `lock`, `status`): a command as a widget, a
//! watch or a Quick Settings tile runs it, through the quick-access
//! directory the app keeps (`--quick-dir`) and never opening the app's
//! store: latchkey-core's `QuickUnlock`, in a process of its own. The key
//! store that wraps the quick key is the software one beside `--data-dir`
//! (what the app uses on a computer); the lock is reached over `--ble` or
//! `--lock-socket`. It fails with the same diagnoses as a full command.

use super::open::radio_for;
use super::output::{CliError, Outcome};
use super::progress::Spinner;
use super::radio::report_outcome;
use super::short;
use super::site::Target;
use latchkey_core::platform_keys::SoftwareKeyStore;
use latchkey_core::{LatchkeyError, QuickUnlock};
use latchkey_protocol::{Command, LockId};
use std::sync::Arc;

/// Runs `command` through quick access.
pub async fn command(target: &Target, command: Command) -> Result<Outcome, CliError> {
    let usage = |m: &str| CliError::Usage(m.into());
    let dir = target
        .quick_dir
        .as_deref()
        .ok_or_else(|| usage("--quick needs --quick-dir DIR: the directory the app shares with widgets"))?;
    let data_dir = target.data_dir.as_deref().ok_or_else(|| {
        usage("--quick needs --data-dir DIR: the app's store, beside which its key store is (the store is not opened)")
    })?;
    let wanted = target
        .lock
        .as_deref()
        .ok_or_else(|| usage("--quick needs --lock ID (a lock's hex id)"))?;
    let lock_id = LockId::from_hex(wanted)
        .ok_or_else(|| usage("--quick names locks by id (32 hex digits): quick access has no list of names"))?;
    let key_file = SoftwareKeyStore::path_beside(data_dir);
    if !key_file.exists() {
        return Err(usage(&format!(
            "no key store at {}: run a command with --data-dir {} --quick-dir … first",
            key_file.display(),
            data_dir.display()
        )));
    }
    let key_store = Arc::new(SoftwareKeyStore::open_file(&key_file).map_err(LatchkeyError::from)?);
    let quick = QuickUnlock::builder(dir, key_store, radio_for(target)?).build();
    let spinner = Spinner::start("scanning for the lock…");
    // A widget says whether the phone is online; here the full command's
    // default holds: offline, only offline-allowed keys are used.
    let report = quick.run_command(lock_id, command, false, &spinner).await;
    spinner.finish();
    let report = report?;
    let label = format!("{} ({})", report.lock_name, short(&report.lock_id));
    Ok(report_outcome(&label, command, &report))
}
