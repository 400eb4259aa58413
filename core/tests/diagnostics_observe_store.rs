//! Filling LockObservations from the store: lock state, keys, revocation
//! lists and the last failure, without assembling anything by hand.

mod diagnostics_common;

use diagnostics_common::NOW;
use latchkey_core::diagnostics::{diagnose, BatterySample, BatteryTrend, FindingCode as C, KeyState, LockObservations};
use latchkey_core::platform_keys::SoftwareKeyStore;
use latchkey_core::store::{ClockSkew, LockMeta, ObservedStatus, RevocationAck, Store, StoredKey};
use latchkey_core::{DiagnosisCode, LatchkeyError};
use latchkey_protocol::{
    BoltState, DigitalKey, DoorState, Faults, KeyGrant, KeyId, LockId, LockStatus, PublicKey, ResultCode,
    RevocationList, Role, SigningKey,
};
use std::sync::Arc;

struct Fixture {
    store: Store,
    issuer: SigningKey,
    holder: PublicKey,
    meta: LockMeta,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
    let store = Store::open(dir.path().join("store"), keystore).unwrap().store;
    let issuer = SigningKey::generate().unwrap();
    let meta = LockMeta {
        lock_id: LockId::random().unwrap(),
        name: "Front door".into(),
        identity_key: SigningKey::generate().unwrap().public_key(),
        issuer_key: issuer.public_key(),
        utc_offset_min: 0,
        groups: vec![],
    };
    store.locks().put_meta(&meta).unwrap();
    Fixture {
        store,
        issuer,
        holder: SigningKey::generate().unwrap().public_key(),
        meta,
        _dir: dir,
    }
}

impl Fixture {
    fn add_key(&self, valid: (u32, u32), offline: bool) -> KeyId {
        let key = DigitalKey::issue(
            KeyGrant {
                key_id: KeyId::random().unwrap(),
                lock_id: self.meta.lock_id,
                lock_group: false,
                holder: self.holder,
                role: Role::Guest,
                not_before: valid.0,
                not_after: valid.1,
                schedule: None,
                offline_allowed: offline,
                serial: 1,
            },
            &self.issuer,
        )
        .unwrap();
        let id = key.key_id();
        self.store
            .keys()
            .put(&StoredKey {
                key,
                label: "Guest".into(),
                received_at: NOW,
                lock_name: None,
            })
            .unwrap();
        id
    }

    fn observe(&self) -> LockObservations {
        LockObservations::builder(&self.store, self.meta.lock_id, NOW)
            .holder(self.holder)
            .build()
            .unwrap()
    }
}

fn status(bolt: BoltState, faults: u8, percent: u8) -> LockStatus {
    LockStatus {
        bolt,
        door: DoorState::Closed,
        battery_mv: 5000,
        battery_percent: percent,
        faults: Faults(faults),
        lock_time: NOW,
        revocation_seq: 2,
        event_head: 10,
        epoch: 1,
    }
}

#[test]
fn an_unknown_lock_and_a_lock_without_keys_are_told_apart() {
    let f = fixture();
    let unknown = LockObservations::builder(&f.store, LockId::random().unwrap(), NOW)
        .build()
        .unwrap();
    assert_eq!(unknown.key.state, KeyState::UnknownLock);
    let o = f.observe();
    assert_eq!(o.key.state, KeyState::NoKey);
    assert_eq!(o.lock_name.as_deref(), Some("Front door"));
}

#[test]
fn the_best_key_is_described_and_an_expired_one_explains_itself() {
    let f = fixture();
    f.add_key((NOW - 10 * 86_400, NOW - 86_400), true);
    let o = f.observe();
    assert_eq!(o.key.state, KeyState::Expired);
    assert_eq!(o.key.expires_at, Some(NOW - 86_400));
    f.add_key((NOW - 86_400, NOW + 10 * 86_400), true);
    let o = f.observe();
    assert_eq!(o.key.state, KeyState::Valid);
    assert_eq!(o.key.role.as_deref(), Some("guest"));
    assert_eq!(o.key.offline_allowed, Some(true));
}

