//! Firmware carried by a phone and delivered at the door with no network:
//! what the update kept, said in plain words; a dropped PIN list repaired
//! by the same visit or by the next phone; a delivery cut at every point
//! and resumed where the lock stood; a phone walking away part-way; an
//! image the lock refuses, its old firmware still running.

use latchkey_core::diagnostics::{offline_readiness, CheckStatus, ReadinessItem, ReadinessPolicy};
use latchkey_core::diagnostics::{DeviceSnapshot, LockObservations, PlatformSnapshot};
use latchkey_core::outbox::OutboxEvent;
use latchkey_core::store::KeptItem;
use latchkey_core::unlock::{NoProgress, Progress, ProgressListener};
use latchkey_core::{Client, DiagnosisCode, LatchkeyError};
use latchkey_protocol::{EventKind, FirmwareLosses, FirmwareVersion, PinClass, PinDigits, PinRule, ResultCode};
use latchkey_sim::lock::{KeypadOutcome, LockConfig};
use latchkey_sim::radio::{FaultPlan, LinkParams};
use latchkey_sim::vendor::{FirmwareRelease, FirmwareVendor, FACTORY_FIRMWARE, REFERENCE_MODEL};
use latchkey_testkit::scene::{resident_scene, ResidentScene};
use latchkey_testkit::START;
use std::collections::BTreeMap;
use std::sync::Mutex;

const V1_1: FirmwareVersion = FirmwareVersion(0x0101_0000);
const CLEANER: &str = "48291736";

async fn scene() -> ResidentScene {
    resident_scene(START, LockConfig::default()).await
}

fn release(s: &ResidentScene, losses: u16) -> FirmwareRelease {
    s.world
        .vendor
        .release(REFERENCE_MODEL, V1_1, FirmwareLosses(losses), START)
        .unwrap()
}

async fn carry(phone: &Client, r: &FirmwareRelease, losses: u16) {
    let added = phone
        .firmware()
        .add_image(r.manifest.clone(), r.image.clone(), FirmwareLosses(losses))
        .await;
    assert!(added.unwrap());
}

async fn give_pins(s: &ResidentScene, phone: &Client) {
    let digits = PinDigits::new(CLEANER).unwrap();
    let slot = s
        .world
        .authority
        .pin_slot(&s.lock.id(), 1, &digits, PinRule::always(PinClass::User))
        .unwrap();
    let list = s
        .world
        .authority
        .pin_list(s.lock.id(), 3, START, 0, vec![slot])
        .unwrap();
    phone.pins().add_pin_list(list, BTreeMap::new()).await.unwrap();
}

fn opens(s: &ResidentScene, digits: &str) -> bool {
    matches!(
        s.lock.lock().enter_pin(digits),
        KeypadOutcome::Accepted {
            result: ResultCode::Ok,
            ..
        }
    )
}

async fn readiness(phone: &Client, s: &ResidentScene) -> (CheckStatus, LockObservations) {
    let obs = phone.diagnostics().observe(s.lock.id()).await.unwrap();
    let snapshot = PlatformSnapshot::new(DeviceSnapshot::Linux(Default::default()));
    let report = offline_readiness(&snapshot, &obs, &ReadinessPolicy::default());
    let line = report
        .checks
        .iter()
        .find(|c| c.item == ReadinessItem::LockSetup)
        .unwrap();
    (line.status, obs)
}

/// The `sent` of every transfer report, in order.
#[derive(Default)]
struct Transfer(Mutex<Vec<u32>>);

impl ProgressListener for Transfer {
    fn on_progress(&self, p: Progress) {
        if let Progress::Transferring { sent, .. } = p {
            self.0.lock().unwrap().push(sent);
        }
    }
}

