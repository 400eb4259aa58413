//! `sync`: upload the phone's queued events (and refresh its keys,
//! revocation lists and time tokens) to a cloud.
//!
//! - `sync --cloud URL --token T [--ca FILE] --data-dir DIR`: the phone
//!   store in DIR and the cloud at URL (the vendor's, or `latchkey cloud`).
//! - `sync` alone: the simulated site's phone collects each lock's log and
//!   uploads it to a reference cloud started on loopback for the occasion
//!   (TLS with its test CA), which then says what it holds.

use super::output::{CliError, Outcome};
use super::progress::Spinner;
use super::site::{Site, Target};
use clap::Args;
use latchkey_core::store::Quarantined;
use latchkey_core::sync::{Connectivity, StaticToken, SyncConfig, SyncEngine, SyncOutcome, SyncReport, TrustRoots};
use latchkey_core::{DiagnosisCode, LatchkeyError};
use latchkey_protocol::Command;
use latchkey_sim::cloud::wire::IssueKeyRequest;
use latchkey_testkit::cloud::{cloud_for, register, test_config, OffsetClock};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

/// Where to sync.
#[derive(Args, Debug, Clone, Default)]
pub struct SyncArgs {
    /// The cloud's base URL (https://…). Without it: a reference cloud on loopback.
    #[arg(long, value_name = "URL", requires = "token")]
    pub cloud: Option<String>,
    /// A PEM file with the CA to trust for --cloud (default: the system's roots).
    #[arg(long, value_name = "FILE", requires = "cloud")]
    pub ca: Option<PathBuf>,
    /// The phone's bearer token for --cloud.
    #[arg(long, value_name = "TOKEN", requires = "cloud")]
    pub token: Option<String>,
}

/// Runs the sync and reports it; a sync that did not complete is an error
/// with its diagnosis. Also returns the quarantine of an unreadable
/// `--data-dir` store, which the caller reports.
pub async fn run(target: &Target, args: &SyncArgs) -> (Result<Outcome, CliError>, Option<Quarantined>) {
    let mut quarantine = None;
    let result = sync(target, args, &mut quarantine).await;
    (result, quarantine)
}

async fn sync(target: &Target, args: &SyncArgs, quarantine: &mut Option<Quarantined>) -> Result<Outcome, CliError> {
    let (report, cloud, held) = match &args.cloud {
        Some(url) => {
            let dir = target
                .data_dir
                .as_deref()
                .ok_or_else(|| CliError::Usage("--cloud needs --data-dir DIR: the phone store to sync".into()))?;
            let site = if target.ble {
                Site::open(target).await?
            } else {
                Site::store_only(dir).await?
            };
            *quarantine = site.quarantine().cloned();
            (real_cloud(&site, url, args).await?, url.clone(), None)
        }
        None if target.ble => {
            return Err(CliError::Usage(
                "with --ble, name the cloud to sync with: --cloud URL --token T [--ca FILE]".into(),
            ))
        }
        None => reference_cloud(&Site::open(target).await?).await?,
    };
    let mut text = vec![
        format!("sync with {cloud}: {}", outcome(&report)),
        format!(
            "  {} event(s) uploaded, {} already held, {} dead-lettered, {} still queued",
            report.uploaded, report.duplicates, report.dead_lettered, report.pending_after
        ),
        format!(
            "  keys: {} added, {} renewed, {} removed; {} revocation list(s), {} time token(s), {} firmware image(s)",
            report.keys_added,
            report.keys_renewed,
            report.keys_removed,
            report.revocation_lists,
            report.time_tokens,
            report.firmware_images
        ),
    ];
    if let Some(held) = held {
        text.push(format!("  the cloud now holds {held} event(s), each once"));
    }
    text.extend(report.problems.iter().map(|p| format!("  ! {p}")));
    let json = report_json(&report, &cloud, held);
    let (code, why) = match &report.outcome {
        SyncOutcome::Completed => return Ok(Outcome { text, json }),
        SyncOutcome::Failed { error, .. } => (error.diagnosis(), error.to_string()),
        SyncOutcome::Deferred { .. } | SyncOutcome::Offline => (DiagnosisCode::CloudUnreachable, outcome(&report)),
    };
    Err(LatchkeyError::Refused {
        code,
        lock_result: None,
        reason: format!(
            "sync with {cloud} did not complete ({} event(s) still queued): {why}",
            report.pending_after
        ),
    }
    .into())
}

fn report_json(report: &SyncReport, cloud: &str, held: Option<u64>) -> Value {
    json!({
        "cloud": cloud,
        "outcome": outcome(report),
        "uploaded": report.uploaded,
        "duplicates": report.duplicates,
        "dead_lettered": report.dead_lettered,
        "pending_after": report.pending_after,
        "upload_requests": report.upload_requests,
        "keys_added": report.keys_added,
        "keys_renewed": report.keys_renewed,
        "keys_removed": report.keys_removed,
        "revocation_lists": report.revocation_lists,
        "time_tokens": report.time_tokens,
        "firmware_images": report.firmware_images,
        "cloud_holds": held,
        "problems": report.problems,
    })
}

async fn real_cloud(site: &Site, url: &str, args: &SyncArgs) -> Result<SyncReport, CliError> {
    Ok(drain(&engine(site, url, args)?).await)
}

