//! Managed keypad PINs end to end: the host changes PINs, any phone that
//! talks to the lock carries the change, the lock confirms it, and until
//! then the phone shows the drift (the lock still accepts a deleted PIN).

use latchkey_core::diagnostics::{diagnose, DeviceSnapshot, FindingCode, LockObservations, PlatformSnapshot};
use latchkey_core::outbox::OutboxEvent;
use latchkey_core::unlock::NoProgress;
use latchkey_core::Client;
use latchkey_protocol::pin::PinSlotChange;
use latchkey_protocol::{PinClass, PinDigits, PinList, PinRule, PinSlot, ResultCode};
use latchkey_sim::lock::{KeypadOutcome, LockConfig};
use latchkey_testkit::scene::{resident_scene, ResidentScene};
use std::collections::BTreeMap;

/// Sunday 2026-01-04 18:00 UTC: the phone's last visit before the change.
const SUNDAY: u32 = 1_767_549_600;
const DAY: u32 = 86_400;
const CLEANER: &str = "48291736";
const GUEST: &str = "91735284";

type Scene = ResidentScene;

async fn scene() -> Scene {
    resident_scene(SUNDAY, LockConfig::default()).await
}

fn slot(s: &Scene, n: u8, class: PinClass, digits: &str) -> PinSlot {
    let d = PinDigits::new(digits).unwrap();
    let rule = PinRule::between(class, SUNDAY - DAY, SUNDAY + 30 * DAY);
    s.world.authority.pin_slot(&s.lock.id(), n, &d, rule).unwrap()
}

fn labels() -> BTreeMap<u8, String> {
    BTreeMap::from([(1, "Cleaner".to_string()), (2, "Guest: Smith".to_string())])
}

fn pin_list(s: &Scene, seq: u32, issued_at: u32, slots: Vec<PinSlot>) -> PinList {
    s.world
        .authority
        .pin_list(s.lock.id(), seq, issued_at, 0, slots)
        .unwrap()
}

fn opens(s: &Scene, digits: &str) -> bool {
    matches!(
        s.lock.lock().enter_pin(digits),
        KeypadOutcome::Accepted {
            result: ResultCode::Ok,
            ..
        }
    )
}

fn delivered_seqs(phone: &Client) -> Vec<u32> {
    phone
        .outbox()
        .peek(10_000, usize::MAX)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.event {
            OutboxEvent::PinListDelivered { seq, .. } => Some(seq),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_pin_deleted_while_the_lock_is_offline_keeps_working_until_a_phone_delivers_the_change() {
    let s = scene().await;
    let cleaner = slot(&s, 1, PinClass::User, CLEANER);
    let guest = slot(&s, 2, PinClass::Guest, GUEST);
    let first = pin_list(&s, 1, SUNDAY, vec![cleaner, guest]);
    assert!(s.phone.pins().add_pin_list(first, labels()).await.unwrap());
    // Sunday: the phone's visit carries the list after the unlock.
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(s.lock.lock().pin_seq(), 1);
    let status = s.phone.pins().status(s.lock.id()).await.unwrap();
    assert!(!status.pending);
    assert_eq!(status.acked.map(|a| a.seq), Some(1));
    assert!(opens(&s, GUEST));

    // Monday: the host deletes the guest's PIN in the portal; the phone
    // syncs it but nobody goes near the lock.
    s.world.clock.advance_secs(u64::from(DAY));
    let monday = s.world.clock.unix_now();
    let second = pin_list(&s, 2, monday, vec![cleaner]);
    assert!(s.phone.pins().add_pin_list(second, labels()).await.unwrap());
    let drift = s.phone.pins().status(s.lock.id()).await.unwrap();
    assert!(drift.pending, "{drift:?}");
    assert_eq!((drift.held_seq, drift.held_issued_at), (Some(2), Some(monday)));
    let acked = drift.acked.unwrap();
    assert_eq!(acked.seq, 1);
    assert!(acked.acknowledged_at - SUNDAY < 60, "acknowledged Sunday");
    assert!(drift.last_contact.unwrap() - SUNDAY < 60, "last contact Sunday");
    let changes = drift.pending_changes.clone().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].change, PinSlotChange::Removed(2));
    assert_eq!(changes[0].label.as_deref(), Some("Guest: Smith"));
    assert_eq!(s.phone.pins().list().await.unwrap(), vec![drift]);
    assert!(opens(&s, GUEST), "the lock has not heard: the deleted PIN still opens");
    // The diagnosis names it, with whose PIN it is.
    let at = s.world.clock.unix_now();
    let observations = LockObservations::builder(s.phone.store(), s.lock.id(), at)
        .build()
        .unwrap();
    assert_eq!(observations.pins.pending_changes, ["Guest: Smith (slot 2): removed"]);
    let findings = diagnose(
        &PlatformSnapshot::new(DeviceSnapshot::Linux(Default::default())),
        &observations,
    );
    let pin_drift = findings
        .iter()
        .find(|f| f.code == FindingCode::PinDrift)
        .expect("pin_drift");
    assert!(pin_drift.explanation.contains("Guest: Smith"), "{pin_drift:?}");

    // Tuesday: the phone opens the door and delivers the change.
    s.world.clock.advance_secs(u64::from(DAY));
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(s.lock.lock().pin_seq(), 2);
    assert!(!opens(&s, GUEST), "delivered: the deleted PIN stops");
    assert!(opens(&s, CLEANER));
    let after = s.phone.pins().status(s.lock.id()).await.unwrap();
    assert!(!after.pending);
    assert_eq!(after.pending_changes, Some(vec![]));
    assert_eq!(delivered_seqs(&s.phone), [1, 2]);

    // Nothing new: the next visit carries nothing.
    let before = s.lock.lock().events().len();
    s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    let pushes = s.lock.lock().events()[before..]
        .iter()
        .filter(|e| e.kind == latchkey_protocol::EventKind::PinsUpdated)
        .count();
    assert_eq!(pushes, 0);
    assert_eq!(delivered_seqs(&s.phone), [1, 2]);
}

