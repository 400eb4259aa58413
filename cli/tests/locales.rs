//! The CLI in other languages: `--locale` on doctor, offline-check and
//! sheet (and the environment's LANG when it is left out), and the
//! translators' `latchkey locales` commands.

mod support;

use support::{json, latchkey, stderr, stdout, with_lang};

const ANDROID: &str = "../docs/examples/diagnostics/android.json";

fn first_title(args: &[&str]) -> String {
    json(args)["findings"][0]["title"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn doctor_speaks_the_asked_language_and_keeps_codes_and_actions() {
    let german = json(&["doctor", "--snapshot", ANDROID, "--locale", "de", "--json"]);
    let first = &german["findings"][0];
    assert_eq!(first["title"], "„Geräte in der Nähe“ ist für diese App deaktiviert");
    assert_eq!(first["code"], "android_scan_permission_blocked");
    assert_eq!(first["action"], "open_app_settings");
    assert_eq!(
        first["steps"][1],
        "Tippe auf „Berechtigungen“, dann auf „Geräte in der Nähe“."
    );
    // pt-PT reads the Brazilian texts; a region is matched to its language.
    let portuguese = first_title(&["doctor", "--snapshot", ANDROID, "--locale", "pt_PT.UTF-8", "--json"]);
    assert_eq!(portuguese, "\"Dispositivos por perto\" está desativado para este app");
}

#[test]
fn without_locale_the_environment_s_language_is_used() {
    let args = ["doctor", "--snapshot", ANDROID, "--json"];
    let run = with_lang(&args, "fr_CA.UTF-8").success();
    let out: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(
        out["findings"][0]["title"],
        "«\u{a0}Appareils à proximité\u{a0}» est désactivé pour cette application"
    );
    let run = with_lang(&args, "C").success();
    let out: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(
        out["findings"][0]["title"],
        "\"Nearby devices\" is turned off for this app"
    );
}

#[test]
fn a_language_that_does_not_ship_is_english_and_says_so() {
    let run = latchkey(&["doctor", "--snapshot", ANDROID, "--locale", "sv"]).success();
    assert!(stdout(&run).contains("\"Nearby devices\" is turned off for this app"));
    assert!(stderr(&run).contains("no texts in sv: English"), "{}", stderr(&run));
}

#[test]
fn the_sheet_is_written_in_the_language_with_its_dates_and_digits() {
    let run = latchkey(&["sheet", "--locale", "ar", "--format", "text"]).success();
    let text = stdout(&run);
    assert!(text.contains("إذا تعذّر على التطبيق الاتصال"), "{text}");
    // 2026-01-05 11:00 at UTC+1, in Arabic-Indic digits, day first.
    assert!(text.contains("٠٥\u{200f}/٠١\u{200f}/٢٠٢٦"), "{text}");
    assert!(!text.contains("IF THE APP CAN'T CONNECT"), "{text}");
    let run = latchkey(&["sheet", "--locale", "de"]).success();
    let md = stdout(&run);
    assert!(md.starts_with("# Notfallzugang: Front door"), "{md}");
    assert!(md.contains("| Cleaner | PIN für das Tastenfeld | Gast |"), "{md}");
    assert!(md.contains("Mo.–Fr. 09:00–12:00"), "{md}");
    assert!(md.contains("05.01.2026, 11:00"), "{md}");
}

#[test]
fn offline_check_lists_readiness_in_the_language() {
    let run = latchkey(&["offline-check", "--locale", "es"]).success();
    let text = stdout(&run);
    assert!(text.contains("Comprobado el"), "{text}");
    assert!(text.contains("Una llave que funciona sin internet"), "{text}");
    let out = json(&["offline-check", "--locale", "ja", "--json"]);
    assert_eq!(out["report"]["checks"][0]["title"], "インターネットなしで使える鍵");
}

#[test]
fn the_shipped_locale_files_pass_every_check() {
    let run = latchkey(&["locales", "check"]).success();
    let out = stdout(&run);
    assert_eq!(out.matches("no problem").count(), 10, "{out}");
    let list = stdout(&latchkey(&["locales", "list"]).success());
    assert!(
        list.contains("pt-BR    Português (Brasil)") && list.contains("ar       العربية"),
        "{list}"
    );
}

#[test]
fn a_broken_or_stale_translation_is_named_and_stamping_clears_a_reviewed_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("de.arb");
    let shipped = std::fs::read_to_string("../locales/de.arb").unwrap();
    // A renamed placeholder, and a text stamped from older English.
    let broken = shipped.replace("(Status {gatt_status})", "(Status {status})").replace(
        "\"@wizard.fix\": {\"x-source\": \"",
        "\"@wizard.fix\": {\"x-source\": \"0",
    );
    std::fs::write(&path, broken).unwrap();
    let file = path.to_str().unwrap();
    let run = latchkey(&["locales", "check", file]).failure();
    let out = stdout(&run);
    assert!(
        out.contains(
            "finding.gatt_connection_failed.explanation: placeholders: missing [{gatt_status}], extra [{status}]"
        ),
        "{out}"
    );
    assert!(
        out.contains("wizard.fix: stale: English changed since it was translated"),
        "{out}"
    );
    // The translator reviews wizard.fix against today's English and stamps it.
    latchkey(&["locales", "stamp", file, "wizard.fix"]).success();
    let out = stdout(&latchkey(&["locales", "check", file]).failure());
    assert!(!out.contains("wizard.fix"), "{out}");
}

#[test]
fn a_new_language_starts_as_english_to_translate() {
    let run = latchkey(&["locales", "new", "cs"]).success();
    let template = stdout(&run);
    assert!(template.starts_with("{\n  \"@@locale\": \"cs\""), "{template}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cs.arb");
    std::fs::write(&path, template).unwrap();
    let out = stdout(&latchkey(&["locales", "check", path.to_str().unwrap()]).failure());
    assert!(out.contains("finding.bluetooth_off.title: untranslated"), "{out}");
    // Czech has four cases: the English plural is not enough.
    assert!(
        out.contains("readiness.keys_renewed.fail: plural forms: {count}: lacks [few, many]"),
        "{out}"
    );
    assert!(!out.contains(": missing:"), "{out}");
}
