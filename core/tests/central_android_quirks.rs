//! How Android's `BluetoothGatt` and `BluetoothLeScanner` really behave,
//! one test per quirk, each naming the documentation or public report it
//! reproduces, run against the central driver with a scripted platform
//! (`central_support`). The glue forwards callbacks; these decisions are
//! the driver's.

mod central_support;

use central_support::{android, closed, connections, write_sizes, Op, Reply};
use latchkey_core::transport::central::{AdapterState, CentralEvent, PlatformError, StartResult};
use latchkey_core::transport::{FrameLink, ScanFilter, Transport, TransportError};
use latchkey_protocol::{Advertisement, Challenge};
use std::time::Duration;

const LOCK: &str = "C0:FF:EE:00:00:01";
const SECOND: Duration = Duration::from_secs(1);

fn advert() -> Vec<u8> {
    Advertisement {
        short_lock_id: [1, 2, 3, 4],
        epoch: 1,
        challenge: Challenge([7; 8]),
        flags: 0,
        revocation_seq_low: 0,
    }
    .encode()
}

fn any_lock() -> ScanFilter {
    ScanFilter {
        short_lock_id: None,
        first_match: true,
    }
}

/// GATT status 133 (`GATT_ERROR`) on connect: the most common Android
/// connection failure (android.googlesource.com/platform/packages/modules/
/// Bluetooth, `gatt_api.h`: `GATT_ERROR 0x85`). The attempt fails with the
/// status named, the `BluetoothGatt` is closed (an unclosed one leaks one of
/// the stack's few client slots), and the status is recorded for the
/// diagnostics.
#[tokio::test(start_paused = true)]
async fn status_133_on_connect_fails_the_attempt_and_closes_the_gatt() {
    let p = android();
    p.fake.on(|op, _| match op {
        Op::Connect(conn, _) => Some(Reply::started(vec![(
            200,
            CentralEvent::Disconnected {
                conn: *conn,
                status: 133,
            },
        )])),
        _ => None,
    });
    let err = p.central.connect(LOCK, 5 * SECOND).await.err().expect("fails");
    assert!(matches!(&err, TransportError::Other(m) if m.contains("133")), "{err}");
    assert!(closed(&p.fake, connections(&p.fake)[0]));
    assert_eq!(p.central.record().last_gatt_status, Some(133));
}

/// `onConnectionStateChange(STATE_CONNECTED, status != GATT_SUCCESS)`
/// happens (developer.android.com/reference/android/bluetooth/
/// BluetoothGattCallback#onConnectionStateChange: "status: Status of the
/// connect or disconnect operation"): such a link is not used.
#[tokio::test(start_paused = true)]
async fn connected_with_an_error_status_is_not_a_connection() {
    let p = android();
    p.fake.on(|op, _| match op {
        Op::Connect(conn, _) => Some(Reply::started(vec![(
            30,
            CentralEvent::Connected { conn: *conn, status: 8 },
        )])),
        _ => None,
    });
    let err = p.central.connect(LOCK, 5 * SECOND).await.err().expect("fails");
    assert!(
        matches!(&err, TransportError::Other(m) if m.contains("status 8")),
        "{err}"
    );
    assert!(closed(&p.fake, connections(&p.fake)[0]));
    assert!(
        !p.fake.log().iter().any(|o| matches!(o, Op::RequestMtu(..))),
        "nothing more was asked of it"
    );
}

/// Some phones never call `onMtuChanged` after `requestMtu` (reported
/// across BLE libraries, e.g. github.com/NordicSemiconductor/Android-BLE-
/// Library issues on MTU callbacks missing on some Samsung and Huawei
/// models). The driver goes on at the default MTU after a short wait.
#[tokio::test(start_paused = true)]
async fn a_missing_mtu_callback_goes_on_at_23() {
    let p = android();
    p.fake
        .on(|op, _| matches!(op, Op::RequestMtu(..)).then(|| Reply::started(vec![])));
    let link = p.central.connect(LOCK, 5 * SECOND).await.expect("connects");
    assert_eq!(link.mtu(), 23);
    assert!(p.fake.log().iter().any(|o| matches!(o, Op::Subscribe(_))));
}

