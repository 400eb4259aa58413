//! `latchkey demo`: the offline story, told step by step against a
//! simulated lock on a simulated radio (virtual time, so it is quick and
//! every figure is reproducible). Every step checks that the system did
//! what the story says; any surprise makes the demo exit non-zero.

use crate::output::Style;
use latchkey_core::simworld::{GrantSpec, SimLockHandle, SimWorld};
use latchkey_core::unlock::NoProgress;
use latchkey_core::{CommandReport, LatchkeyError, Phone};
use latchkey_protocol::{BoltState, Schedule};
use latchkey_sim::lock::{Fault, LockConfig};
use latchkey_sim::radio::{FaultPlan, LinkParams};
use std::process::ExitCode;

/// Monday 2026-01-05 10:00 UTC: the story's first morning.
const START: u32 = 1_767_607_200;

struct Story {
    style: Style,
    step: u32,
    failures: u32,
}

impl Story {
    fn step(&mut self, title: &str) {
        self.step += 1;
        println!("\n{}", self.style.heading(&format!("{}. {title}", self.step)));
    }

    fn say(&self, text: &str) {
        println!("   {text}");
    }

    fn check(&mut self, ok: bool, text: &str) {
        if ok {
            println!("   {} {text}", self.style.good("✓"));
        } else {
            self.failures += 1;
            println!("   {} {text}", self.style.bad("✗ unexpected:"));
        }
    }

    fn figures(&self, r: &CommandReport) {
        self.say(&self.style.dim(&format!(
            "path {}, {} round trip(s), {} B up / {} B down, {} ms on the radio model (MTU 185, 30 ms interval)",
            r.path.name(),
            r.round_trips,
            r.bytes_up,
            r.bytes_down,
            r.latency_ms
        )));
    }

    fn refused(&mut self, result: Result<CommandReport, LatchkeyError>, expected: &str) {
        match result {
            Err(e) => {
                let code = e.diagnosis().as_str();
                self.check(code == expected, &format!("refused: {e} [diagnosis: {code}]"));
            }
            Ok(r) => self.check(
                false,
                &format!("expected a refusal ({expected}), but the lock answered {:?}", r.bolt),
            ),
        }
    }
}

/// Runs the story.
pub async fn run(style: Style) -> ExitCode {
    let mut story = Story {
        style,
        step: 0,
        failures: 0,
    };
    println!("{}", style.heading("latchkey demo: a phone, a lock and no network"));
    if let Err(e) = tell(&mut story).await {
        story.failures += 1;
        println!("   {} {e}", style.bad("✗ the demo could not continue:"));
    }
    println!();
    if story.failures == 0 {
        println!("{}", style.good("Every step behaved as told."));
        ExitCode::SUCCESS
    } else {
        println!(
            "{}",
            style.bad(&format!("{} step(s) did not behave as told.", story.failures))
        );
        ExitCode::FAILURE
    }
}

