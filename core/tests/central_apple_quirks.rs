//! How CoreBluetooth really behaves, one test per quirk, each naming the
//! documentation it reproduces, run against the central driver with a
//! scripted platform (`central_support`).

mod central_support;

use central_support::{apple, connections, Op, Reply};
use latchkey_core::transport::central::{AdapterState, CentralEvent, StartResult};
use latchkey_core::transport::{ScanFilter, Transport, TransportError};
use latchkey_protocol::{Advertisement, Challenge, COMPANY_ID};
use std::time::Duration;

const LOCK: &str = "6B8D4A0E-0000-4000-8000-00000000A001";
const SECOND: Duration = Duration::from_secs(1);

fn advert(short: u8) -> Vec<u8> {
    Advertisement {
        short_lock_id: [short; 4],
        epoch: 1,
        challenge: Challenge([7; 8]),
        flags: 0,
        revocation_seq_low: 0,
    }
    .encode()
}

fn lock(short: u8) -> ScanFilter {
    ScanFilter {
        short_lock_id: Some([short; 4]),
        first_match: true,
    }
}

/// Two scans at once (two commands, or a scan screen and a command):
/// CoreBluetooth has one `scanForPeripherals` at a time, and the old glue
/// kept one continuation, so the first scan never resumed and its timer
/// cut the second short (developer.apple.com/documentation/corebluetooth/
/// cbcentralmanager/scanforperipherals(withservices:options:): "calls to
/// this method replace" the previous scan's parameters). Each scan here has
/// its own id and results; each ends on its own deadline.
#[tokio::test(start_paused = true)]
async fn overlapping_scans_each_get_their_own_results() {
    let p = apple();
    p.fake.on(|op, n| match op {
        Op::StartScan(scan) => Some(Reply::started(vec![(
            100 + 100 * n as u64,
            CentralEvent::ScanResult {
                scan: *scan,
                address: format!("{LOCK}-{n}"),
                rssi: -55,
                company_id: COMPANY_ID,
                data: advert(n as u8 + 1),
            },
        )])),
        _ => None,
    });
    let first = {
        let c = p.central.clone();
        tokio::spawn(async move { c.scan(&lock(1), 2 * SECOND).await })
    };
    let second = {
        let c = p.central.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            c.scan(&lock(2), 2 * SECOND).await
        })
    };
    let (first, second) = (first.await.unwrap().unwrap(), second.await.unwrap().unwrap());
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].advertisement.short_lock_id, [1; 4]);
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].advertisement.short_lock_id, [2; 4]);
}

/// `didDisconnectPeripheral` of an old connection arrives late, after a
/// retry connected the same lock again. Keyed by peripheral UUID (the old
/// glue), it failed the new connection; keyed by connection generation,
/// it is dropped.
#[tokio::test(start_paused = true)]
async fn the_old_connections_late_disconnect_does_not_fail_a_retry() {
    let p = apple();
    let mut first = p.central.connect(LOCK, 5 * SECOND).await.expect("first connection");
    first.disconnect().await;
    let old = connections(&p.fake)[0];
    let fake = p.fake.clone();
    p.fake.on(move |op, _| match op {
        // While the retry connects, the old connection's callback lands.
        Op::Connect(conn, _) if *conn != old => {
            fake.deliver(CentralEvent::Disconnected { conn: old, status: 0 });
            Some(Reply::started(vec![(
                30,
                CentralEvent::Connected { conn: *conn, status: 0 },
            )]))
        }
        _ => None,
    });
    let mut retry = p.central.connect(LOCK, 5 * SECOND).await.expect("the retry connects");
    assert_eq!(retry.write(b"hello").await, Ok(()));
}

/// `writeValue(_:for:type: .withoutResponse)` drops packets when
/// `canSendWriteWithoutResponse` is false; the app must wait for
/// `peripheralIsReady(toSendWriteWithoutResponse:)`
/// (developer.apple.com/documentation/corebluetooth/cbperipheral/
/// cansendwritewithoutresponse). The glue reports "not ready" and the
/// driver waits for the ready callback before sending again.
#[tokio::test(start_paused = true)]
async fn a_write_without_response_waits_until_corebluetooth_is_ready() {
    let p = apple();
    let fake = p.fake.clone();
    p.fake.on(move |op, n| match op {
        Op::Write(conn, _) if n == 1 => {
            let conn = *conn;
            let fake = fake.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                fake.deliver(CentralEvent::ReadyToWrite { conn });
            });
            Some(Reply::just(StartResult::NotReady))
        }
        _ => None,
    });
    let mut link = p.central.connect(LOCK, 5 * SECOND).await.expect("connects");
    assert_eq!(link.write(&[1; 20]).await, Ok(()));
    assert_eq!(link.write(&[2; 20]).await, Ok(()), "waited for readiness");
    let writes: Vec<_> = p
        .fake
        .log()
        .into_iter()
        .filter(|o| matches!(o, Op::Write(..)))
        .collect();
    assert_eq!(writes.len(), 3, "the refused packet was sent again, once ready");
}

