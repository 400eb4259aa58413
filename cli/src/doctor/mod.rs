//! `latchkey doctor`: explains why a phone or computer can't open a lock.
//!
//! - With no file, it looks at this computer (see `platform.rs`) and at the
//!   lock: the simulated front door (optionally with `--sim-fault`) or,
//!   with `--ble`, the real one; it reads the lock's status and diagnoses
//!   both halves together. On a terminal it then offers the guided flow.
//! - `--snapshot FILE [--observations FILE]` diagnoses a platform snapshot
//!   (and lock observations) in the JSON format the bindings use
//!   (`docs/diagnostics.md`).
//! - `--guided [SYMPTOM]` walks the troubleshooting flow (`guided.rs`).
//!
//! `--locale` (default: the environment's) picks the findings' language.
//! `--json` prints `{"findings": [...]}` with each finding's code,
//! severity, title, explanation, steps and action. Exit status: 0 when the
//! diagnosis was made (whatever it found), 1 when the lock or phone could
//! not be set up (with that diagnosis), 2 when an input can't be read.

mod guided;
pub mod platform;
mod report;

use crate::locales::{Language, LocaleArg};
use crate::output::Style;
use crate::tech::output::{self, CliError};
use crate::tech::progress::Spinner;
use crate::tech::site::{lock_label, Site, Target};
use latchkey_core::diagnostics::{diagnose_in, LockObservations, PlatformSnapshot};
use latchkey_core::store::LockMeta;
use latchkey_protocol::Command;
use report::DoctorReport;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `latchkey doctor`.
#[derive(Debug, Clone, clap::Args)]
pub struct DoctorArgs {
    /// A platform snapshot (JSON, see docs/diagnostics.md) instead of this computer.
    #[arg(long, value_name = "FILE")]
    snapshot: Option<PathBuf>,
    /// Lock observations (JSON) instead of reading the lock.
    #[arg(long, value_name = "FILE")]
    observations: Option<PathBuf>,
    /// Walk through the troubleshooting flow, answering on stdin:
    /// cant_connect, keys_dont_work, status_wont_update or
    /// door_not_fully_locking (without a value: pick from a menu).
    #[arg(long, value_name = "SYMPTOM", num_args = 0..=1, default_missing_value = "")]
    guided: Option<String>,
    #[command(flatten)]
    target: Target,
    #[command(flatten)]
    locale: LocaleArg,
}

/// Runs `latchkey doctor`.
pub async fn run(args: DoctorArgs) -> ExitCode {
    match doctor(&args).await {
        Ok(code) => code,
        Err(e) => output::print(Err(e), args.target.json, args.target.no_color),
    }
}

async fn doctor(args: &DoctorArgs) -> Result<ExitCode, CliError> {
    let target = &args.target;
    let language = args.locale.language();
    if let Some(name) = &args.guided {
        if args.snapshot.is_some() || args.observations.is_some() {
            return Err(CliError::Usage(
                "--guided reads the lock itself: leave out --snapshot and --observations".into(),
            ));
        }
        let symptom = match name.as_str() {
            "" => None,
            name => Some(guided::symptom(name).map_err(CliError::Usage)?),
        };
        let site = Site::open(target).await?;
        let meta = site.lock(target.lock.as_deref()).await?;
        return guided::run(&site, &meta, symptom, target, &language).await;
    }
    let (report, lock) = report(args, &language).await?;
    if target.json {
        println!("{}", report::to_json(&report));
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", report::to_text(&report, Style::detect(target.no_color)));
    if let Some((site, meta)) = lock {
        if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
            return guided::offer(&site, &meta, target, &language).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The diagnosis, and the lock it read (when it read one).
async fn report(args: &DoctorArgs, language: &Language) -> Result<(DoctorReport, Option<(Site, LockMeta)>), CliError> {
    let (snapshot, platform_source, probe) = match &args.snapshot {
        Some(path) => {
            let snapshot = PlatformSnapshot::from_json(&read(path)?)
                .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
            (snapshot, path.display().to_string(), Vec::new())
        }
        None => {
            let p = platform::this_computer(&args.target).await;
            (p.snapshot, p.source, p.facts)
        }
    };
    let (observations, lock_source, lock) = match &args.observations {
        Some(path) => {
            let obs = LockObservations::from_json(&read(path)?)
                .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
            (obs, path.display().to_string(), None)
        }
        None if args.snapshot.is_some() => (LockObservations::default(), "none".to_string(), None),
        None => {
            let site = Site::open(&args.target).await?;
            match site.lock(args.target.lock.as_deref()).await {
                Ok(meta) => {
                    let (obs, source) = read_lock(&site, &meta).await?;
                    (obs, source, Some((site, meta)))
                }
                // The platform half is still worth having.
                Err(e) => (LockObservations::default(), format!("none ({e})"), None),
            }
        }
    };
    let report = DoctorReport {
        platform: snapshot.device.platform_name(),
        platform_source,
        probe,
        lock_source,
        findings: diagnose_in(&snapshot, &observations, &language.catalog, &language.locale),
    };
    Ok((report, lock))
}

/// Reads the lock's status (the wizard's check) and what the store knows.
pub(crate) async fn read_lock(site: &Site, meta: &LockMeta) -> Result<(LockObservations, String), CliError> {
    let spinner = Spinner::start("reading the lock's status…");
    let result = site
        .client
        .locks()
        .run_command(meta.lock_id, Command::Status, &spinner)
        .await;
    spinner.finish();
    let outcome = match &result {
        Ok(_) => "status read".to_string(),
        Err(e) => format!("status read failed: {e}"),
    };
    let source = format!("{}, {}, {outcome}", lock_label(meta), site.description);
    // The client remembers how the status read ended: the observations
    // carry it.
    Ok((site.client.diagnostics().observe(meta.lock_id).await?, source))
}

fn read(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))
}

#[cfg(test)]
mod tests;
