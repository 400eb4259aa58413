//! The story's steps, in order. Each one acts through latchkey-core (and
//! the reference cloud's own records) and checks the outcome.

use super::cast::{grant, Cast, START};
use super::Story;
use latchkey_core::diagnostics::{diagnose, LockObservations, PlatformSnapshot};
use latchkey_core::simworld::cloud::SceneError;
use latchkey_core::sync::SyncOutcome;
use latchkey_core::unlock::NoProgress;
use latchkey_core::{CommandReport, LatchkeyError};
use latchkey_protocol::{BoltState, Role, Schedule};
use latchkey_sim::lock::Fault;
use latchkey_sim::radio::FaultPlan;
use std::collections::HashMap;

/// Tells the whole story.
pub(crate) async fn tell(story: &mut Story) -> Result<(), SceneError> {
    let cast = Cast::assemble().await?;
    setup(story, &cast).await?;
    offline(story, &cast).await?;
    let carla_key = revocation(story, &cast).await?;
    diagnoses(story, &cast).await?;
    back_online(story, &cast, carla_key).await?;
    cast.cloud.shutdown().await;
    Ok(())
}

async fn setup(story: &mut Story, cast: &Cast) -> Result<(), SceneError> {
    story.step("The reference cloud starts, and a lock is commissioned");
    story.say(&format!(
        "cloud at {} (TLS; the phones trust only its test CA)",
        cast.cloud.base_url()
    ));
    story.say(&format!(
        "lock {} (\"{}\") trusts the cloud's issuer key",
        cast.door_id(),
        cast.door.meta.name
    ));
    story.check(
        cast.cloud.base_url().starts_with("https://") && cast.door.meta.issuer_key == cast.cloud.issuer_key(),
        "lock registered with the cloud, which signs with the issuer the lock trusts",
    );

    story.step("Hannah, the host, issues keys in the cloud");
    let door = cast.door_id();
    let month = START + 30 * 86_400;
    let weekdays_noon_to_six = Schedule::new(Schedule::WORKDAYS, 12 * 60, 18 * 60)?;
    cast.host.online();
    let host = &cast.host.engine;
    host.issue_key(&grant(door, "alice", Role::Resident, month, None, "Alice (resident)"))
        .await?;
    let guest = grant(
        door,
        "gus",
        Role::Guest,
        START + 5 * 86_400,
        Some(weekdays_noon_to_six),
        "Gus (guest, Mon–Fri 12:00–18:00, until Saturday)",
    );
    host.issue_key(&guest).await?;
    host.issue_key(&grant(door, "carla", Role::Service, month, None, "Carla (cleaner)"))
        .await?;
    story.check(true, "three keys issued: a resident, a scheduled guest, a cleaner");

    story.step("Every phone syncs over TLS");
    for (name, phone) in cast.residents() {
        phone.online();
        let report = phone.engine.sync_until_idle(10).await;
        story.check(
            report.outcome == SyncOutcome::Completed && report.keys_added == 1,
            &format!(
                "{name}: {} key, {} time token(s), {} request(s)",
                report.keys_added, report.time_tokens, report.requests
            ),
        );
    }
    Ok(())
}