/// The site's phone's sync engine for the cloud at `url`.
pub fn engine(site: &Site, url: &str, args: &SyncArgs) -> Result<SyncEngine, CliError> {
    let roots = match &args.ca {
        Some(path) => TrustRoots::Pem(vec![std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("cannot read the CA file {}: {e}", path.display())))?]),
        None => TrustRoots::Platform,
    };
    let token = Arc::new(StaticToken::new(args.token.clone().unwrap_or_default()));
    let engine = SyncEngine::builder(&site.client, SyncConfig::new(url, roots), token)
        .build()
        .map_err(sync_error)?;
    // A command talks to the cloud now: an engine starts "offline" until
    // told otherwise (an app tells it from the OS's network callbacks).
    engine.set_connectivity(Connectivity::ONLINE);
    Ok(engine)
}

/// The simulated site's sync: collect every lock's log, then upload it to
/// a reference cloud that knows the site's locks and the technician's phone.
async fn reference_cloud(site: &Site) -> Result<(SyncReport, String, Option<u64>), CliError> {
    let world = site
        .world
        .as_ref()
        .ok_or_else(|| CliError::Usage("no simulated site to sync".into()))?;
    let spinner = Spinner::start("collecting the locks' logs…");
    for meta in site.client.store().locks().list_meta()? {
        spinner.stage(&format!("collecting the log of {}…", meta.name));
        site.client
            .locks()
            .run_command(meta.lock_id, Command::Status, &spinner)
            .await?;
    }
    spinner.stage("starting the reference cloud…");
    let dir = tempfile::tempdir().map_err(|e| LatchkeyError::Storage(e.to_string()))?;
    let cloud = cloud_for(world, dir.path()).await.map_err(scene_error)?;
    spinner.finish();
    for lock in &site.locks {
        register(&cloud, lock).map_err(scene_error)?;
    }
    let registered = cloud
        .register_phone("technician", site.client.holder_key(), false)
        .map_err(|e| scene_error(e.into()))?;
    // The cloud only serves lists and time for locks it gave the phone a key to.
    let now = world.clock.unix_now();
    for lock in &site.locks {
        let request = IssueKeyRequest {
            lock_id: lock.id(),
            phone: "technician".into(),
            role: "service".into(),
            not_before: now - 60,
            not_after: now + 30 * 86_400,
            schedule: None,
            offline_allowed: true,
            label: "Technician (service, from the cloud)".into(),
            cert_lifetime_s: None,
        };
        cloud.issue_key(&request).map_err(|e| scene_error(e.into()))?;
    }
    let engine = SyncEngine::builder(
        &site.client,
        test_config(&cloud),
        Arc::new(StaticToken::new(registered.token)),
    )
    .clock(Arc::new(OffsetClock::new(world.clock.clone())))
    .build()
    .map_err(sync_error)?;
    let report = drain(&engine).await;
    let held = cloud.event_counts().map_err(|e| scene_error(e.into()))?.unique;
    let url = format!("{} (reference cloud)", cloud.base_url());
    cloud.shutdown().await;
    Ok((report, url, Some(held)))
}

/// Passes until nothing is pending, stopping at the first failure or
/// backoff: a technician wants the answer now, not a retry schedule.
pub async fn drain(engine: &SyncEngine) -> SyncReport {
    engine.set_connectivity(Connectivity::ONLINE);
    let spinner = Spinner::start("uploading queued events…");
    let mut total = engine.sync_once().await;
    for _ in 1..20 {
        if total.outcome != SyncOutcome::Completed || total.pending_after == 0 {
            break;
        }
        add(&mut total, engine.sync_once().await);
    }
    spinner.finish();
    total
}

/// Another pass's counts added to `total` (its outcome and queue length win).
fn add(total: &mut SyncReport, pass: SyncReport) {
    total.uploaded += pass.uploaded;
    total.duplicates += pass.duplicates;
    total.dead_lettered += pass.dead_lettered;
    total.upload_requests += pass.upload_requests;
    total.requests += pass.requests;
    total.locks_updated += pass.locks_updated;
    total.keys_added += pass.keys_added;
    total.keys_renewed += pass.keys_renewed;
    total.keys_removed += pass.keys_removed;
    total.revocation_lists += pass.revocation_lists;
    total.time_tokens += pass.time_tokens;
    total.acks_reported += pass.acks_reported;
    total.pin_lists += pass.pin_lists;
    total.pin_acks_reported += pass.pin_acks_reported;
    total.firmware_images += pass.firmware_images;
    total.problems.extend(pass.problems);
    total.pending_after = pass.pending_after;
    total.outcome = pass.outcome;
}

fn outcome(report: &SyncReport) -> String {
    match &report.outcome {
        SyncOutcome::Completed => "completed".into(),
        SyncOutcome::Offline => "offline".into(),
        SyncOutcome::Deferred { retry_in_ms } => format!("deferred, next try in {} s", retry_in_ms / 1000),
        SyncOutcome::Failed { retry_in_ms, .. } => format!("failed, next try in {} s", retry_in_ms / 1000),
    }
}

pub fn sync_error(e: latchkey_core::sync::SyncError) -> LatchkeyError {
    LatchkeyError::Refused {
        code: e.diagnosis(),
        lock_result: None,
        reason: e.to_string(),
    }
}

fn scene_error(e: latchkey_testkit::cloud::SceneError) -> LatchkeyError {
    LatchkeyError::Storage(format!("the reference cloud could not start: {e}"))
}
