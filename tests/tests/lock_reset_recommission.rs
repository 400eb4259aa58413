//! A factory reset and the way back, from the phones' side: what stops
//! working said plainly, an owner re-commissioning the lock in one flow
//! (issuer, time, lists, PIN secret), residents' keys working again, a
//! revoked key staying refused, and the events the reset cut off marked
//! as a gap of the old epoch.

use latchkey_core::diagnostics::{
    diagnose, offline_readiness, CheckStatus, DeviceSnapshot, FindingCode, PlatformSnapshot, ReadinessItem,
    ReadinessPolicy,
};
use latchkey_core::outbox::OutboxEvent;
use latchkey_core::unlock::{NoProgress, UnlockPath};
use latchkey_core::{Client, DiagnosisCode};
use latchkey_protocol::{plan_offline_pin, PinClass, PinDigits, PinRule, ResultCode};
use latchkey_sim::lock::{KeypadOutcome, LockConfig};
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::scene::{resident_scene, ResidentScene};
use latchkey_testkit::{GrantSpec, START};
use std::collections::BTreeMap;
use std::sync::Arc;

const CLEANER: &str = "48291736";

async fn scene() -> ResidentScene {
    resident_scene(START, LockConfig::default()).await
}

/// The owner's phone in the scene's world: an owner key, the newest lists
/// and the lock's PIN secret.
async fn owner(s: &ResidentScene, dir: &tempfile::TempDir) -> Arc<Client> {
    let owner = s
        .world
        .phone(dir.path(), LinkParams::mtu185(), &[&s.lock])
        .await
        .unwrap();
    let mut grant = GrantSpec::resident(START);
    grant.role = latchkey_protocol::Role::Owner;
    owner
        .keys()
        .add_key(s.world.issue(&owner, &s.lock, grant).unwrap(), "owner")
        .await
        .unwrap();
    let secret = s.world.authority.pin_secret(&s.lock.id()).unwrap();
    owner.pins().add_pin_secret(s.lock.id(), secret).await.unwrap();
    owner
}

fn opens(s: &ResidentScene, digits: &str) -> bool {
    matches!(
        s.lock.lock().enter_pin(digits),
        KeypadOutcome::Accepted {
            result: ResultCode::Ok,
            ..
        }
    )
}

#[tokio::test]
async fn after_a_reset_the_phone_says_plainly_what_stopped_working_without_touching_the_lock() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.lock.lock().factory_reset();
    let before = s.lock.lock().asym_op_counts();
    let err = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::LockUnclaimed, "{err}");
    let said = err.to_string();
    for what in [
        "factory reset",
        "fast keys",
        "keypad PINs",
        "offline keys",
        "setup code",
    ] {
        assert!(said.contains(what), "{what}: {said}");
    }
    assert_eq!(
        s.lock.lock().asym_op_counts(),
        before,
        "the advertisement said it: nothing was sent"
    );
    let queued: Vec<OutboxEvent> = s
        .phone
        .outbox()
        .peek(100, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert!(queued.iter().any(|e| matches!(
        e,
        OutboxEvent::LockResetDetected {
            previous_epoch: 1,
            new_epoch: 2,
            ..
        }
    )));
    let obs = s.phone.diagnostics().observe(s.lock.id()).await.unwrap();
    let snapshot = PlatformSnapshot::new(DeviceSnapshot::Linux(Default::default()));
    assert!(diagnose(&snapshot, &obs)
        .iter()
        .any(|f| f.code == FindingCode::LockUnclaimed));
    let readiness = offline_readiness(&snapshot, &obs, &ReadinessPolicy::default());
    let line = readiness
        .checks
        .iter()
        .find(|c| c.item == ReadinessItem::LockSetup)
        .unwrap();
    assert_eq!(line.status, CheckStatus::Fail);
}

