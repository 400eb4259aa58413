//! The phone's adapter misbehaves: powered off, switched on by btleplug
//! when allowed, or absent (run with ./scripts/test-ble).

mod ble_support;

use ble_support::{harness_provides, phone_options, BleScene, PHONE_ADAPTER};
use latchkey_core::transport::ble::{BleOptions, BleTransport, BluezState};
use latchkey_core::unlock::NoProgress;
use latchkey_core::DiagnosisCode;
use latchkey_sim::bluez::bluer;

async fn set_phone_adapter_powered(powered: bool) {
    let session = bluer::Session::new().await.expect("BlueZ session");
    let adapter = session.adapter(PHONE_ADAPTER).expect("hci0");
    adapter.set_powered(powered).await.expect("set Powered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_powered_off_adapter_is_bluetooth_off_and_the_lock_is_untouched() {
    if !harness_provides("bluezoo") {
        return;
    }
    let s = BleScene::new(phone_options()).await;
    set_phone_adapter_powered(false).await;
    let err = s.phone.locks().unlock(s.lock_id(), &NoProgress).await.unwrap_err();
    let probed = BleTransport::new(phone_options()).probe().await;
    set_phone_adapter_powered(true).await;

    assert_eq!(err.diagnosis(), DiagnosisCode::BluetoothOff, "{err}");
    assert_eq!(
        probed,
        BluezState::PoweredOff {
            adapter: PHONE_ADAPTER.into()
        }
    );
    assert!(!s.transport.powered_on_by_us());
    assert_eq!(s.lock.model().actuation_count(), 0);
    assert!(s.lock.model().events().is_empty(), "the lock never heard of it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_allowed_btleplug_powers_the_adapter_on_and_the_unlock_goes_through() {
    if !harness_provides("bluezoo") {
        return;
    }
    let options = BleOptions {
        power_on: true,
        ..phone_options()
    };
    let s = BleScene::new(options).await;
    // Already on: nothing to claim.
    s.phone.locks().unlock(s.lock_id(), &NoProgress).await.expect("unlock");
    assert!(!s.transport.powered_on_by_us());
    set_phone_adapter_powered(false).await;
    let report = s.phone.locks().lock(s.lock_id(), &NoProgress).await;
    let probed = s.transport.probe().await;
    let probed_elsewhere = BleTransport::new(phone_options()).probe().await;
    set_phone_adapter_powered(true).await;

    let report = report.expect("lock after powering on");
    assert_eq!(report.attempts, 1);
    assert!(
        s.transport.powered_on_by_us(),
        "the transport says it switched Bluetooth on"
    );
    // The diagnostics snapshot of this transport says so too; another
    // transport only sees a powered adapter.
    assert_eq!(
        probed,
        BluezState::Ready {
            adapter: PHONE_ADAPTER.into(),
            powered_on_by_us: true,
        }
    );
    assert_eq!(
        probed_elsewhere,
        BluezState::Ready {
            adapter: PHONE_ADAPTER.into(),
            powered_on_by_us: false,
        }
    );
    assert_eq!(s.lock.model().actuation_count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_adapter_is_bluetooth_unavailable_naming_what_is_there() {
    if !harness_provides("bluezoo") {
        return;
    }
    let s = BleScene::new(BleOptions::on_adapter("hci7")).await;
    let err = s.phone.locks().unlock(s.lock_id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::BluetoothUnavailable, "{err}");
    let text = err.to_string();
    assert!(text.contains("hci7") && text.contains("hci0"), "{text}");
    assert_eq!(
        s.transport.probe().await,
        BluezState::NoAdapter {
            wanted: Some("hci7".into()),
            present: vec!["hci0".into(), "hci1".into()],
        }
    );
    assert_eq!(s.lock.model().actuation_count(), 0);
}
