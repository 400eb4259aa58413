//! Shared set-up for the real-BLE scenarios (tests/tests/ble_*.rs): a
//! simulated lock served as a BlueZ GATT peripheral on hci1 and a phone
//! using latchkey-core's btleplug transport on hci0, both on the private
//! D-Bus system bus that ./scripts/test-ble starts (with BlueZoo).
//!
//! Each scenario checks `LATCHKEY_BLE_BUS` first and skips, saying why,
//! when the harness did not provide the bus it needs.

// Each test file uses a different part of this module.
#![allow(dead_code)]

pub mod sim_process;

use latchkey_core::store::LockMeta;
use latchkey_core::transport::ble::{BleOptions, BleTransport};
use latchkey_core::unlock::{CommandPolicy, Progress, ProgressListener};
use latchkey_core::{Client, ClientBuilder};
use latchkey_protocol::{KeyGrant, KeyId, LockId, Role};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::bluez::{BluezPeripheral, PeripheralOptions, WallClockDriver};
use latchkey_sim::lock::{LockConfig, SimLock};
use latchkey_sim::{Peripheral, VirtualClock};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The phone's adapter.
pub const PHONE_ADAPTER: &str = "hci0";
/// The lock's adapter.
pub const LOCK_ADAPTER: &str = "hci1";

/// True when the harness set up the bus `mode` names ("bluezoo",
/// "no-bluez", "no-bus"); otherwise prints why the test is skipped.
pub fn harness_provides(mode: &str) -> bool {
    match std::env::var("LATCHKEY_BLE_BUS") {
        Ok(m) if m == mode => true,
        Ok(other) => {
            eprintln!("skipped: needs the '{mode}' bus, the harness provided '{other}'");
            false
        }
        Err(_) => {
            eprintln!("skipped: real-BLE test; run it with ./scripts/test-ble (LATCHKEY_BLE_BUS is unset)");
            false
        }
    }
}

/// Real unix time now.
pub fn unix_now() -> u32 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    u32::try_from(secs).unwrap_or(u32::MAX)
}

/// A commissioned lock whose model is shared with whatever serves it.
pub struct TestLock {
    /// The model.
    pub model: Arc<Mutex<SimLock>>,
    /// What a phone is told about it.
    pub meta: LockMeta,
}

impl TestLock {
    /// The model, to inspect or inject faults.
    pub fn model(&self) -> MutexGuard<'_, SimLock> {
        self.model.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The model as a peripheral to serve.
    pub fn peripheral(&self) -> Arc<Mutex<dyn Peripheral>> {
        self.model.clone()
    }
}

/// Clock, issuer, one lock, the phone; the peripheral serving the lock.
pub struct BleScene {
    /// Virtual time that follows the wall clock (shared by lock and phone).
    pub clock: VirtualClock,
    /// The property's key authority.
    pub authority: KeyAuthority,
    /// The lock.
    pub lock: TestLock,
    /// The phone, on hci0.
    pub phone: Arc<Client>,
    /// The phone's transport.
    pub transport: Arc<BleTransport>,
    /// The BlueZ peripheral on hci1, while it runs.
    pub peripheral: Option<BluezPeripheral>,
    _wall: WallClockDriver,
    _dir: tempfile::TempDir,
}

impl BleScene {
    /// A lock served on hci1 and a phone on hci0 holding a resident key.
    pub async fn new(options: BleOptions) -> Self {
        Self::with_policy(options, CommandPolicy::default()).await
    }

    /// Like [`BleScene::new`], with the phone's command policy.
    pub async fn with_policy(options: BleOptions, policy: CommandPolicy) -> Self {
        let clock = VirtualClock::starting_at(unix_now());
        let wall = WallClockDriver::start(clock.clone(), Duration::from_millis(5));
        let authority = KeyAuthority::generate().expect("issuer key");
        let lock = commission(&authority, &clock, "Front door");
        let peripheral = serve(lock.peripheral()).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let transport = Arc::new(BleTransport::new(options));
        let phone = provisioned_phone(dir.path(), &clock, transport.clone(), &authority, &lock, policy).await;
        Self {
            clock,
            authority,
            lock,
            phone,
            transport,
            peripheral: Some(peripheral),
            _wall: wall,
            _dir: dir,
        }
    }

    /// The lock's id.
    pub fn lock_id(&self) -> LockId {
        self.lock.meta.lock_id
    }

    /// Stops serving the lock (as if its radio died).
    pub async fn stop_peripheral(&mut self) {
        if let Some(p) = self.peripheral.take() {
            p.stop().await;
        }
    }

    /// Serves the same lock model again.
    pub async fn restart_peripheral(&mut self) {
        self.stop_peripheral().await;
        self.peripheral = Some(serve(self.lock.peripheral()).await);
    }
}

/// Commissions a lock with `authority`'s key on `clock`.
pub fn commission(authority: &KeyAuthority, clock: &VirtualClock, name: &str) -> TestLock {
    let lock_id = LockId::random().expect("lock id");
    let config = LockConfig::default();
    let meta_groups = config.groups.clone();
    let utc_offset_min = config.utc_offset_min;
    let model = SimLock::commission(authority.public_key(), lock_id, clock.clone(), config).expect("commission");
    let meta = LockMeta {
        lock_id,
        name: name.to_string(),
        identity_key: model.identity_public_key(),
        issuer_key: authority.public_key(),
        utc_offset_min,
        groups: meta_groups,
    };
    TestLock {
        model: Arc::new(Mutex::new(model)),
        meta,
    }
}

/// Serves `peripheral` on hci1.
pub async fn serve(peripheral: Arc<Mutex<dyn Peripheral>>) -> BluezPeripheral {
    BluezPeripheral::start(peripheral, PeripheralOptions::on_adapter(LOCK_ADAPTER))
        .await
        .expect("serve the lock on hci1")
}

