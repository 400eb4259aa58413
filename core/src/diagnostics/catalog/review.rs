//! Reviewing a locale file against English: what CI and `latchkey locales
//! check` report, and the file's canonical form.
//!
//! A locale file is an ARB file (Application Resource Bundle: JSON, read by
//! Crowdin, Lokalise, Phrase and Weblate): `"@@locale"`, then each key with
//! its text, followed by `"@key": {"x-source": "<fingerprint>"}`, the
//! fingerprint of the English text it was translated from. When English
//! changes, the fingerprint no longer matches and the entry is stale until
//! a translator updates it and stamps it again.

use super::english::{english, optional_fields, DEFAULT_LOCALE};
use super::locale::normalize;
use super::message::{Message, Selector};
use super::plural::plural_categories;
use super::tables::{texts_of_json, CatalogError};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// What is wrong with an entry of a locale file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// English has the key; the file does not.
    Missing,
    /// The file has a key English does not (renamed or removed).
    UnknownKey,
    /// The text does not parse (braces, plural syntax).
    Syntax,
    /// A placeholder is missing, extra or renamed compared with English.
    Placeholders,
    /// A plural lacks a case the locale's CLDR rules use, has one they
    /// never choose, or is missing where English has one.
    PluralForms,
    /// A command or name in backticks differs from English's (they are
    /// never translated).
    CodeSpans,
    /// The text is English's, word for word.
    Untranslated,
    /// Translated from another English text than today's (or never
    /// stamped): English changed since.
    Stale,
    /// `@@locale` names another locale than the file is for.
    Metadata,
}

impl ProblemKind {
    /// A short name, as `latchkey locales check` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::UnknownKey => "unknown key",
            Self::Syntax => "syntax",
            Self::Placeholders => "placeholders",
            Self::PluralForms => "plural forms",
            Self::CodeSpans => "code spans",
            Self::Untranslated => "untranslated",
            Self::Stale => "stale",
            Self::Metadata => "metadata",
        }
    }
}

/// One problem of a locale file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationProblem {
    /// The entry's key.
    pub key: String,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// What exactly, and what English has.
    pub detail: String,
}

impl fmt::Display for TranslationProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.key, self.kind.as_str(), self.detail)
    }
}

/// A locale file read: its texts and the fingerprints they were stamped with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocaleFile {
    /// `@@locale`, when the file says.
    pub locale: Option<String>,
    /// Key to text.
    pub texts: BTreeMap<String, String>,
    /// Key to the fingerprint of the English text it was translated from.
    pub sources: BTreeMap<String, String>,
}

impl LocaleFile {
    /// Reads an ARB file (or any JSON object of key to text).
    pub fn parse(json: &str) -> Result<Self, CatalogError> {
        let texts = texts_of_json(json)?;
        let object: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(json).map_err(|e| CatalogError::Invalid(e.to_string()))?;
        let locale = object.get("@@locale").and_then(|v| v.as_str()).map(str::to_string);
        let sources = object
            .iter()
            .filter_map(|(k, v)| {
                let key = k.strip_prefix('@').filter(|k| !k.starts_with('@'))?;
                Some((key.to_string(), v.get("x-source")?.as_str()?.to_string()))
            })
            .collect();
        Ok(Self { locale, texts, sources })
    }

    /// The file in its canonical form: `@@locale` first, keys in English's
    /// order (unknown keys after), each followed by its fingerprint;
    /// invisible characters (bidi marks, no-break spaces) written as
    /// `\uXXXX` so a reviewer sees them.
    pub fn to_arb(&self, locale: &str) -> String {
        let mut out = format!("{{\n  \"@@locale\": {}", json_string(locale));
        let known = english().keys().filter(|k| self.texts.contains_key(*k));
        let unknown = self.texts.keys().filter(|k| !english().contains_key(*k));
        for key in known.chain(unknown) {
            out.push_str(&format!(",\n  {}: {}", json_string(key), json_string(&self.texts[key])));
            if let Some(source) = self.sources.get(key) {
                out.push_str(&format!(
                    ",\n  {}: {{\"x-source\": {}}}",
                    json_string(&format!("@{key}")),
                    json_string(source)
                ));
            }
        }
        out.push_str("\n}\n");
        out
    }

    /// Records that the texts of `keys` (every key, when empty) are
    /// translated from today's English.
    pub fn stamp(&mut self, keys: &[String]) {
        let all: Vec<String> = self.texts.keys().cloned().collect();
        for key in if keys.is_empty() { &all } else { keys } {
            if let Some(fingerprint) = english_fingerprint(key) {
                if self.texts.contains_key(key) {
                    self.sources.insert(key.clone(), fingerprint);
                }
            }
        }
    }
}

/// The fingerprint of English's text for `key` (FNV-1a, 32 bits, hex):
/// what a locale file's `x-source` holds.
pub fn english_fingerprint(key: &str) -> Option<String> {
    let text = english().get(key)?;
    let hash = text
        .bytes()
        .fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    Some(format!("{hash:08x}"))
}

