//! The message catalog: every text the engine shows, under a stable key,
//! in English, ready for translation.
//!
//! Keys:
//!
//! - `finding.<code>.title`, `finding.<code>.explanation`,
//!   `finding.<code>.step.<n>` (n from 1; English decides how many steps);
//! - `wizard.symptom.<symptom>`, `wizard.question.<step>`,
//!   `wizard.check.<step>`, `wizard.answer.<answer>`, `wizard.fix`;
//! - `readiness.<item>.title`, `readiness.<item>.<pass|warn|fail|unknown>`.
//!
//! Texts may hold `{name}` placeholders, filled from the finding's
//! [`MessageArg`]s. A translation adds entries for a locale; a lookup tries
//! the exact locale (`pt-BR`), then its language (`pt`), then English, key
//! by key, so a partial translation still shows every message.

mod en_flow;
mod en_life;
mod en_lock;
mod en_phone;
mod finding_text;

use super::finding::{Finding, MessageArg};
use super::rules::Draft;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The locale every lookup falls back to.
pub const DEFAULT_LOCALE: &str = "en";

fn english() -> &'static BTreeMap<String, &'static str> {
    static ENGLISH: OnceLock<BTreeMap<String, &'static str>> = OnceLock::new();
    ENGLISH.get_or_init(|| {
        let mut map = BTreeMap::new();
        for t in en_phone::TEXTS.iter().chain(en_lock::TEXTS).chain(en_life::TEXTS) {
            let code = t.code.as_str();
            map.insert(format!("finding.{code}.title"), t.title);
            map.insert(format!("finding.{code}.explanation"), t.explanation);
            for (i, step) in t.steps.iter().enumerate() {
                map.insert(format!("finding.{code}.step.{}", i + 1), *step);
            }
        }
        for (key, text) in en_flow::TEXTS {
            map.insert((*key).to_string(), *text);
        }
        map
    })
}

/// Why translations could not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The JSON is not an object of string keys to string texts.
    #[error("translations must be a JSON object of key to text: {0}")]
    Invalid(String),
}

/// English plus any translations the app adds.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    translations: BTreeMap<String, BTreeMap<String, String>>,
}

/// `pt_BR`, `PT-br` → `pt-br`.
fn normalize(locale: &str) -> String {
    locale.trim().replace('_', "-").to_ascii_lowercase()
}

impl Catalog {
    /// The built-in English catalog, with no translations.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every key with its English text, sorted by key (what translators get).
    pub fn english_entries() -> Vec<(String, String)> {
        english().iter().map(|(k, v)| (k.clone(), (*v).to_string())).collect()
    }

    /// Adds (or replaces) texts for `locale`; keys unknown to English are
    /// ignored. Returns how many were taken.
    pub fn add_translations(&mut self, locale: &str, entries: impl IntoIterator<Item = (String, String)>) -> usize {
        let table = self.translations.entry(normalize(locale)).or_default();
        let mut taken = 0;
        for (key, text) in entries {
            if english().contains_key(&key) {
                table.insert(key, text);
                taken += 1;
            }
        }
        taken
    }

    /// [`Catalog::add_translations`] from a JSON object of key to text.
    pub fn add_translations_json(&mut self, locale: &str, json: &str) -> Result<usize, CatalogError> {
        // As bytes, like the store's records: one compiled decoder per type.
        let entries: BTreeMap<String, String> =
            serde_json::from_slice(json.as_bytes()).map_err(|e| CatalogError::Invalid(e.to_string()))?;
        Ok(self.add_translations(locale, entries))
    }

    /// The locales with translations (English is always there too).
    pub fn locales(&self) -> Vec<String> {
        std::iter::once(DEFAULT_LOCALE.to_string())
            .chain(self.translations.keys().cloned())
            .collect()
    }

    /// The text for `key` in `locale`, falling back to the language, then
    /// English. `None` only for a key English does not have.
    pub fn text(&self, locale: &str, key: &str) -> Option<&str> {
        let locale = normalize(locale);
        let language = locale.split('-').next().unwrap_or_default().to_string();
        [locale, language]
            .iter()
            .filter_map(|l| self.translations.get(l))
            .find_map(|table| table.get(key).map(String::as_str))
            .or_else(|| english().get(key).copied())
    }

    /// Keys English has that `locale` (or its language) does not translate.
    pub fn missing_keys(&self, locale: &str) -> Vec<String> {
        let locale = normalize(locale);
        let language = locale.split('-').next().unwrap_or_default().to_string();
        let has = |k: &String| {
            [&locale, &language]
                .iter()
                .any(|l| self.translations.get(*l).is_some_and(|t| t.contains_key(k)))
        };
        english().keys().filter(|k| !has(k)).cloned().collect()
    }

    /// The text for `key` with `{name}` placeholders filled from `args`
    /// (unknown keys come back as the key itself, so a gap is visible).
    pub fn render(&self, locale: &str, key: &str, args: &[MessageArg]) -> String {
        let mut text = self.text(locale, key).unwrap_or(key).to_string();
        for a in args {
            text = text.replace(&format!("{{{}}}", a.name), &a.value);
        }
        text
    }

    /// `finding` again, with its texts in `locale`.
    pub fn localize(&self, locale: &str, finding: &Finding) -> Finding {
        let code = finding.code.as_str();
        let args = &finding.args;
        let steps = (1..)
            .map(|n| format!("finding.{code}.step.{n}"))
            .take_while(|k| english().contains_key(k))
            .map(|k| self.render(locale, &k, args))
            .collect();
        Finding {
            title: self.render(locale, &format!("finding.{code}.title"), args),
            explanation: self.render(locale, &format!("finding.{code}.explanation"), args),
            steps,
            ..finding.clone()
        }
    }

    pub(crate) fn finding(&self, locale: &str, draft: Draft) -> Finding {
        let shell = Finding {
            code: draft.code,
            severity: draft.severity,
            title: String::new(),
            explanation: String::new(),
            steps: Vec::new(),
            action: draft.action,
            permissions: draft.permissions,
            args: draft.args,
        };
        self.localize(locale, &shell)
    }
}