#[tokio::test]
async fn an_update_delivered_offline_keeps_everything_and_says_so() {
    let s = scene().await;
    give_pins(&s, &s.phone).await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let r = release(&s, 0);
    carry(&s.phone, &r, 0).await;
    let progress = Transfer::default();
    let update = s.phone.firmware().update(s.lock.id(), &progress).await.unwrap();
    assert_eq!((update.before, update.running), (FACTORY_FIRMWARE, V1_1));
    assert_eq!(s.lock.lock().firmware_version(), V1_1);
    let report = update.report.unwrap();
    assert!(report.checks.iter().all(|c| c.kept), "{report:#?}");
    let kept: Vec<KeptItem> = report.checks.iter().map(|c| c.item).collect();
    assert_eq!(
        kept,
        [
            KeptItem::KeysAndFastKeys,
            KeptItem::PinList,
            KeptItem::ClockTrust,
            KeptItem::EventLog
        ]
    );
    assert!(report
        .describe()
        .starts_with("The update from 1.0.0 to 1.1.0 kept keys and fast keys"));
    assert_eq!(progress.0.lock().unwrap().last(), Some(&r.manifest.size));
    let status = s.phone.firmware().status(s.lock.id()).await.unwrap();
    assert!(!status.update_available());
    // The install is in the lock's hash chain, collected like any event.
    let queued = s.phone.outbox().peek(1000, usize::MAX).unwrap();
    assert!(queued
        .iter()
        .any(|e| matches!(&e.event, OutboxEvent::LockEvent { event, .. }
        if event[8] == EventKind::FirmwareInstalled as u8)));
}

#[tokio::test]
async fn an_update_that_drops_the_pin_list_is_reported_and_put_back_in_the_same_visit() {
    let s = scene().await;
    give_pins(&s, &s.phone).await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert!(opens(&s, CLEANER));
    let r = release(&s, FirmwareLosses::PIN_LIST);
    carry(&s.phone, &r, FirmwareLosses::PIN_LIST).await;
    let report = s
        .phone
        .firmware()
        .update(s.lock.id(), &NoProgress)
        .await
        .unwrap()
        .report
        .unwrap();
    let pins = report.checks.iter().find(|c| c.item == KeptItem::PinList).unwrap();
    assert!(!pins.kept && pins.repaired, "{report:#?}");
    assert!(report
        .describe()
        .contains("did not keep the keypad PIN list (the app put it back)"));
    assert!(opens(&s, CLEANER));
    assert_eq!(readiness(&s.phone, &s).await.0, CheckStatus::Pass);
}

#[tokio::test]
async fn an_update_that_drops_the_clocks_trust_is_reported_though_the_lock_then_refuses_every_key() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let r = release(&s, FirmwareLosses::CLOCK_TRUST);
    carry(&s.phone, &r, FirmwareLosses::CLOCK_TRUST).await;
    let update = s.phone.firmware().update(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!((update.before, update.running), (FACTORY_FIRMWARE, V1_1));
    let report = update.report.unwrap();
    let clock = report.checks.iter().find(|c| c.item == KeptItem::ClockTrust).unwrap();
    assert!(!clock.kept && !clock.repaired, "{report:#?}");
    // The lock refused the check outright: the clock is all it said.
    assert_eq!(report.checks.len(), 1, "{report:#?}");
    assert!(
        report
            .describe()
            .contains("did not keep the clock's trusted time (it is missing until a phone brings it back)"),
        "{}",
        report.describe()
    );
    assert_eq!(report.unrepaired(), [KeptItem::ClockTrust]);
    let (status, obs) = readiness(&s.phone, &s).await;
    assert_eq!(status, CheckStatus::Fail);
    assert_eq!(obs.life.credentials_lost, ["clock_trust"]);
}

