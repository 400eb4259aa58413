//! The link to the lock fails at each step after the adapter: the connect
//! stalls, service discovery stalls, the device advertises but serves no
//! latchkey service, the device vanishes mid-command; and a lock whose RX
//! takes only writes with response (run with ./scripts/test-ble).

mod ble_support;

use ble_support::{harness_provides, phone_options, BleScene, LOCK_ADAPTER};
use latchkey_core::transport::ble::BleOptions;
use latchkey_core::transport::{ScanFilter, ScannedLock, Transport, TransportError};
use latchkey_core::unlock::{CommandPolicy, NoProgress};
use latchkey_core::{DiagnosisCode, LatchkeyError};
use latchkey_protocol::{BoltState, COMPANY_ID};
use latchkey_sim::bluez::{bluer, BluezPeripheral, PeripheralOptions};
use latchkey_sim::Peripheral as _;
use std::time::{Duration, Instant};

/// Few, short attempts: every failure here is the same on each attempt.
fn quick_policy() -> CommandPolicy {
    CommandPolicy {
        scan_timeout: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(2),
        max_attempts: 2,
    }
}

async fn scan_for(s: &BleScene) -> ScannedLock {
    let filter = ScanFilter {
        short_lock_id: Some(s.lock_id().short()),
        first_match: true,
    };
    let found = s.transport.scan(&filter, Duration::from_secs(5)).await.expect("scan");
    found.into_iter().next().expect("the lock advertises")
}

/// BlueZoo, stopped (SIGSTOP) while this lives: a Bluetooth stack that
/// takes calls and answers none. Continued on drop, also when a test fails.
struct FrozenBluez(String);

impl FrozenBluez {
    /// `None` when the harness did not say which process BlueZoo is.
    fn freeze() -> Option<Self> {
        let pid = std::env::var("LATCHKEY_BLE_BLUEZOO_PID")
            .ok()
            .filter(|p| !p.is_empty())?;
        signal("-STOP", &pid);
        Some(Self(pid))
    }
}

impl Drop for FrozenBluez {
    fn drop(&mut self) {
        signal("-CONT", &self.0);
    }
}

