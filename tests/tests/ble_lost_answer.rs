//! The lock's BLE side stops after it received a command and before it
//! answered: the phone must report the outcome honestly once the lock is
//! back, and the door must have moved at most once (run with
//! ./scripts/test-ble).

mod ble_support;

use ble_support::{harness_provides, phone_options, serve, BleScene, TestLock};
use latchkey_core::unlock::{CommandPolicy, NoProgress};
use latchkey_core::DiagnosisCode;
use latchkey_protocol::BoltState;
use latchkey_sim::lock::SimLock;
use latchkey_sim::Peripheral;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;

/// Hands every packet to the lock (which acts on a complete command), but
/// once armed, loses the next answer and reports that the request arrived:
/// a lock whose radio died between acting and answering.
struct LoseNextAnswer {
    lock: Arc<Mutex<SimLock>>,
    armed: bool,
    request_arrived: Arc<Notify>,
}

impl LoseNextAnswer {
    fn wrap(lock: &TestLock) -> (Arc<Mutex<dyn Peripheral>>, Arc<Notify>) {
        let request_arrived = Arc::new(Notify::new());
        let wrapper = Self {
            lock: lock.model.clone(),
            armed: true,
            request_arrived: request_arrived.clone(),
        };
        (Arc::new(Mutex::new(wrapper)), request_arrived)
    }

    fn lock(&self) -> MutexGuard<'_, SimLock> {
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Peripheral for LoseNextAnswer {
    fn advertisement(&mut self) -> latchkey_protocol::Advertisement {
        self.lock().advertisement()
    }
    fn on_connect(&mut self, mtu: u16) {
        self.lock().on_connect(mtu);
    }
    fn on_disconnect(&mut self) {
        self.lock().on_disconnect();
    }
    fn on_packet(&mut self, packet: &[u8]) -> Option<Vec<u8>> {
        let answer = self.lock().on_packet(packet)?;
        if std::mem::replace(&mut self.armed, false) {
            self.request_arrived.notify_one();
            return None;
        }
        Some(answer)
    }
    fn on_tick(&mut self) -> Option<Vec<u8>> {
        self.lock().on_tick()
    }
    fn asym_ops(&self) -> u64 {
        self.lock().asym_ops()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_stopped_before_answering_is_asked_for_the_outcome_and_moves_once() {
    if !harness_provides("bluezoo") {
        return;
    }
    // Room for a reconnection that lands in the radio's gap (the stopped
    // peripheral's address still cached): each try resends the same
    // command id, so however many it takes, the door moves once.
    let policy = CommandPolicy {
        max_attempts: 5,
        ..CommandPolicy::default()
    };
    let mut s = BleScene::with_policy(phone_options(), policy).await;
    s.phone
        .locks()
        .unlock(s.lock_id(), &NoProgress)
        .await
        .expect("first unlock");
    assert_eq!(s.lock.model().actuation_count(), 1);

    s.stop_peripheral().await;
    let (wrapper, request_arrived) = LoseNextAnswer::wrap(&s.lock);
    s.peripheral = Some(serve(wrapper).await);
    let phone = s.phone.clone();
    let lock_id = s.lock_id();
    let command = tokio::spawn(async move { phone.locks().lock(lock_id, &NoProgress).await });

    // The lock acted on the command; its radio stops before the answer.
    tokio::time::timeout(Duration::from_secs(20), request_arrived.notified())
        .await
        .expect("the command reached the lock");
    assert_eq!(s.lock.model().actuation_count(), 2, "the lock acted");
    s.stop_peripheral().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Back with the same state: the phone reconnects and asks again.
    s.peripheral = Some(serve(s.lock.peripheral()).await);

    let report = command.await.expect("task").expect("the outcome after reconnecting");
    assert!(report.replayed, "answered from the stored outcome: {report:?}");
    assert!(report.attempts >= 2, "the first attempt lost its answer: {report:?}");
    assert_eq!(report.bolt, BoltState::Locked);
    assert_eq!(s.lock.model().actuation_count(), 2, "unlock once, lock once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_that_stays_away_after_acting_is_reported_as_may_have_acted() {
    if !harness_provides("bluezoo") {
        return;
    }
    let policy = CommandPolicy {
        scan_timeout: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(3),
        max_attempts: 2,
    };
    let mut s = BleScene::with_policy(phone_options(), policy).await;
    s.phone
        .locks()
        .unlock(s.lock_id(), &NoProgress)
        .await
        .expect("first unlock");
    s.stop_peripheral().await;
    let (wrapper, request_arrived) = LoseNextAnswer::wrap(&s.lock);
    s.peripheral = Some(serve(wrapper).await);
    let phone = s.phone.clone();
    let lock_id = s.lock_id();
    let command = tokio::spawn(async move { phone.locks().lock(lock_id, &NoProgress).await });
    tokio::time::timeout(Duration::from_secs(20), request_arrived.notified())
        .await
        .expect("the command reached the lock");
    s.stop_peripheral().await;

    let err = command.await.expect("task").expect_err("no answer ever came");
    assert_eq!(err.diagnosis(), DiagnosisCode::OutcomeUnknown, "{err}");
    assert_eq!(s.lock.model().actuation_count(), 2, "the lock did act, once");
}