#[tokio::test]
async fn when_the_delivering_phone_cannot_repair_readiness_fails_until_another_phone_does() {
    let s = scene().await;
    let dir = tempfile::tempdir().unwrap();
    let host = s
        .world
        .phone(dir.path(), LinkParams::mtu185(), &[&s.lock])
        .await
        .unwrap();
    let key = s
        .world
        .issue(&host, &s.lock, latchkey_testkit::GrantSpec::resident(START))
        .unwrap();
    host.keys().add_key(key, "host").await.unwrap();
    give_pins(&s, &host).await;
    host.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    // The resident's phone carries the update but not the PIN list.
    let r = release(&s, FirmwareLosses::PIN_LIST);
    carry(&s.phone, &r, FirmwareLosses::PIN_LIST).await;
    let report = s
        .phone
        .firmware()
        .update(s.lock.id(), &NoProgress)
        .await
        .unwrap()
        .report
        .unwrap();
    let pins = report.checks.iter().find(|c| c.item == KeptItem::PinList).unwrap();
    assert!(!pins.kept && !pins.repaired);
    assert!(!opens(&s, CLEANER));
    let (status, obs) = readiness(&s.phone, &s).await;
    assert_eq!(status, CheckStatus::Fail);
    assert_eq!(obs.life.credentials_lost, ["pin_list"]);
    // The host's phone sees the lock ask for lists and brings its own.
    host.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    assert!(opens(&s, CLEANER));
    s.phone.locks().status(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(readiness(&s.phone, &s).await.0, CheckStatus::Pass);
}

#[tokio::test]
async fn an_update_cut_at_every_request_of_its_delivery_resumes_where_the_lock_stood() {
    for cut in 1..=24 {
        let s = scene().await;
        let r = release(&s, 0);
        carry(&s.phone, &r, 0).await;
        // Connection 1 reads the lock; connection 2 delivers and is cut
        // after its `cut`th request.
        s.world
            .radio
            .queue_faults([FaultPlan::none(), FaultPlan::none().disconnect_after_requests(cut)]);
        let progress = Transfer::default();
        let update = s.phone.firmware().update(s.lock.id(), &progress).await;
        let update = update.unwrap_or_else(|e| panic!("cut after request {cut}: {e}"));
        assert_eq!(update.running, V1_1, "cut after request {cut}");
        assert_eq!(s.lock.lock().firmware_version(), V1_1);
        let sent = progress.0.lock().unwrap().clone();
        assert!(
            sent.windows(2).all(|w| w[0] <= w[1]),
            "cut {cut}: restarted from scratch: {sent:?}"
        );
    }
}

#[tokio::test]
async fn a_delivery_stopped_when_the_phone_walked_away_is_reported_and_finished_next_time() {
    let s = scene().await;
    let r = release(&s, 0);
    carry(&s.phone, &r, 0).await;
    s.world
        .radio
        .queue_faults([FaultPlan::none(), FaultPlan::none().out_of_range_after_requests(10)]);
    let err = s.phone.firmware().update(s.lock.id(), &NoProgress).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::FirmwareUpdateInterrupted, "{err}");
    let held = s.lock.lock().info().download.unwrap().offset;
    let (status, obs) = readiness(&s.phone, &s).await;
    let (known, size) = obs.life.update_held.unwrap();
    assert_eq!((status, size), (CheckStatus::Warn, r.manifest.size));
    // The phone says what it saw confirmed; the lock may hold the chunk
    // whose answer was lost too.
    assert!(known > 0 && held >= known, "{known} {held}");
    assert!(
        err.to_string()
            .contains(&format!("{known} of {size} bytes on the lock")),
        "{err}"
    );
    assert_eq!(
        s.lock.lock().firmware_version(),
        FACTORY_FIRMWARE,
        "the old firmware runs on"
    );

    s.world.radio.set_in_range(&s.lock.address, true).unwrap();
    let progress = Transfer::default();
    let update = s.phone.firmware().update(s.lock.id(), &progress).await.unwrap();
    assert_eq!(update.running, V1_1);
    assert_eq!(
        progress.0.lock().unwrap().first(),
        Some(&held),
        "went on from where the lock stood"
    );
}

#[tokio::test]
async fn an_image_the_lock_refuses_leaves_the_old_firmware_running() {
    let s = scene().await;
    // Not signed by the lock's maker (here: by the property's issuer key).
    let forger = FirmwareVendor::from_pkcs8(s.world.authority.pkcs8()).unwrap();
    let forged = forger.release(REFERENCE_MODEL, V1_1, FirmwareLosses(0), START).unwrap();
    carry(&s.phone, &forged, 0).await;
    let err = s.phone.firmware().update(s.lock.id(), &NoProgress).await.unwrap_err();
    assert!(
        matches!(
            err,
            LatchkeyError::Refused {
                code: DiagnosisCode::FirmwareRejected,
                lock_result: Some(ResultCode::FirmwareInvalid),
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(s.lock.lock().firmware_version(), FACTORY_FIRMWARE);
    let (status, obs) = readiness(&s.phone, &s).await;
    assert_eq!(
        (status, obs.life.update_rejected.as_deref()),
        (CheckStatus::Warn, Some("firmware_invalid"))
    );
    // A damaged image never even leaves the phone.
    let mut damaged = release(&s, 0);
    damaged.image[100] ^= 1;
    let err = s
        .phone
        .firmware()
        .add_image(damaged.manifest, damaged.image, FirmwareLosses(0))
        .await
        .unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::FirmwareRejected);
}

#[tokio::test]
async fn an_older_image_is_never_offered_to_the_lock() {
    let s = scene().await;
    let old = s
        .world
        .vendor
        .release(REFERENCE_MODEL, FirmwareVersion(0x0009_0000), FirmwareLosses(0), START)
        .unwrap();
    carry(&s.phone, &old, 0).await;
    let update = s.phone.firmware().update(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!((update.running, update.report), (FACTORY_FIRMWARE, None));
    assert!(s.lock.lock().info().download.is_none());
}
