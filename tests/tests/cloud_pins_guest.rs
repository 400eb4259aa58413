//! A guest PIN managed in the reference cloud, over TLS on loopback: it
//! does not work until a phone delivers it, then works; a change to its
//! window made in the portal keeps the code and reaches the lock the same
//! way. Only phones entitled to make offline PINs (hosts, owner and admin
//! key holders) receive the lock's PIN secret, and a phone whose owner key
//! is revoked forgets it at its next sync.

use latchkey_core::sync::{IssueKey, PinChange, SyncOutcome};
use latchkey_core::unlock::NoProgress;
use latchkey_protocol::{PinClass, ResultCode, Role};
use latchkey_sim::lock::KeypadOutcome;
use latchkey_testkit::scene::{host_and_phone, HostScene};
use latchkey_tests::sync_bench::harness::CloudPhone;
use std::time::Duration;

/// Sunday 2026-11-15 10:00 UTC.
const SUNDAY: u32 = 1_794_736_800;
const HOUR: u32 = 3_600;
const GUEST_PIN: &str = "739158";

async fn synced(phone: &CloudPhone) -> latchkey_core::sync::SyncReport {
    let report = phone.engine.sync_until_idle(10).await;
    assert_eq!(report.outcome, SyncOutcome::Completed, "{}: {report:?}", phone.name);
    report
}

fn key_for(lock: latchkey_protocol::LockId, phone: &str, role: Role) -> IssueKey {
    IssueKey {
        lock_id: lock,
        phone: phone.into(),
        role,
        not_before: SUNDAY - 60,
        not_after: SUNDAY + 3 * 86_400,
        schedule: None,
        offline_allowed: true,
        label: phone.into(),
        cert_lifetime_s: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_pin_created_in_the_portal_works_only_once_delivered_and_a_window_change_keeps_the_code() {
    let HostScene {
        world,
        lock,
        cloud,
        host,
        other: guest,
        dirs: _dirs,
    } = host_and_phone(SUNDAY, "Cabin", "guest").await;
    host.online();
    guest.online();
    host.engine
        .issue_key(&key_for(lock.id(), "guest", Role::Guest))
        .await
        .unwrap();

    let stay = PinChange {
        slot: 5,
        digits: Some(GUEST_PIN.into()),
        label: Some("Guest: Smith".into()),
        holder: Some("Ms Smith".into()),
        class: Some(PinClass::Guest),
        not_before: Some(SUNDAY),
        not_after: Some(SUNDAY + 3 * 86_400),
        ..PinChange::default()
    };
    let created = host.engine.change_pin(&lock.id(), &stay).await.unwrap();
    assert_eq!(
        (created.action.as_str(), created.holder.as_deref()),
        ("created", Some("Ms Smith"))
    );
    assert!(
        matches!(
            lock.lock().enter_pin(GUEST_PIN),
            KeypadOutcome::Refused {
                reason: ResultCode::PinNotRecognized
            }
        ),
        "the lock has never heard of it"
    );
    let drift = host.engine.pin_drift().await.unwrap();
    assert_eq!(
        (drift[0].pending.len(), drift[0].last_contact_at),
        (1, None),
        "{drift:?}"
    );

    // The guest's phone syncs: it carries the new PIN (but no PIN secret).
    let report = synced(&guest).await;
    assert_eq!(report.pin_lists, 1, "{report:?}");
    assert!(guest.phone.store().pins().pin_secret(&lock.id()).unwrap().is_none());
    let status = guest.phone.pins().status(lock.id()).await.unwrap();
    assert_eq!(
        status.describe(),
        ["PIN 'Guest: Smith' (Ms Smith) created in the portal on Sunday 2026-11-15, lock does not accept it yet: no contact with the lock yet"]
    );

    // At the door, offline: the unlock delivers it, and the code works.
    guest.offline();
    guest.phone.locks().unlock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(lock.lock().pin_seq(), 1);
    let opened = lock.lock().enter_pin(GUEST_PIN);
    assert!(
        matches!(
            opened,
            KeypadOutcome::Accepted {
                result: ResultCode::Ok,
                ..
            }
        ),
        "{opened:?}"
    );
    guest.online();
    assert_eq!(synced(&guest).await.pin_acks_reported, 1);
    let drift = host.engine.pin_drift().await.unwrap();
    assert!(drift[0].in_sync, "{drift:?}");
    assert_eq!(drift[0].last_contact_by.as_deref(), Some("guest"));

    // The host shortens the stay in the portal (no digits: same code).
    let shorter = PinChange {
        slot: 5,
        not_after: Some(world.clock.unix_now() + 2 * HOUR),
        ..PinChange::default()
    };
    let changed = host.engine.change_pin(&lock.id(), &shorter).await.unwrap();
    assert_eq!((changed.seq, changed.changed.clone()), (2, vec!["window".to_string()]));
    guest.timer.advance(Duration::from_secs(2 * u64::from(HOUR)));
    assert_eq!(synced(&guest).await.pin_lists, 1);
    let words = guest.phone.pins().status(lock.id()).await.unwrap().describe();
    assert_eq!(words.len(), 1);
    assert!(
        words[0].starts_with("PIN 'Guest: Smith' (Ms Smith) changed (window) in the portal on Sunday 2026-11-15"),
        "{words:?}"
    );
    guest.offline();
    guest.phone.locks().status(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(lock.lock().pin_seq(), 2);
    assert!(
        matches!(lock.lock().enter_pin(GUEST_PIN), KeypadOutcome::Accepted { .. }),
        "same code"
    );
    world.clock.advance_secs(3 * u64::from(HOUR));
    let late = lock.lock().enter_pin(GUEST_PIN);
    assert!(
        matches!(
            late,
            KeypadOutcome::Refused {
                reason: ResultCode::KeyExpired
            }
        ),
        "{late:?}"
    );
    cloud.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_key_brings_the_pin_secret_for_offline_pins_and_its_revocation_takes_it_away() {
    let HostScene {
        world,
        lock,
        cloud,
        host,
        other: owner,
        dirs: _dirs,
    } = host_and_phone(SUNDAY, "Cabin", "owner").await;
    host.online();
    owner.online();
    let key = host
        .engine
        .issue_key(&key_for(lock.id(), "owner", Role::Owner))
        .await
        .unwrap();
    synced(&owner).await;
    assert!(owner.phone.store().pins().pin_secret(&lock.id()).unwrap().is_some());

    // With no network at all, the owner's phone makes a code for the
    // afternoon, and the lock takes it.
    owner.offline();
    owner.phone.locks().unlock(lock.id(), &NoProgress).await.unwrap();
    let code = owner
        .phone
        .pins()
        .offline_pin(lock.id(), SUNDAY + 2 * HOUR, 4 * HOUR, false)
        .await
        .unwrap();
    world.clock.advance_secs(3 * u64::from(HOUR));
    let opened = lock.lock().enter_pin(&code.code);
    assert!(matches!(opened, KeypadOutcome::Accepted { .. }), "{opened:?}");

    // The key is revoked: at its next sync the phone forgets the secret.
    host.engine.revoke_key(&key.key_id).await.unwrap();
    owner.online();
    owner.timer.advance(Duration::from_secs(2 * u64::from(HOUR)));
    let report = synced(&owner).await;
    assert_eq!(report.keys_removed, 1, "{report:?}");
    assert!(owner.phone.store().pins().pin_secret(&lock.id()).unwrap().is_none());
    cloud.shutdown().await;
}
