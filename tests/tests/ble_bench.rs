//! Wall time from scan start to unlock result over the real BLE stack
//! (btleplug → BlueZoo → BlueZ GATT peripheral → SimLock), median of N,
//! first contact (AUTH) and repeat (FAST), printed as one JSON line next
//! to the radio model's figure for the same commands.
//!
//! Not part of the test run (it takes about a minute):
//!
//! ```text
//! ./scripts/test-ble ble_bench -- --ignored --nocapture
//! ```
//!
//! `LATCHKEY_BLE_BENCH_N` changes N (default 20).

mod ble_support;

use ble_support::{harness_provides, phone_options, provisioned_phone, BleScene, Stopwatch};
use latchkey_core::transport::ble::BleTransport;
use latchkey_core::unlock::UnlockPath;
use latchkey_core::CommandReport;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::START;
use latchkey_testkit::{GrantSpec, SimWorld};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Default)]
struct Samples {
    scan_to_result_ms: Vec<f64>,
    call_ms: Vec<f64>,
    connected_to_result_ms: Vec<f64>,
}

impl Samples {
    fn add(&mut self, watch: &Stopwatch, call: Duration, report: &CommandReport) {
        let scan_to_result = watch.scan_to_answer().unwrap_or(call);
        self.scan_to_result_ms.push(scan_to_result.as_secs_f64() * 1e3);
        self.call_ms.push(call.as_secs_f64() * 1e3);
        self.connected_to_result_ms.push(report.latency_ms as f64);
    }

    fn json(&self) -> String {
        format!(
            "{{\"n\":{},\"scan_to_result_ms\":{{\"median\":{:.0},\"min\":{:.0},\"max\":{:.0}}},\
             \"unlock_call_ms_median\":{:.0},\"connected_to_result_ms_median\":{:.0}}}",
            self.scan_to_result_ms.len(),
            median(&self.scan_to_result_ms),
            min(&self.scan_to_result_ms),
            max(&self.scan_to_result_ms),
            median(&self.call_ms),
            median(&self.connected_to_result_ms),
        )
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// The radio model's connection-to-result time for the same two commands
/// at MTU 185 (virtual milliseconds).
async fn radio_model_ms() -> (u64, u64) {
    let world = SimWorld::new(START).expect("world");
    let lock = world.add_lock("Front door", LockConfig::default()).expect("lock");
    let dir = tempfile::tempdir().expect("dir");
    let phone = world
        .phone(dir.path(), LinkParams::mtu185(), &[&lock])
        .await
        .expect("phone");
    let key = world.issue(&phone, &lock, GrantSpec::resident(START)).expect("key");
    phone.keys().add_key(key, "resident").await.expect("add key");
    let noop = latchkey_core::unlock::NoProgress;
    let first = phone.locks().unlock(lock.id(), &noop).await.expect("first");
    let repeat = phone.locks().unlock(lock.id(), &noop).await.expect("repeat");
    (first.latency_ms, repeat.latency_ms)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: ./scripts/test-ble ble_bench -- --ignored --nocapture"]
async fn scan_to_unlock_wall_time_over_bluezoo() {
    if !harness_provides("bluezoo") {
        return;
    }
    let n: usize = std::env::var("LATCHKEY_BLE_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let s = BleScene::new(phone_options()).await;

    // First contact: a new phone each time (no fast key, certificate not
    // cached), so every sample is a full AUTH.
    let mut first = Samples::default();
    for _ in 0..n {
        let dir = tempfile::tempdir().expect("dir");
        let transport = Arc::new(BleTransport::new(phone_options()));
        let phone = provisioned_phone(
            dir.path(),
            &s.clock,
            transport,
            &s.authority,
            &s.lock,
            Default::default(),
        )
        .await;
        let watch = Stopwatch::default();
        let started = Instant::now();
        let report = phone.locks().unlock(s.lock_id(), &watch).await.expect("first unlock");
        assert_eq!(report.path, UnlockPath::Auth);
        assert_eq!(report.round_trips, 1);
        first.add(&watch, started.elapsed(), &report);
    }

    // Repeat: the scene's phone, FAST after its first unlock.
    s.phone
        .locks()
        .unlock(s.lock_id(), &latchkey_core::unlock::NoProgress)
        .await
        .expect("warm-up");
    let mut repeat = Samples::default();
    for _ in 0..n {
        let watch = Stopwatch::default();
        let started = Instant::now();
        let report = s
            .phone
            .locks()
            .unlock(s.lock_id(), &watch)
            .await
            .expect("repeat unlock");
        assert_eq!(report.path, UnlockPath::Fast);
        assert_eq!(report.round_trips, 1);
        repeat.add(&watch, started.elapsed(), &report);
    }

    let (model_first, model_repeat) = radio_model_ms().await;
    println!(
        "{{\"ble_bluezoo\":{{\"first\":{},\"repeat\":{}}},\
         \"radio_model_mtu185_connected_to_result_ms\":{{\"first\":{model_first},\"repeat\":{model_repeat}}}}}",
        first.json(),
        repeat.json()
    );
}
