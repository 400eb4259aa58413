//! The upload checks, through the phone core's sync engine: queued events
//! are stored once each; lock events collected again under new ids (a
//! phone that crashed before moving its cursor) are answered `duplicate`;
//! an upload whose answer was lost is resent and answered `duplicate`; an
//! upload over the cloud's limits gets 413 and is split. With admin access
//! the cloud's own record of the events is compared too.

use super::report::Verdict;
use super::setup::Kit;
use super::support::{completed, engine_for, ensure};
use latchkey_core::clock::{PhoneClock, SystemClock};
use latchkey_core::outbox::OutboxEvent;
use latchkey_core::sync::StaticToken;
use latchkey_protocol::{Command, LockId};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// `n` events of the kinds that need no lock's signature: lock-less
/// failures (and unlock attempts, when there is a lock), marked `tag`.
fn events(kit: &Kit, n: usize, tag: &str) -> Vec<OutboxEvent> {
    let at = SystemClock.now_unix();
    (0..n)
        .map(|i| match kit.lock_id {
            Some(lock_id) if i % 2 == 1 => OutboxEvent::UnlockAttempt {
                lock_id,
                key_id: None,
                command: "unlock".into(),
                outcome: format!("{tag} {i}"),
                fast_path: false,
                started_at: at,
                duration_ms: 60,
            },
            _ => OutboxEvent::Failure {
                lock_id: None,
                diagnosis_code: "cloud_check".into(),
                detail: format!("{tag} {i}"),
                at,
            },
        })
        .collect()
}

/// The cloud's record (`GET /admin/events`): event id → how often held.
async fn held(kit: &Kit) -> Result<HashMap<String, usize>, String> {
    let admin = kit.admin.as_deref().ok_or("no admin token")?;
    let path = "/admin/events";
    let answer = kit.http.get(path, Some(admin)).await.map_err(|e| e.to_string())?;
    let events = answer.body["events"]
        .as_array()
        .ok_or(format!("GET {path}: HTTP {}", answer.status))?;
    let mut out = HashMap::new();
    for id in events.iter().filter_map(|e| e["id"].as_str()) {
        *out.entry(id.to_string()).or_insert(0) += 1;
    }
    Ok(out)
}

/// Sets the reference cloud's chaos switches.
async fn chaos(kit: &Kit, switches: Value) -> Result<(), String> {
    let admin = kit.admin.as_deref().ok_or("no admin token")?;
    let answer = kit.http.send("PUT", "/admin/chaos", Some(admin), Some(&switches)).await;
    match answer.map_err(|e| e.to_string())?.status {
        200 => Ok(()),
        status => Err(format!("PUT /admin/chaos: HTTP {status}")),
    }
}

/// `upload`: what the phone queued (its visit's log, or events of its
/// own) is stored once each and leaves the outbox.
pub async fn upload(kit: &Kit) -> Verdict {
    let ids = kit
        .phone
        .outbox()
        .append_batch(events(kit, 10, "cloud-check upload"))
        .map_err(|e| e.to_string())?;
    let dead_before = kit.phone.outbox().stats().map_err(|e| e.to_string())?.dead_letters;
    let report = completed(kit.engine()?.sync_until_idle(10).await)?;
    let stats = kit.phone.outbox().stats().map_err(|e| e.to_string())?;
    ensure(stats.pending == 0 && stats.dead_letters == dead_before, || {
        format!(
            "{} event(s) left queued, {} set aside",
            stats.pending,
            stats.dead_letters - dead_before
        )
    })?;
    if kit.admin.is_some() {
        let held = held(kit).await?;
        let missing = ids.iter().filter(|id| held.get(&id.to_string()) != Some(&1)).count();
        ensure(missing == 0, || {
            format!("{missing} of {} events are not held exactly once", ids.len())
        })?;
    }
    Ok(format!(
        "{} stored, {} already held, in {} request(s)",
        report.uploaded, report.duplicates, report.upload_requests
    ))
}

/// `upload.recollected`: the lock's log collected a second time under new
/// ids (a phone that crashed before moving its cursor) is answered
/// `duplicate` by (lock, epoch, seq): the cloud holds each lock event once.
pub async fn recollected(kit: &Kit) -> Verdict {
    kit.door()?;
    let lock_id = kit.lock()?;
    let before = lock_events(kit, lock_id).await?.len();
    kit.phone
        .store()
        .locks()
        .update_state(&lock_id, |s| s.event_cursors.clear())
        .map_err(|e| e.to_string())?;
    // A command that moves the bolt makes the phone collect the log.
    for command in [Command::Unlock, Command::Lock] {
        kit.phone
            .locks()
            .run_command(lock_id, command, &latchkey_core::unlock::NoProgress)
            .await
            .map_err(|e| format!("{} at the simulated lock: {e}", command.name()))?;
    }
    let report = completed(kit.engine()?.sync_until_idle(10).await)?;
    let after = lock_events(kit, lock_id).await?;
    let distinct: std::collections::HashSet<_> = after.iter().collect();
    ensure(report.duplicates >= before as u64, || {
        format!(
            "{} of {before} lock events collected again answered `duplicate`",
            report.duplicates
        )
    })?;
    ensure(distinct.len() == after.len(), || {
        "the cloud holds a lock event twice".into()
    })?;
    Ok(format!(
        "{before} lock event(s) collected again, answered `duplicate`; each held once"
    ))
}

