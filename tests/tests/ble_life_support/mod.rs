//! The scenes of tests/tests/ble_lock_life.rs. The phone is the real
//! `latchkey` command on hci0 with the reference cloud on loopback
//! (`phone.rs`); the lock, fresh from the factory, is served on hci1
//! either by this process ([`LifeScene`], so a test reads and resets its
//! model) or by the `latchkey-sim peripheral` binary.

pub mod phone;

use crate::ble_support::{serve, unix_now, Exchange, ExchangeLog, Recorder};
use latchkey_protocol::{LockId, SetupCode, SetupSecret, SigningKey};
use latchkey_sim::bluez::{BluezPeripheral, WallClockDriver};
use latchkey_sim::lock::{LockConfig, SimLock};
use latchkey_sim::vendor::FirmwareVendor;
use latchkey_sim::VirtualClock;
use phone::{Phone, Run};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// A lock fresh from the factory served here, and the phone.
pub struct LifeScene {
    /// The phone: the `latchkey` command and the account's cloud.
    pub phone: Phone,
    /// The lock's model, shared with the peripheral serving it.
    pub lock: Arc<Mutex<SimLock>>,
    /// What the label inside its battery cover says.
    pub label: SetupCode,
    /// The lock maker, whose key the lock holds from the factory.
    pub vendor: FirmwareVendor,
    exchanges: ExchangeLog,
    peripheral: Option<BluezPeripheral>,
    _wall: WallClockDriver,
}

impl LifeScene {
    /// A new, unclaimed lock on hci1 and the phone; `None` (the test
    /// skips) without the `latchkey` binary.
    pub async fn new() -> Option<Self> {
        let phone = Phone::new().await?;
        let clock = VirtualClock::starting_at(unix_now());
        let wall = WallClockDriver::start(clock.clone(), Duration::from_millis(5));
        let vendor = FirmwareVendor::generate().expect("vendor key");
        let config = LockConfig {
            vendor_key: Some(vendor.public_key()),
            ..LockConfig::default()
        };
        let secret = SetupSecret(latchkey_protocol::crypto::random_array().expect("setup secret"));
        let lock_id = LockId::random().expect("lock id");
        let model = SimLock::factory_new(
            SigningKey::generate().expect("identity"),
            lock_id,
            secret,
            clock,
            config,
        )
        .expect("a lock fresh from the factory");
        let label = model.label();
        let lock = Arc::new(Mutex::new(model));
        let (recorder, exchanges) = Recorder::wrap_model(lock.clone());
        let peripheral = serve(recorder).await;
        Some(Self {
            phone,
            lock,
            label,
            vendor,
            exchanges,
            peripheral: Some(peripheral),
            _wall: wall,
        })
    }

    /// The lock's model.
    pub fn model(&self) -> MutexGuard<'_, SimLock> {
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The lock claimed with its label by the phone, and an owner key for
    /// the phone issued by the cloud and fetched by a sync.
    pub async fn claimed_with_owner_key(&self, name: &str) -> Run {
        let claim = self.phone.claim(&self.label.to_text(), name).await;
        assert_eq!(claim.status, Some(0), "claim: {:#}\n{}", claim.json, claim.stderr);
        self.phone.owner_key(self.label.lock_id).await;
        claim
    }

    /// Requests the lock answered after the first `since`.
    pub fn exchanges_since(&self, since: usize) -> Vec<Exchange> {
        let log = self.exchanges.lock().unwrap_or_else(|p| p.into_inner());
        log[since.min(log.len())..].to_vec()
    }

    /// Stops serving the lock, and the cloud.
    pub async fn stop(mut self) {
        if let Some(p) = self.peripheral.take() {
            p.stop().await;
        }
        self.phone.shutdown().await;
    }
}
