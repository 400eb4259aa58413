//! Keypad PINs managed in the reference cloud, over TLS on loopback: a PIN
//! deleted in the portal while the lock is offline keeps working at the
//! keypad until a phone syncs, visits the lock and delivers the new list,
//! then stops. In between, the cloud's drift view names the pending
//! deletion and the last contact, the phone's status says it in words and
//! the diagnosis names it; after the phone reported the lock's
//! acknowledgement, nothing is pending anywhere and no event was refused.

use latchkey_core::diagnostics::{diagnose, DeviceSnapshot, FindingCode, LockObservations, PlatformSnapshot};
use latchkey_core::sync::{IssueKey, PinChange, SyncOutcome};
use latchkey_core::unlock::NoProgress;
use latchkey_protocol::Role;
use latchkey_sim::lock::KeypadOutcome;
use latchkey_testkit::scene::{host_and_phone, HostScene};
use latchkey_tests::sync_bench::harness::CloudPhone;
use std::time::Duration;

/// Sunday 2026-11-15 10:00 UTC.
const SUNDAY: u32 = 1_794_736_800;
const DAY: u64 = 86_400;
const CLEANER: &str = "482913";

fn accepted(outcome: KeypadOutcome) -> bool {
    matches!(outcome, KeypadOutcome::Accepted { .. })
}

async fn synced(phone: &CloudPhone) -> latchkey_core::sync::SyncReport {
    let report = phone.engine.sync_until_idle(10).await;
    assert_eq!(report.outcome, SyncOutcome::Completed, "{}: {report:?}", phone.name);
    report
}