/// The (epoch, seq) of every lock event the cloud holds for the lock.
async fn lock_events(kit: &Kit, lock_id: LockId) -> Result<Vec<(u64, u64)>, String> {
    let admin = kit.admin.as_deref().ok_or("no admin token")?;
    let path = format!("/admin/events?lock_id={lock_id}");
    let answer = kit.http.get(&path, Some(admin)).await.map_err(|e| e.to_string())?;
    let events = answer.body["events"]
        .as_array()
        .ok_or(format!("GET {path}: HTTP {}", answer.status))?;
    Ok(events
        .iter()
        .map(|e| &e["event"])
        .filter(|e| e["kind"] == "lock_event")
        .map(|e| (e["epoch"].as_u64().unwrap_or(0), e["seq"].as_u64().unwrap_or(0)))
        .collect())
}

/// `upload.lost_answer`: the cloud stores an upload but the answer never
/// arrives (the admin API's drop-after-commit switch); the phone sends it
/// again and the cloud answers `duplicate`, holding each event once.
pub async fn lost_answer(kit: &Kit) -> Verdict {
    kit.admin()?;
    let auth = Arc::new(StaticToken::new(kit.token.clone()));
    let engine = engine_for(&kit.phone, &kit.url, &kit.roots, auth, None, |_| {})?;
    completed(engine.sync_once().await)?;
    let ids = kit
        .phone
        .outbox()
        .append_batch(events(kit, 10, "cloud-check lost answer"))
        .map_err(|e| e.to_string())?;
    chaos(kit, json!({"drop_after_commit": 1.0})).await?;
    let lost = engine.sync_once().await;
    chaos(kit, json!({})).await?;
    ensure(lost.uploaded == 0 && lost.upload_requests == 0, || {
        "the upload's answer arrived after all".into()
    })?;
    let report = completed(engine.sync_until_idle(10).await)?;
    ensure(report.duplicates >= ids.len() as u64, || {
        format!(
            "{} of {} resent events answered `duplicate`",
            report.duplicates,
            ids.len()
        )
    })?;
    let held = held(kit).await?;
    let once = ids.iter().filter(|id| held.get(&id.to_string()) == Some(&1)).count();
    ensure(once == ids.len(), || {
        format!("{once} of {} events held exactly once", ids.len())
    })?;
    Ok(format!("{} events resent, all `duplicate`, each held once", ids.len()))
}

/// `upload.too_large`: 1,100 events at once get 413 `too_large` (the
/// limit is 1,000), and the phone splits the batch until the cloud takes it.
pub async fn too_large(kit: &Kit) -> Verdict {
    let crowd: Vec<Value> = (0..1001)
        .map(|i| json!({"id": format!("0192f3a4-5b6c-7d8e-9f00-{i:012x}"), "event": {"kind": "failure"}}))
        .collect();
    let raw = kit
        .http
        .post("/v1/events", Some(&kit.token), &json!({"events": crowd}))
        .await;
    let raw = raw.map_err(|e| e.to_string())?;
    ensure(raw.status == 413 && raw.code() == "too_large", || {
        format!("1,001 events: HTTP {} {}, not 413 too_large", raw.status, raw.body)
    })?;
    kit.phone
        .outbox()
        .append_batch(events(kit, 1100, "cloud-check split"))
        .map_err(|e| e.to_string())?;
    let auth = Arc::new(StaticToken::new(kit.token.clone()));
    let engine = engine_for(&kit.phone, &kit.url, &kit.roots, auth, None, |c| {
        c.max_events_per_request = 1100;
        c.max_request_bytes = 4 * 1024 * 1024;
    })?;
    let report = completed(engine.sync_until_idle(20).await)?;
    let stats = kit.phone.outbox().stats().map_err(|e| e.to_string())?;
    ensure(stats.pending == 0 && report.dead_lettered == 0, || {
        format!("{} left queued, {} set aside", stats.pending, report.dead_lettered)
    })?;
    ensure(report.upload_requests >= 2, || {
        "the batch of 1,100 was taken whole".into()
    })?;
    Ok(format!(
        "413 too_large; split into {} requests, all stored",
        report.upload_requests
    ))
}