async fn offline(story: &mut Story, cast: &Cast) -> Result<(), SceneError> {
    let door = cast.door_id();
    story.step("The network goes down at the house: no phone there reaches the cloud");
    cast.house_network(false);
    story.say("from here on every check runs between phone and lock alone");

    story.step("Alice unlocks for the first time (standard AUTH: signatures and key agreement)");
    let first = cast.alice.phone.unlock(door, &NoProgress).await?;
    story.check(
        first.bolt == BoltState::Unlocked && first.round_trips == 1,
        "door unlocked in one round trip",
    );
    story.figures(&first);

    story.step("Alice locks again (fast repeat: HMAC only, nothing asymmetric on the lock)");
    let before = cast.door.lock().asym_op_counts();
    let repeat = cast.alice.phone.lock(door, &NoProgress).await?;
    let after = cast.door.lock().asym_op_counts();
    story.check(
        repeat.bolt == BoltState::Locked && repeat.round_trips == 1,
        "door locked in one round trip",
    );
    story.check(
        after.ecdh == before.ecdh && after.ecdsa_verify == before.ecdsa_verify,
        "the lock verified no signature and did no key agreement for it",
    );
    story.figures(&repeat);

    story.step("Gus tries at 10:00 on Monday: his key works from noon");
    refused(
        story,
        cast.gus.phone.unlock(door, &NoProgress).await,
        "outside_schedule",
    );
    cast.world.clock.advance_secs(2 * 3600 + 30 * 60);
    let later = cast.gus.phone.unlock(door, &NoProgress).await;
    story.check(later.is_ok(), "at 12:30 the same key opens the door");

    story.step("The connection drops right after a request: the bolt still moves once");
    let moves = cast.door.lock().actuation_count();
    cast.world
        .radio
        .set_next_faults(FaultPlan::none().disconnect_after_requests(1));
    let retried = cast.alice.phone.lock(door, &NoProgress).await?;
    story.check(
        retried.replayed && retried.attempts == 2 && cast.door.lock().actuation_count() == moves + 1,
        "the phone reconnected and the lock answered from its stored outcome",
    );
    Ok(())
}

async fn revocation(story: &mut Story, cast: &Cast) -> Result<latchkey_protocol::KeyId, SceneError> {
    let door = cast.door_id();
    story.step("Hannah revokes Carla's key in the cloud; the lock, offline, has not heard");
    let carla_key = cast
        .carla
        .phone
        .keys()
        .await?
        .first()
        .map(|k| k.key.key_id())
        .ok_or("Carla's phone holds no key")?;
    let seq = cast.host.engine.revoke_key(&carla_key).await?;
    let drift = cast.host.engine.cloud_drift().await?;
    story.check(
        drift
            .iter()
            .any(|d| d.lock_id == door && !d.in_sync && d.cloud_seq == seq),
        &format!("the cloud shows drift: revocation list #{seq} issued, the lock holds #0"),
    );
    let still = cast.carla.phone.unlock(door, &NoProgress).await;
    story.check(
        still.is_ok(),
        "Carla's key still opens the door: no lock can know what never reached it",
    );

    story.step("Alice's phone picks the list up on mobile data and carries it to the door");
    cast.alice.online();
    let report = cast.alice.engine.sync_until_idle(10).await;
    story.check(report.revocation_lists == 1, "revocation list fetched while passing by");
    cast.alice.offline();
    let visit = cast.alice.phone.unlock(door, &NoProgress).await?;
    story.check(
        visit.revocation_seq_acked == Some(seq),
        &format!("the lock installed list #{seq} in the same connection as Alice's unlock"),
    );
    refused(story, cast.carla.phone.unlock(door, &NoProgress).await, "key_revoked");
    Ok(carla_key)
}

async fn diagnoses(story: &mut Story, cast: &Cast) -> Result<(), SceneError> {
    story.step("Gus's Android 12 phone: \"Nearby devices\" was denied for good");
    let denied = PlatformSnapshot::from_json(&android_snapshot("denied_permanently"))?;
    let findings = diagnose(&denied, &LockObservations::default());
    match findings.first() {
        Some(f) => {
            story.say(&format!("{}: {}", f.code, f.title));
            for (i, step) in f.steps.iter().enumerate() {
                story.detail(&format!("{}) {step}", i + 1));
            }
            story.check(
                f.code.as_str() == "android_scan_permission_blocked" && f.action.as_str() == "open_app_settings",
                "the app is told to open its settings (Android will not ask again), not to re-prompt",
            );
        }
        None => {
            story.check(false, "a finding for the denied permission");
        }
    }

    story.step("The bolt jams: the app says so instead of \"check your Bluetooth\"");
    let door = cast.door_id();
    cast.door.lock().inject(Fault::JammedBolt);
    let result = cast.alice.phone.lock(door, &NoProgress).await;
    let at = cast.world.clock.unix_now();
    let mut observations = LockObservations::builder(cast.alice.phone.store(), door, at);
    if let Err(e) = &result {
        observations = observations.last_error(e, at);
    }
    refused(story, result, "lock_jammed");
    let healthy = PlatformSnapshot::from_json(&android_snapshot("granted"))?;
    let findings = diagnose(&healthy, &observations.build()?);
    if let Some(f) = findings.first() {
        story.say(&format!("{}: {}", f.code, f.title));
        story.detail(&f.explanation);
    }
    story.check(
        findings.first().is_some_and(|f| f.code.as_str() == "lock_jammed"),
        "first finding: the bolt, with mechanical steps; nothing about Bluetooth",
    );
    cast.door.lock().clear_faults();
    Ok(())
}