#[tokio::test]
async fn an_owner_brings_a_reset_lock_back_and_a_revoked_key_stays_refused() {
    let s = scene().await;
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let owner = owner(&s, &dirs.0).await;
    let guest = s
        .world
        .phone(dirs.1.path(), LinkParams::mtu185(), &[&s.lock])
        .await
        .unwrap();
    let guest_key = s
        .world
        .issue(&guest, &s.lock, GrantSpec::guest(START, START + 86_400, None))
        .unwrap();
    let guest_key_id = guest_key.key_id();
    guest.keys().add_key(guest_key, "guest").await.unwrap();
    guest.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    // The host revokes the guest and sets a cleaner's PIN; the owner's
    // phone carries both to the lock.
    let list = s
        .world
        .authority
        .revocation_list(s.lock.id(), false, 4, START, vec![guest_key_id])
        .unwrap();
    owner.keys().add_revocation_list(list).await.unwrap();
    let digits = PinDigits::new(CLEANER).unwrap();
    let slot = s
        .world
        .authority
        .pin_slot(&s.lock.id(), 1, &digits, PinRule::always(PinClass::User))
        .unwrap();
    let pins = s
        .world
        .authority
        .pin_list(s.lock.id(), 2, START, 0, vec![slot])
        .unwrap();
    owner.pins().add_pin_list(pins, BTreeMap::new()).await.unwrap();
    owner.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    assert!(opens(&s, CLEANER));

    let label = s.lock.lock().label();
    s.lock.lock().factory_reset();
    assert!(!opens(&s, CLEANER), "PINs stopped working");
    let report = owner
        .setup()
        .recommission(s.lock.id(), Some(label), &NoProgress)
        .await
        .unwrap();
    assert!(report.recommissioned);
    assert_eq!((report.epoch, report.revocation_seq, report.pin_seq), (2, 4, 2));

    // Residents' keys work again without being issued anew (one AUTH in
    // the new epoch); the revoked guest stays out; PINs and offline PINs
    // are back.
    let resident = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(resident.path, UnlockPath::Auth);
    assert!(resident.lock_reset_detected);
    let err = guest.locks().unlock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::KeyRevoked, "{err}");
    assert!(opens(&s, CLEANER));
    let secret = s.world.authority.pin_secret(&s.lock.id()).unwrap();
    let offline = plan_offline_pin(&secret, s.world.clock.unix_now(), 3600, false, 0).unwrap();
    assert!(opens(&s, &offline.code));
    // Next time the owner's phone needs no label: it kept the setup code.
    assert!(owner
        .store()
        .locks()
        .state(&s.lock.id())
        .unwrap()
        .life
        .setup_secret
        .is_some());
}

#[tokio::test]
async fn a_phone_with_an_older_revocation_list_cannot_bring_the_lock_back() {
    let s = scene().await;
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (first, second) = (owner(&s, &dirs.0).await, owner(&s, &dirs.1).await);
    let older = s
        .world
        .authority
        .revocation_list(s.lock.id(), false, 2, START, vec![])
        .unwrap();
    let newer = s
        .world
        .authority
        .revocation_list(s.lock.id(), false, 3, START, vec![])
        .unwrap();
    second.keys().add_revocation_list(older).await.unwrap();
    first.keys().add_revocation_list(newer).await.unwrap();
    first.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    let label = s.lock.lock().label();
    s.lock.lock().factory_reset();
    let err = second
        .setup()
        .recommission(s.lock.id(), Some(label), &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::SetupIncomplete, "{err}");
    assert!(
        err.to_string().contains("revocation list 3") && err.to_string().contains("only 2"),
        "{err}"
    );
    assert!(!s.lock.lock().is_claimed(), "nothing was installed");
}

#[tokio::test]
async fn events_a_reset_cut_off_are_reported_as_a_gap_of_the_old_epoch() {
    let s = scene().await;
    let dir = tempfile::tempdir().unwrap();
    let owner = owner(&s, &dir).await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let collected = s.lock.lock().status().event_head;
    // Three keypad refusals no phone collects before the reset.
    for _ in 0..3 {
        s.lock.lock().enter_pin("000000");
    }
    let head = s.lock.lock().status().event_head;
    assert_eq!(head, collected + 3);
    let label = s.lock.lock().label();
    s.lock.lock().factory_reset();
    owner
        .setup()
        .recommission(s.lock.id(), Some(label), &NoProgress)
        .await
        .unwrap();
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let queued: Vec<OutboxEvent> = s
        .phone
        .outbox()
        .peek(1000, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert!(
        queued.iter().any(|e| *e
            == OutboxEvent::GapDetected {
                lock_id: s.lock.id(),
                epoch: 1,
                first_seq: collected + 1,
                last_seq: head,
                at: match e {
                    OutboxEvent::GapDetected { at, .. } => *at,
                    _ => 0,
                },
            }),
        "{queued:#?}"
    );
    let new_epoch_kinds: Vec<u8> = queued
        .iter()
        .filter_map(|e| match e {
            OutboxEvent::LockEvent { epoch: 2, event, .. } => Some(event[8]),
            _ => None,
        })
        .collect();
    assert_eq!(
        new_epoch_kinds.first(),
        Some(&(latchkey_protocol::EventKind::FactoryReset as u8))
    );
    assert!(new_epoch_kinds.contains(&(latchkey_protocol::EventKind::Claimed as u8)));
}
