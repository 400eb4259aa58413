//! The phone core against the simulated lock over the radio model: first
//! contact, fast repeat, lost connections, resets, refusals and the
//! follow-on session work, all with no network.

use latchkey_core::unlock::{NoProgress, Progress, ProgressListener, UnlockPath};
use latchkey_core::{DiagnosisCode, LatchkeyError};
use latchkey_protocol::{BoltState, Schedule};
use latchkey_sim::lock::{Fault, LockConfig};
use latchkey_sim::radio::{FaultPlan, LinkParams};
use latchkey_testkit::scene::{resident_scene, ResidentScene};
use latchkey_testkit::START;
use latchkey_testkit::{GrantSpec, SimWorld};

type Scene = ResidentScene;

async fn scene() -> Scene {
    resident_scene(START, LockConfig::default()).await
}

#[tokio::test]
async fn first_unlock_uses_auth_then_repeat_uses_fast_with_no_asymmetric_work_on_the_lock() {
    let s = scene().await;
    let first = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(first.path, UnlockPath::Auth);
    assert_eq!(first.round_trips, 1);
    assert_eq!(first.bolt, BoltState::Unlocked);
    assert_eq!(s.lock.lock().actuation_count(), 1);

    let before = s.lock.lock().asym_op_counts();
    let repeat = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    let after = s.lock.lock().asym_op_counts();
    assert_eq!(repeat.path, UnlockPath::Fast);
    assert_eq!(repeat.round_trips, 1);
    assert_eq!(repeat.bolt, BoltState::Locked);
    assert!(repeat.bytes_up <= 64, "repeat request was {} bytes", repeat.bytes_up);
    // Only the event batch signature after the command: nothing for the unlock itself.
    assert_eq!(after.ecdh, before.ecdh);
    assert_eq!(after.ecdsa_verify, before.ecdsa_verify);
    assert!(repeat.latency_ms < first.latency_ms);
}

#[tokio::test]
async fn events_are_collected_into_the_outbox_on_every_contact() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let report = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    assert!(report.events_collected >= 1);
    let held = s.lock.lock().events().len() as u64;
    let stats = s.phone.outbox().stats().unwrap();
    // Every lock event plus the phone's own attempt records.
    assert!(stats.access >= held + 2, "outbox {stats:?}, lock held {held}");
}

#[tokio::test]
async fn a_connection_lost_after_the_request_is_retried_without_actuating_twice() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.world
        .radio
        .set_next_faults(FaultPlan::none().disconnect_after_requests(1));
    let report = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    assert!(report.replayed, "the retry must be answered from the stored outcome");
    assert_eq!(report.attempts, 2);
    assert_eq!(report.bolt, BoltState::Locked);
    assert_eq!(s.lock.lock().actuation_count(), 2, "unlock once, lock once");
}

#[tokio::test]
async fn an_unreachable_lock_after_delivery_is_reported_as_may_have_acted() {
    let s = scene().await;
    let dir = tempfile::tempdir().unwrap();
    let one_try = latchkey_core::unlock::CommandPolicy {
        max_attempts: 1,
        ..Default::default()
    };
    let phone = s
        .world
        .phone_with(dir.path(), LinkParams::mtu185(), &[&s.lock], |b| {
            b.command_policy(one_try)
        })
        .await
        .unwrap();
    let key = s.world.issue(&phone, &s.lock, GrantSpec::resident(START)).unwrap();
    phone.keys().add_key(key, "resident").await.unwrap();
    phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.world
        .radio
        .set_next_faults(FaultPlan::none().disconnect_after_requests(1));
    let err = phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::OutcomeUnknown, "{err}");
    assert_eq!(s.lock.lock().actuation_count(), 2, "the lock did act once");
}

#[tokio::test]
async fn a_lock_out_of_range_is_reported_before_anything_was_sent() {
    let s = scene().await;
    s.world.radio.set_in_range(&s.lock.address, false).unwrap();
    let err = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::LockOutOfRange, "{err}");
    assert_eq!(s.lock.lock().actuation_count(), 0);
}

#[tokio::test]
async fn after_a_factory_reset_the_phone_detects_it_and_falls_back_to_auth() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.lock.lock().factory_reset();
    latchkey_testkit::bench::claim_on_bench(&mut s.lock.lock(), &s.world.authority, s.world.clock.unix_now()).unwrap();
    let report = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    assert!(report.lock_reset_detected);
    assert_eq!(report.path, UnlockPath::Auth);
    let next = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(next.path, UnlockPath::Fast);
}

#[tokio::test]
async fn a_jammed_bolt_is_reported_as_jammed_not_as_success() {
    let s = scene().await;
    s.lock.lock().inject(Fault::JammedBolt);
    let err = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::LockJammed, "{err}");
    assert!(matches!(
        err,
        LatchkeyError::Refused {
            lock_result: Some(_),
            ..
        }
    ));
}

#[tokio::test]
async fn an_expired_key_is_refused_on_the_phone_before_any_radio_use() {
    let s = scene().await;
    s.world.clock.advance_secs(31 * 86_400);
    let err = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::KeyExpired);
    assert!(matches!(err, LatchkeyError::Refused { lock_result: None, .. }));
    assert!(s.lock.lock().events().is_empty(), "the lock never heard of it");
}

#[tokio::test]
async fn a_guest_outside_the_schedule_is_refused_and_inside_it_gets_in() {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Rental", LockConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let guest = world.phone(dir.path(), LinkParams::mtu185(), &[&lock]).await.unwrap();
    // Weekdays 12:00–18:00 for a week; START is Monday 10:00.
    let schedule = Schedule::new(Schedule::WORKDAYS, 12 * 60, 18 * 60).unwrap();
    let key = world
        .issue(
            &guest,
            &lock,
            GrantSpec::guest(START, START + 7 * 86_400, Some(schedule)),
        )
        .unwrap();
    guest.keys().add_key(key, "guest").await.unwrap();
    let err = guest.locks().unlock(lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::OutsideSchedule);
    world.clock.advance_secs(3 * 3600);
    guest.locks().unlock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(lock.lock().actuation_count(), 1);
}

