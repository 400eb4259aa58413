//! `latchkey sheet`: the emergency access sheet of a lock, printed to
//! stdout.
//!
//! - By default, against the simulated world (like the demo): a host's
//!   phone with a resident key, keypad PINs for a resident and a cleaner,
//!   the lock's offline PIN secret and a backup way in on record; one
//!   unlock delivers the PINs and reads the battery; the offline-readiness
//!   check runs on a healthy simulated platform.
//! - With `--data-dir DIR` (and `--lock NAME|ID`), the sheet of a lock a
//!   real phone store knows, opened with no radio the way `keys` and
//!   `sync --cloud` open it. The command has no readiness check to print
//!   (only the app can take the platform snapshot it needs), so the sheet
//!   says none was run.
//!
//! `--locale` (default: the environment's) writes the whole sheet in one
//! of the shipped languages, its dates in that language's way.
//!
//! Everything on the sheet comes from latchkey-core; this file only sets
//! the scene, opens the store and prints.

use crate::locales::{Language, LocaleArg};
use crate::tech::output::{self, CliError};
use crate::tech::site::Site;
use clap::{Args, ValueEnum};
use latchkey_core::diagnostics::{
    offline_readiness_in, DeviceSnapshot, LockObservations, PlatformSnapshot, ReadinessPolicy, UnlockRecord,
};
use latchkey_core::sheet::{EmergencySheet, ReadinessSummary};
use latchkey_core::store::BackupMethod;
use latchkey_core::unlock::NoProgress;
use latchkey_protocol::{PinClass, PinDigits, PinRule, Schedule};
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::START;
use latchkey_testkit::{GrantSpec, SimWorld};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DAY: u32 = 86_400;

/// How to print the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SheetFormat {
    /// Markdown (headings, a table of credentials).
    Markdown,
    /// Plain text wrapped at 80 columns, ready to print.
    Text,
    /// JSON with stable field names, for scripts.
    Json,
}

/// Options of `latchkey sheet`.
#[derive(Debug, Args)]
pub struct SheetArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = SheetFormat::Markdown)]
    pub format: SheetFormat,
    /// The same as `--format json`.
    #[arg(long)]
    pub json: bool,
    /// A real phone's store: print the sheet of a lock it knows instead of the simulated one.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// With --data-dir: the lock, by name or id (default: the first the store knows, by name).
    #[arg(long, value_name = "NAME|ID", requires = "data_dir")]
    pub lock: Option<String>,
    #[command(flatten)]
    pub locale: LocaleArg,
}

/// Prints the sheet. Exit status 1 with the diagnosis when the store's
/// lock can't be found or read (or the simulated world could not be set
/// up), 2 when `--data-dir` names no directory.
pub async fn run(args: SheetArgs) -> ExitCode {
    let format = if args.json { SheetFormat::Json } else { args.format };
    let language = args.locale.language();
    let sheet = match &args.data_dir {
        Some(dir) => match stored(dir, args.lock.as_deref(), &language).await {
            Ok(sheet) => sheet,
            Err(e) => return output::print(Err(e), format == SheetFormat::Json, false),
        },
        None => match simulated(&language).await {
            Ok(sheet) => sheet,
            Err(e) => {
                eprintln!("latchkey sheet: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    print!("{}", render(&sheet, format, &language));
    ExitCode::SUCCESS
}

/// The sheet in the asked format and language.
fn render(sheet: &EmergencySheet, format: SheetFormat, language: &Language) -> String {
    match format {
        SheetFormat::Markdown => sheet.to_markdown_in(&language.texts()),
        SheetFormat::Text => sheet.to_text_in(&language.texts()),
        SheetFormat::Json => format!("{}\n", output::pretty(&to_json(sheet))),
    }
}

/// The sheet of the lock `wanted` (or the first by name) in the phone
/// store in `dir`, as of this computer's clock.
async fn stored(dir: &Path, wanted: Option<&str>, language: &Language) -> Result<EmergencySheet, CliError> {
    // Opening creates a store where there is none; a mistyped path should
    // not leave an empty one behind.
    if !dir.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is not a directory: --data-dir names an existing phone store (fill one with `latchkey sync --cloud …`)",
            dir.display()
        )));
    }
    let site = Site::store_only(dir).await?;
    if let Some(q) = site.quarantine() {
        eprintln!("latchkey: {}", crate::tech::output::quarantine_text(q));
    }
    let meta = site.lock(wanted).await?;
    Ok(site
        .client
        .emergency()
        .sheet_in(meta.lock_id, None, &language.catalog, &language.locale)
        .await?)
}

