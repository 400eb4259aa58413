//! Translations of the diagnostics texts. A [`MessageCatalog`] is English
//! plus whatever locales the app adds; `client.diagnosticsIn(catalog,
//! locale)` renders findings, readiness checklists and the troubleshooting
//! flow in that locale, falling back to the language (`pt` for `pt-BR`),
//! then English, key by key.
//!
//! The ten shipped languages are resource files the platform glue loads
//! (`LatchkeyLocales` on Android and iOS picks the file for the person's
//! languages with [`match_locale`]):
//!
//! ```kotlin
//! val catalog = MessageCatalog()
//! val locale = LatchkeyAndroid.loadLocale(context, catalog)   // "de", "pt-BR", … or "en"
//! val findings = client.diagnosticsIn(catalog, locale).diagnose(snapshot, lockId)
//! val sheet = client.emergencyIn(catalog, locale).sheet(lockId, summary)
//! ```

use super::findings::Finding;
use super::DiagnosticsError;
use latchkey_core::diagnostics::{self as core, Catalog, MessageArg, DEFAULT_LOCALE};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// English plus the translations the app adds. Keys are stable
/// (`finding.<code>.title`, `wizard.question.<step>`, …; the list is in
/// docs/diagnostics.md and [`MessageCatalog::english_entries`]).
#[derive(uniffi::Object, Default)]
pub struct MessageCatalog {
    catalog: Mutex<Catalog>,
}

impl MessageCatalog {
    pub(crate) fn get(&self) -> MutexGuard<'_, Catalog> {
        self.catalog.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[uniffi::export]
impl MessageCatalog {
    /// The built-in English catalog, with no translations.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Every key with its English text: what translators get.
    pub fn english_entries(&self) -> HashMap<String, String> {
        Catalog::english_entries().into_iter().collect()
    }

    /// Adds (or replaces) texts for `locale` (`de`, `pt-BR`); keys English
    /// does not have are ignored. Returns how many were taken.
    pub fn add_translations(&self, locale: String, entries: HashMap<String, String>) -> u32 {
        self.get().add_translations(&locale, entries) as u32
    }

    /// [`MessageCatalog::add_translations`] from a JSON object of key to
    /// text: a shipped locale file (ARB; its `@` metadata is skipped) or
    /// the app's own overrides.
    pub fn add_translations_json(&self, locale: String, json: String) -> Result<u32, DiagnosticsError> {
        let taken = self
            .get()
            .add_translations_json(&locale, &json)
            .map_err(|e| DiagnosticsError::InvalidInput { reason: e.to_string() })?;
        Ok(taken as u32)
    }

    /// The locales with translations; English (`en`) is always first.
    pub fn locales(&self) -> Vec<String> {
        self.get().locales()
    }

    /// The text for `key` in `locale` (falling back to the language, then
    /// English); none for a key English does not have.
    pub fn text(&self, locale: String, key: String) -> Option<String> {
        self.get().text(&locale, &key).map(str::to_string)
    }

    /// The text for `key` with its `{name}` placeholders filled from `args`
    /// (an unknown key comes back as the key itself).
    pub fn render(&self, locale: String, key: String, args: Vec<MessageArg>) -> String {
        self.get().render(&locale, &key, &args)
    }

    /// Keys English has that `locale` (or its language) does not translate.
    pub fn missing_keys(&self, locale: String) -> Vec<String> {
        self.get().missing_keys(&locale)
    }

    /// `finding` again, with its texts in `locale` (for findings kept from
    /// before the person changed the app's language).
    pub fn localize(&self, locale: String, finding: Finding) -> Result<Finding, DiagnosticsError> {
        let core = finding.into_core()?;
        Ok(self.get().localize(&locale, &core).into())
    }
}

/// The locale among `available` (the shipped locale files' names, English
/// always counts as there) that best fits `preferred`, the person's
/// languages in order (Android's `LocaleList`, iOS's
/// `Locale.preferredLanguages`): the same locale, else the same language in
/// another region (`pt-PT` reads `pt-BR`), Chinese only in the same script.
/// None when nothing fits: show English.
#[uniffi::export]
pub fn match_locale(preferred: Vec<String>, available: Vec<String>) -> Option<String> {
    core::match_locale(&preferred, &available)
}

/// Which catalog and locale a diagnostics client renders texts with.
#[derive(Clone)]
pub(crate) struct Texts {
    catalog: Option<Arc<MessageCatalog>>,
    locale: String,
}

impl Default for Texts {
    fn default() -> Self {
        Self {
            catalog: None,
            locale: DEFAULT_LOCALE.to_string(),
        }
    }
}

impl Texts {
    pub(crate) fn new(catalog: Arc<MessageCatalog>, locale: String) -> Self {
        Self {
            catalog: Some(catalog),
            locale,
        }
    }

    /// Runs `f` with the catalog and locale.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&Catalog, &str) -> T) -> T {
        match &self.catalog {
            Some(c) => f(&c.get(), &self.locale),
            None => f(&Catalog::new(), &self.locale),
        }
    }
}
