//! The shipped locale files (`locales/*.arb`): the ten languages are
//! there, each passes every check against English (no missing, unknown or
//! stale key, same placeholders and code spans, the plural cases CLDR gives
//! the language, nothing left in English), each is in its canonical form,
//! and each renders every finding, wizard text, readiness line and sheet
//! text in its own language, for every plural case. `locales/en.arb` is
//! today's English.
//!
//! `LATCHKEY_BLESS=1 cargo test -p latchkey-core --test locales` rewrites
//! `locales/en.arb` after an English change (the locale files then list
//! their stale entries); `latchkey locales check` prints the same problems.

use latchkey_core::diagnostics::{
    check_translations, english_arb, Catalog, LocaleFile, MessageArg, ProblemKind, DEFAULT_LOCALE,
};
use std::path::PathBuf;

const SHIPPED: [&str; 10] = ["ar", "de", "es", "fr", "it", "ja", "nl", "pl", "pt-BR", "zh-Hans"];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../locales")
}

/// Every locale file but English's: (locale, contents).
fn locale_files() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir())
        .expect("locales/ is readable")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let locale = path.file_name()?.to_str()?.strip_suffix(".arb")?.to_string();
            (locale != DEFAULT_LOCALE).then(|| (locale, std::fs::read_to_string(&path).expect("readable")))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_english_reference_file_is_today_s_english() {
    let path = dir().join("en.arb");
    let expected = english_arb();
    if std::env::var_os("LATCHKEY_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("locales/en.arb is writable");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "locales/en.arb is not today's English: run `LATCHKEY_BLESS=1 cargo test -p latchkey-core --test locales` \
         (or `latchkey locales english > locales/en.arb`), then update the entries the locale files list as stale"
    );
}

#[test]
fn the_ten_languages_ship() {
    let locales: Vec<String> = locale_files().into_iter().map(|(l, _)| l).collect();
    assert_eq!(locales, SHIPPED);
}

#[test]
fn every_locale_file_passes_every_check() {
    let mut report = Vec::new();
    for (locale, json) in locale_files() {
        let problems = check_translations(&locale, &json).unwrap_or_else(|e| panic!("{locale}.arb: {e}"));
        report.extend(problems.iter().map(|p| format!("{locale}: {p}")));
    }
    assert!(
        report.is_empty(),
        "{} problems (`latchkey locales check` lists them too):\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn every_locale_file_is_in_its_canonical_form() {
    for (locale, json) in locale_files() {
        let canonical = LocaleFile::parse(&json).unwrap().to_arb(&locale);
        assert!(
            canonical == json,
            "locales/{locale}.arb is not in canonical form: `latchkey locales stamp locales/{locale}.arb` rewrites it"
        );
    }
}

#[test]
fn stale_entries_are_found_when_english_changes() {
    // A fingerprint from another English text: what a change in en_*.rs
    // does to every locale file.
    let (locale, json) = locale_files().remove(0);
    let mut file = LocaleFile::parse(&json).unwrap();
    file.sources.insert("wizard.fix".into(), "00000000".into());
    let problems = check_translations(&locale, &file.to_arb(&locale)).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        (problems[0].key.as_str(), problems[0].kind),
        ("wizard.fix", ProblemKind::Stale)
    );
}

/// Values for every placeholder, with `count`-like numbers that reach
/// every CLDR case of the shipped languages.
fn samples(name: &str) -> Vec<String> {
    match name {
        "count" | "seconds" | "days" => [0, 1, 2, 3, 5, 11, 21, 102, 1000, 1_000_000]
            .iter()
            .map(u64::to_string)
            .collect(),
        _ => vec![format!("<{name}>")],
    }
}

#[test]
fn every_text_renders_in_its_own_language_in_every_plural_case() {
    let english = Catalog::english_entries();
    for (locale, json) in locale_files() {
        let mut catalog = Catalog::new();
        let taken = catalog.add_translations_json(&locale, &json).unwrap();
        assert_eq!(taken, english.len(), "{locale}: some texts were refused");
        assert_eq!(catalog.missing_keys(&locale), Vec::<String>::new(), "{locale}");
        let texts = catalog.texts(&locale);
        for (key, english_text) in &english {
            // A 12-hour clock may use fields English's 24-hour one does not.
            let clock: &[&str] = if key == "format.time" {
                &["hour12", "day_period"]
            } else {
                &[]
            };
            let names: Vec<&str> = ["count", "seconds", "days"]
                .into_iter()
                .filter(|n| english_text.contains(&format!("{{{n}")))
                .chain(
                    english_text
                        .split('{')
                        .skip(1)
                        .filter_map(|s| s.split(['}', ',']).next())
                        .filter(|n| !n.contains(' ') && !n.is_empty()),
                )
                .chain(clock.iter().copied())
                .collect();
            let runs = names.iter().map(|n| samples(n).len()).max().unwrap_or(1);
            for i in 0..runs {
                let args: Vec<MessageArg> = names
                    .iter()
                    .map(|n| {
                        let s = samples(n);
                        MessageArg {
                            name: n.to_string(),
                            value: s[i % s.len()].clone(),
                        }
                    })
                    .collect();
                let out = texts.render(key, &args);
                assert!(
                    !out.is_empty() && !out.contains('{') && !out.contains('}'),
                    "{locale} {key} with {args:?}: {out:?}"
                );
            }
        }
    }
}

#[test]
fn names_a_finding_carries_are_written_in_the_locale_s_words() {
    let args = [MessageArg {
        name: "lost".into(),
        value: "pin_list,clock_trust".into(),
    }];
    let key = "finding.firmware_changed_credentials.explanation";
    let english = Catalog::new().render(DEFAULT_LOCALE, key, &args);
    assert!(
        english.contains("the keypad PIN list, the clock's trusted time"),
        "{english}"
    );
    for (locale, json) in locale_files() {
        let mut catalog = Catalog::new();
        catalog.add_translations_json(&locale, &json).unwrap();
        let file = LocaleFile::parse(&json).unwrap();
        let out = catalog.render(&locale, key, &args);
        for name in ["pin_list", "clock_trust"] {
            let words = &file.texts[&format!("value.lost.{name}")];
            assert!(out.contains(words.as_str()), "{locale}: {out:?} lacks {words:?}");
        }
        assert!(
            !out.contains("pin_list") && !out.contains("keypad PIN list"),
            "{locale}: {out:?}"
        );
    }
    // A value that names nothing the catalog knows is shown as it is.
    let odd = [MessageArg {
        name: "lost".into(),
        value: "pin_list,something_new".into(),
    }];
    assert!(Catalog::new()
        .render(DEFAULT_LOCALE, key, &odd)
        .contains("pin_list,something_new"));
}