/// English as an ARB file (`locales/en.arb`): what translators and their
/// tools start from, with each text's placeholders listed.
pub fn english_arb() -> String {
    let mut out = format!("{{\n  \"@@locale\": {}", json_string(DEFAULT_LOCALE));
    for (key, text) in english() {
        out.push_str(&format!(",\n  {}: {}", json_string(key), json_string(text)));
        let arguments = Message::parse(text).map(|m| m.arguments()).unwrap_or_default();
        if !arguments.is_empty() {
            let list: Vec<String> = arguments.iter().map(|a| format!("{}: {{}}", json_string(a))).collect();
            out.push_str(&format!(
                ",\n  {}: {{\"placeholders\": {{{}}}}}",
                json_string(&format!("@{key}")),
                list.join(", ")
            ));
        }
    }
    out.push_str("\n}\n");
    out
}

/// Every problem of the locale file `json` for `locale`, by key in
/// English's order: missing and unknown keys, syntax, placeholders,
/// plural cases against the locale's CLDR categories, code spans, texts
/// left in English, and stale entries.
pub fn check_translations(locale: &str, json: &str) -> Result<Vec<TranslationProblem>, CatalogError> {
    let file = LocaleFile::parse(json)?;
    let mut problems = Vec::new();
    let mut problem = |key: &str, kind, detail: String| {
        problems.push(TranslationProblem {
            key: key.to_string(),
            kind,
            detail,
        })
    };
    if let Some(said) = &file.locale {
        if normalize(said) != normalize(locale) {
            problem(
                "@@locale",
                ProblemKind::Metadata,
                format!("says {said}, the file is for {locale}"),
            );
        }
    }
    let categories = plural_categories(locale);
    for (key, english_text) in english() {
        let Some(text) = file.texts.get(key) else {
            problem(key, ProblemKind::Missing, format!("English: {english_text:?}"));
            continue;
        };
        for (kind, detail) in check_entry(key, english_text, text, locale, &categories) {
            problem(key, kind, detail);
        }
        let expected = english_fingerprint(key);
        match file.sources.get(key) {
            Some(source) if Some(source) == expected.as_ref() => {}
            Some(_) => problem(
                key,
                ProblemKind::Stale,
                format!("English changed since it was translated; English now: {english_text:?}"),
            ),
            None => problem(
                key,
                ProblemKind::Stale,
                "never stamped as translated from today's English".to_string(),
            ),
        }
    }
    for key in file.texts.keys().filter(|k| !english().contains_key(*k)) {
        problem(key, ProblemKind::UnknownKey, "English has no such key".to_string());
    }
    Ok(problems)
}

/// The problems of one text against English's.
fn check_entry(
    key: &str,
    english_text: &str,
    text: &str,
    locale: &str,
    categories: &[&str],
) -> Vec<(ProblemKind, String)> {
    let mut out = Vec::new();
    let message = match Message::parse(text) {
        Ok(m) => m,
        Err(e) => return vec![(ProblemKind::Syntax, e.to_string())],
    };
    let Ok(english) = Message::parse(english_text) else {
        return out;
    };
    let (ours, theirs) = (message.arguments(), english.arguments());
    let optional = optional_fields(key);
    let missing: Vec<_> = theirs
        .difference(&ours)
        .filter(|a| optional.is_empty() || !optional.contains(a))
        .collect();
    let extra: Vec<_> = ours.difference(&theirs).filter(|a| !optional.contains(a)).collect();
    if !missing.is_empty() || !extra.is_empty() || (!optional.is_empty() && ours.is_empty()) {
        let braces = |v: &[&&str]| v.iter().map(|a| format!("{{{a}}}")).collect::<Vec<_>>().join(", ");
        out.push((
            ProblemKind::Placeholders,
            format!(
                "missing [{}], extra [{}]; English has [{}]",
                braces(&missing),
                braces(&extra),
                braces(&theirs.iter().collect::<Vec<_>>())
            ),
        ));
    }
    let plurals = message.plurals();
    for (arg, selectors) in &plurals {
        // Inserted one by one: collecting a set compiles a sort for it.
        let mut have = BTreeSet::new();
        for s in selectors {
            if let Selector::Category(c) = s {
                have.insert(*c);
            }
        }
        let lacking: Vec<&str> = categories.iter().copied().filter(|c| !have.contains(c)).collect();
        let unused: Vec<&str> = have.iter().copied().filter(|c| !categories.contains(c)).collect();
        if !lacking.is_empty() || !unused.is_empty() {
            out.push((
                ProblemKind::PluralForms,
                format!(
                    "{{{arg}}}: lacks [{}], never uses [{}]; {locale} has [{}]",
                    lacking.join(", "),
                    unused.join(", "),
                    categories.join(", ")
                ),
            ));
        }
    }
    for (arg, _) in english.plurals() {
        let selected = plurals.iter().any(|(a, _)| *a == arg);
        if !selected && categories != ["other"] {
            out.push((
                ProblemKind::PluralForms,
                format!(
                    "English chooses its words by {{{arg}}}: write {{{arg}, plural, …}} with [{}]",
                    categories.join(", ")
                ),
            ));
        }
    }
    if code_spans(text) != code_spans(english_text) {
        out.push((
            ProblemKind::CodeSpans,
            format!("English has {:?}", code_spans(english_text)),
        ));
    }
    let words = english
        .literal_text()
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .count();
    if text == english_text && words >= 2 && !key.starts_with("format.") {
        out.push((ProblemKind::Untranslated, "the same as English".to_string()));
    }
    out
}

