//! A key the issuer did not allow offline is refused by the phone itself
//! while the phone is offline: a clear error before any radio use (no
//! scan, no connection, nothing the lock hears). Once the platform reports
//! the phone online, the same key opens the door.

use latchkey_core::unlock::NoProgress;
use latchkey_core::{DiagnosisCode, LatchkeyError};
use latchkey_protocol::BoltState;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::START;
use latchkey_testkit::{GrantSpec, SimWorld};

#[tokio::test]
async fn an_online_only_key_is_refused_on_the_phone_before_any_radio_use_while_offline() {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let phone = world.phone(dir.path(), LinkParams::mtu185(), &[&lock]).await.unwrap();
    let grant = GrantSpec {
        offline_allowed: false,
        ..GrantSpec::resident(START)
    };
    let key = world.issue(&phone, &lock, grant).unwrap();
    phone.keys().add_key(key, "online only").await.unwrap();
    assert!(
        !phone.is_online(),
        "a phone starts offline until the platform says otherwise"
    );

    // Scanning and connecting take virtual time: a clock that did not move
    // means the radio was never used.
    let radio_time = world.clock.now_ms();
    let err = phone.locks().unlock(lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::KeyNotOfflineAllowed, "{err}");
    assert!(
        matches!(err, LatchkeyError::Refused { lock_result: None, .. }),
        "{err:?}"
    );
    assert_eq!(world.clock.now_ms(), radio_time, "no scan, no connection");
    assert!(lock.lock().events().is_empty(), "the lock never heard of it");
    assert_eq!(lock.lock().actuation_count(), 0);

    phone.set_online(true);
    let report = phone.locks().unlock(lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.bolt, BoltState::Unlocked);
    assert_eq!(lock.lock().actuation_count(), 1);
}