/// A phone with its own store in `dir` using `transport`, knowing `lock`
/// and holding a resident key for it.
pub async fn provisioned_phone(
    dir: &std::path::Path,
    clock: &VirtualClock,
    transport: Arc<BleTransport>,
    authority: &KeyAuthority,
    lock: &TestLock,
    policy: CommandPolicy,
) -> Arc<Client> {
    let phone = ClientBuilder::new(dir)
        .allow_software_keys()
        .transport(transport)
        .clock(Arc::new(latchkey_testkit::WorldClock(clock.clone())))
        .command_policy(policy)
        .build()
        .await
        .expect("phone");
    phone.keys().add_lock(lock.meta.clone()).await.expect("add lock");
    let now = clock.unix_now();
    let key = authority
        .issue_key(KeyGrant {
            key_id: KeyId::random().expect("key id"),
            lock_id: lock.meta.lock_id,
            lock_group: false,
            holder: phone.holder_key(),
            role: Role::Resident,
            not_before: now.saturating_sub(60),
            not_after: now + 30 * 86_400,
            schedule: None,
            offline_allowed: true,
            serial: 1,
        })
        .expect("issue key");
    phone.keys().add_key(key, "resident").await.expect("add key");
    phone
}

/// Options for the phone's side: hci0.
pub fn phone_options() -> BleOptions {
    BleOptions::on_adapter(PHONE_ADAPTER)
}

/// Records when scanning started and when the lock answered.
#[derive(Default)]
pub struct Stopwatch {
    marks: Mutex<(Option<Instant>, Option<Instant>)>,
}

impl Stopwatch {
    /// Scan start to answer, if both happened.
    pub fn scan_to_answer(&self) -> Option<Duration> {
        let marks = self.marks.lock().unwrap_or_else(|p| p.into_inner());
        Some(marks.1?.duration_since(marks.0?))
    }
}

impl ProgressListener for Stopwatch {
    fn on_progress(&self, progress: Progress) {
        let mut marks = self.marks.lock().unwrap_or_else(|p| p.into_inner());
        match progress {
            Progress::Scanning if marks.0.is_none() => marks.0 = Some(Instant::now()),
            Progress::Done { .. } => marks.1 = Some(Instant::now()),
            _ => {}
        }
    }
}

/// One request the lock answered, as the peripheral saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exchange {
    /// Packets the request took.
    pub request_packets: u32,
    /// Length of the answer frame.
    pub answer_len: usize,
}

/// The requests a [`Recorder`] saw answered, in order.
pub type ExchangeLog = Arc<Mutex<Vec<Exchange>>>;

/// A peripheral that passes everything to the lock model and records each
/// answered request.
pub struct Recorder {
    inner: Arc<Mutex<SimLock>>,
    packets: u32,
    exchanges: ExchangeLog,
}

impl Recorder {
    /// Wraps `lock`; returns the wrapper and the shared record.
    pub fn wrap(lock: &TestLock) -> (Arc<Mutex<dyn Peripheral>>, ExchangeLog) {
        Self::wrap_model(lock.model.clone())
    }

    /// Wraps a lock model shared with the test.
    pub fn wrap_model(inner: Arc<Mutex<SimLock>>) -> (Arc<Mutex<dyn Peripheral>>, ExchangeLog) {
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        let recorder = Self {
            inner,
            packets: 0,
            exchanges: exchanges.clone(),
        };
        (Arc::new(Mutex::new(recorder)), exchanges)
    }

    fn lock(&self) -> MutexGuard<'_, SimLock> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Peripheral for Recorder {
    fn advertisement(&mut self) -> latchkey_protocol::Advertisement {
        self.lock().advertisement()
    }
    fn on_connect(&mut self, mtu: u16) {
        self.packets = 0;
        self.lock().on_connect(mtu);
    }
    fn on_disconnect(&mut self) {
        self.packets = 0;
        self.lock().on_disconnect();
    }
    fn on_packet(&mut self, packet: &[u8]) -> Option<Vec<u8>> {
        self.packets += 1;
        let answer = self.lock().on_packet(packet)?;
        let exchange = Exchange {
            request_packets: std::mem::take(&mut self.packets),
            answer_len: answer.len(),
        };
        self.exchanges.lock().unwrap_or_else(|p| p.into_inner()).push(exchange);
        Some(answer)
    }
    fn on_tick(&mut self) -> Option<Vec<u8>> {
        self.lock().on_tick()
    }
    fn asym_ops(&self) -> u64 {
        self.lock().asym_ops()
    }
}

/// A provisioned phone whose lock is not served by anything: for the
/// scenarios where Bluetooth itself is missing.
pub struct PhoneOnly {
    /// The phone, on hci0.
    pub phone: Arc<Client>,
    /// Its transport.
    pub transport: Arc<BleTransport>,
    /// The lock it holds a key for.
    pub lock: TestLock,
    _dir: tempfile::TempDir,
}

impl PhoneOnly {
    /// A phone on hci0 with a key for a lock that nothing serves.
    pub async fn new() -> Self {
        let clock = VirtualClock::starting_at(unix_now());
        let authority = KeyAuthority::generate().expect("issuer key");
        let lock = commission(&authority, &clock, "Front door");
        let dir = tempfile::tempdir().expect("temp dir");
        let transport = Arc::new(BleTransport::new(phone_options()));
        let phone = provisioned_phone(
            dir.path(),
            &clock,
            transport.clone(),
            &authority,
            &lock,
            CommandPolicy::default(),
        )
        .await;
        Self {
            phone,
            transport,
            lock,
            _dir: dir,
        }
    }
}
