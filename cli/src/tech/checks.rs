//! Commands that read what the phone holds: `keys` and `offline-check`.

use super::output::{CliError, Outcome};
use super::progress::Spinner;
use super::site::{lock_label, Site, Target};
use crate::locales::{Language, LocaleArg};
use latchkey_core::diagnostics::{offline_readiness_in, CheckStatus, MessageArg, ReadinessPolicy};
use latchkey_protocol::Command;
use serde_json::json;

/// `keys`: every key the phone holds, with its validity and offline flag,
/// and the phone's own public key (what a cloud issues keys to).
pub async fn keys(site: &Site) -> Result<Outcome, CliError> {
    let now = site.now();
    let keys = site.client.keys().list().await?;
    let holder = latchkey_protocol::hex::encode(&site.client.holder_key().0);
    let mut text = vec![format!("{} key(s) on this phone ({}):", keys.len(), site.description)];
    let mut rows = Vec::new();
    for k in &keys {
        let grant = &k.key.grant;
        let state = if now < grant.not_before {
            "not yet valid"
        } else if now >= grant.not_after {
            "expired"
        } else {
            "valid"
        };
        let lock = k.lock_name.clone().unwrap_or_else(|| grant.lock_id.to_string());
        let schedule = grant.schedule.map(|s| latchkey_core::time::schedule(&s));
        text.push(format!(
            "  {:<24} {:<14} {:<9} {state:<13} {} → {}  {}{}",
            k.label,
            lock,
            grant.role.name(),
            super::when(grant.not_before),
            super::when(grant.not_after),
            if grant.offline_allowed {
                "works offline"
            } else {
                "online only"
            },
            schedule.as_ref().map(|s| format!(", {s}")).unwrap_or_default(),
        ));
        rows.push(json!({
            "key_id": k.key.key_id().to_string(),
            "label": k.label,
            "lock_id": grant.lock_id.to_string(),
            "lock_name": k.lock_name,
            "role": grant.role.name(),
            "not_before": grant.not_before,
            "not_after": grant.not_after,
            "state": state.replace(' ', "_"),
            "valid_now": state == "valid",
            "offline_allowed": grant.offline_allowed,
            "schedule": schedule,
        }));
    }
    text.push(format!(
        "this phone's public key (register it with the cloud): {holder}"
    ));
    Ok(Outcome {
        text,
        json: json!({ "holder_key": holder, "keys": rows }),
    })
}

/// Options of `offline-check`.
#[derive(clap::Args, Debug, Clone)]
pub struct OfflineCheckArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub locale: LocaleArg,
}

/// `offline-check`: would this phone open the lock with no network? The
/// checklist in `language`, headed the way the emergency sheet heads it.
pub async fn offline_check(site: &Site, target: &Target, language: &Language) -> Result<Outcome, CliError> {
    let meta = site.lock(target.lock.as_deref()).await?;
    // A fresh contact makes the check about the lock as it is now.
    let spinner = Spinner::start("reading the lock's status…");
    // Its outcome, success or not, is in the client's observations.
    let _ = site
        .client
        .locks()
        .run_command(meta.lock_id, Command::Status, &spinner)
        .await;
    spinner.finish();
    let observations = site.client.diagnostics().observe(meta.lock_id).await?;
    let platform = crate::doctor::platform::for_site(site, target).await;
    let report = offline_readiness_in(
        &platform.snapshot,
        &observations,
        &ReadinessPolicy::default(),
        &language.catalog,
        &language.locale,
    );
    let texts = language.texts();
    let checked = MessageArg {
        name: "checked".into(),
        value: texts.datetime(site.now(), meta.utc_offset_min),
    };
    let head = if report.ready {
        "sheet.readiness.ready"
    } else {
        "sheet.readiness.not_ready"
    };
    let mut text = vec![format!("{}: {}", lock_label(&meta), texts.render(head, &[checked]))];
    for check in &report.checks {
        let mark = match check.status {
            CheckStatus::Pass => "✓",
            CheckStatus::Warn => "!",
            CheckStatus::Fail => "✗",
            CheckStatus::Unknown => "?",
        };
        text.push(format!("  {mark} {}: {}", check.title, check.message));
    }
    Ok(Outcome {
        text,
        json: json!({
            "lock_id": meta.lock_id.to_string(),
            "lock_name": meta.name,
            "platform": platform.source,
            "report": serde_json::to_value(&report).unwrap_or_default(),
        }),
    })
}
