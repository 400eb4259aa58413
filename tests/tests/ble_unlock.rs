//! The phone core against the simulated lock over a real BLE stack:
//! latchkey-core's btleplug central on hci0, the lock as a BlueZ GATT
//! peripheral on hci1, both on BlueZoo (run with ./scripts/test-ble).

mod ble_support;

use ble_support::{harness_provides, phone_options, serve, BleScene, Recorder};
use latchkey_core::unlock::{NoProgress, UnlockPath};
use latchkey_protocol::framing::packet_count;
use latchkey_protocol::{BoltState, KeyId};

/// BlueZoo reports this ATT MTU and does not fragment.
const BLUEZOO_MTU: u16 = 512;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_unlock_is_auth_and_repeat_is_fast_each_one_write_and_one_notification() {
    if !harness_provides("bluezoo") {
        return;
    }
    let mut s = BleScene::new(phone_options()).await;
    s.stop_peripheral().await;
    let (recorder, exchanges) = Recorder::wrap(&s.lock);
    s.peripheral = Some(serve(recorder).await);

    let first = s.phone.unlock(s.lock_id(), &NoProgress).await.expect("first unlock");
    assert_eq!(first.path, UnlockPath::Auth);
    assert_eq!(first.round_trips, 1);
    assert_eq!(first.attempts, 1);
    assert_eq!(first.bolt, BoltState::Unlocked);
    assert_eq!(s.lock.model().actuation_count(), 1);
    let command = exchanges.lock().unwrap()[0];
    assert_eq!(command.request_packets, 1, "AUTH request in one write: {command:?}");
    assert_eq!(packet_count(command.answer_len, BLUEZOO_MTU), 1, "{command:?}");

    exchanges.lock().unwrap().clear();
    let before = s.lock.model().asym_op_counts();
    let repeat = s.phone.lock(s.lock_id(), &NoProgress).await.expect("repeat");
    let after = s.lock.model().asym_op_counts();
    assert_eq!(repeat.path, UnlockPath::Fast);
    assert_eq!(repeat.round_trips, 1);
    assert_eq!(repeat.bolt, BoltState::Locked);
    assert!(repeat.bytes_up <= 64, "repeat request was {} bytes", repeat.bytes_up);
    let command = exchanges.lock().unwrap()[0];
    assert_eq!(command.request_packets, 1, "FAST request in one write: {command:?}");
    assert_eq!(packet_count(command.answer_len, BLUEZOO_MTU), 1, "{command:?}");
    // Only the event batch signature after the command: nothing for the unlock itself.
    assert_eq!(after.ecdh, before.ecdh);
    assert_eq!(after.ecdsa_verify, before.ecdsa_verify);
    assert_eq!(s.lock.model().actuation_count(), 2);
    let stats = s.peripheral.as_ref().expect("serving").stats();
    assert_eq!(stats.frames_dropped, 0, "{stats:?}");
    eprintln!(
        "first (AUTH) answered {} ms after connecting, repeat (FAST) {} ms; peripheral {stats:?}",
        first.latency_ms, repeat.latency_ms
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_list_and_trusted_time_are_delivered_in_the_same_connection() {
    if !harness_provides("bluezoo") {
        return;
    }
    let s = BleScene::new(phone_options()).await;
    s.phone.unlock(s.lock_id(), &NoProgress).await.expect("first unlock");
    // The lock loses power: its clock is untrusted until a token arrives.
    s.clock.advance_secs(3600);
    s.lock.model().power_loss();
    assert!(!s.lock.model().clock_trusted());
    let now = s.clock.unix_now();
    let list = s
        .authority
        .revocation_list(s.lock_id(), false, 1, now, vec![KeyId::random().unwrap()])
        .unwrap();
    assert!(s.phone.add_revocation_list(list).await.unwrap());
    let token = s
        .authority
        .time_token(s.lock_id(), now, 600, 0, Default::default())
        .unwrap();
    s.phone.add_time_token(token).await.unwrap();

    let connects_before = s.peripheral.as_ref().unwrap().stats().connects;
    let report = s.phone.lock(s.lock_id(), &NoProgress).await.expect("lock");
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
    s.phone.unlock(s.lock_id(), &NoProgress).await.expect("unlock");
    let report = s.phone.lock(s.lock_id(), &NoProgress).await.expect("lock");
    assert!(report.events_collected >= 1, "{report:?}");
    let held = s.lock.model().events().len() as u64;
    let stats = s.phone.outbox().stats().unwrap();
    // Every lock event plus the phone's own attempt records.
    assert!(stats.access >= held + 2, "outbox {stats:?}, lock held {held}");
}
