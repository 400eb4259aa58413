//! The story's steps, in order. Each one acts through latchkey-core (and
//! the reference cloud's own records) and checks the outcome. This file
//! tells the whole story, and holds the set-up and the offline unlocks;
//! `carry.rs`: the revocation and the return of the network;
//! `diagnoses.rs`: the two diagnoses; `life.rs`: a firmware update and a
//! factory reset with the way back. They write through the narrator
//! (`narrator.rs`) and share the checks in `check.rs`; none of them imports
//! this file.

use super::cast::{grant, Cast};
use super::check::refused;
use super::narrator::Story;
use super::{carry, diagnoses, life};
use crate::locales::Language;
use latchkey_core::sync::SyncOutcome;
use latchkey_core::unlock::NoProgress;
use latchkey_protocol::{BoltState, Role, Schedule};
use latchkey_sim::radio::FaultPlan;
use latchkey_testkit::cloud::SceneError;
use latchkey_testkit::START;
use std::time::Instant;

/// Tells the whole story.
pub(crate) async fn tell(story: &mut Story, language: &Language) -> Result<(), SceneError> {
    let cast = Cast::assemble().await?;
    setup(story, &cast).await?;
    offline(story, &cast).await?;
    let carla_key = carry::revocation(story, &cast).await?;
    diagnoses::tell(story, &cast, language).await?;
    carry::back_online(story, &cast, carla_key).await?;
    life::tell(story, &cast).await?;
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
    let checkout = START + 5 * 86_400;
    let requests = [
        grant(door, "alice", Role::Resident, month, None, "Alice (resident)"),
        grant(
            door,
            "gus",
            Role::Guest,
            checkout,
            Some(weekdays_noon_to_six),
            "Gus (guest, Mon–Fri 12:00–18:00, until Saturday)",
        ),
        grant(door, "carla", Role::Service, month, None, "Carla (cleaner)"),
    ];
    let mut issued = Vec::new();
    for request in &requests {
        let key = host.issue_key(request).await?;
        story.detail(&format!(
            "{}: {} key {}, valid until {}",
            key.label,
            key.role,
            crate::tech::short(&key.key_id),
            crate::tech::when(key.valid_until)
        ));
        issued.push(key);
    }
    story.check(
        issued.len() == 3
            && issued[1].role == "guest"
            && issued[1].valid_until == checkout
            && issued.iter().all(|k| k.lock_id == door),
        "three keys issued through the cloud's host API: a resident, a guest until Saturday on a schedule, a cleaner",
    );

    story.step("Every phone syncs over TLS");
    for (name, phone) in cast.residents() {
        phone.online();
        let report = phone.engine.sync_until_idle(10).await;
        let held = phone.phone.keys().list().await?;
        story.check(
            report.outcome == SyncOutcome::Completed
                && report.keys_added == 1
                && held.iter().all(|k| k.key.grant.offline_allowed),
            &format!(
                "{name}: {} key (works offline), {} time token(s), {} request(s)",
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
    let tried = cast.alice.engine.sync_once().await;
    story.check(
        tried.outcome == SyncOutcome::Offline,
        "a sync attempt stops at once: offline; from here on it is phone and lock alone",
    );

    story.step("Alice unlocks for the first time (standard AUTH: signatures and key agreement)");
    let (first, wall) = timed(cast.alice.phone.locks().unlock(door, &NoProgress)).await;
    let first = first?;
    story.check(
        first.bolt == BoltState::Unlocked && first.round_trips == 1 && first.path.name() == "auth",
        "door unlocked in one round trip, on the standard (AUTH) path",
    );
    story.figures(&first, wall);

    story.step("Alice locks again (fast repeat: HMAC only, nothing asymmetric on the lock)");
    let before = cast.door.lock().asym_op_counts();
    let (repeat, wall) = timed(cast.alice.phone.locks().lock(door, &NoProgress)).await;
    let repeat = repeat?;
    let after = cast.door.lock().asym_op_counts();
    story.check(
        repeat.bolt == BoltState::Locked && repeat.round_trips == 1 && repeat.path.name() == "fast",
        "door locked in one round trip, on the fast path",
    );
    story.check(
        after.ecdh == before.ecdh && after.ecdsa_verify == before.ecdsa_verify,
        "the lock verified no signature and did no key agreement for it",
    );
    story.figures(&repeat, wall);

    story.step("Gus tries at 10:00 on Monday: his key works from noon");
    refused(
        story,
        cast.gus.phone.locks().unlock(door, &NoProgress).await,
        "outside_schedule",
    );
    cast.world.clock.advance_secs(2 * 3600 + 30 * 60);
    let later = cast.gus.phone.locks().unlock(door, &NoProgress).await;
    story.check(later.is_ok(), "at 12:30 the same key opens the door");

    story.step("The connection drops right after a request: the bolt still moves once");
    let moves = cast.door.lock().actuation_count();
    cast.world
        .radio
        .set_next_faults(FaultPlan::none().disconnect_after_requests(1));
    let retried = cast.alice.phone.locks().lock(door, &NoProgress).await?;
    story.check(
        retried.replayed && retried.attempts == 2 && cast.door.lock().actuation_count() == moves + 1,
        "the phone reconnected and the lock answered from its stored outcome",
    );
    Ok(())
}

/// Runs a command and measures this machine's time for it, in ms.
async fn timed<T>(command: impl std::future::Future<Output = T>) -> (T, f64) {
    let started = Instant::now();
    let result = command.await;
    (result, started.elapsed().as_secs_f64() * 1000.0)
}
