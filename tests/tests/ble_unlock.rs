//! The phone core against the simulated lock over a real BLE stack:
//! latchkey-core's btleplug central on hci0, the lock as a BlueZ GATT
//! peripheral on hci1, both on BlueZoo (run with ./scripts/test-ble).

mod ble_support;

use ble_support::{harness_provides, phone_options, BleScene};
use latchkey_core::unlock::{NoProgress, UnlockPath};
use latchkey_protocol::{BoltState, KeyId};
use latchkey_sim::bluez::ExchangeRecord;

/// The first answer the peripheral sent after `before` earlier ones: the
/// command's (it is the first request of a connection), as the peripheral
/// counted it on the air.
fn command_exchange(s: &BleScene, before: usize) -> ExchangeRecord {
    let exchanges = s.peripheral.as_ref().expect("serving").exchanges();
    *exchanges
        .get(before)
        .unwrap_or_else(|| panic!("no answer after {before}: {exchanges:?}"))
}

fn answers_so_far(s: &BleScene) -> usize {
    s.peripheral.as_ref().expect("serving").exchanges().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_unlock_is_auth_and_repeat_is_fast_each_one_write_and_one_notification() {
    if !harness_provides("bluezoo") {
        return;
    }
    let s = BleScene::new(phone_options()).await;
    let one_and_one = ExchangeRecord {
        writes: 1,
        notifications: 1,
        answer_len: 0,
        delivered: true,
    };

    let before = answers_so_far(&s);
    let first = s
        .phone
        .locks()
        .unlock(s.lock_id(), &NoProgress)
        .await
        .expect("first unlock");
    assert_eq!(first.path, UnlockPath::Auth);
    assert_eq!(first.round_trips, 1);
    assert_eq!(first.attempts, 1);
    assert_eq!(first.bolt, BoltState::Unlocked);
    assert_eq!(s.lock.model().actuation_count(), 1);
    let auth = command_exchange(&s, before);
    assert_eq!(
        ExchangeRecord { answer_len: 0, ..auth },
        one_and_one,
        "AUTH: one write, one notification"
    );

    let before = answers_so_far(&s);
    let ops_before = s.lock.model().asym_op_counts();
    let repeat = s.phone.locks().lock(s.lock_id(), &NoProgress).await.expect("repeat");
    let ops_after = s.lock.model().asym_op_counts();
    assert_eq!(repeat.path, UnlockPath::Fast);
    assert_eq!(repeat.round_trips, 1);
    assert_eq!(repeat.bolt, BoltState::Locked);
    assert!(repeat.bytes_up <= 64, "repeat request was {} bytes", repeat.bytes_up);
    let fast = command_exchange(&s, before);
    assert_eq!(
        ExchangeRecord { answer_len: 0, ..fast },
        one_and_one,
        "FAST: one write, one notification"
    );
    // Only the event batch signature after the command: nothing for the unlock itself.
    assert_eq!(ops_after.ecdh, ops_before.ecdh);
    assert_eq!(ops_after.ecdsa_verify, ops_before.ecdsa_verify);
    assert_eq!(s.lock.model().actuation_count(), 2);
    let peripheral = s.peripheral.as_ref().expect("serving");
    let stats = peripheral.stats();
    assert_eq!(stats.frames_dropped, 0, "{stats:?}");
    // RX offers write without response, so the phone uses nothing else.
    assert_eq!(stats.writes_with_response, 0, "{stats:?}");
    // The per-answer record agrees with the link's totals (a write that
    // no answer followed is in the totals only).
    let exchanges = peripheral.exchanges();
    let writes: u64 = exchanges.iter().map(|e| u64::from(e.writes)).sum();
    let notifications: u64 = exchanges.iter().map(|e| u64::from(e.notifications)).sum();
    assert!(writes <= stats.packets_in, "{exchanges:?} {stats:?}");
    assert_eq!(notifications, stats.packets_out, "{exchanges:?} {stats:?}");
    eprintln!(
        "first (AUTH) answered {} ms after connecting ({auth:?}), repeat (FAST) {} ms ({fast:?}); peripheral {stats:?}",
        first.latency_ms, repeat.latency_ms
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_list_and_trusted_time_are_delivered_in_the_same_connection() {
    if !harness_provides("bluezoo") {
        return;
    }
    let s = BleScene::new(phone_options()).await;
    s.phone
        .locks()
        .unlock(s.lock_id(), &NoProgress)
        .await
        .expect("first unlock");
    // The lock loses power: its clock is untrusted until a token arrives.
    s.clock.advance_secs(3600);
    s.lock.model().power_loss();
    assert!(!s.lock.model().clock_trusted());
    let now = s.clock.unix_now();
    let list = s
        .authority
        .revocation_list(s.lock_id(), false, 1, now, vec![KeyId::random().unwrap()])
        .unwrap();
    assert!(s.phone.keys().add_revocation_list(list).await.unwrap());
    let token = s
        .authority
        .time_token(s.lock_id(), now, 600, 0, Default::default())
        .unwrap();
    s.phone.keys().add_time_token(token).await.unwrap();

    let connects_before = s.peripheral.as_ref().unwrap().stats().connects;
    let report = s.phone.locks().lock(s.lock_id(), &NoProgress).await.expect("lock");
    assert_eq!(report.revocation_seq_acked, Some(1));
    assert!(report.time_delivered.is_some(), "{report:?}");
    assert_eq!(report.bolt, BoltState::Locked);
    assert_eq!(report.attempts, 1);
    assert_eq!(s.peripheral.as_ref().unwrap().stats().connects, connects_before + 1);
    assert_eq!(s.lock.model().revocation_seq(), 1);
    assert!(s.lock.model().clock_trusted());
    assert_eq!(s.lock.model().actuation_count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_locks_events_are_fetched_into_the_outbox() {
    if !harness_provides("bluezoo") {
        return;
    }
    let s = BleScene::new(phone_options()).await;
    s.phone.locks().unlock(s.lock_id(), &NoProgress).await.expect("unlock");
    let report = s.phone.locks().lock(s.lock_id(), &NoProgress).await.expect("lock");
    assert!(report.events_collected >= 1, "{report:?}");
    let held = s.lock.model().events().len() as u64;
    let stats = s.phone.outbox().stats().unwrap();
    // Every lock event plus the phone's own attempt records.
    assert!(stats.access >= held + 2, "outbox {stats:?}, lock held {held}");
}