async fn back_online(story: &mut Story, cast: &Cast, carla_key: latchkey_protocol::KeyId) -> Result<(), SceneError> {
    story.step("The network returns: every queued event reaches the cloud exactly once");
    let mut queued = Vec::new();
    for (name, phone) in cast.residents() {
        let pending = phone.phone.outbox().peek(usize::MAX, usize::MAX)?;
        story.detail(&format!("{name}: {} event(s) queued", pending.len()));
        queued.extend(pending.into_iter().map(|e| e.id.to_string()));
    }
    cast.house_network(true);
    let mut answered = 0;
    for (name, phone) in cast.residents() {
        let report = phone.engine.sync_until_idle(20).await;
        answered += report.uploaded + report.duplicates;
        story.check(
            report.outcome == SyncOutcome::Completed && report.pending_after == 0,
            &format!(
                "{name}: {} stored, {} already held (a lock event another phone brought first), {} request(s), outbox empty",
                report.uploaded, report.duplicates, report.upload_requests
            ),
        );
    }
    let received = cast.cloud.received_events(None)?;
    let mut copies: HashMap<&str, usize> = HashMap::new();
    for event in &received {
        *copies.entry(event.id.as_str()).or_default() += 1;
    }
    story.check(
        answered == queued.len() as u64 && copies.values().all(|n| *n == 1),
        &format!(
            "all {} queued events confirmed; the cloud stored {} distinct events, none twice",
            queued.len(),
            copies.len()
        ),
    );

    story.step("Drift cleared, and the revoked key is gone from Carla's phone");
    let drift = cast.host.engine.cloud_drift().await?;
    story.check(
        !drift.is_empty() && drift.iter().all(|d| d.in_sync),
        "the cloud's drift view: every lock holds the newest revocation list",
    );
    let carla_keys = cast.carla.phone.keys().await?;
    story.check(
        carla_keys.iter().all(|k| k.key.key_id() != carla_key),
        "Carla's phone deleted the revoked key at its first sync",
    );
    Ok(())
}

fn refused(story: &mut Story, result: Result<CommandReport, LatchkeyError>, expected: &str) {
    match result {
        Err(e) => {
            let code = e.diagnosis().as_str();
            story.check(code == expected, &format!("refused: {e} [diagnosis: {code}]"));
        }
        Ok(r) => {
            story.check(
                false,
                &format!("expected a refusal ({expected}), but the lock answered {:?}", r.bolt),
            );
        }
    }
}

/// An Android 12 phone at the door (no network) whose app targets SDK 34
/// and declares BLUETOOTH_SCAN with neverForLocation.
fn android_snapshot(scan: &str) -> String {
    format!(
        r#"{{"format":1,"device":{{"platform":"android","api_level":31,"target_sdk":34,
        "permissions":{{"bluetooth_scan":"{scan}","bluetooth_scan_never_for_location":true,
        "bluetooth_connect":"granted","access_fine_location":"not_requested",
        "access_coarse_location":"not_requested","access_background_location":"not_requested"}},
        "location_services_on":true,"adapter":"on","airplane_mode":false,"app_in_background":false,
        "battery_optimised":false,"background_restricted":false,"scans_started_last_30s":1,
        "last_gatt_status":null}},"network":{{"online":false,"cloud_reachable":false,"last_sync_error":null}}}}"#
    )
}