#[tokio::test]
async fn a_revocation_list_carried_by_one_phone_stops_another_phones_key() {
    let s = scene().await;
    // A second phone (the revoked one) that has used the lock before.
    let dir = tempfile::tempdir().unwrap();
    let other = s
        .world
        .phone(dir.path(), LinkParams::mtu185(), &[&s.lock])
        .await
        .unwrap();
    let other_key = s.world.issue(&other, &s.lock, GrantSpec::resident(START)).unwrap();
    let revoked_id = other_key.key_id();
    other.keys().add_key(other_key, "revoked soon").await.unwrap();
    other.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();

    let list = s
        .world
        .authority
        .revocation_list(s.lock.id(), false, 1, START, vec![revoked_id])
        .unwrap();
    assert!(s.phone.keys().add_revocation_list(list).await.unwrap());
    let carried = s.phone.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(carried.revocation_seq_acked, Some(1));
    assert_eq!(s.lock.lock().revocation_seq(), 1);

    let err = other.locks().lock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::KeyRevoked, "{err}");
}

#[tokio::test]
async fn a_lock_that_lost_power_gets_trusted_time_and_the_unlock_still_goes_through() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.world.clock.advance_secs(3600);
    s.lock.lock().power_loss();
    assert!(!s.lock.lock().clock_trusted());
    let token = s
        .world
        .authority
        .time_token(s.lock.id(), s.world.clock.unix_now(), 600, 0, Default::default())
        .unwrap();
    s.phone.keys().add_time_token(token).await.unwrap();
    let report = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    assert!(report.time_delivered.is_some());
    assert_eq!(report.bolt, BoltState::Locked);
    assert!(s.lock.lock().clock_trusted());
    assert_eq!(s.lock.lock().actuation_count(), 2);
}

/// Records every progress report.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<Progress>>);

impl ProgressListener for Recorder {
    fn on_progress(&self, progress: Progress) {
        self.0.lock().unwrap().push(progress);
    }
}

#[tokio::test]
async fn progress_is_reported_in_order_and_failures_carry_their_diagnosis() {
    let s = scene().await;
    let seen = Recorder::default();
    s.phone.locks().unlock(s.lock.id(), &seen).await.unwrap();
    let steps = seen.0.lock().unwrap().clone();
    assert_eq!(
        steps[..5],
        [
            Progress::Scanning,
            Progress::Connecting { rssi: -60 },
            Progress::Authenticating { path: UnlockPath::Auth },
            Progress::Actuating,
            Progress::Done {
                code: latchkey_protocol::ResultCode::Ok
            },
        ]
    );
    assert!(steps[5..].iter().all(|p| matches!(p, Progress::Housekeeping { .. })));

    s.lock.lock().inject(Fault::DoorOpen);
    let seen = Recorder::default();
    let err = s.phone.locks().lock(s.lock.id(), &seen).await.unwrap_err();
    let last = seen.0.lock().unwrap().last().cloned();
    assert_eq!(
        last,
        Some(Progress::Failed {
            code: DiagnosisCode::DoorAjar,
            reason: err.to_string()
        })
    );
}

#[tokio::test]
async fn a_lock_that_evicted_the_fast_key_is_answered_by_auth_in_the_same_connection() {
    let world = SimWorld::new(START).unwrap();
    let config = LockConfig {
        fast_key_capacity: 1,
        ..LockConfig::default()
    };
    let lock = world.add_lock("Shared door", config).unwrap();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = world.phone(dir_a.path(), LinkParams::mtu185(), &[&lock]).await.unwrap();
    let b = world.phone(dir_b.path(), LinkParams::mtu185(), &[&lock]).await.unwrap();
    for p in [&a, &b] {
        let key = world.issue(p, &lock, GrantSpec::resident(START)).unwrap();
        p.keys().add_key(key, "resident").await.unwrap();
    }
    a.locks().unlock(lock.id(), &NoProgress).await.unwrap();
    // B's first contact takes the lock's only fast-key slot.
    b.locks().lock(lock.id(), &NoProgress).await.unwrap();
    let report = a.locks().unlock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.path, UnlockPath::FastThenAuth);
    assert_eq!(report.attempts, 1, "one connection");
    assert_eq!(report.round_trips, 2, "the refused FAST, then AUTH");
    assert_eq!(report.bolt, BoltState::Unlocked);
    // The new fast key works again next time.
    assert_eq!(
        a.locks().lock(lock.id(), &NoProgress).await.unwrap().path,
        UnlockPath::Fast
    );
}

#[tokio::test]
async fn a_fast_answer_updates_what_the_phone_knows_of_the_bolt() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let full_at = s
        .phone
        .store()
        .locks()
        .state(&s.lock.id())
        .unwrap()
        .last_status
        .unwrap();
    assert_eq!(full_at.status.bolt, BoltState::Unlocked);

    s.world.clock.advance_secs(30);
    let repeat = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(repeat.path, UnlockPath::Fast);
    let state = s.phone.store().locks().state(&s.lock.id()).unwrap();
    let (current, at) = state.current_status().unwrap();
    assert_eq!(
        current.bolt,
        BoltState::Locked,
        "the fast answer's bolt wins over the older full status"
    );
    assert!(at > full_at.observed_at);
    assert_eq!(state.last_contact.unwrap().lock_time, s.lock.lock().lock_time());
}
