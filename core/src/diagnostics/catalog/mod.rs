//! The message catalog: every text the engine and the emergency sheet
//! show, under a stable key, in English, ready for translation.
//!
//! Keys:
//!
//! - `finding.<code>.title`, `finding.<code>.explanation`,
//!   `finding.<code>.step.<n>` (n from 1; English decides how many steps);
//! - `wizard.symptom.<symptom>`, `wizard.question.<step>`,
//!   `wizard.check.<step>`, `wizard.answer.<answer>`, `wizard.fix`;
//! - `readiness.<item>.title`, `readiness.<item>.<pass|warn|fail|unknown>`;
//! - `sheet.*`: the emergency access sheet;
//! - `format.*`: how the locale writes numbers, dates, weekdays and
//!   schedules.
//! - `value.<arg>.<name>`: the words for a name a finding's argument
//!   carries (`{lost}` = `pin_list,clock_trust` is written as the
//!   locale's list of `value.lost.pin_list` and `value.lost.clock_trust`).
//!
//! Texts hold `{name}` placeholders, filled from the finding's
//! [`MessageArg`](super::MessageArg)s, and ICU MessageFormat plurals
//! chosen by CLDR's rules for the locale (`message.rs`, `plural.rs` over CLDR's table in `plural_rules.rs`). A
//! translation adds entries for a locale; a lookup tries the exact locale
//! (`pt-BR`), then its language (`pt`), then English, key by key, so a
//! partial translation still shows every message. The locale files in
//! `locales/` are checked against English by [`check_translations`].
//!
//! Files: `tables.rs` (the catalog and its lookup), `texts.rs` (one locale:
//! rendering, numbers, dates), `localize.rs` (findings), `locale.rs`
//! (locale names and matching), `review.rs` (the checks and the file
//! format), `english.rs` and `en_*.rs` (English).

mod en_flow;
mod en_format;
mod en_life;
mod en_lock;
mod en_phone;
mod en_sheet;
mod english;
mod finding_text;
mod locale;
mod localize;
mod message;
mod plural;
mod plural_rules;
mod review;
mod tables;
mod texts;

pub use english::DEFAULT_LOCALE;
pub use locale::match_locale;
pub use plural::plural_categories;
pub use review::{check_translations, english_arb, english_fingerprint, LocaleFile, ProblemKind, TranslationProblem};
pub use tables::{Catalog, CatalogError};
pub use texts::Texts;
