//! The phone core against the lock rules of the security review: a lock
//! that is busy turning away junk, a retry refused because the key stopped
//! being valid after an earlier try reached the lock, and refusals whose
//! redacted status must not be taken for the door's state.

use latchkey_core::unlock::{NoProgress, Progress, ProgressListener, UnlockPath};
use latchkey_core::{DiagnosisCode, LatchkeyError};
use latchkey_protocol::framing::fragment;
use latchkey_protocol::{AuthRequest, CertRef, Command, CommandId, EphemeralKey, KeyGrant, KeyId, LockContext, Role};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::{FaultPlan, LinkParams};
use latchkey_sim::{Peripheral, VirtualClock};
use latchkey_testkit::scene::{resident_scene, ResidentScene};
use latchkey_testkit::GrantSpec;
use latchkey_testkit::START;

/// A stranger's AUTH with a key from an authority the lock doesn't know:
/// refused with a signature, which the lock pays from its budget.
fn junk_auth(s: &ResidentScene) -> Vec<u8> {
    let ad = s.lock.lock().advertisement();
    let ctx = LockContext {
        lock_id: s.lock.id(),
        epoch: ad.epoch,
        challenge: ad.challenge,
    };
    let stranger = KeyAuthority::generate().expect("authority");
    let holder = latchkey_protocol::SigningKey::generate().expect("holder");
    let cert = stranger
        .issue_key(KeyGrant {
            key_id: KeyId([1; 8]),
            lock_id: s.lock.id(),
            lock_group: false,
            holder: holder.public_key(),
            role: Role::Owner,
            not_before: 0,
            not_after: u32::MAX,
            schedule: None,
            offline_allowed: true,
            serial: 1,
        })
        .expect("cert");
    let eph = EphemeralKey::generate().expect("ephemeral");
    AuthRequest::build(
        &ctx,
        CertRef::Full(cert),
        eph.public_key(),
        Command::Unlock,
        CommandId([2; 8]),
        |m| holder.sign_message(m),
    )
    .expect("request")
    .encode()
}

/// Spends the lock's budget for unproven work from several connections.
fn flood(s: &ResidentScene) {
    for i in 0..12 {
        let mut lock = s.lock.lock();
        if i % 3 == 0 {
            lock.on_connect(23);
        }
        drop(lock);
        let frame = junk_auth(s);
        let mut lock = s.lock.lock();
        for packet in fragment(&frame, 23).expect("fragments") {
            let _ = lock.on_packet(&packet);
        }
    }
}

#[tokio::test]
async fn a_flooded_lock_turns_a_first_contact_away_as_busy_and_fast_keeps_working() {
    let s = resident_scene(START, LockConfig::default()).await;
    s.phone
        .locks()
        .unlock(s.lock.id(), &NoProgress)
        .await
        .expect("first unlock");
    flood(&s);
    let moves = s.lock.lock().actuation_count();

    // The resident has a fast key: no asymmetric work, not affected.
    let repeat = s.phone.locks().lock(s.lock.id(), &NoProgress).await.expect("fast lock");
    assert_eq!(repeat.path, UnlockPath::Fast);

    // A newcomer's first contact needs two verifications: turned away.
    let dir = tempfile::tempdir().expect("dir");
    let newcomer = s
        .world
        .phone(dir.path(), LinkParams::mtu185(), &[&s.lock])
        .await
        .expect("phone");
    let key = s
        .world
        .issue(&newcomer, &s.lock, GrantSpec::resident(START))
        .expect("key");
    newcomer.keys().add_key(key, "newcomer").await.expect("stored");
    flood(&s);
    let err = newcomer.locks().unlock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::LockBusy, "{err}");
    assert!(matches!(err, LatchkeyError::Lock { .. }), "{err:?}");
    assert_eq!(
        s.lock.lock().actuation_count(),
        moves + 1,
        "only the fast lock moved the bolt"
    );

    // A minute without junk refills the budget.
    s.world.clock.advance_secs(60);
    newcomer
        .locks()
        .unlock(s.lock.id(), &NoProgress)
        .await
        .expect("unlocks once the flood stops");
}

/// Moves the clock past the key's end when the engine starts a retry.
struct ExpiresBeforeRetry(VirtualClock);

impl ProgressListener for ExpiresBeforeRetry {
    fn on_progress(&self, progress: Progress) {
        if matches!(progress, Progress::Retrying { .. }) {
            self.0.advance_secs(7_200);
        }
    }
}

#[tokio::test]
async fn a_retry_refused_after_the_key_expired_says_the_first_try_may_have_acted() {
    let s = resident_scene(START, LockConfig::default()).await;
    let dir = tempfile::tempdir().expect("dir");
    let guest = s
        .world
        .phone(dir.path(), LinkParams::mtu185(), &[&s.lock])
        .await
        .expect("phone");
    let key = s
        .world
        .issue(&guest, &s.lock, GrantSpec::guest(START - 60, START + 3_600, None))
        .expect("key");
    guest.keys().add_key(key, "guest").await.expect("stored");
    // The request reaches the lock, the answer is lost.
    s.world
        .radio
        .set_next_faults(FaultPlan::none().disconnect_after_requests(1));
    let err = guest
        .locks()
        .unlock(s.lock.id(), &ExpiresBeforeRetry(s.world.clock.clone()))
        .await
        .unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::KeyExpired, "{err}");
    let text = err.to_string();
    assert!(text.contains("may have been carried out"), "{text}");
    assert_eq!(s.lock.lock().actuation_count(), 1, "the first try did unlock");
}

#[tokio::test]
async fn a_refusal_is_not_taken_for_the_doors_state_or_battery() {
    // The lock's clock runs 10 % fast: after 10,000 s it is 1,000 s ahead,
    // so it refuses a key the phone still holds valid for 500 s.
    let s = resident_scene(
        START,
        LockConfig {
            rtc_drift_ppm: 100_000,
            ..LockConfig::default()
        },
    )
    .await;
    let dir = tempfile::tempdir().expect("dir");
    let guest = s
        .world
        .phone(dir.path(), LinkParams::mtu185(), &[&s.lock])
        .await
        .expect("phone");
    let key = s
        .world
        .issue(&guest, &s.lock, GrantSpec::guest(START - 60, START + 10_500, None))
        .expect("key");
    guest.keys().add_key(key, "guest").await.expect("stored");
    guest.locks().unlock(s.lock.id(), &NoProgress).await.expect("unlock");
    let before = guest.store().locks().state(&s.lock.id()).expect("state");
    assert!(!before.battery_history.is_empty());
    assert!(before.battery_history.iter().all(|b| b.percent > 0));

    s.world.clock.advance_secs(10_000);
    let err = guest.locks().lock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::KeyExpired, "{err}");
    let after = guest.store().locks().state(&s.lock.id()).expect("state");
    assert_eq!(
        after.battery_history, before.battery_history,
        "no 0 % sample from a redacted status"
    );
    assert_eq!(
        after.current_status(),
        before.current_status(),
        "the door's last known state stands"
    );
}