fn pin(slot: u8, digits: Option<&str>, label: &str) -> PinChange {
    PinChange {
        slot,
        digits: digits.map(str::to_string),
        label: Some(label.into()),
        ..PinChange::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_deleted_in_the_portal_works_until_a_phone_delivers_the_change_and_drift_shows_it() {
    let HostScene {
        world,
        lock,
        cloud,
        host,
        other: resident,
        dirs: _dirs,
    } = host_and_phone(SUNDAY, "Front door", "resident").await;
    host.online();
    resident.online();
    host.engine
        .issue_key(&IssueKey {
            lock_id: lock.id(),
            phone: "resident".into(),
            role: Role::Resident,
            not_before: SUNDAY - 60,
            not_after: SUNDAY + 30 * 86_400,
            schedule: None,
            offline_allowed: true,
            label: "resident".into(),
            cert_lifetime_s: None,
        })
        .await
        .unwrap();

    // Sunday: the cleaner's PIN is created and reaches the lock.
    let created = host
        .engine
        .change_pin(&lock.id(), &pin(3, Some(CLEANER), "Cleaner"))
        .await
        .unwrap();
    assert_eq!((created.seq, created.action.as_str()), (1, "created"));
    assert!(!accepted(lock.lock().enter_pin(CLEANER)), "not delivered yet");
    let report = synced(&resident).await;
    assert_eq!(report.pin_lists, 1, "{report:?}");
    resident.offline();
    let visit = resident.phone.locks().unlock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(lock.lock().pin_seq(), 1, "{visit:?}");
    assert!(accepted(lock.lock().enter_pin(CLEANER)), "delivered: the code works");
    resident.online();
    let report = synced(&resident).await;
    assert_eq!(report.pin_acks_reported, 1, "{report:?}");
    let drift = host.engine.pin_drift().await.unwrap();
    assert!(drift[0].in_sync && drift[0].pending.is_empty(), "{drift:?}");
    let sunday_contact = drift[0].last_contact_at.expect("the visit is a contact");
    assert!(sunday_contact - SUNDAY < 600, "{drift:?}");

    // Monday: deleted in the portal; the lock, offline, still accepts it.
    world.clock.advance_secs(DAY);
    let monday = world.clock.unix_now();
    let deleted = host.engine.delete_pin(&lock.id(), 3).await.unwrap();
    assert_eq!(
        (deleted.seq, deleted.action.as_str(), deleted.at),
        (2, "deleted", monday)
    );
    let drift = host.engine.pin_drift().await.unwrap();
    assert_eq!((drift[0].cloud_seq, drift[0].lock_seq, drift[0].in_sync), (2, 1, false));
    assert_eq!(drift[0].pending_count, 1);
    let pending = &drift[0].pending[0];
    assert_eq!(
        (
            pending.action.as_str(),
            pending.label.as_str(),
            pending.slot,
            pending.at
        ),
        ("deleted", "Cleaner", 3, monday)
    );
    assert_eq!(drift[0].reported_by.as_deref(), Some("resident"));
    assert_eq!(
        (drift[0].last_contact_at, drift[0].last_contact_by.as_deref()),
        (Some(sunday_contact), Some("resident"))
    );
    assert!(accepted(lock.lock().enter_pin(CLEANER)), "the lock has not heard");

    // A phone syncs (its credential refresh is due a day later): it now
    // carries the deletion, and says so in words and in a diagnosis.
    resident.timer.advance(Duration::from_secs(DAY));
    let report = synced(&resident).await;
    assert_eq!(report.pin_lists, 1, "{report:?}");
    let status = resident.engine.status().await.unwrap();
    let pins = &status.locks[0].pins;
    assert!(pins.pending, "{pins:?}");
    assert_eq!(
        pins.describe(),
        ["PIN 'Cleaner' deleted in the portal on Monday 2026-11-16, lock still accepts it: last contact Sunday 2026-11-15"]
    );
    let observations = LockObservations::builder(resident.phone.store(), lock.id(), monday)
        .build()
        .unwrap();
    assert_eq!(
        observations.pins.pending_changes,
        ["Cleaner (slot 3): removed on Monday 2026-11-16"]
    );
    let findings = diagnose(
        &PlatformSnapshot::new(DeviceSnapshot::Linux(Default::default())),
        &observations,
    );
    let finding = findings
        .iter()
        .find(|f| f.code == FindingCode::PinDrift)
        .expect("pin_drift");
    assert!(
        finding.explanation.contains("removed on Monday 2026-11-16"),
        "{finding:?}"
    );

    // Tuesday: the phone opens the door and delivers the change: the code stops.
    world.clock.advance_secs(DAY);
    resident.offline();
    resident.phone.locks().lock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(lock.lock().pin_seq(), 2);
    assert!(!accepted(lock.lock().enter_pin(CLEANER)), "deleted on the lock too");
    let status = resident.engine.status().await.unwrap();
    assert!(!status.locks[0].pins.pending && status.locks[0].pins.describe().is_empty());

    // Back online, the acknowledgement ends the drift; every event went up.
    resident.online();
    let report = synced(&resident).await;
    assert_eq!(report.pin_acks_reported, 1, "{report:?}");
    assert_eq!(report.dead_lettered, 0, "{report:?}");
    let drift = host.engine.pin_drift().await.unwrap();
    assert!(drift[0].in_sync && drift[0].pending.is_empty(), "{drift:?}");
    assert_eq!(drift[0].pending_count, 0);
    assert!(drift[0].last_contact_at.unwrap() >= monday + 86_400, "{drift:?}");
    assert!(resident.engine.dead_letters().await.unwrap().is_empty());
    let delivered: Vec<u64> = cloud
        .received_events(Some(&lock.id()))
        .unwrap()
        .iter()
        .filter(|e| e.event["kind"] == "pin_list_delivered")
        .filter_map(|e| e.event["seq"].as_u64())
        .collect();
    assert_eq!(delivered, [1, 2]);

    // The host's phone received the lock's PIN secret (for offline PINs);
    // the resident's did not.
    synced(&host).await;
    assert!(host.phone.store().pins().pin_secret(&lock.id()).unwrap().is_some());
    assert!(resident.phone.store().pins().pin_secret(&lock.id()).unwrap().is_none());
    cloud.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cloud_refuses_bad_pin_changes_with_clear_errors() {
    let HostScene {
        world: _world,
        lock,
        cloud,
        host,
        other: guest,
        dirs: _dirs,
    } = host_and_phone(SUNDAY, "Front door", "guest").await;
    host.online();
    guest.online();
    let err = host.engine.delete_pin(&lock.id(), 1).await.unwrap_err();
    assert!(err.to_string().contains("no PIN in slot 1"), "{err}");
    let err = host
        .engine
        .change_pin(&lock.id(), &pin(1, None, "nobody"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("give `digits`"), "{err}");
    let err = host
        .engine
        .change_pin(&lock.id(), &pin(1, Some("12"), "short"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("4 to 8 digits"), "{err}");
    let err = guest
        .engine
        .change_pin(&lock.id(), &pin(1, Some("1234"), "x"))
        .await
        .unwrap_err();
    assert!(err.to_string().to_lowercase().contains("host"), "only hosts: {err}");
    let err = guest.engine.pin_drift().await.unwrap_err();
    assert!(err.to_string().to_lowercase().contains("host"), "only hosts: {err}");
    // A guest with no key for the lock gets no PIN list either.
    let report = synced(&guest).await;
    assert_eq!(report.pin_lists, 0);
    cloud.shutdown().await;
}
