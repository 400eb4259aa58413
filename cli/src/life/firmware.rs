//! `firmware show|update`: what a lock runs and what this phone carries
//! for it, and an update delivered at the door with no network (resumed
//! where the lock stands, checked whole by the lock before it installs,
//! then checked by the phone for what the new firmware kept, and repaired
//! with what the phone carries). Simulated: the vendor's next image for
//! the front door, dropping `--drops`.

use super::args::FirmwareOptions;
use super::scene;
use crate::tech::output::{CliError, Outcome};
use crate::tech::progress::Spinner;
use crate::tech::site::{lock_label, Site};
use latchkey_core::client::FirmwareStatus;
use latchkey_protocol::{FirmwareLosses, FirmwareManifest, FirmwareVersion};
use serde_json::{json, Value};
use std::path::Path;

/// Runs `show` (or `update`).
pub async fn run(options: &FirmwareOptions, update: bool) -> Result<Outcome, CliError> {
    let drops = FirmwareLosses::from_names(&options.drops).map_err(CliError::Usage)?;
    let site = Site::open(&options.target).await?;
    let meta = site.lock(options.target.lock.as_deref()).await?;
    if let (Some(manifest), Some(image)) = (&options.manifest, &options.image) {
        let manifest = FirmwareManifest::decode(&read(manifest)?)
            .map_err(|e| CliError::Usage(format!("{} is not a firmware manifest: {e}", manifest.display())))?;
        site.client.firmware().add_image(manifest, read(image)?, drops).await?;
    } else if !site.real {
        scene::next_image(&site, Some(&meta.name), drops).await?;
    }
    let spinner = Spinner::start("scanning for the lock…");
    if !update {
        let status = site.client.firmware().check(meta.lock_id, &spinner).await;
        spinner.finish();
        let status = status?;
        let mut text = vec![format!("{}: firmware", lock_label(&meta))];
        text.extend(status_lines(&status));
        return Ok(Outcome {
            text,
            json: status_json(&status),
        });
    }
    let done = site.client.firmware().update(meta.lock_id, &spinner).await;
    spinner.finish();
    let done = done?;
    let mut text = vec![match done.report {
        Some(_) => format!(
            "{}: updated from {} to {}, offline",
            lock_label(&meta),
            done.before,
            done.running
        ),
        None => format!(
            "{}: runs {}; this phone carries nothing newer",
            lock_label(&meta),
            done.running
        ),
    }];
    let missing: Vec<&str> = done
        .report
        .iter()
        .flat_map(|r| r.unrepaired())
        .map(|i| i.describe())
        .collect();
    if let Some(report) = &done.report {
        text.push(format!("  {}", report.describe()));
    }
    if !missing.is_empty() {
        text.push(format!(
            "  ! still missing: {} (a phone that carries it puts it back when it next meets the lock)",
            missing.join(", ")
        ));
    }
    let json = json!({
        "lock_id": meta.lock_id.to_string(),
        "before": done.before.to_string(),
        "running": done.running.to_string(),
        "installed": done.report.is_some(),
        "report": done.report.as_ref().map(|r| r.describe()),
        "kept": done.report.as_ref().map(|r| r.checks.iter().map(|c| json!({
            "what": c.item.describe(), "kept": c.kept, "repaired": c.repaired,
        })).collect::<Vec<_>>()),
        "still_missing": missing,
    });
    Ok(Outcome { text, json })
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))
}

fn version(v: u32) -> String {
    FirmwareVersion(v).to_string()
}

fn status_lines(s: &FirmwareStatus) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(lock) = &s.lock {
        lines.push(format!("  runs {} (model {})", version(lock.version), lock.model));
        if let Some((v, held, size)) = lock.download {
            lines.push(format!(
                "  holds {held} of {size} bytes of {}, not installed",
                version(v)
            ));
        }
    }
    match s.available {
        Some(v) if s.update_available() => {
            let drops = s.available_losses.names();
            lines.push(format!(
                "  this phone carries {v}: `latchkey firmware update` installs it"
            ));
            if !drops.is_empty() {
                lines.push(format!("  its vendor says it does not keep: {}", drops.join(", ")));
            }
        }
        Some(v) => lines.push(format!("  up to date (this phone carries {v})")),
        None => lines.push("  this phone carries no image for its model (`latchkey sync` fetches them)".into()),
    }
    if let Some(r) = &s.rejected {
        lines.push(format!(
            "  ! the lock refused {}: {}",
            version(r.version),
            r.code.name()
        ));
    }
    lines
}

fn status_json(s: &FirmwareStatus) -> Value {
    json!({
        "running": s.lock.map(|l| version(l.version)),
        "model": s.lock.map(|l| l.model),
        "download": s.lock.and_then(|l| l.download).map(|(v, held, size)| json!({
            "version": version(v), "held": held, "size": size,
        })),
        "available": s.available.map(|v| v.to_string()),
        "update_available": s.update_available(),
        "available_drops": s.available_losses.names(),
        "last_update": s.last_update.as_ref().map(|r| r.describe()),
        "rejected": s.rejected.map(|r| json!({"version": version(r.version), "code": r.code.name()})),
    })
}