/// The `backticked` parts of a text, sorted.
fn code_spans(text: &str) -> Vec<&str> {
    let mut spans: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
    spans.sort_unstable();
    spans
}

/// `s` as a JSON string, invisible characters escaped.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{a0}' | '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202f}' | '\u{2060}'..='\u{2069}' | '\u{feff}') =>
            {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(locale: &str, entries: &[(&str, &str)]) -> Vec<(String, ProblemKind)> {
        let mut file = LocaleFile::default();
        for (k, v) in entries {
            file.texts.insert(k.to_string(), v.to_string());
        }
        file.stamp(&[]);
        check_translations(locale, &file.to_arb(locale))
            .unwrap()
            .into_iter()
            .filter(|p| p.kind != ProblemKind::Missing)
            .map(|p| (p.key, p.kind))
            .collect()
    }

    #[test]
    fn each_kind_of_mistake_is_named_with_its_key() {
        let k = |s: &str| s.to_string();
        assert_eq!(
            kinds("de", &[("finding.gatt_error.explanation", "Fehler {status}.")]),
            [(k("finding.gatt_error.explanation"), ProblemKind::Placeholders)]
        );
        assert_eq!(
            kinds("de", &[("finding.gatt_error.explanation", "Fehler {gatt_status.")]),
            [(k("finding.gatt_error.explanation"), ProblemKind::Syntax)]
        );
        let polish_without_few = "{count, plural, one {# klucz} many {# kluczy} other {# klucza}} do odnowienia.";
        assert_eq!(
            kinds("pl", &[("readiness.keys_renewed.fail", polish_without_few)]),
            [(k("readiness.keys_renewed.fail"), ProblemKind::PluralForms)]
        );
        // Japanese has one form: no plural needed.
        assert!(kinds("ja", &[("readiness.keys_renewed.fail", "{count} 件の鍵が未更新です。")]).is_empty());
        assert_eq!(
            kinds(
                "de",
                &[("readiness.keys_renewed.fail", "{count} Schlüssel sind fällig.")]
            ),
            [(k("readiness.keys_renewed.fail"), ProblemKind::PluralForms)]
        );
        assert_eq!(
            kinds(
                "de",
                &[(
                    "finding.linux_no_system_bus.step.2",
                    "Der Nachrichtenbus muss laufen: `systemctl status dbus-daemon`."
                )]
            ),
            [(k("finding.linux_no_system_bus.step.2"), ProblemKind::CodeSpans)]
        );
        assert_eq!(
            kinds("de", &[("wizard.fix", "Try this, then say whether it helped.")]),
            [(k("wizard.fix"), ProblemKind::Untranslated)]
        );
        assert_eq!(
            kinds("de", &[("no.such.key", "x")]),
            [(k("no.such.key"), ProblemKind::UnknownKey)]
        );
        // A 12-hour clock may use fields English does not.
        assert!(kinds("ar", &[("format.time", "{hour12}:{minute} {day_period}")]).is_empty());
    }

    #[test]
    fn a_change_in_english_makes_the_translation_stale() {
        let mut file = LocaleFile::default();
        file.texts.insert("wizard.answer.yes".into(), "Ja".into());
        file.sources.insert("wizard.answer.yes".into(), "00000000".into());
        let problems = check_translations("de", &file.to_arb("de")).unwrap();
        let stale: Vec<_> = problems.iter().filter(|p| p.kind == ProblemKind::Stale).collect();
        assert_eq!(stale.len(), 1, "{problems:?}");
        assert!(stale[0].detail.contains("\"Yes\""));
        file.stamp(&["wizard.answer.yes".into()]);
        let problems = check_translations("de", &file.to_arb("de")).unwrap();
        assert!(problems.iter().all(|p| p.kind == ProblemKind::Missing));
    }

    #[test]
    fn the_canonical_form_reads_back_and_shows_invisible_characters() {
        let mut file = LocaleFile {
            locale: Some("ar".into()),
            ..LocaleFile::default()
        };
        file.texts
            .insert("format.date".into(), "{day}\u{200f}/{month}\u{200f}/{year}".into());
        file.stamp(&[]);
        let arb = file.to_arb("ar");
        assert!(
            arb.contains(r#""format.date": "{day}\u200f/{month}\u200f/{year}""#),
            "{arb}"
        );
        assert_eq!(LocaleFile::parse(&arb).unwrap(), file);
        assert!(english_arb().contains(r#""@readiness.keys_renewed.fail": {"placeholders": {"count": {}}}"#));
    }
}