#[test]
fn a_key_on_the_phones_revocation_list_is_revoked_and_drift_is_seen() {
    let f = fixture();
    let id = f.add_key((NOW - 86_400, NOW + 86_400), true);
    let list = RevocationList::issue(&f.issuer, f.meta.lock_id, false, 5, NOW, vec![id]).unwrap();
    f.store.revocations().put(&list).unwrap();
    f.store
        .locks()
        .update_state(&f.meta.lock_id, |s| {
            s.revocation_ack = Some(RevocationAck {
                seq: 4,
                acknowledged_at: NOW - 100,
            })
        })
        .unwrap();
    let o = f.observe();
    assert_eq!(o.key.state, KeyState::Revoked);
    assert_eq!((o.revocation.phone_seq, o.revocation.lock_seq), (Some(5), Some(4)));
    assert!(o.revocation.drift());
}

#[test]
fn the_stored_status_gives_battery_bolt_door_and_clock() {
    let f = fixture();
    f.add_key((NOW - 86_400, NOW + 30 * 86_400), true);
    f.store
        .locks()
        .update_state(&f.meta.lock_id, |s| {
            s.last_status = Some(ObservedStatus {
                status: status(
                    BoltState::Jammed,
                    Faults::MOTOR_STALL | Faults::BATTERY_LOW | Faults::CLOCK_UNTRUSTED,
                    15,
                ),
                observed_at: NOW - 60,
            });
            s.clock_skew = Some(ClockSkew {
                lock_minus_phone_s: -3,
                measured_at: NOW - 60,
            });
        })
        .unwrap();
    let o = LockObservations::builder(&f.store, f.meta.lock_id, NOW)
        .battery_history(&[BatterySample {
            at: NOW - 5 * 86_400,
            percent: 40,
        }])
        .build()
        .unwrap();
    let b = o.battery.unwrap();
    assert_eq!((b.percent, b.low, b.critical), (Some(15), true, false));
    assert_eq!(b.trend, BatteryTrend::FallingFast);
    assert!(o.mechanics.motor_stall);
    assert_eq!(o.mechanics.bolt, Some(BoltState::Jammed));
    assert_eq!(o.clock.trusted, Some(false));
    assert_eq!(o.clock.skew_s, Some(-3));
    assert_eq!(o.revocation.lock_seq, Some(2), "the status reports the lock's list");
    let s = diagnostics_common::android(31, |_| {});
    let found = diagnostics_common::codes(&diagnose(&s, &o));
    assert_eq!(
        found[..3],
        [C::ClockUntrusted, C::BatteryTooWeakForMotor, C::LockJammed]
    );
}

#[test]
fn the_lock_refusal_in_the_last_error_is_fresher_than_the_stored_status() {
    let f = fixture();
    f.add_key((NOW - 86_400, NOW + 30 * 86_400), true);
    f.store
        .locks()
        .update_state(&f.meta.lock_id, |s| {
            s.last_status = Some(ObservedStatus {
                status: status(BoltState::Unlocked, 0, 90),
                observed_at: NOW - 600,
            })
        })
        .unwrap();
    let refusal = LatchkeyError::refused_by_lock(ResultCode::BoltNotThrown);
    let o = LockObservations::builder(&f.store, f.meta.lock_id, NOW)
        .last_error(&refusal, NOW)
        .build()
        .unwrap();
    assert!(o.mechanics.bolt_not_thrown);
    let e = o.last_error.unwrap();
    assert_eq!(
        (e.diagnosis, e.lock_result),
        (DiagnosisCode::BoltNotThrown, Some(ResultCode::BoltNotThrown))
    );
    let s = diagnostics_common::android(31, |_| {});
    assert_eq!(diagnose(&s, &o)[0].code, C::BoltNotThrown);
}
