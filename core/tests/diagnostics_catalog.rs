//! The message catalog: every code has English text, placeholders are
//! filled, names are stable, and a translation falls back to English key
//! by key.

mod diagnostics_common;

use diagnostics_common::{android, ios};
use latchkey_core::diagnostics::{
    diagnose, diagnose_in, AdapterState, Catalog, CbAuthorization, Finding, FindingCode, LockObservations,
    PermissionState, PlatformAction, Severity,
};

#[test]
fn every_finding_code_has_a_title_an_explanation_and_steps_in_english() {
    let catalog = Catalog::new();
    for code in FindingCode::ALL {
        let c = code.as_str();
        for key in [
            format!("finding.{c}.title"),
            format!("finding.{c}.explanation"),
            format!("finding.{c}.step.1"),
        ] {
            let text = catalog.text("en", &key).unwrap_or_else(|| panic!("missing {key}"));
            assert!(!text.trim().is_empty(), "{key} is empty");
        }
    }
}

#[test]
fn code_names_are_stable_snake_case_and_round_trip_through_json() {
    let mut seen = std::collections::HashSet::new();
    for code in FindingCode::ALL {
        let name = code.as_str();
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{name}");
        assert!(seen.insert(name), "{name} used twice");
        assert_eq!(serde_json::to_value(code).unwrap(), name);
        assert_eq!(serde_json::from_value::<FindingCode>(name.into()).unwrap(), *code);
        assert_eq!(FindingCode::from_name(name), Some(*code));
    }
    assert!(serde_json::from_value::<FindingCode>("no_such_code".into()).is_err());
    for (action, name) in [
        (
            PlatformAction::OpenBatteryOptimisationSettings,
            "open_battery_optimisation_settings",
        ),
        (PlatformAction::None, "none"),
    ] {
        assert_eq!(serde_json::to_value(action).unwrap(), name);
        assert_eq!(action.as_str(), name);
    }
    assert_eq!(serde_json::to_value(Severity::BlocksUnlock).unwrap(), "blocks_unlock");
}

#[test]
fn diagnosis_codes_read_back_by_name_from_any_json_source() {
    use latchkey_core::DiagnosisCode as D;
    for code in [
        D::BluetoothOff,
        D::KeyRevoked,
        D::Internal,
        D::SetupCodeWrong,
        D::FirmwareUpdateInterrupted,
    ] {
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, format!("\"{}\"", code.as_str()));
        assert_eq!(serde_json::from_slice::<D>(json.as_bytes()).unwrap(), code);
        assert_eq!(serde_json::from_str::<D>(&json).unwrap(), code);
        assert_eq!(serde_json::from_value::<D>(code.as_str().into()).unwrap(), code);
    }
    let err = serde_json::from_str::<D>("\"no_such_code\"").unwrap_err().to_string();
    assert!(err.contains("no_such_code"), "{err}");
    assert!(serde_json::from_str::<D>("3").is_err());
}

/// Every placeholder a rule can produce is filled in the text.
#[test]
fn no_placeholder_is_left_unfilled() {
    let snapshots = [
        android(31, |a| a.last_gatt_status = Some(133)),
        android(31, |a| a.scans_started_last_30s = 7),
        android(30, |a| a.location_services_on = Some(false)),
        android(29, |a| {
            a.app_in_background = true;
            a.permissions.access_background_location = PermissionState::Denied;
        }),
        android(31, |a| a.permissions.bluetooth_scan = PermissionState::Denied),
        super_mac(),
    ];
    for s in snapshots {
        for f in diagnose(&s, &LockObservations::default()) {
            assert_filled(&f);
        }
    }
}

fn super_mac() -> latchkey_core::diagnostics::PlatformSnapshot {
    diagnostics_common::macos(|m| m.authorization = Some(CbAuthorization::Denied))
}

