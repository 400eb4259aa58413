//! The built-in English texts, by key: the reference every translation is
//! checked against, and what every lookup falls back to.

use super::{en_flow, en_format, en_life, en_lock, en_phone, en_sheet};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The locale every lookup falls back to.
pub const DEFAULT_LOCALE: &str = "en";

/// Every English text by key, sorted by key.
pub(crate) fn english() -> &'static BTreeMap<String, &'static str> {
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
        for (key, text) in en_flow::TEXTS
            .iter()
            .chain(en_sheet::TEXTS)
            .chain(en_format::TEXTS)
            .chain(en_life::VALUES)
        {
            map.insert((*key).to_string(), *text);
        }
        map
    })
}

/// Placeholders a translation of `key` may use besides English's: a clock
/// may be 12-hour (`{hour12}`, `{day_period}`) where English's is 24.
pub(crate) fn optional_fields(key: &str) -> &'static [&'static str] {
    match key {
        "format.time" => &["hour", "hour12", "minute", "day_period"],
        _ => &[],
    }
}
