//! No D-Bus system bus at all (run with ./scripts/test-ble, which points
//! this file's DBUS_SYSTEM_BUS_ADDRESS where nothing listens).

mod ble_support;

use ble_support::{harness_provides, PhoneOnly};
use latchkey_core::transport::ble::BluezState;
use latchkey_core::unlock::NoProgress;
use latchkey_core::{DiagnosisCode, LatchkeyError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_system_bus_the_phone_says_bluetooth_is_unavailable_and_why() {
    if !harness_provides("no-bus") {
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
        matches!(&err, LatchkeyError::Bluetooth { detail, .. } if detail.contains("no D-Bus system bus")),
        "{err}"
    );
    assert!(matches!(p.transport.probe().await, BluezState::NoSystemBus { .. }));
    assert_eq!(p.lock.model().actuation_count(), 0);
}