async fn tell(story: &mut Story) -> Result<(), LatchkeyError> {
    let world = SimWorld::new(START)?;
    let dirs = tempfile::tempdir().map_err(|e| LatchkeyError::Storage(e.to_string()))?;

    story.step("Commissioning: the property's key authority installs a lock");
    let door = world.add_lock("Front door", LockConfig::default())?;
    story.say(&format!(
        "lock {} (\"{}\") trusts issuer {}",
        door.id(),
        door.meta.name,
        world.authority.issuer_id()
    ));

    story.step("Keys: a resident, a weekday guest and a cleaner, each on their own phone");
    let alice = phone(&world, &dirs, "alice", &door).await?;
    let resident = world.issue(&alice, &door, GrantSpec::resident(START))?;
    alice.add_key(resident, "Alice (resident)").await?;
    let gus = phone(&world, &dirs, "gus", &door).await?;
    let weekdays_noon_to_six =
        Schedule::new(Schedule::WORKDAYS, 12 * 60, 18 * 60).map_err(|e| LatchkeyError::Storage(e.to_string()))?;
    let guest = world.issue(
        &gus,
        &door,
        GrantSpec::guest(START, START + 5 * 86_400, Some(weekdays_noon_to_six)),
    )?;
    gus.add_key(guest, "Gus (guest, Mon-Fri 12:00-18:00)").await?;
    let carla = phone(&world, &dirs, "carla", &door).await?;
    let cleaner = world.issue(&carla, &door, GrantSpec::resident(START))?;
    let cleaner_id = cleaner.key_id();
    carla.add_key(cleaner, "Carla (cleaner)").await?;
    story.check(
        true,
        "three phones hold digital keys signed by the authority, sealed in their encrypted stores",
    );

    story.step("The network goes down: from here on no phone reaches any server");
    for p in [&alice, &gus, &carla] {
        p.set_online(false);
    }
    story.say("only offline-allowed keys may be used; every check below runs between phone and lock alone");

    story.step("Alice unlocks for the first time (standard AUTH: signatures + key agreement)");
    let first = alice.unlock(door.id(), &NoProgress).await?;
    story.check(
        first.bolt == BoltState::Unlocked && first.round_trips == 1,
        "door unlocked in one round trip",
    );
    story.figures(&first);

    story.step("Alice locks again (fast path: HMAC only, nothing asymmetric on the lock)");
    let before = door.lock().asym_op_counts();
    let repeat = alice.lock(door.id(), &NoProgress).await?;
    let after = door.lock().asym_op_counts();
    story.check(
        repeat.bolt == BoltState::Locked && repeat.round_trips == 1,
        "door locked in one round trip",
    );
    story.check(
        after.ecdh == before.ecdh && after.ecdsa_verify == before.ecdsa_verify,
        "the lock verified no signature and did no key agreement for it",
    );
    story.figures(&repeat);

    story.step("Gus tries at 10:00 on Monday: his key only works from noon");
    story.refused(gus.unlock(door.id(), &NoProgress).await, "outside_schedule");
    world.clock.advance_secs(2 * 3600 + 30 * 60);
    let later = gus.unlock(door.id(), &NoProgress).await;
    story.check(later.is_ok(), "at 12:30 the same key opens the door");

    story.step("Carla's key is revoked; Alice's phone carries the list to the lock");
    let list = world
        .authority
        .revocation_list(door.id(), false, 1, world.clock.unix_now(), vec![cleaner_id])
        .map_err(|e| LatchkeyError::Storage(e.to_string()))?;
    alice.add_revocation_list(list).await?;
    story.say("(Alice's phone received the list the last time it was online)");
    let carried = alice.status(door.id(), &NoProgress).await?;
    story.check(
        carried.revocation_seq_acked == Some(1),
        "the lock installed revocation list #1 and said so",
    );
    story.refused(carla.unlock(door.id(), &NoProgress).await, "key_revoked");

    story.step("The bolt jams: the app says so instead of \"check your Bluetooth\"");
    door.lock().inject(Fault::JammedBolt);
    story.refused(alice.lock(door.id(), &NoProgress).await, "lock_jammed");
    door.lock().clear_faults();

    story.step("The connection drops right after the request: no double actuation");
    let moves = door.lock().actuation_count();
    world
        .radio
        .set_next_faults(FaultPlan::none().disconnect_after_requests(1));
    let retried = alice.lock(door.id(), &NoProgress).await?;
    story.check(
        retried.replayed && retried.attempts == 2 && door.lock().actuation_count() == moves + 1,
        "the phone reconnected, the lock answered from its stored outcome, the bolt moved once",
    );

    story.step("Everything that happened is queued on the phones for upload");
    for (name, p) in [("Alice", &alice), ("Gus", &gus), ("Carla", &carla)] {
        let stats = p.outbox().stats().map_err(|e| LatchkeyError::Storage(e.to_string()))?;
        story.say(&format!(
            "{name}: {} events pending ({} access, {} diagnostic)",
            stats.pending, stats.access, stats.diagnostic
        ));
    }
    let collected = alice
        .outbox()
        .stats()
        .map_err(|e| LatchkeyError::Storage(e.to_string()))?;
    story.check(
        collected.access > 0,
        "lock events and attempts wait in durable outboxes until the network returns",
    );
    Ok(())
}

async fn phone(
    world: &SimWorld,
    dirs: &tempfile::TempDir,
    name: &str,
    door: &SimLockHandle,
) -> Result<Phone, LatchkeyError> {
    let dir = dirs.path().join(name);
    std::fs::create_dir_all(&dir).map_err(|e| LatchkeyError::Storage(e.to_string()))?;
    world.phone(&dir, LinkParams::mtu185(), &[door]).await
}
