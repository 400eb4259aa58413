//! What the phone records about a lock on its own, so diagnostics and the
//! readiness check need nothing assembled by hand: the last offline
//! unlock, the backup way in, the battery's history; and a full outbox
//! never turns a door that opened into an error.

use latchkey_core::diagnostics::{
    offline_readiness, BatteryTrend, CbAuthorization, CbManagerState, CheckStatus, DeviceSnapshot, IosSnapshot,
    LockObservations, PlatformSnapshot, ReadinessItem, ReadinessPolicy,
};
use latchkey_core::outbox::{OutboxConfig, OutboxEvent};
use latchkey_core::store::BackupMethod;
use latchkey_core::unlock::{NoProgress, UnlockPath};
use latchkey_core::DiagnosisCode;
use latchkey_protocol::BoltState;
use latchkey_sim::lock::{Fault, LockConfig};
use latchkey_testkit::scene::{resident_scene_with, ResidentScene};
use latchkey_testkit::START;

type Scene = ResidentScene;

async fn scene(config: LockConfig, outbox: Option<OutboxConfig>) -> Scene {
    resident_scene_with(START, config, |b| match outbox {
        Some(o) => b.outbox_capacity(o.capacity),
        None => b,
    })
    .await
}

fn observe(s: &Scene) -> LockObservations {
    LockObservations::builder(s.phone.store(), s.lock.id(), s.world.clock.unix_now())
        .build()
        .unwrap()
}

/// An iPhone with Bluetooth on and allowed, online.
fn healthy_iphone() -> PlatformSnapshot {
    let mut s = PlatformSnapshot::new(DeviceSnapshot::Ios(IosSnapshot {
        state: Some(CbManagerState::PoweredOn),
        authorization: Some(CbAuthorization::AllowedAlways),
        usage_description_present: Some(true),
        background_mode_declared: Some(true),
        app_in_background: false,
    }));
    s.network.online = Some(true);
    s.network.cloud_reachable = Some(true);
    s
}

fn status_of(obs: &LockObservations, item: ReadinessItem) -> CheckStatus {
    let report = offline_readiness(&healthy_iphone(), obs, &ReadinessPolicy::default());
    report.checks.iter().find(|c| c.item == item).unwrap().status
}

#[tokio::test]
async fn an_offline_unlock_and_a_recorded_backup_make_the_readiness_check_pass_from_the_store_alone() {
    let s = scene(LockConfig::default(), None).await;
    let before = observe(&s);
    assert_eq!(
        status_of(&before, ReadinessItem::LastOfflineUnlock),
        CheckStatus::Unknown
    );
    assert_eq!(status_of(&before, ReadinessItem::BackupEntry), CheckStatus::Fail);

    // The phone starts offline until the platform says otherwise.
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    s.phone
        .emergency()
        .set_backup_entry(s.lock.id(), BackupMethod::SomeoneNearby, "Spare key with Ana, flat 12")
        .await
        .unwrap();

    let obs = observe(&s);
    let unlock = obs.last_offline_unlock.expect("the offline unlock was recorded");
    assert!(unlock.succeeded);
    assert_eq!(obs.backup_entry, Some(BackupMethod::SomeoneNearby));
    assert_eq!(status_of(&obs, ReadinessItem::LastOfflineUnlock), CheckStatus::Pass);
    assert_eq!(status_of(&obs, ReadinessItem::BackupEntry), CheckStatus::Pass);
    let report = offline_readiness(&healthy_iphone(), &obs, &ReadinessPolicy::default());
    assert!(report.ready, "{:#?}", report.checks);
}

#[tokio::test]
async fn a_failed_offline_unlock_is_remembered_with_its_diagnosis_and_fails_the_check() {
    let s = scene(LockConfig::default(), None).await;
    s.lock.lock().inject(Fault::JammedBolt);
    let err = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::LockJammed, "{err}");

    let unlock = observe(&s).last_offline_unlock.unwrap();
    assert!(!unlock.succeeded);
    assert_eq!(unlock.diagnosis, Some(DiagnosisCode::LockJammed));
    assert_eq!(
        status_of(&observe(&s), ReadinessItem::LastOfflineUnlock),
        CheckStatus::Fail
    );

    // Out of range: the radio failed before the lock answered.
    s.lock.lock().clear_faults();
    s.world.radio.set_in_range(&s.lock.address, false).unwrap();
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap_err();
    let unlock = observe(&s).last_offline_unlock.unwrap();
    assert_eq!(unlock.diagnosis, Some(DiagnosisCode::LockOutOfRange));
}

#[tokio::test]
async fn unlocks_while_online_are_not_taken_for_offline_ones() {
    let s = scene(LockConfig::default(), None).await;
    s.phone.set_online(true);
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(observe(&s).last_offline_unlock, None);
}

#[tokio::test]
async fn a_battery_draining_within_weeks_is_seen_from_the_phones_own_history() {
    // 50 mV of a 1.6 V range per move: about 3 % a day at one unlock a day.
    let config = LockConfig {
        battery_drop_per_actuation_mv: 50,
        ..LockConfig::default()
    };
    let s = scene(config, None).await;
    for _ in 0..5 {
        s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
        s.world.clock.advance_secs(86_400);
    }
    let history = s.phone.store().locks().state(&s.lock.id()).unwrap().battery_history;
    assert_eq!(history.len(), 5, "{history:?}");
    assert_eq!(observe(&s).battery.unwrap().trend, BatteryTrend::FallingFast);
}

#[tokio::test]
async fn a_battery_used_normally_is_steady() {
    let s = scene(LockConfig::default(), None).await;
    for _ in 0..5 {
        s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
        s.world.clock.advance_secs(86_400);
    }
    assert_eq!(observe(&s).battery.unwrap().trend, BatteryTrend::Steady);
}

fn access_event(s: &Scene, i: u32) -> OutboxEvent {
    OutboxEvent::UnlockAttempt {
        lock_id: s.lock.id(),
        key_id: None,
        command: "unlock".into(),
        outcome: "ok".into(),
        fast_path: true,
        started_at: START + i,
        duration_ms: 60,
    }
}

#[tokio::test]
async fn a_full_outbox_does_not_turn_an_unlock_that_happened_into_an_error() {
    let s = scene(LockConfig::default(), Some(OutboxConfig { capacity: 8 })).await;
    let filler: Vec<_> = (0..8).map(|i| access_event(&s, i)).collect();
    s.phone.outbox().append_batch(filler).unwrap();

    let report = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.bolt, BoltState::Unlocked);
    assert_eq!(s.lock.lock().actuation_count(), 1);
    assert_eq!(report.events_collected, 0);
    let why = report
        .housekeeping_error
        .expect("the report says events were not collected");
    assert!(why.contains("outbox is full"), "{why}");

    // The fast key and the lock state were still saved.
    let repeat = s.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(repeat.path, UnlockPath::Fast);

    // Once the outbox has room, the next command that moves the bolt (those
    // always fetch) collects the lock's events from before: the cursor did
    // not move past what was never queued.
    let pending = s.phone.outbox().peek(100, 1 << 20).unwrap();
    let ids: Vec<_> = pending.iter().map(|e| e.id).collect();
    s.phone.outbox().confirm(&ids).unwrap();
    let later = s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let held = s.lock.lock().events();
    assert_eq!(
        later.events_collected as usize,
        held.len(),
        "every event the lock holds"
    );
    assert_eq!(held.first().map(|e| e.seq), Some(1));
}
