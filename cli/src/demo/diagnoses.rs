//! The two diagnoses: a phone whose Bluetooth permission was denied for
//! good, and a jammed bolt, each explained by latchkey-core's diagnostics.

use super::cast::Cast;
use super::check::refused;
use super::narrator::Story;
use crate::locales::Language;
use latchkey_core::diagnostics::{diagnose_in, LockObservations, PlatformSnapshot, StepKind, Symptom, Troubleshooter};
use latchkey_core::unlock::NoProgress;
use latchkey_sim::lock::Fault;
use latchkey_testkit::cloud::SceneError;

/// Both diagnoses, as two steps, the phones' texts in `language`.
pub(crate) async fn tell(story: &mut Story, cast: &Cast, language: &Language) -> Result<(), SceneError> {
    let (catalog, locale) = (&language.catalog, language.locale.as_str());
    story.step("Gus's Android 12 phone: \"Nearby devices\" was denied for good");
    let denied = PlatformSnapshot::from_json(&android_snapshot("denied_permanently"))?;
    let findings = diagnose_in(&denied, &LockObservations::default(), catalog, locale);
    match findings.first() {
        Some(f) => {
            story.say(&format!("{}: {}", f.code, f.title));
            for (i, step) in f.steps.iter().enumerate() {
                story.detail(&format!("{}) {step}", i + 1));
            }
            story.check(
                f.code.as_str() == "android_scan_permission_blocked" && f.action.as_str() == "open_app_settings",
                "the app is told to open its settings (Android will not ask again), not to re-prompt",
            );
        }
        None => {
            story.check(false, "a finding for the denied permission");
        }
    }

    story.step("The bolt jams: the app says so instead of \"check your Bluetooth\"");
    let door = cast.door_id();
    cast.door.lock().inject(Fault::JammedBolt);
    let result = cast.alice.phone.locks().lock(door, &NoProgress).await;
    let at = cast.world.clock.unix_now();
    let mut observations = LockObservations::builder(cast.alice.phone.store(), door, at);
    if let Err(e) = &result {
        observations = observations.last_error(e, at);
    }
    refused(story, result, "lock_jammed");
    let observations = observations.build()?;
    let healthy = PlatformSnapshot::from_json(&android_snapshot("granted"))?;
    let findings = diagnose_in(&healthy, &observations, catalog, locale);
    if let Some(f) = findings.first() {
        story.say(&format!("{}: {}", f.code, f.title));
        story.detail(&f.explanation);
    }
    story.check(
        findings.first().is_some_and(|f| f.code.as_str() == "lock_jammed"),
        "first finding: the bolt, with mechanical steps; nothing about Bluetooth",
    );
    // Alice opens the troubleshooting flow with "the app can't connect".
    let step = Troubleshooter::new(Symptom::CantConnect).current_in(&healthy, &observations, catalog, locale);
    story.check(
        step.kind == StepKind::Done && step.findings.first().is_some_and(|f| f.code.as_str() == "lock_jammed"),
        "the troubleshooting flow for \"the app can't connect\" ends there at once: the lock answered, so the link works",
    );
    cast.door.lock().clear_faults();
    Ok(())
}

/// An Android 12 phone at the door (no network) whose app targets SDK 34
/// and declares BLUETOOTH_SCAN with neverForLocation.
fn android_snapshot(scan: &str) -> String {
    format!(
        r#"{{"format":1,"device":{{"platform":"android","api_level":31,"target_sdk":34,
        "permissions":{{"bluetooth_scan":"{scan}","bluetooth_scan_never_for_location":true,
        "bluetooth_connect":"granted","access_fine_location":"not_requested",
        "access_coarse_location":"not_requested","access_background_location":"not_requested"}},
        "location_services_on":true,"adapter":"on","airplane_mode":false,"app_in_background":false,
        "battery_optimised":false,"background_restricted":false,"scans_started_last_30s":1,
        "last_gatt_status":null}},"network":{{"online":false,"cloud_reachable":false,"last_sync_error":null}}}}"#
    )
}