/// The sheet of the simulated front door.
async fn simulated(language: &Language) -> Result<EmergencySheet, String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let world = SimWorld::new(START).map_err(|e| err(&e))?;
    let config = LockConfig {
        utc_offset_min: 60,
        ..LockConfig::default()
    };
    let lock = world.add_lock("Front door", config).map_err(|e| err(&e))?;
    let dir = tempfile::tempdir().map_err(|e| err(&e))?;
    let phone = world
        .phone(dir.path(), LinkParams::mtu185(), &[&lock])
        .await
        .map_err(|e| err(&e))?;
    let key = world
        .issue(&phone, &lock, GrantSpec::resident(START))
        .map_err(|e| err(&e))?;
    phone.keys().add_key(key, "You (resident)").await.map_err(|e| err(&e))?;

    // Throwaway digits for the simulated keypad; the sheet never shows them.
    let digits = |d: &str| PinDigits::new(d).map_err(|e| err(&e));
    let workdays = Schedule::new(Schedule::WORKDAYS, 9 * 60, 12 * 60).map_err(|e| err(&e))?;
    let cleaner = PinRule::between(PinClass::Guest, START, START + 28 * DAY).on(workdays);
    let mut slots = Vec::new();
    for (n, pin, rule) in [
        (0, "73914682", PinRule::master()),
        (1, "402817", PinRule::always(PinClass::User)),
        (2, "918273", cleaner),
    ] {
        let slot = world.authority.pin_slot(&lock.id(), n, &digits(pin)?, rule);
        slots.push(slot.map_err(|e| err(&e))?);
    }
    let list = world
        .authority
        .pin_list(lock.id(), 1, START, 0, slots)
        .map_err(|e| err(&e))?;
    let labels = BTreeMap::from([
        (0, "Owner (master PIN)".to_string()),
        (1, "Ben".to_string()),
        (2, "Cleaner".to_string()),
    ]);
    phone.pins().add_pin_list(list, labels).await.map_err(|e| err(&e))?;
    let secret = world.authority.pin_secret(&lock.id()).map_err(|e| err(&e))?;
    phone
        .pins()
        .add_pin_secret(lock.id(), secret)
        .await
        .map_err(|e| err(&e))?;
    phone
        .emergency()
        .set_backup_entry(
            lock.id(),
            BackupMethod::PhysicalKey,
            "spare key with the neighbour at no. 12",
        )
        .await
        .map_err(|e| err(&e))?;
    // The simulated phone is offline: this unlock is the readiness check's
    // "unlocking without internet tried".
    let unlocked_at = world.clock.unix_now();
    phone
        .locks()
        .unlock(lock.id(), &NoProgress)
        .await
        .map_err(|e| err(&e))?;

    let now = world.clock.unix_now();
    let observations = LockObservations::builder(phone.store(), lock.id(), now)
        .holder(phone.holder_key())
        .backup_entry(BackupMethod::PhysicalKey)
        .last_offline_unlock(UnlockRecord {
            at: unlocked_at,
            succeeded: true,
            diagnosis: None,
        })
        .build()
        .map_err(|e| err(&e))?;
    let platform = PlatformSnapshot::new(DeviceSnapshot::Linux(Default::default()));
    let report = offline_readiness_in(
        &platform,
        &observations,
        &ReadinessPolicy::default(),
        &language.catalog,
        &language.locale,
    );
    let readiness = ReadinessSummary::from_report(&report, now);
    phone
        .emergency()
        .sheet_in(lock.id(), Some(readiness), &language.catalog, &language.locale)
        .await
        .map_err(|e| err(&e))
}

/// The sheet's facts with stable field names (it holds no secrets either).
fn to_json(sheet: &EmergencySheet) -> Value {
    let credentials: Vec<Value> = sheet
        .credentials
        .iter()
        .map(|c| {
            json!({"kind": c.kind.name(), "holder": c.holder, "role": c.role, "valid_from": c.valid_from,
                "valid_until": c.valid_until, "schedule": c.schedule, "works_offline": c.works_offline,
                "notes": c.notes})
        })
        .collect();
    let battery = &sheet.battery;
    json!({
        "lock_name": sheet.lock_name,
        "lock_id": sheet.lock_id.to_string(),
        "generated_at": sheet.generated_at,
        "utc_offset_min": sheet.utc_offset_min,
        "credentials": credentials,
        "can_make_offline_pins": sheet.can_make_offline_pins,
        "pending_pin_changes": sheet.pending_pin_changes,
        "backup_entry": sheet.backup_entry.as_ref().map(|b| json!({"method": b.method, "details": b.details,
            "recorded_at": b.recorded_at})),
        "battery": {
            "level": format!("{:?}", battery.level).to_lowercase(),
            "percent": battery.reading.map(|r| r.percent),
            "advice": battery.advice,
        },
        "readiness": sheet.readiness.as_ref().map(|r| json!({"checked_at": r.checked_at, "ready": r.ready,
            "lines": r.lines.iter().map(|l| json!({"status": l.status, "title": l.title, "message": l.message}))
                .collect::<Vec<_>>()})),
        "steps": sheet.steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_formats_print_the_whole_sheet() {
        let english = Language::english();
        let sheet = simulated(&english).await.unwrap();
        let md = render(&sheet, SheetFormat::Markdown, &english);
        assert!(md.starts_with("# Emergency access: Front door"), "{md}");
        assert!(md.contains("| Cleaner | keypad PIN | guest |"), "{md}");
        assert!(md.contains("## Last offline-readiness check"), "{md}");
        let text = render(&sheet, SheetFormat::Text, &english);
        assert!(text.contains("IF THE APP CAN'T CONNECT"), "{text}");
        let json: Value = serde_json::from_str(&render(&sheet, SheetFormat::Json, &english)).unwrap();
        assert_eq!(json["lock_name"], "Front door");
        assert!(json["credentials"].as_array().is_some_and(|c| c.len() == 4), "{json}");
        let json = json.to_string();
        for digits in ["73914682", "402817", "918273"] {
            assert!(!md.contains(digits) && !text.contains(digits) && !json.contains(digits));
        }
    }
}