#[tokio::test]
async fn a_new_guest_pin_is_pending_until_delivered_and_then_opens() {
    let s = scene().await;
    let list = pin_list(&s, 1, SUNDAY, vec![slot(&s, 2, PinClass::Guest, GUEST)]);
    s.phone.pins().add_pin_list(list, labels()).await.unwrap();
    let status = s.phone.pins().status(s.lock.id()).await.unwrap();
    assert!(status.pending && status.acked.is_none());
    let change = &status.pending_changes.unwrap()[0];
    assert_eq!(
        (change.change, change.label.as_deref()),
        (PinSlotChange::Added(2), Some("Guest: Smith"))
    );
    assert!(!opens(&s, GUEST), "the guest's PIN never reached the lock");
    s.phone.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    assert!(opens(&s, GUEST));
}

#[tokio::test]
async fn a_list_from_another_authority_is_refused_before_it_is_stored() {
    let s = scene().await;
    let stranger = latchkey_sim::authority::KeyAuthority::generate().unwrap();
    let forged = stranger.pin_list(s.lock.id(), 5, SUNDAY, 0, vec![]).unwrap();
    let err = s.phone.pins().add_pin_list(forged, BTreeMap::new()).await.unwrap_err();
    assert_eq!(err.diagnosis(), latchkey_core::DiagnosisCode::KeyRejected);
    assert_eq!(s.phone.pins().status(s.lock.id()).await.unwrap().held_seq, None);
}

#[tokio::test]
async fn after_a_factory_reset_the_phone_carries_the_pin_list_again() {
    let s = scene().await;
    let list = pin_list(&s, 3, SUNDAY, vec![slot(&s, 1, PinClass::User, CLEANER)]);
    s.phone.pins().add_pin_list(list, labels()).await.unwrap();
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.lock.lock().factory_reset();
    latchkey_testkit::bench::claim_on_bench(&mut s.lock.lock(), &s.world.authority, s.world.clock.unix_now()).unwrap();
    assert!(!opens(&s, CLEANER));
    // The visit that notices the reset forgets the old acknowledgement…
    let report = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    assert!(report.lock_reset_detected);
    assert!(s.phone.pins().status(s.lock.id()).await.unwrap().pending);
    // …and the next one carries the list again.
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(s.lock.lock().pin_seq(), 3);
    assert!(opens(&s, CLEANER));
    assert!(!s.phone.pins().status(s.lock.id()).await.unwrap().pending);
}
