//! Trusted time in the unlock session: a lock whose clock drifted further
//! from the phone's than the skew threshold (`SKEW_THRESHOLD_S`) gets the
//! phone's time token in the same connection and its clock is corrected;
//! a lock within the threshold is left alone, token or not.

use latchkey_core::client::SKEW_THRESHOLD_S;
use latchkey_core::unlock::NoProgress;
use latchkey_core::Client;
use latchkey_protocol::{BoltState, Challenge};
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::START;
use latchkey_testkit::{GrantSpec, SimLockHandle, SimWorld};
use std::sync::Arc;

/// The lock's oscillator runs 10 % slow: it loses 1 s every 10 s.
const SLOW_PPM: i32 = -100_000;

struct Scene {
    world: SimWorld,
    lock: SimLockHandle,
    phone: Arc<Client>,
    _dir: tempfile::TempDir,
}

/// A slow-clock lock and a phone holding a key; after `elapsed_s` the
/// phone is handed a fresh (ahead-of-time, unbound) time token.
async fn drifted_by(elapsed_s: u64) -> Scene {
    let world = SimWorld::new(START).unwrap();
    let config = LockConfig {
        rtc_drift_ppm: SLOW_PPM,
        ..LockConfig::default()
    };
    let lock = world.add_lock("Front door", config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let phone = world.phone(dir.path(), LinkParams::mtu185(), &[&lock]).await.unwrap();
    let key = world.issue(&phone, &lock, GrantSpec::resident(START)).unwrap();
    phone.keys().add_key(key, "resident").await.unwrap();
    world.clock.advance_secs(elapsed_s);
    let token = world
        .authority
        .time_token(lock.id(), world.clock.unix_now(), 600, 0, Challenge::default())
        .unwrap();
    phone.keys().add_time_token(token).await.unwrap();
    Scene {
        world,
        lock,
        phone,
        _dir: dir,
    }
}

fn behind(s: &Scene) -> u32 {
    s.world.clock.unix_now() - s.lock.lock().lock_time()
}

#[tokio::test]
async fn a_lock_whose_clock_drifted_beyond_the_threshold_gets_trusted_time_in_the_session() {
    // 600 s at 10 % slow: 60 s behind.
    let s = drifted_by(600).await;
    assert!(behind(&s) > SKEW_THRESHOLD_S, "{} s behind", behind(&s));
    assert!(
        s.lock.lock().clock_trusted(),
        "drift alone does not make the clock untrusted"
    );

    let report = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.bolt, BoltState::Unlocked);
    assert!(
        report.clock_skew_s.unsigned_abs() > u64::from(SKEW_THRESHOLD_S),
        "skew {} s",
        report.clock_skew_s
    );
    let set_to = report.time_delivered.expect("the token was delivered");
    assert!(set_to >= START + 600, "set to {set_to}");
    // Corrected: only the seconds the rest of the session took remain.
    assert!(behind(&s) <= 1, "still {} s behind", behind(&s));
}

#[tokio::test]
async fn a_lock_within_the_threshold_keeps_its_clock_and_gets_no_token() {
    // 200 s at 10 % slow: 20 s behind.
    let s = drifted_by(200).await;
    let before = behind(&s);
    assert!((1..=SKEW_THRESHOLD_S).contains(&before), "{before} s behind");

    let report = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.bolt, BoltState::Unlocked);
    assert_eq!(
        report.time_delivered, None,
        "a clock within the threshold is left alone"
    );
    assert!(behind(&s) >= before, "the lock's clock was not set");
}