fn assert_filled(f: &Finding) {
    for text in std::iter::once(&f.title).chain([&f.explanation]).chain(&f.steps) {
        assert!(!text.contains('{'), "{}: unfilled placeholder in {text:?}", f.code);
    }
}

#[test]
fn a_translation_is_used_and_missing_keys_fall_back_to_english() {
    let mut catalog = Catalog::new();
    let taken = catalog.add_translations_json(
        "de",
        r#"{"finding.bluetooth_off.title": "Bluetooth ist aus", "not.a.real.key": "ignored"}"#,
    );
    assert_eq!(taken, Ok(1));
    let s = ios(|i| i.state = Some(latchkey_core::diagnostics::CbManagerState::PoweredOff));
    let german = &diagnose_in(&s, &LockObservations::default(), &catalog, "de-AT")[0];
    assert_eq!(german.title, "Bluetooth ist aus");
    let english = &diagnose(&s, &LockObservations::default())[0];
    assert_eq!(
        german.explanation, english.explanation,
        "untranslated keys fall back to English"
    );
    assert_eq!(german.steps, english.steps);
    // An unknown locale is English throughout.
    let other = &diagnose_in(&s, &LockObservations::default(), &catalog, "ja_JP")[0];
    assert_eq!(other, english);
}

#[test]
fn the_exact_locale_wins_over_its_language() {
    let mut catalog = Catalog::new();
    catalog.add_translations("pt", [("wizard.answer.yes".to_string(), "Sim".to_string())]);
    catalog.add_translations("pt_BR", [("wizard.answer.yes".to_string(), "Sim!".to_string())]);
    assert_eq!(catalog.text("pt-BR", "wizard.answer.yes"), Some("Sim!"));
    assert_eq!(catalog.text("PT-pt", "wizard.answer.yes"), Some("Sim"));
    assert_eq!(catalog.text("fr", "wizard.answer.yes"), Some("Yes"));
    assert_eq!(catalog.text("fr", "no.such.key"), None);
    assert_eq!(catalog.locales(), vec!["en", "pt", "pt-br"]);
}

#[test]
fn a_finding_can_be_rendered_again_in_another_locale() {
    let s = android(31, |a| a.last_gatt_status = Some(133));
    let english = diagnose(&s, &LockObservations::default()).remove(0);
    let mut catalog = Catalog::new();
    catalog.add_translations(
        "fr",
        [(
            "finding.gatt_connection_failed.explanation".to_string(),
            "Erreur de connexion (statut {gatt_status}).".to_string(),
        )],
    );
    let french = catalog.localize("fr", &english);
    assert_eq!(french.explanation, "Erreur de connexion (statut 133).");
    assert_eq!(french.title, english.title);
    assert_eq!((french.code, french.action), (english.code, english.action));
}

#[test]
fn translators_get_every_key_and_see_what_is_missing() {
    let entries = Catalog::english_entries();
    assert!(entries.len() > 250, "{} entries", entries.len());
    let mut catalog = Catalog::new();
    assert_eq!(catalog.missing_keys("de").len(), entries.len());
    catalog.add_translations("de", entries.iter().take(10).cloned());
    assert_eq!(catalog.missing_keys("de-CH").len(), entries.len() - 10);
    assert!(catalog.add_translations_json("de", "[1, 2]").is_err());
}

#[test]
fn findings_serialize_with_code_severity_title_steps_and_action() {
    let s = android(31, |a| a.adapter = Some(AdapterState::Off));
    let f = &diagnose(&s, &LockObservations::default())[0];
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(json["code"], "bluetooth_off");
    assert_eq!(json["severity"], "blocks_unlock");
    assert_eq!(json["action"], "request_enable_bluetooth");
    assert_eq!(json["title"], "Bluetooth is off");
    assert!(json["steps"].as_array().is_some_and(|s| !s.is_empty()));
    let back: Finding = serde_json::from_value(json).unwrap();
    assert_eq!(&back, f);
}