/// A late `onMtuChanged` must not complete a later operation (the old glue
/// let any callback complete whatever was pending, so a late MTU callback
/// ended discovery early). Only `onServicesDiscovered` ends discovery; the
/// late MTU is still taken.
#[tokio::test(start_paused = true)]
async fn a_late_mtu_callback_does_not_end_discovery() {
    let p = android();
    p.fake.on(|op, _| match op {
        // The MTU answer arrives well after the driver stopped waiting.
        Op::RequestMtu(conn, _) => Some(Reply::started(vec![(
            700,
            CentralEvent::MtuChanged {
                conn: *conn,
                mtu: 247,
                status: 0,
            },
        )])),
        Op::Discover(conn) => Some(Reply::started(vec![(
            900,
            CentralEvent::ServicesDiscovered {
                conn: *conn,
                status: 0,
                latchkey_service: true,
            },
        )])),
        _ => None,
    });
    let started = tokio::time::Instant::now();
    let link = p.central.connect(LOCK, 5 * SECOND).await.expect("connects");
    // Discovery (started at ~530 ms) ended with its own callback.
    assert!(
        started.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(link.mtu(), 247, "the late MTU is used");
}

/// `onCharacteristicWrite` that never comes (a stack that drops the
/// callback for a write without response): the packet may have gone out,
/// so the write counts as sent and the wait for the lock's answer decides
/// (a lost answer then reads "the lock may have acted").
#[tokio::test(start_paused = true)]
async fn a_write_callback_that_never_comes_counts_as_possibly_sent() {
    let p = android();
    p.fake
        .on(|op, _| matches!(op, Op::Write(..)).then(|| Reply::started(vec![])));
    let mut link = p.central.connect(LOCK, 5 * SECOND).await.expect("connects");
    assert_eq!(link.write(&[1, 2, 3]).await, Ok(()));
    assert_eq!(
        link.next_notification(SECOND).await,
        Err(TransportError::Timeout(SECOND))
    );
}

/// The link drops during service discovery
/// (`onConnectionStateChange(STATE_DISCONNECTED)` before
/// `onServicesDiscovered`): the step fails at once, not after its timeout.
#[tokio::test(start_paused = true)]
async fn a_disconnect_during_discovery_fails_at_once_and_closes() {
    let p = android();
    p.fake.on(|op, _| match op {
        Op::Discover(conn) => Some(Reply::started(vec![(
            40,
            CentralEvent::Disconnected {
                conn: *conn,
                status: 19,
            },
        )])),
        _ => None,
    });
    let started = tokio::time::Instant::now();
    let err = p.central.connect(LOCK, 5 * SECOND).await.err().expect("fails");
    assert!(matches!(&err, TransportError::Other(m) if m.contains("19")), "{err}");
    assert!(started.elapsed() < SECOND);
    assert!(closed(&p.fake, connections(&p.fake)[0]));
}

/// Android 13+ refuses a `writeCharacteristic` value over 512 bytes with
/// `IllegalArgumentException` (developer.android.com/reference/android/
/// bluetooth/BluetoothGatt#writeCharacteristic(android.bluetooth.
/// BluetoothGattCharacteristic,%20byte[],%20int); the ATT attribute limit,
/// Bluetooth Core 5.3 Vol 3 Part F 3.2.9). At MTU 517 the framing would
/// fill 514-byte packets; the driver caps them at 512.
#[tokio::test(start_paused = true)]
async fn writes_never_exceed_512_bytes_even_at_mtu_517() {
    let p = android();
    let link = p.central.connect(LOCK, 5 * SECOND).await.expect("connects");
    assert_eq!(link.mtu(), 515);
    let mut frames = FrameLink::new(link);
    // A full PIN list push is about 1,000 bytes.
    frames.send(&vec![0xab; 1000]).await.expect("sent");
    let sizes = write_sizes(&p.fake);
    assert!(sizes.len() >= 2, "{sizes:?}");
    assert!(sizes.iter().all(|s| *s <= 512), "{sizes:?}");
}

/// API 33+ `writeCharacteristic` returns `ERROR_GATT_WRITE_REQUEST_BUSY`
/// (201) while another request is outstanding (developer.android.com/
/// reference/android/bluetooth/BluetoothStatusCodes#ERROR_GATT_WRITE_REQUEST_BUSY);
/// older versions return `false`. The driver tries again shortly.
#[tokio::test(start_paused = true)]
async fn a_busy_write_is_tried_again_until_the_stack_takes_it() {
    let p = android();
    p.fake
        .on(|op, n| (matches!(op, Op::Write(..)) && n < 2).then(|| Reply::just(StartResult::Busy)));
    let mut link = p.central.connect(LOCK, 5 * SECOND).await.expect("connects");
    assert_eq!(link.write(&[9; 20]).await, Ok(()));
    assert_eq!(write_sizes(&p.fake).len(), 3, "two busy answers, then taken");
}

/// A stack that stays busy: nothing went out, and the write says so (so
/// the command is tried again rather than reported as "may have acted").
#[tokio::test(start_paused = true)]
async fn a_write_the_stack_keeps_refusing_as_busy_fails_as_not_sent() {
    let p = android();
    p.fake
        .on(|op, _| matches!(op, Op::Write(..)).then(|| Reply::just(StartResult::Busy)));
    let mut link = p.central.connect(LOCK, 5 * SECOND).await.expect("connects");
    let err = link.write(&[9; 20]).await.expect_err("refused");
    assert!(
        matches!(&err, TransportError::Other(m) if m.contains("nothing was sent")),
        "{err}"
    );
}

/// `onScanFailed(SCAN_FAILED_APPLICATION_REGISTRATION_FAILED)` (2): the
/// stack could not register the app's scanner (developer.android.com/
/// reference/android/bluetooth/le/ScanCallback#SCAN_FAILED_APPLICATION_REGISTRATION_FAILED).
/// Not "out of range": the adapter needs a moment (or a toggle).
#[tokio::test(start_paused = true)]
async fn a_scan_registration_failure_is_not_out_of_range() {
    let p = android();
    p.fake.on(|op, _| match op {
        Op::StartScan(scan) => Some(Reply::started(vec![(
            5,
            CentralEvent::ScanFailed { scan: *scan, code: 2 },
        )])),
        _ => None,
    });
    let err = p.central.scan(&any_lock(), 5 * SECOND).await.expect_err("fails");
    assert!(
        matches!(&err, TransportError::NotReady(m) if m.contains("error 2")),
        "{err}"
    );
}

/// Android 7+ silently ignores a sixth scan an app starts within 30 s
/// (AOSP `ScanManager`/`AppScanStats`: "App is scanning too frequently",
/// five starts per 30 s; android.googlesource.com change "Prevent apps
/// from starting and stopping scans more than 5 times in 30s"). The app
/// sees nothing, which reads as "out of range". The driver counts its
/// scans and waits for a free slot when the command has the time, and
/// otherwise says why.
#[tokio::test(start_paused = true)]
async fn a_sixth_scan_within_30_s_waits_for_a_slot_instead_of_being_silently_ignored() {
    let p = android();
    for _ in 0..5 {
        assert!(p.central.scan(&any_lock(), SECOND).await.expect("scans").is_empty());
    }
    assert_eq!(p.central.record().scans_started_last_30s, 5);
    // Two quick taps: the next scan can't start within an 8 s command.
    let err = p.central.scan(&any_lock(), 8 * SECOND).await.expect_err("throttled");
    assert!(matches!(err, TransportError::ScanThrottled(_)), "{err}");
    let starts = |p: &central_support::Phone| p.fake.log().iter().filter(|o| matches!(o, Op::StartScan(_))).count();
    assert_eq!(starts(&p), 5, "no scan was started to be ignored");
    // With time to spare, it waits for the oldest start to age out.
    p.fake.on(|op, _| match op {
        Op::StartScan(scan) => Some(Reply::started(vec![(
            100,
            CentralEvent::ScanResult {
                scan: *scan,
                address: LOCK.into(),
                rssi: -60,
                company_id: latchkey_protocol::COMPANY_ID,
                data: advert(),
            },
        )])),
        _ => None,
    });
    let found = p
        .central
        .scan(&any_lock(), 40 * SECOND)
        .await
        .expect("scans after a wait");
    assert_eq!(found.len(), 1);
    assert_eq!(p.central.record().scans_delayed, 1);
}

/// Bluetooth switched off mid-scan (`ACTION_STATE_CHANGED` to
/// `STATE_TURNING_OFF`), or a scan started while it turns off
/// (`startScan` throws `IllegalStateException: BT Adapter is not turned
/// ON`): both are "Bluetooth is off", not "other".
#[tokio::test(start_paused = true)]
async fn bluetooth_turning_off_mid_scan_is_bluetooth_off() {
    let p = android();
    let fake = p.fake.clone();
    let scanning = tokio::spawn({
        let central = p.central.clone();
        async move { central.scan(&any_lock(), 5 * SECOND).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    fake.deliver(CentralEvent::Adapter(AdapterState::Off));
    assert_eq!(scanning.await.unwrap(), Err(TransportError::BluetoothOff));

    p.fake.on(|op, _| {
        matches!(op, Op::StartScan(_)).then(|| Reply::just(StartResult::Failed(PlatformError::BluetoothOff)))
    });
    assert_eq!(
        p.central.scan(&any_lock(), 5 * SECOND).await,
        Err(TransportError::BluetoothOff)
    );
}

/// A cancelled connect (the person backs out, the command is dropped) must
/// close its `BluetoothGatt`: an unclosed handle keeps a client slot and
/// can block the next `connectGatt` with status 133.
#[tokio::test(start_paused = true)]
async fn a_cancelled_connect_closes_the_gatt_handle() {
    let p = android();
    p.fake
        .on(|op, _| matches!(op, Op::Discover(..)).then(|| Reply::started(vec![])));
    let cancelled = tokio::time::timeout(Duration::from_millis(300), p.central.connect(LOCK, 5 * SECOND)).await;
    assert!(cancelled.is_err(), "dropped mid-setup");
    assert!(closed(&p.fake, connections(&p.fake)[0]));
}

/// The record the diagnostics read instead of asking the app: scans
/// started in the last 30 s and the last GATT status.
#[tokio::test(start_paused = true)]
async fn the_record_counts_scans_and_keeps_the_last_gatt_status() {
    let p = android();
    p.central.scan(&any_lock(), SECOND).await.expect("scan");
    p.central.scan(&any_lock(), SECOND).await.expect("scan");
    p.fake.deliver(CentralEvent::Adapter(AdapterState::On));
    let record = p.central.record();
    assert_eq!(record.scans_started_last_30s, 2);
    assert_eq!(record.last_gatt_status, None);
    assert_eq!(record.adapter, Some(AdapterState::On));
    tokio::time::sleep(Duration::from_secs(31)).await;
    assert_eq!(p.central.record().scans_started_last_30s, 0);
}
