//! The simulated site every technician command runs against by default,
//! commissioned afresh for each command at this computer's clock, so each
//! command is meaningful on its own and no state lingers between runs:
//!
//! - a "Front door" that a resident opened and locked two days ago, and a
//!   "Garage" whose 16-entry log has since overwritten its oldest entries
//!   (wrong codes typed on its keypad, hourly), so `events` shows a gap;
//!   three wrong codes at the front door too: both locks have news;
//! - with `--sim-fault`, the front door gets that fault an hour ago and the
//!   resident then tried to unlock and lock it (stopping at the first
//!   failure), so the lock's status and log show what happened;
//! - the technician's phone, with a service key to both locks, in a
//!   temporary folder.

use super::site::{SimFault, Site};
use latchkey_core::clock::{PhoneClock, SystemClock};
use latchkey_core::unlock::NoProgress;
use latchkey_core::{Client, LatchkeyError};
use latchkey_protocol::{Command, Role};
use latchkey_sim::lock::{KeypadOutcome, LockConfig};
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::{GrantSpec, SimLockHandle, SimWorld};

const HOUR: u32 = 3600;
const DAY: u32 = 24 * HOUR;

/// Commissions the site, ending at this computer's clock.
pub async fn site(fault: Option<SimFault>) -> Result<Site, LatchkeyError> {
    let storage = |e: std::io::Error| LatchkeyError::Storage(e.to_string());
    let now = SystemClock.now_unix();
    let world = SimWorld::new(now - 2 * DAY)?;
    let front = world.add_lock("Front door", LockConfig::default())?;
    let garage = world.add_lock(
        "Garage",
        LockConfig {
            event_capacity: 16,
            ..LockConfig::default()
        },
    )?;
    let resident_dir = tempfile::tempdir().map_err(storage)?;
    let resident = world
        .phone(resident_dir.path(), LinkParams::mtu185(), &[&front, &garage])
        .await?;
    let key = world.issue(&resident, &front, GrantSpec::resident(now - 2 * DAY))?;
    resident.keys().add_key(key, "resident").await?;
    for command in [Command::Unlock, Command::Lock] {
        resident.locks().run_command(front.id(), command, &NoProgress).await?;
    }
    // Keypad entries no phone has collected yet, an hour apart (a lockout
    // lasts at most an hour): more at the garage than its log holds.
    keypad_history(&world, &front, 3);
    keypad_history(&world, &garage, 20);
    advance_to(&world, now - HOUR);
    if let Some(fault) = fault {
        front.lock().inject(fault.fault());
        resident_tries(&resident, &front).await;
    }
    advance_to(&world, now);

    let dir = tempfile::tempdir().map_err(storage)?;
    let phone = world
        .phone(dir.path(), LinkParams::mtu185(), &[&front, &garage])
        .await?;
    for lock in [&front, &garage] {
        let spec = GrantSpec {
            role: Role::Service,
            ..GrantSpec::resident(now - 60)
        };
        let key = world.issue(&phone, lock, spec)?;
        phone.keys().add_key(key, "Technician (service)").await?;
    }
    Ok(Site {
        client: phone,
        world: Some(world),
        locks: vec![front, garage],
        description: match fault {
            Some(f) => format!("simulated site, front door fault: {}", f.name()),
            None => "simulated site".into(),
        },
        real: false,
        _dir: Some(dir),
    })
}

/// Someone trying `entries` wrong codes on the keypad, five seconds apart,
/// waiting out each lockout; then an hour passes.
fn keypad_history(world: &SimWorld, lock: &SimLockHandle, entries: u32) {
    let mut typed = 0;
    while typed < entries {
        match lock.lock().enter_pin("000000") {
            KeypadOutcome::LockedOut { retry_in_s } => world.clock.advance_secs(retry_in_s.into()),
            _ => typed += 1,
        }
        world.clock.advance_secs(5);
    }
    world.clock.advance_secs(HOUR.into());
}

/// The resident unlocks, then locks, stopping at the first failure: what
/// a fault does to the door shows in the lock's status and log.
async fn resident_tries(resident: &Client, lock: &SimLockHandle) {
    for command in [Command::Unlock, Command::Lock] {
        if resident
            .locks()
            .run_command(lock.id(), command, &NoProgress)
            .await
            .is_err()
        {
            break;
        }
    }
}

fn advance_to(world: &SimWorld, unix: u32) {
    world
        .clock
        .advance_secs(unix.saturating_sub(world.clock.unix_now()).into());
}
