//! `sync`: upload the phone's queued events (and refresh its keys,
//! revocation lists and time tokens) to a cloud. With `--cloud` it is the
//! vendor cloud at that address and the phone store in `--data-dir`;
//! without, the simulated site's phone collects each lock's log and
//! uploads it to a reference cloud started for the occasion.

use super::output::Outcome;
use super::progress::Spinner;
use super::site::{Site, Target};
use clap::Args;
use latchkey_core::simworld::cloud::{cloud_for, register, test_config, OffsetClock};
use latchkey_core::sync::{Connectivity, StaticToken, SyncConfig, SyncEngine, SyncOutcome, SyncReport, TrustRoots};
use latchkey_core::unlock::NoProgress;
use latchkey_core::{DiagnosisCode, LatchkeyError};
use latchkey_protocol::Command;
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;

/// Where to sync.
#[derive(Args, Debug, Clone, Default)]
pub struct SyncArgs {
    /// The cloud's base URL (https://…). Without it: a reference cloud on loopback.
    #[arg(long, value_name = "URL", requires = "token")]
    pub cloud: Option<String>,
    /// A PEM file with the CA to trust for --cloud (default: the system's roots).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// The phone's bearer token for --cloud.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
}

/// Runs the sync and reports it.
pub async fn run(target: &Target, args: &SyncArgs) -> Result<Outcome, LatchkeyError> {
    let site = Site::open(target).await?;
    let (report, cloud) = match &args.cloud {
        Some(url) => (real_cloud(&site, url, args).await?, url.clone()),
        None => reference_cloud(&site).await?,
    };
    let text = vec![
        format!("sync with {cloud}: {}", outcome(&report)),
        format!(
            "  {} event(s) uploaded, {} already held, {} dead-lettered, {} still queued",
            report.uploaded, report.duplicates, report.dead_lettered, report.pending_after
        ),
        format!(
            "  keys: {} added, {} renewed, {} removed; {} revocation list(s), {} time token(s)",
            report.keys_added, report.keys_renewed, report.keys_removed, report.revocation_lists, report.time_tokens
        ),
    ];
    let json = json!({
        "cloud": cloud,
        "outcome": outcome(&report),
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
        "problems": report.problems,
    });
    let code = match &report.outcome {
        SyncOutcome::Completed => return Ok(Outcome { text, json }),
        SyncOutcome::Failed { error, .. } => error.diagnosis(),
        SyncOutcome::Deferred { .. } | SyncOutcome::Offline => DiagnosisCode::CloudUnreachable,
    };
    Err(LatchkeyError::Refused {
        code,
        lock_result: None,
        reason: format!("sync with {cloud} did not complete: {}", outcome(&report)),
    })
}

async fn real_cloud(site: &Site, url: &str, args: &SyncArgs) -> Result<SyncReport, LatchkeyError> {
    let roots = match &args.ca {
        Some(path) => TrustRoots::Pem(vec![std::fs::read_to_string(path).map_err(|e| {
            LatchkeyError::Storage(format!("cannot read the CA file {}: {e}", path.display()))
        })?]),
        None => TrustRoots::Platform,
    };
    let token = Arc::new(StaticToken::new(args.token.clone().unwrap_or_default()));
    let engine = SyncEngine::builder(site.phone.clone(), SyncConfig::new(url, roots), token)
        .build()
        .map_err(sync_error)?;
    Ok(drain(&engine).await)
}

async fn reference_cloud(site: &Site) -> Result<(SyncReport, String), LatchkeyError> {
    let world = site.world.as_ref().ok_or_else(|| {
        LatchkeyError::Storage("with --ble, give the cloud to sync with (--cloud URL --token T)".into())
    })?;
    for meta in site.phone.store().locks().list_meta()? {
        site.phone
            .run_command(meta.lock_id, Command::Status, &NoProgress)
            .await?;
    }
    let dir = tempfile::tempdir().map_err(|e| LatchkeyError::Storage(e.to_string()))?;
    let cloud = cloud_for(world, dir.path()).await.map_err(scene_error)?;
    for lock in &site.locks {
        register(&cloud, lock).map_err(scene_error)?;
    }
    let registered = cloud
        .register_phone("technician", site.phone.holder_key(), false)
        .map_err(|e| scene_error(e.into()))?;
    let engine = SyncEngine::builder(
        site.phone.clone(),
        test_config(&cloud),
        Arc::new(StaticToken::new(registered.token)),
    )
    .clock(Arc::new(OffsetClock::new(world.clock.clone())))
    .build()
    .map_err(sync_error)?;
    let report = drain(&engine).await;
    let url = format!("{} (reference cloud)", cloud.base_url());
    cloud.shutdown().await;
    Ok((report, url))
}

async fn drain(engine: &SyncEngine) -> SyncReport {
    engine.set_connectivity(Connectivity::ONLINE);
    let spinner = Spinner::start("uploading queued events…");
    let report = engine.sync_until_idle(20).await;
    spinner.finish();
    report
}

fn outcome(report: &SyncReport) -> String {
    match &report.outcome {
        SyncOutcome::Completed => "completed".into(),
        SyncOutcome::Offline => "offline".into(),
        SyncOutcome::Deferred { retry_in_ms } => format!("deferred, next try in {} s", retry_in_ms / 1000),
        SyncOutcome::Failed { retry_in_ms, .. } => format!("failed, next try in {} s", retry_in_ms / 1000),
    }
}

fn sync_error(e: latchkey_core::sync::SyncError) -> LatchkeyError {
    LatchkeyError::Refused {
        code: e.diagnosis(),
        lock_result: None,
        reason: e.to_string(),
    }
}

fn scene_error(e: latchkey_core::simworld::cloud::SceneError) -> LatchkeyError {
    LatchkeyError::Storage(format!("the reference cloud could not start: {e}"))
}
