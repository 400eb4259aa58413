//! CLDR plural rules: which case of a plural a count takes in a language
//! ("1 klucz", "2 klucze", "5 kluczy"). The rules are CLDR's, for every
//! CLDR language, reduced to whole numbers (the catalog counts records,
//! keys, days and seconds) and generated into `plural_rules.rs` by
//! `scripts/gen-plural-rules`; the tests check them against ICU4X's
//! `icu_plurals` of the same CLDR version. A language CLDR does not know
//! gets the root rule (`other` only).

use super::locale::{language, normalize};
use super::message::CATEGORIES;
use super::plural_rules::{select, LOCALES};

/// The cardinal plural rule of one locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PluralRule {
    rule: u8,
    categories: u8,
}

impl PluralRule {
    /// The category of the whole number `n`.
    pub(crate) fn category(self, n: u64) -> &'static str {
        select(self.rule, n)
    }

    /// The categories the locale uses, in CLDR's order.
    fn categories(self) -> Vec<&'static str> {
        CATEGORIES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.categories & (1 << i) != 0)
            .map(|(_, c)| *c)
            .collect()
    }
}

/// The rule of `locale` (normalized, `pt-pt`), or of its language.
pub(crate) fn rule(locale: &str) -> Option<PluralRule> {
    let find = |id: &str| {
        let mut key = [0u8; 8];
        let bytes = id.as_bytes();
        if bytes.len() > key.len() {
            return None;
        }
        key[..bytes.len()].copy_from_slice(bytes);
        let at = LOCALES.binary_search_by(|(l, _, _)| l.cmp(&key)).ok()?;
        let (_, rule, categories) = LOCALES[at];
        Some(PluralRule { rule, categories })
    };
    find(locale).or_else(|| find(language(locale)))
}

/// The category of `n` under `rule` (`other` without one).
pub(crate) fn category(rule: Option<PluralRule>, n: u64) -> &'static str {
    rule.map_or("other", |r| r.category(n))
}

/// The categories `locale` uses, in CLDR's order (`["one", "few", "many",
/// "other"]` for Polish): what a plural in that locale must cover.
pub fn plural_categories(locale: &str) -> Vec<&'static str> {
    rule(&normalize(locale)).map_or_else(|| vec!["other"], PluralRule::categories)
}

#[cfg(test)]
mod tests {
    use super::*;
    use icu_locale_core::Locale;
    use icu_plurals::{PluralCategory, PluralRules};

    #[test]
    fn the_shipped_languages_have_their_cldr_categories() {
        assert_eq!(plural_categories("en"), ["one", "other"]);
        assert_eq!(plural_categories("de"), ["one", "other"]);
        assert_eq!(plural_categories("fr"), ["one", "many", "other"]);
        assert_eq!(plural_categories("pl"), ["one", "few", "many", "other"]);
        assert_eq!(plural_categories("ar"), ["zero", "one", "two", "few", "many", "other"]);
        assert_eq!(plural_categories("ja"), ["other"]);
        assert_eq!(plural_categories("zh-Hans"), ["other"]);
        assert_eq!(plural_categories("pt_BR"), ["one", "many", "other"]);
        assert_eq!(plural_categories("xx"), ["other"]);
    }

    #[test]
    fn numbers_take_their_language_s_case() {
        let cases = |locale: &str, numbers: &[u64]| -> Vec<&str> {
            numbers.iter().map(|n| category(rule(locale), *n)).collect()
        };
        assert_eq!(
            cases("pl", &[1, 2, 5, 12, 22, 25]),
            ["one", "few", "many", "many", "few", "many"]
        );
        assert_eq!(
            cases("ar", &[0, 1, 2, 3, 11, 100]),
            ["zero", "one", "two", "few", "many", "other"]
        );
        // Brazilian Portuguese: 0 and 1 are "one"; Portugal's: only 1.
        assert_eq!(cases("pt-br", &[0, 1]), ["one", "one"]);
        assert_eq!(cases("pt-pt", &[0, 1]), ["other", "one"]);
        assert_eq!(cases("fr", &[1_000_000]), ["many"]);
        assert_eq!(category(None, 1), "other");
    }

    fn icu_name(c: PluralCategory) -> &'static str {
        match c {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }

    /// The generated table says what ICU4X says, for every locale ICU4X's
    /// compiled data has (it leaves out languages of lower CLDR coverage,
    /// which it gives the root rule; the table has CLDR's rules for them).
    #[test]
    fn the_table_agrees_with_icu4x_for_every_locale() {
        let mut numbers: Vec<u64> = (0..=2_000).collect();
        for exp in 3..=12 {
            let p = 10u64.pow(exp);
            numbers.extend([p - 1, p, p + 1, 2 * p, 3 * p + 2, 11 * p + 3]);
        }
        let mut compared = Vec::new();
        for (id, rule_index, categories) in LOCALES {
            let name = std::str::from_utf8(id).unwrap().trim_end_matches('\0');
            let locale = Locale::try_from_str(name).unwrap();
            let icu = PluralRules::try_new_cardinal((&locale).into()).unwrap();
            let ours = PluralRule {
                rule: *rule_index,
                categories: *categories,
            };
            let icu_categories: Vec<&str> = icu.categories().map(icu_name).collect();
            let mut expected: Vec<&str> = CATEGORIES
                .iter()
                .copied()
                .filter(|c| icu_categories.contains(c))
                .collect();
            expected.dedup();
            if expected == ["other"] && ours.categories() != expected {
                continue;
            }
            assert_eq!(ours.categories(), expected, "{name}");
            for n in &numbers {
                assert_eq!(ours.category(*n), icu_name(icu.category_for(*n)), "{name} {n}");
            }
            compared.push(name);
        }
        assert!(compared.len() > 140, "only {} locales compared", compared.len());
        for shipped in [
            "en", "ar", "de", "es", "fr", "it", "ja", "nl", "pl", "pt", "pt-pt", "zh",
        ] {
            assert!(compared.contains(&shipped), "{shipped}");
        }
        assert_eq!(super::super::plural_rules::CLDR_VERSION, "48");
    }
}
