//! Locale names as the catalog compares them, and the choice of the
//! translation that fits a person's preferred languages.

use super::english::DEFAULT_LOCALE;

/// `pt_BR`, `PT-br`, `pt_BR.UTF-8`, `de_DE@euro` → `pt-br`, `de-de`.
pub(crate) fn normalize(locale: &str) -> String {
    let bare = locale.trim().split(['.', '@']).next().unwrap_or_default();
    bare.replace('_', "-").to_ascii_lowercase()
}

/// The language subtag of a normalized locale (`pt` for `pt-br`).
pub(crate) fn language(normalized: &str) -> &str {
    normalized.split('-').next().unwrap_or_default()
}

/// Languages written right to left: their texts isolate placeholder
/// values (Unicode's FSI … PDI), so a Latin name or code inside Arabic
/// keeps its own direction.
pub(crate) fn is_right_to_left(normalized: &str) -> bool {
    matches!(
        language(normalized),
        "ar" | "he" | "fa" | "ur" | "ps" | "sd" | "ckb" | "dv" | "yi" | "ug"
    )
}

/// The script a Chinese locale is written in: `zh-TW`, `zh-HK`, `zh-MO`
/// and `zh-Hant…` are Traditional, the rest Simplified.
fn chinese_script(normalized: &str) -> &'static str {
    let subtags: Vec<&str> = normalized.split('-').skip(1).collect();
    let traditional_region = subtags.iter().any(|s| matches!(*s, "tw" | "hk" | "mo"));
    if subtags.contains(&"hant") || (traditional_region && !subtags.contains(&"hans")) {
        "hant"
    } else {
        "hans"
    }
}

/// The locale among `available` (plus English, always there) that best
/// fits `preferred`, the person's languages in order of preference (as
/// Android's `LocaleList` or iOS's `Locale.preferredLanguages` give them).
/// For each preferred language in turn: the same locale, else the same
/// language in another region (`pt-PT` reads `pt-BR`, `fr-CA` reads `fr`);
/// Chinese only in the same script. `None` when nothing fits: show English.
/// Returns the entry of `available` as spelled there.
pub fn match_locale<P: AsRef<str>, A: AsRef<str>>(preferred: &[P], available: &[A]) -> Option<String> {
    let available: Vec<(String, &str)> = available
        .iter()
        .map(|a| (normalize(a.as_ref()), a.as_ref()))
        .chain(std::iter::once((DEFAULT_LOCALE.to_string(), DEFAULT_LOCALE)))
        .collect();
    for wanted in preferred.iter().map(|p| normalize(p.as_ref())) {
        let lang = language(&wanted);
        if lang.is_empty() || lang == "c" || lang == "posix" {
            continue;
        }
        if let Some((_, spelled)) = available.iter().find(|(a, _)| *a == wanted) {
            return Some(spelled.to_string());
        }
        let same_language = available.iter().filter(|(a, _)| language(a) == lang);
        let found = if lang == "zh" {
            same_language
                .into_iter()
                .find(|(a, _)| chinese_script(a) == chinese_script(&wanted))
        } else {
            same_language.into_iter().next()
        };
        if let Some((_, spelled)) = found {
            return Some(spelled.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: [&str; 10] = ["ar", "de", "es", "fr", "it", "ja", "nl", "pl", "pt-BR", "zh-Hans"];

    #[test]
    fn names_are_compared_without_case_encoding_or_modifier() {
        assert_eq!(normalize(" pt_BR.UTF-8 "), "pt-br");
        assert_eq!(normalize("de_DE@euro"), "de-de");
        assert_eq!(language("zh-hans-cn"), "zh");
        assert!(is_right_to_left("ar-eg") && !is_right_to_left("fr"));
    }

    #[test]
    fn the_best_shipped_locale_is_chosen_for_a_person_s_languages() {
        let best = |p: &[&str]| match_locale(p, &SHIPPED);
        assert_eq!(best(&["de-AT"]).as_deref(), Some("de"));
        assert_eq!(best(&["pt-PT"]).as_deref(), Some("pt-BR"));
        assert_eq!(best(&["pt_BR.UTF-8"]).as_deref(), Some("pt-BR"));
        assert_eq!(best(&["zh-CN"]).as_deref(), Some("zh-Hans"));
        assert_eq!(best(&["zh-Hans-HK"]).as_deref(), Some("zh-Hans"));
        assert_eq!(best(&["zh"]).as_deref(), Some("zh-Hans"));
        // Traditional Chinese is not Simplified: the next language wins.
        assert_eq!(best(&["zh-TW", "ja-JP"]).as_deref(), Some("ja"));
        assert_eq!(best(&["zh-Hant"]), None);
        // English first means English, even with a shipped second language.
        assert_eq!(best(&["en-GB", "fr-FR"]).as_deref(), Some("en"));
        assert_eq!(best(&["sv-SE", "fr-CA"]).as_deref(), Some("fr"));
        assert_eq!(best(&["C", "POSIX", "sv"]), None);
        assert_eq!(best(&[] as &[&str]), None);
    }
}
