//! The refusals the sync engine relies on, each seen twice: as the answer
//! itself (status, error body, `Retry-After`) and as what the engine makes
//! of it: 401 asks the app's sign-in for a fresh token once, then
//! `cloud_auth`; 429 and 503 wait `Retry-After`; 404 (a wrong base URL)
//! fails the pass with `cloud_rejected` and sets no event aside.

use super::report::Verdict;
use super::setup::Kit;
use super::support::{completed, engine_for, ensure, outcome, StaleFirst};
use latchkey_core::outbox::OutboxEvent;
use latchkey_core::sync::{StaticToken, SyncError, SyncOutcome};
use latchkey_core::DiagnosisCode;
use serde_json::json;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// `auth.refresh`: a 401 makes the engine ask for a fresh token once and
/// retry with it.
pub async fn refresh(kit: &Kit) -> Verdict {
    let auth = Arc::new(StaleFirst::then(&kit.token));
    let engine = engine_for(&kit.phone, &kit.url, &kit.roots, auth.clone(), None, |_| {})?;
    completed(engine.sync_once().await)?;
    let asked = auth.refreshes.load(Ordering::SeqCst);
    ensure(asked == 1, || {
        format!("the engine asked for a fresh token {asked} times")
    })?;
    Ok("401 on the stale token; the fresh one was asked for once and taken".into())
}

/// `auth.refused`: a token the cloud does not know is a 401 with the error
/// body, and the engine stops with `cloud_auth`.
pub async fn refused(kit: &Kit) -> Verdict {
    let raw = kit.http.get("/v1/keys", Some("cloud-check-unknown-token")).await;
    let raw = raw.map_err(|e| e.to_string())?;
    ensure(
        raw.status == 401 && matches!(raw.code(), "unauthorized" | "token_expired"),
        || format!("an unknown token: HTTP {} {}", raw.status, raw.body),
    )?;
    let auth = Arc::new(StaticToken::new("cloud-check-unknown-token"));
    let engine = engine_for(&kit.phone, &kit.url, &kit.roots, auth, None, |_| {})?;
    let report = engine.sync_once().await;
    let diagnosis = match &report.outcome {
        SyncOutcome::Failed { error, .. } => Some(error.diagnosis()),
        _ => None,
    };
    ensure(diagnosis == Some(DiagnosisCode::CloudAuth), || {
        format!("the pass {}", outcome(&report))
    })?;
    Ok(format!("401 {}; the engine stopped with cloud_auth", raw.code()))
}

/// `busy.rate_limited` and `busy.unavailable`: the chaos switches make the
/// cloud answer 429 or 503 with a Retry-After; the answer carries it in
/// the header and the body, and the engine waits exactly that long.
pub async fn busy(kit: &Kit, status: u16) -> Verdict {
    let admin = kit.admin()?.to_string();
    let (switches, code, wait) = match status {
        429 => (json!({"rate_limited": 1.0, "retry_after_s": 7}), "rate_limited", 7),
        _ => (
            json!({"unavailable": 1.0, "unavailable_retry_after_s": 9}),
            "unavailable",
            9,
        ),
    };
    let set = |body| {
        let (http, admin) = (kit.http.clone(), admin.clone());
        async move { http.send("PUT", "/admin/chaos", Some(&admin), Some(&body)).await }
    };
    let on = set(switches).await.map_err(|e| e.to_string())?;
    let raw = kit.http.get("/v1/keys", Some(&kit.token)).await;
    let auth = Arc::new(StaticToken::new(kit.token.clone()));
    let engine = engine_for(&kit.phone, &kit.url, &kit.roots, auth, None, |_| {});
    let report = match &engine {
        Ok(engine) => Some(engine.sync_once().await),
        Err(_) => None,
    };
    set(json!({})).await.map_err(|e| e.to_string())?;
    ensure(on.status == 200, || format!("PUT /admin/chaos: HTTP {}", on.status))?;
    let raw = raw.map_err(|e| e.to_string())?;
    let header = raw.retry_after.clone();
    ensure(raw.status == status && raw.code() == code, || {
        format!("HTTP {} {}, not {status} {code}", raw.status, raw.body)
    })?;
    ensure(
        header.as_deref() == Some(&*wait.to_string()) && raw.body["retry_after"] == wait,
        || format!("Retry-After {header:?}, body {}; wanted {wait}", raw.body),
    )?;
    let report = report.ok_or_else(|| engine.err().unwrap_or_default())?;
    let waited = match &report.outcome {
        SyncOutcome::Failed {
            error: SyncError::Unreachable { retry_after_ms, .. },
            retry_in_ms,
        } => (*retry_after_ms, *retry_in_ms),
        _ => (None, 0),
    };
    ensure(waited == (Some(wait * 1000), wait * 1000), || {
        format!("the engine: the pass {}, not a wait of {wait} s", outcome(&report))
    })?;
    Ok(format!(
        "{status} {code} with Retry-After: {wait}; the engine waits {wait} s"
    ))
}

/// `not_found`: an unknown path is a 404 with the error body; an engine
/// pointed at a base URL with no API behind it fails the pass with
/// `cloud_rejected` and keeps every event queued.
pub async fn not_found(kit: &Kit) -> Verdict {
    let raw = kit.http.get("/v1/cloud-check/no-such-route", Some(&kit.token)).await;
    let raw = raw.map_err(|e| e.to_string())?;
    ensure(raw.status == 404 && raw.code() == "not_found", || {
        format!("HTTP {} {}", raw.status, raw.body)
    })?;
    let outbox = kit.phone.outbox();
    outbox
        .append(OutboxEvent::Failure {
            lock_id: None,
            diagnosis_code: "cloud_check".into(),
            detail: "cloud-check not found".into(),
            at: 0,
        })
        .map_err(|e| e.to_string())?;
    let before = outbox.stats().map_err(|e| e.to_string())?;
    let wrong = format!("{}/cloud-check-no-such-api", kit.url.trim_end_matches('/'));
    let auth = Arc::new(StaticToken::new(kit.token.clone()));
    let engine = engine_for(&kit.phone, &wrong, &kit.roots, auth, None, |_| {})?;
    let report = engine.sync_once().await;
    let after = outbox.stats().map_err(|e| e.to_string())?;
    let diagnosis = match &report.outcome {
        SyncOutcome::Failed { error, .. } => Some(error.diagnosis()),
        _ => None,
    };
    ensure(diagnosis == Some(DiagnosisCode::CloudRejected), || {
        format!("the pass {}", outcome(&report))
    })?;
    ensure(
        after.pending == before.pending && after.dead_letters == before.dead_letters,
        || "events were set aside or lost".into(),
    )?;
    completed(kit.engine()?.sync_until_idle(5).await)?;
    Ok("404 not_found; the pass failed with cloud_rejected, every event kept".into())
}
