//! [`Catalog`]: English plus the translations an app adds, and the lookup
//! that falls back from the locale to its language to English, key by key.

use super::english::{english, optional_fields, DEFAULT_LOCALE};
use super::locale::{language, normalize};
use super::message::Message;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

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

impl Catalog {
    /// The built-in English catalog, with no translations.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every key with its English text, sorted by key (what translators get).
    pub fn english_entries() -> Vec<(String, String)> {
        english().iter().map(|(k, v)| (k.clone(), (*v).to_string())).collect()
    }

    /// Adds (or replaces) texts for `locale`. Keys English does not have
    /// are ignored, and so is a text that does not parse or names a
    /// placeholder English does not fill (logged as a warning: the English
    /// text stays). Returns how many were taken.
    pub fn add_translations(&mut self, locale: &str, entries: impl IntoIterator<Item = (String, String)>) -> usize {
        let locale = normalize(locale);
        let table = self.translations.entry(locale.clone()).or_default();
        let mut taken = 0;
        for (key, text) in entries {
            let Some(english) = english().get(&key) else {
                continue;
            };
            match acceptable(&key, english, &text) {
                Ok(()) => {
                    table.insert(key, text);
                    taken += 1;
                }
                Err(why) => log::warn!("translation {locale} {key} left out: {why}"),
            }
        }
        taken
    }

    /// [`Catalog::add_translations`] from a JSON object of key to text: a
    /// locale file as shipped (`locales/de.arb`), or any object of key to
    /// text. Entries whose key starts with `@` (the file's metadata) are
    /// skipped.
    pub fn add_translations_json(&mut self, locale: &str, json: &str) -> Result<usize, CatalogError> {
        let entries = texts_of_json(json)?;
        Ok(self.add_translations(locale, entries))
    }

    /// The locales with translations (English is always there too).
    pub fn locales(&self) -> Vec<String> {
        std::iter::once(DEFAULT_LOCALE.to_string())
            .chain(self.translations.keys().cloned())
            .collect()
    }

    /// The text for `key` in `locale`, falling back to the language, then
    /// English. `None` only for a key English does not have. Plurals are
    /// in the message syntax; [`Catalog::render`] fills them.
    pub fn text(&self, locale: &str, key: &str) -> Option<&str> {
        self.lookup(&normalize(locale), key).map(|(text, _)| text)
    }

    /// The text for `key` and the locale that gave it (the normalized
    /// locale, its language, or `en`).
    pub(crate) fn lookup<'s>(&'s self, normalized: &str, key: &str) -> Option<(&'s str, &'s str)> {
        [normalized, language(normalized)]
            .into_iter()
            .find_map(|l| {
                let (name, table) = self.translations.get_key_value(l)?;
                table.get(key).map(|t| (t.as_str(), name.as_str()))
            })
            .or_else(|| english().get(key).map(|t| (*t, DEFAULT_LOCALE)))
    }

    /// Keys English has that `locale` (or its language) does not translate.
    pub fn missing_keys(&self, locale: &str) -> Vec<String> {
        let locale = normalize(locale);
        english()
            .keys()
            .filter(|k| !matches!(self.lookup(&locale, k), Some((_, from)) if from != DEFAULT_LOCALE))
            .cloned()
            .collect()
    }
}

/// The entries of a JSON object of key to text, metadata (`@…`) left out.
pub(crate) fn texts_of_json(json: &str) -> Result<BTreeMap<String, String>, CatalogError> {
    serde_json::from_str::<Entries>(json)
        .map(|e| e.0)
        .map_err(|e| CatalogError::Invalid(e.to_string()))
}

/// Key to text, skipping `@…` entries whatever they hold. Read with a
/// visitor rather than through `serde_json::Value`, which would add its
/// code to the mobile library for this alone.
struct Entries(BTreeMap<String, String>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Entries;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of key to text")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Entries, M::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key.starts_with('@') {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        let text: String = map.next_value()?;
                        out.insert(key, text);
                    }
                }
                Ok(Entries(out))
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// A translation may replace `english` if it parses and names no
/// placeholder English does not fill (it would show as `{name}`).
fn acceptable(key: &str, english: &str, text: &str) -> Result<(), String> {
    let message = Message::parse(text).map_err(|e| e.to_string())?;
    let mut known = Message::parse(english).map(|m| m.arguments()).unwrap_or_default();
    known.extend(optional_fields(key));
    match message.arguments().into_iter().find(|a| !known.contains(a)) {
        Some(unknown) => Err(format!("{{{unknown}}} is not a placeholder of this text")),
        None => Ok(()),
    }
}
