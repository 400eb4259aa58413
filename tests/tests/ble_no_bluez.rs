//! bluetoothd is not running: the bus is there, `org.bluez` is not (run
//! with ./scripts/test-ble, which starts this file's bus without BlueZoo).

mod ble_support;

use ble_support::{harness_provides, PhoneOnly, LOCK_ADAPTER};
use latchkey_core::transport::ble::BluezState;
use latchkey_core::unlock::NoProgress;
use latchkey_core::{DiagnosisCode, LatchkeyError};
use latchkey_sim::bluez::{BluezPeripheral, PeripheralOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_bluetoothd_the_phone_says_bluetooth_is_unavailable_and_why() {
    if !harness_provides("no-bluez") {
        return;
    }
    let p = PhoneOnly::new().await;
    let err = p
        .phone
        .locks()
        .unlock(p.lock.meta.lock_id, &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::BluetoothUnavailable, "{err}");
    assert!(
        matches!(&err, LatchkeyError::Bluetooth { detail, .. } if detail.contains("bluetoothd")),
        "{err}"
    );
    assert_eq!(p.transport.probe().await, BluezState::BluetoothdNotRunning);
    assert_eq!(p.lock.model().actuation_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_bluetoothd_the_lock_side_cannot_start_and_says_so() {
    if !harness_provides("no-bluez") {
        return;
    }
    let p = PhoneOnly::new().await;
    let started = BluezPeripheral::start(p.lock.peripheral(), PeripheralOptions::on_adapter(LOCK_ADAPTER)).await;
    let err = started.err().expect("no BlueZ, no peripheral");
    eprintln!("the lock side says: {err}");
    assert!(err.to_string().to_lowercase().contains("bluez"), "{err}");
}
