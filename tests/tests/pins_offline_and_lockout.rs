//! Keypad PINs with no network anywhere: a host's phone makes a time-bound
//! code offline and the lock accepts it only inside its window (a one-time
//! code only once); and brute force on the keypad locks it out, which the
//! next phone contact reports and diagnoses.

use latchkey_core::outbox::OutboxEvent;
use latchkey_core::unlock::NoProgress;
use latchkey_core::{Client, DiagnosisCode};
use latchkey_protocol::{EventKind, Faults, LockEvent, PinUse, ResultCode};
use latchkey_sim::lock::{KeypadOutcome, LockConfig};
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::START;
use latchkey_testkit::{GrantSpec, SimLockHandle, SimWorld};
use std::sync::Arc;

const HOUR: u32 = 3600;

struct Scene {
    world: SimWorld,
    lock: SimLockHandle,
    host: Arc<Client>,
    _dir: tempfile::TempDir,
}

async fn scene(config: LockConfig) -> Scene {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Holiday flat", config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host = world.phone(dir.path(), LinkParams::mtu185(), &[&lock]).await.unwrap();
    let key = world.issue(&host, &lock, GrantSpec::resident(START)).unwrap();
    host.keys().add_key(key, "Host").await.unwrap();
    // The cloud gives the host's phone the lock's offline PIN secret once.
    let secret = world.authority.pin_secret(&lock.id()).unwrap();
    host.pins().add_pin_secret(lock.id(), secret).await.unwrap();
    Scene {
        world,
        lock,
        host,
        _dir: dir,
    }
}

fn typed(s: &Scene, code: &str) -> KeypadOutcome {
    s.lock.lock().enter_pin(code)
}

fn opened(outcome: KeypadOutcome) -> bool {
    matches!(
        outcome,
        KeypadOutcome::Accepted {
            result: ResultCode::Ok,
            ..
        }
    )
}

#[tokio::test]
async fn an_offline_pin_made_with_no_network_opens_only_inside_its_window() {
    let s = scene(LockConfig::default()).await;
    assert!(!s.host.is_online());
    // A cleaner from 14:00 to 17:00 today.
    let pin = s
        .host
        .pins()
        .offline_pin(s.lock.id(), START + 4 * HOUR, 3 * HOUR, false)
        .await
        .unwrap();
    assert_eq!((pin.valid_from, pin.valid_until), (START + 4 * HOUR, START + 7 * HOUR));
    assert_eq!(pin.code.len(), 9);
    assert!(!opened(typed(&s, &pin.code)), "10:00: too early");
    s.world.clock.advance_secs(u64::from(4 * HOUR));
    assert!(opened(typed(&s, &pin.code)), "14:00");
    s.world.clock.advance_secs(u64::from(3 * HOUR - 1));
    assert!(opened(typed(&s, &pin.code)), "16:59:59, and again: it is reusable");
    s.world.clock.advance_secs(1);
    assert_eq!(
        typed(&s, &pin.code),
        KeypadOutcome::Refused {
            reason: ResultCode::PinNotRecognized
        },
        "17:00: over"
    );
    let used: Vec<LockEvent> = s.lock.lock().events();
    assert!(used
        .iter()
        .filter(|e| e.kind == EventKind::PinAccepted)
        .all(|e| matches!(PinUse::from_event(e), Some(PinUse::Offline { .. }))));
}

#[tokio::test]
async fn a_one_time_offline_pin_opens_once() {
    let s = scene(LockConfig::default()).await;
    let pin = s
        .host
        .pins()
        .offline_pin(s.lock.id(), START, 2 * HOUR, true)
        .await
        .unwrap();
    assert!(pin.kind.one_time());
    assert!(opened(typed(&s, &pin.code)));
    assert_eq!(
        typed(&s, &pin.code),
        KeypadOutcome::Refused {
            reason: ResultCode::PinAlreadyUsed
        }
    );
}

#[tokio::test]
async fn only_a_phone_holding_the_secret_can_make_offline_pins() {
    let s = scene(LockConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let guest = s
        .world
        .phone(dir.path(), LinkParams::mtu185(), &[&s.lock])
        .await
        .unwrap();
    let err = guest
        .pins()
        .offline_pin(s.lock.id(), START, HOUR, false)
        .await
        .unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::NoKey);
    let too_long = s
        .host
        .pins()
        .offline_pin(s.lock.id(), START, 30 * 24 * HOUR, false)
        .await;
    assert!(too_long.is_err(), "offline PINs last at most 28 days");
}

#[tokio::test]
async fn brute_force_on_the_keypad_locks_it_out_and_the_next_contact_diagnoses_it() {
    let s = scene(LockConfig::default()).await;
    for guess in ["000000", "111111", "123456", "654321", "999999"] {
        assert!(!opened(typed(&s, guess)));
    }
    assert!(matches!(typed(&s, "000001"), KeypadOutcome::LockedOut { .. }));

    let report = s.host.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    assert!(report.faults.has(Faults::KEYPAD_LOCKED));
    let status = s.host.pins().status(s.lock.id()).await.unwrap();
    let keypad = status.keypad.unwrap();
    assert!(keypad.locked_out);
    assert_eq!(keypad.lockouts_seen, 1);
    assert_eq!(keypad.last_lockout.map(|l| l.duration_s), Some(60));
    assert_eq!(status.diagnosis(), Some(DiagnosisCode::KeypadLockedOut));
    // The lockout event reached the outbox for the host's activity log.
    let lockout_events = s
        .host
        .outbox()
        .peek(10_000, usize::MAX)
        .unwrap()
        .into_iter()
        .filter(|e| match &e.event {
            OutboxEvent::LockEvent { event, .. } => {
                LockEvent::decode(event).is_ok_and(|e| e.kind == EventKind::KeypadLockout)
            }
            _ => false,
        })
        .count();
    assert_eq!(lockout_events, 1);

    // A minute later the keypad takes codes again, and the next contact says so.
    s.world.clock.advance_secs(60);
    s.host.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    let status = s.host.pins().status(s.lock.id()).await.unwrap();
    assert_eq!(status.diagnosis(), None);
    assert_eq!(status.keypad.unwrap().lockouts_seen, 1, "counted once");
}
