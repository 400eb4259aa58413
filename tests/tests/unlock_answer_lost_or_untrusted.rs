//! After the request reached the lock, the phone never guesses: an answer
//! that is lost, damaged or doesn't authenticate leads to reconnecting and
//! asking again with the same command id (the lock replays its stored
//! outcome, never acting twice), and when no trustworthy answer comes back
//! the result is "outcome unknown: the lock may have acted".

use latchkey_core::unlock::{CommandPolicy, NoProgress, Progress, ProgressListener, UnlockPath};
use latchkey_core::{DiagnosisCode, LatchkeyError};
use latchkey_protocol::BoltState;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::FaultPlan;
use latchkey_testkit::scene::{resident_scene, resident_scene_with, ResidentScene};
use latchkey_testkit::START;
use std::sync::Mutex;

type Scene = ResidentScene;

async fn scene() -> Scene {
    resident_scene(START, LockConfig::default()).await
}

/// Records every progress report.
#[derive(Default)]
struct Recorder(Mutex<Vec<Progress>>);

impl ProgressListener for Recorder {
    fn on_progress(&self, progress: Progress) {
        self.0.lock().unwrap().push(progress);
    }
}

impl Recorder {
    fn retried(&self) -> bool {
        self.0
            .lock()
            .unwrap()
            .iter()
            .any(|p| matches!(p, Progress::Retrying { attempt: 2 }))
    }
}

#[tokio::test]
async fn a_lock_that_acted_then_left_range_is_reported_as_may_have_acted_after_the_retry() {
    let s = scene().await;
    assert!(CommandPolicy::default().max_attempts >= 2);
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.world
        .radio
        .set_next_faults(FaultPlan::none().out_of_range_after_requests(1));

    let seen = Recorder::default();
    let err = s.phone.locks().lock(s.lock.id(), &seen).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::OutcomeUnknown, "{err}");
    assert!(matches!(err, LatchkeyError::OutcomeUnknown { .. }), "{err:?}");
    assert!(err.to_string().contains("may have acted"), "{err}");
    assert!(seen.retried(), "the phone reconnected to ask before giving up");
    assert_eq!(
        s.lock.lock().actuation_count(),
        2,
        "unlock, then the lock it did act on"
    );

    // Back in range, the lock confirms what it did.
    s.world.radio.set_in_range(&s.lock.address, true).unwrap();
    let status = s.phone.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(status.bolt, BoltState::Locked);
    assert_eq!(s.lock.lock().actuation_count(), 2);
}

#[tokio::test]
async fn a_damaged_fast_answer_is_asked_again_by_command_id_and_the_lock_acts_once() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.world.radio.set_next_faults(FaultPlan::none().corrupt_down(1));

    let seen = Recorder::default();
    let report = s.phone.locks().lock(s.lock.id(), &seen).await.unwrap();
    assert_eq!(report.path, UnlockPath::Fast);
    assert!(report.replayed, "the retry is answered from the stored outcome");
    assert_eq!(report.attempts, 2);
    assert!(seen.retried());
    assert_eq!(report.bolt, BoltState::Locked);
    assert_eq!(s.lock.lock().actuation_count(), 2, "unlock once, lock once");
}

#[tokio::test]
async fn a_damaged_auth_answer_on_first_contact_is_asked_again_and_the_lock_acts_once() {
    let s = scene().await;
    s.world.radio.set_next_faults(FaultPlan::none().corrupt_down(1));

    let report = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.path, UnlockPath::Auth);
    assert!(report.replayed);
    assert_eq!(report.attempts, 2);
    assert_eq!(report.bolt, BoltState::Unlocked);
    assert_eq!(s.lock.lock().actuation_count(), 1);
    // A replay opens no session, so no fast key came of it: the next
    // command is a fresh AUTH, and the one after it is fast.
    let next = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!((next.path, next.replayed), (UnlockPath::Auth, false));
    assert_eq!(s.lock.lock().actuation_count(), 2);
    let fast = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(fast.path, UnlockPath::Fast);
}

#[tokio::test]
async fn answers_that_never_authenticate_are_not_authentic_and_the_lock_may_have_acted() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let attempts = CommandPolicy::default().max_attempts;
    s.world
        .radio
        .queue_faults((0..attempts).map(|_| FaultPlan::none().corrupt_down(1)));

    // BLE's link layer catches damage on the air: an answer that fails its
    // check on every attempt comes from a device that is not the lock the
    // phone knows, and the diagnosis says so (and that it may have acted).
    let err = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::LockNotAuthentic, "{err}");
    assert!(err.to_string().contains("may have acted"), "{err}");
    assert!(err.to_string().contains("does not authenticate"), "{err}");
    assert_eq!(
        s.lock.lock().actuation_count(),
        2,
        "the lock acted on the first request only"
    );

    // The next command, with no damage, sees what the lock did.
    let status = s.phone.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(status.bolt, BoltState::Locked);
}

#[tokio::test]
async fn with_a_single_attempt_an_answer_failing_its_check_is_not_authentic_and_may_have_acted() {
    let one_try = CommandPolicy {
        max_attempts: 1,
        ..Default::default()
    };
    let s = resident_scene_with(START, LockConfig::default(), |b| b.command_policy(one_try)).await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.world.radio.set_next_faults(FaultPlan::none().corrupt_down(1));
    let err = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::LockNotAuthentic, "{err}");
    assert!(err.to_string().contains("may have acted"), "{err}");
    assert_eq!(s.lock.lock().actuation_count(), 2);
}

/// Takes the lock out of range when the phone starts its first retry.
struct LeaveOnRetry {
    radio: latchkey_sim::radio::SimRadio,
    address: String,
}

impl ProgressListener for LeaveOnRetry {
    fn on_progress(&self, progress: Progress) {
        if matches!(progress, Progress::Retrying { .. }) {
            self.radio.set_in_range(&self.address, false).unwrap();
        }
    }
}

#[tokio::test]
async fn one_answer_failing_its_check_then_no_lock_at_all_is_an_unknown_outcome_not_an_impostor() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.world.radio.set_next_faults(FaultPlan::none().corrupt_down(1));
    let leave = LeaveOnRetry {
        radio: s.world.radio.clone(),
        address: s.lock.address.clone(),
    };
    let err = s.phone.locks().lock(s.lock.id(), &leave).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::OutcomeUnknown, "{err}");
    let text = err.to_string();
    assert!(text.contains("can't be trusted") && text.contains("; then "), "{text}");
    assert!(!text.contains("Bluetooth error: the lock's answer"), "{text}");
    assert_eq!(
        s.lock.lock().actuation_count(),
        2,
        "the lock acted on the first request"
    );
}