/// The central's state goes `poweredOff` mid-command
/// (`centralManagerDidUpdateState`): the waiting step fails as "Bluetooth
/// is off" at once, not after its timeout.
#[tokio::test(start_paused = true)]
async fn powered_off_mid_command_fails_the_waiting_step() {
    let p = apple();
    let mut link = p.central.connect(LOCK, 5 * SECOND).await.expect("connects");
    let fake = p.fake.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        fake.deliver(CentralEvent::Adapter(AdapterState::Off));
    });
    let started = tokio::time::Instant::now();
    assert_eq!(
        link.next_notification(3 * SECOND).await,
        Err(TransportError::BluetoothOff)
    );
    assert!(started.elapsed() < SECOND);
}

/// `resetting` (the system's Bluetooth daemon restarted): the command's
/// step fails as "not ready", which the core retries and diagnoses as
/// "Bluetooth is starting".
#[tokio::test(start_paused = true)]
async fn resetting_mid_connect_is_not_ready() {
    let p = apple();
    let fake = p.fake.clone();
    p.fake.on(move |op, _| match op {
        Op::Connect(..) => {
            fake.deliver(CentralEvent::Adapter(AdapterState::Resetting));
            Some(Reply::started(vec![]))
        }
        _ => None,
    });
    let err = p.central.connect(LOCK, 5 * SECOND).await.err().expect("fails");
    assert!(matches!(err, TransportError::NotReady(_)), "{err}");
}

/// State restoration (`centralManager(_:willRestoreState:)`) hands the app
/// peripherals from before it was relaunched; their callbacks name
/// connections this driver never made and are ignored, and a new
/// connection is not disturbed by them.
#[tokio::test(start_paused = true)]
async fn callbacks_of_restored_or_unknown_connections_are_ignored() {
    let p = apple();
    for conn in [9_000, 9_001] {
        p.fake.deliver(CentralEvent::Disconnected { conn, status: 0 });
        p.fake.deliver(CentralEvent::Notification {
            conn,
            value: vec![0xde, 0xad],
        });
    }
    let mut link = p.central.connect(LOCK, 5 * SECOND).await.expect("connects");
    assert_eq!(
        link.next_notification(Duration::from_millis(100)).await,
        Err(TransportError::Timeout(Duration::from_millis(100)))
    );
}

/// CoreBluetooth confirms no write without response (no
/// `didWriteValueFor` for `.withoutResponse`): the driver does not wait
/// for one.
#[tokio::test(start_paused = true)]
async fn a_write_without_response_needs_no_callback_on_apple() {
    let p = apple();
    let mut link = p.central.connect(LOCK, 5 * SECOND).await.expect("connects");
    let started = tokio::time::Instant::now();
    assert_eq!(link.write(&[1; 100]).await, Ok(()));
    assert!(started.elapsed() < Duration::from_millis(10));
}

/// The app creates its `CBCentralManager` on first use (so the Bluetooth
/// permission prompt comes when the person acts), and a new manager's
/// state is `unknown` until `centralManagerDidUpdateState`; scanning
/// before `poweredOn` is "API MISUSE" and does nothing
/// (developer.apple.com/documentation/corebluetooth/cbcentralmanager:
/// "commands ... are only valid in the poweredOn state"). The glue answers
/// `NotReady`; the driver waits for the state, then starts the scan.
#[tokio::test(start_paused = true)]
async fn a_central_made_on_first_use_scans_once_it_is_powered_on() {
    let p = apple();
    p.fake.on(|op, n| match op {
        Op::StartScan(_) if n == 0 => Some(Reply {
            start: StartResult::NotReady,
            later: vec![(300, CentralEvent::Adapter(AdapterState::On))],
        }),
        Op::StartScan(scan) => Some(Reply::started(vec![(
            100,
            CentralEvent::ScanResult {
                scan: *scan,
                address: LOCK.into(),
                rssi: -60,
                company_id: COMPANY_ID,
                data: advert(3),
            },
        )])),
        _ => None,
    });
    let found = p.central.scan(&lock(3), 2 * SECOND).await.expect("scans");
    assert_eq!(found.len(), 1);
    let starts = p.fake.log().iter().filter(|o| matches!(o, Op::StartScan(_))).count();
    assert_eq!(starts, 2, "asked again once powered on");
}

/// The same for a connection asked for before the manager is on.
#[tokio::test(start_paused = true)]
async fn a_connect_before_powered_on_goes_ahead_once_it_is() {
    let p = apple();
    p.fake.on(|op, n| match op {
        Op::Connect(..) if n == 0 => Some(Reply {
            start: StartResult::NotReady,
            later: vec![(200, CentralEvent::Adapter(AdapterState::On))],
        }),
        _ => None,
    });
    let link = p.central.connect(LOCK, 5 * SECOND).await;
    assert!(link.is_ok(), "connected once powered on");
    assert_eq!(connections(&p.fake).len(), 2, "the connect was asked again");
}

/// A new manager whose first state is `unauthorized` (the person said no
/// to the prompt): a permission error, not "not found".
#[tokio::test(start_paused = true)]
async fn unauthorized_while_waiting_for_the_manager_is_a_permission_error() {
    let p = apple();
    p.fake.on(|op, _| match op {
        Op::StartScan(_) => Some(Reply {
            start: StartResult::NotReady,
            later: vec![(100, CentralEvent::Adapter(AdapterState::Unauthorized))],
        }),
        _ => None,
    });
    let err = p.central.scan(&lock(3), 2 * SECOND).await.expect_err("refused");
    assert!(matches!(err, TransportError::PermissionDenied(_)), "{err}");
}