fn signal(which: &str, pid: &str) {
    let status = std::process::Command::new("kill")
        .args([which, pid])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill {which} {pid}: {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connect_the_stack_never_answers_times_out_as_a_connect_timeout() {
    if !harness_provides("bluezoo") {
        return;
    }
    let s = BleScene::new(phone_options()).await;
    let lock = scan_for(&s).await;
    let Some(frozen) = FrozenBluez::freeze() else {
        eprintln!("skipped: LATCHKEY_BLE_BLUEZOO_PID unset (run with ./scripts/test-ble)");
        return;
    };
    let timeout = Duration::from_secs(1);
    let started = Instant::now();
    let result = s.transport.connect(&lock.address, timeout).await;
    let took = started.elapsed();
    drop(frozen);

    let error = result.err().expect("nothing can connect through a frozen stack");
    assert_eq!(error, TransportError::ConnectTimeout(timeout));
    // The timeout plus bounded clean-up, not BlueZ's 30 s D-Bus timeout.
    assert!(took < Duration::from_secs(4), "took {took:?}");
    let error = LatchkeyError::from(error);
    assert_eq!(error.diagnosis(), DiagnosisCode::ConnectionFailed, "{error}");
    assert!(error.to_string().contains("connection timed out"), "{error}");

    // Once the stack answers again, so does the lock.
    let report = s
        .phone
        .locks()
        .unlock(s.lock_id(), &NoProgress)
        .await
        .expect("unlock afterwards");
    assert_eq!(report.bolt, BoltState::Unlocked);
    assert_eq!(s.lock.model().actuation_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_discovery_that_does_not_finish_in_time_is_named_and_nothing_reaches_the_lock() {
    if !harness_provides("bluezoo") {
        return;
    }
    // BlueZoo lists services at once; no stack finishes discovery within
    // a zero deadline, so this is the real discovery-timeout path.
    let options = BleOptions {
        discovery_timeout: Duration::ZERO,
        ..phone_options()
    };
    let s = BleScene::with_policy(options, quick_policy()).await;
    let err = s.phone.locks().unlock(s.lock_id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::ConnectionFailed, "{err}");
    assert!(
        matches!(&err, LatchkeyError::Bluetooth { detail, .. } if detail.contains("service discovery timed out")),
        "{err}"
    );
    let stats = s.peripheral.as_ref().expect("serving").stats();
    assert!(stats.connects >= 1, "the link came up: {stats:?}");
    assert_eq!(stats.packets_in, 0, "{stats:?}");
    assert_eq!(s.lock.model().actuation_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_advertises_without_serving_the_latchkey_service_is_named() {
    if !harness_provides("bluezoo") {
        return;
    }
    let mut s = BleScene::with_policy(phone_options(), quick_policy()).await;
    s.stop_peripheral().await;
    // The lock's advertisement, but no GATT application behind it (a
    // firmware whose GATT server did not start).
    let session = bluer::Session::new().await.expect("BlueZ session");
    let adapter = session.adapter(LOCK_ADAPTER).expect("hci1");
    let payload = s.lock.model().advertisement().encode();
    let _advertising = adapter
        .advertise(bluer::adv::Advertisement {
            advertisement_type: bluer::adv::Type::Peripheral,
            manufacturer_data: [(COMPANY_ID, payload)].into(),
            discoverable: Some(true),
            ..Default::default()
        })
        .await
        .expect("advertise");

    let err = s.phone.locks().unlock(s.lock_id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::ConnectionFailed, "{err}");
    assert!(err.to_string().contains("no latchkey service"), "{err}");
    assert_eq!(s.lock.model().actuation_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_vanishes_mid_command_is_a_lost_connection_at_once() {
    if !harness_provides("bluezoo") {
        return;
    }
    let mut s = BleScene::new(phone_options()).await;
    let lock = scan_for(&s).await;
    let mut link = s
        .transport
        .connect(&lock.address, Duration::from_secs(5))
        .await
        .expect("connect");
    // The lock drops the link when it stops, once it has seen the central.
    let peripheral = s.peripheral.as_ref().expect("serving");
    let seen_by = Instant::now() + Duration::from_secs(5);
    while peripheral.stats().connects == 0 && Instant::now() < seen_by {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(peripheral.stats().connects, 1);
    s.stop_peripheral().await;

    let started = Instant::now();
    let waited = link.next_notification(Duration::from_secs(10)).await;
    assert_eq!(waited, Err(TransportError::Disconnected));
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(link.write(&[0]).await, Err(TransportError::Disconnected));
    link.disconnect().await;
    let error = LatchkeyError::from(TransportError::Disconnected);
    assert_eq!(error.diagnosis(), DiagnosisCode::ConnectionFailed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_whose_rx_takes_only_writes_with_response_gets_them() {
    if !harness_provides("bluezoo") {
        return;
    }
    let mut s = BleScene::new(phone_options()).await;
    s.stop_peripheral().await;
    let options = PeripheralOptions {
        write_without_response: false,
        ..PeripheralOptions::on_adapter(LOCK_ADAPTER)
    };
    s.peripheral = Some(
        BluezPeripheral::start(s.lock.peripheral(), options)
            .await
            .expect("serve"),
    );

    let report = s.phone.locks().unlock(s.lock_id(), &NoProgress).await.expect("unlock");
    assert_eq!(report.bolt, BoltState::Unlocked);
    assert_eq!(report.attempts, 1);
    let stats = s.peripheral.as_ref().expect("serving").stats();
    assert!(stats.packets_in >= 1, "{stats:?}");
    assert_eq!(stats.writes_with_response, stats.packets_in, "{stats:?}");
    assert_eq!(stats.writes_without_response, 0, "{stats:?}");
    assert_eq!(s.lock.model().actuation_count(), 1);
}
