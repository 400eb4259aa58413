//! [`Texts`]: the catalog in one locale. Messages with their placeholders
//! and plurals filled, and numbers, dates, days and schedules written the
//! way that locale writes them. The patterns are catalog texts too
//! (`format.*`: digits, grouping, date and time order, weekday names), so
//! a locale file carries them and the library carries no locale data
//! beyond CLDR's plural rules.

use super::english::english;
use super::locale::{is_right_to_left, normalize};
use super::message::{Message, Writer};
use super::plural;
use super::tables::Catalog;
use crate::diagnostics::finding::MessageArg;
use crate::time::{local_time, LocalTime};
use latchkey_protocol::Schedule;

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Unicode's first-strong isolate and pop-directional isolate: a value
/// between them keeps its own direction inside right-to-left text.
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// The catalog in one locale ([`Catalog::texts`]).
#[derive(Debug, Clone)]
pub struct Texts<'a> {
    catalog: &'a Catalog,
    locale: String,
}

impl Catalog {
    /// This catalog in `locale` (falling back to its language, then
    /// English, key by key).
    pub fn texts(&self, locale: &str) -> Texts<'_> {
        Texts {
            catalog: self,
            locale: normalize(locale),
        }
    }

    /// The text for `key` in `locale` with its placeholders and plurals
    /// filled from `args` (an unknown key comes back as the key itself,
    /// so a gap is visible).
    pub fn render(&self, locale: &str, key: &str, args: &[MessageArg]) -> String {
        self.texts(locale).render(key, args)
    }
}

struct Fill<'x> {
    args: &'x [MessageArg],
    rules: Option<plural::PluralRule>,
    texts: &'x Texts<'x>,
    isolate: bool,
}

impl Writer for Fill<'_> {
    fn value(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|a| a.name == name).map(|a| a.value.as_str())
    }

    fn category(&self, n: u64) -> &'static str {
        plural::category(self.rules, n)
    }

    fn number(&self, n: u64) -> String {
        self.texts.number(n)
    }

    fn insert(&self, name: &str, value: &str) -> String {
        let named = self.texts.named_values(name, value);
        let value = named.as_deref().unwrap_or(value);
        if self.isolate && !value.is_empty() {
            format!("{FSI}{value}{PDI}")
        } else {
            value.to_string()
        }
    }
}

impl Texts<'_> {
    /// The locale, normalized (`pt-br`).
    pub fn locale(&self) -> &str {
        &self.locale
    }

    /// The text for `key` with its placeholders and plurals filled from
    /// `args`: a number that selects a plural takes the case of the
    /// locale the text came from, in that locale's digits. In a
    /// right-to-left language each other value is isolated (FSI … PDI) so
    /// a Latin name or code keeps its direction. An unknown key comes back
    /// as the key itself.
    pub fn render(&self, key: &str, args: &[MessageArg]) -> String {
        self.fill(key, args, true)
    }

    fn fill(&self, key: &str, args: &[MessageArg], isolate: bool) -> String {
        let Some((text, from)) = self.catalog.lookup(&self.locale, key) else {
            return key.to_string();
        };
        let Ok(message) = Message::parse(text) else {
            return text.to_string();
        };
        let rules = if message.plurals().is_empty() {
            None
        } else {
            plural::rule(from)
        };
        message.write(&Fill {
            args,
            rules,
            texts: self,
            isolate: isolate && is_right_to_left(from),
        })
    }

    /// A format pattern (`format.*`) filled with `fields`.
    fn pattern(&self, key: &str, fields: &[(&str, String)]) -> String {
        let args: Vec<MessageArg> = fields
            .iter()
            .map(|(name, value)| MessageArg {
                name: (*name).to_string(),
                value: value.clone(),
            })
            .collect();
        self.fill(key, &args, false)
    }

    /// The locale's ten digits (`format.number.digits`), ASCII if the
    /// text is not ten characters.
    fn digit_set(&self) -> Vec<char> {
        let digits: Vec<char> = self.fill("format.number.digits", &[], false).chars().collect();
        if digits.len() == 10 {
            digits
        } else {
            ('0'..='9').collect()
        }
    }

    /// ASCII digits in `s` replaced by the locale's.
    fn digits(&self, s: &str) -> String {
        let set = self.digit_set();
        s.chars()
            .map(|c| c.to_digit(10).map_or(c, |d| set[d as usize]))
            .collect()
    }

    /// `n` in the locale's digits and grouping: `1,234` (en), `1.234`
    /// (de), `1 234` (fr, with a narrow no-break space), `1234` but
    /// `12 345` (pl, grouping from five digits), `١٬٢٣٤` (ar).
    pub fn number(&self, n: u64) -> String {
        let plain = n.to_string();
        let separator = self.fill("format.number.group", &[], false);
        let min_grouping: usize = self
            .fill("format.number.min_grouping", &[], false)
            .trim()
            .parse()
            .unwrap_or(1);
        let grouped = if plain.len() >= 3 + min_grouping.max(1) {
            let mut out = String::new();
            for (i, c) in plain.chars().enumerate() {
                if i > 0 && (plain.len() - i) % 3 == 0 {
                    out.push_str(&separator);
                }
                out.push(c);
            }
            out
        } else {
            plain
        };
        self.digits(&grouped)
    }

    fn date_of(&self, t: &LocalTime) -> String {
        self.pattern(
            "format.date",
            &[
                ("year", self.digits(&format!("{:04}", t.year))),
                ("month", self.digits(&format!("{:02}", t.month))),
                ("day", self.digits(&format!("{:02}", t.day))),
            ],
        )
    }

    fn time_of(&self, hour: u32, minute: u32) -> String {
        let hour12 = match hour % 12 {
            0 => 12,
            h => h,
        };
        let period = if hour < 12 { "format.time.am" } else { "format.time.pm" };
        self.pattern(
            "format.time",
            &[
                ("hour", self.digits(&format!("{hour:02}"))),
                ("hour12", self.digits(&hour12.to_string())),
                ("minute", self.digits(&format!("{minute:02}"))),
                ("day_period", self.fill(period, &[], false)),
            ],
        )
    }

    /// Date and time of `unix` at UTC + `utc_offset_min`: `2026-11-16
    /// 10:00` (en), `16.11.2026, 10:00` (de), `2026/11/16 10:00` (ja).
    pub fn datetime(&self, unix: u32, utc_offset_min: i16) -> String {
        let t = local_time(unix, utc_offset_min);
        self.pattern(
            "format.datetime",
            &[("date", self.date_of(&t)), ("time", self.time_of(t.hour, t.minute))],
        )
    }

    /// The day of `unix` at UTC + `utc_offset_min`, with its weekday:
    /// `Monday 2026-11-16` (en), `Montag, 16.11.2026` (de).
    pub fn day(&self, unix: u32, utc_offset_min: i16) -> String {
        let t = local_time(unix, utc_offset_min);
        let weekday = self.fill(&format!("format.weekday.{}", WEEKDAYS[t.weekday]), &[], false);
        self.pattern(
            "format.weekday_date",
            &[("weekday", weekday), ("date", self.date_of(&t))],
        )
    }

    /// A value that names things (`pin_list,clock_trust`) the catalog has
    /// words for under `value.<arg>.<name>`, as the locale's list of those
    /// words; `None` for any other value, which is shown as it is.
    fn named_values(&self, arg: &str, value: &str) -> Option<String> {
        let words = value
            .split(',')
            .map(|name| {
                let key = format!("value.{arg}.{name}");
                english().contains_key(&key).then(|| self.fill(&key, &[], false))
            })
            .collect::<Option<Vec<String>>>()?;
        Some(self.list(&words))
    }

    /// `items` joined the locale's way (`a, b, c`; `a、b、c` in Japanese).
    pub fn list(&self, items: &[impl AsRef<str>]) -> String {
        let separator = self.fill("format.list.separator", &[], false);
        items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(&separator)
    }

    /// A weekly schedule: `Mon–Fri 08:00–18:00`, `Sat–Sun all day` (en),
    /// `Mo.–Fr. 08:00–18:00` (de).
    pub fn schedule(&self, s: &Schedule) -> String {
        let short = |d: usize| self.fill(&format!("format.weekday_short.{}", WEEKDAYS[d]), &[], false);
        let on: Vec<usize> = (0..7).filter(|d| s.weekdays & (1 << d) != 0).collect();
        let consecutive = on.windows(2).all(|w| w[1] == w[0] + 1);
        let days = match on.as_slice() {
            [] => String::new(),
            [only] => short(*only),
            all if all.len() == 7 => self.fill("format.schedule.every_day", &[], false),
            [first, .., last] if consecutive => {
                self.pattern("format.days.range", &[("first", short(*first)), ("last", short(*last))])
            }
            many => self.list(&many.iter().map(|d| short(*d)).collect::<Vec<_>>()),
        };
        if s.start_minute == s.end_minute {
            self.pattern("format.schedule.all_day", &[("days", days)])
        } else {
            self.pattern(
                "format.schedule.hours",
                &[
                    ("days", days),
                    (
                        "from",
                        self.time_of(u32::from(s.start_minute / 60), u32::from(s.start_minute % 60)),
                    ),
                    (
                        "to",
                        self.time_of(u32::from(s.end_minute / 60), u32::from(s.end_minute % 60)),
                    ),
                ],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONDAY: u32 = 1_794_823_200; // 2026-11-16 10:00 UTC

    fn with(locale: &str, entries: &[(&str, &str)]) -> Catalog {
        let mut c = Catalog::new();
        let taken = c.add_translations(locale, entries.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        assert_eq!(taken, entries.len());
        c
    }

    #[test]
    fn english_writes_what_the_time_module_writes() {
        let c = Catalog::new();
        let t = c.texts("en");
        assert_eq!(t.datetime(MONDAY, 60), crate::time::datetime(MONDAY, 60));
        assert_eq!(t.day(MONDAY, 0), crate::time::local_day(MONDAY, 0));
        for (days, start, end) in [
            (0b001_1111, 480, 1080),
            (0b110_0000, 0, 0),
            (0b000_0101, 1320, 360),
            (0x7f, 0, 0),
        ] {
            let s = Schedule::new(days, start, end).unwrap();
            assert_eq!(t.schedule(&s), crate::time::schedule(&s));
        }
        assert_eq!(t.number(1_234_567), "1,234,567");
        assert_eq!(t.number(999), "999");
    }

    #[test]
    fn a_locale_s_patterns_digits_and_grouping_are_used() {
        let c = with(
            "ar",
            &[
                ("format.number.digits", "٠١٢٣٤٥٦٧٨٩"),
                ("format.number.group", "٬"),
                ("format.date", "{day}/{month}/{year}"),
                ("format.time", "{hour12}:{minute} {day_period}"),
                ("format.time.am", "ص"),
                ("format.datetime", "{date}، {time}"),
            ],
        );
        let ar = c.texts("ar-EG");
        assert_eq!(ar.number(1234), "١٬٢٣٤");
        assert_eq!(ar.datetime(MONDAY, 0), "١٦/١١/٢٠٢٦، ١٠:٠٠ ص");
        let pl = with(
            "pl",
            &[("format.number.group", "\u{a0}"), ("format.number.min_grouping", "2")],
        );
        assert_eq!(pl.texts("pl").number(1234), "1234");
        assert_eq!(pl.texts("pl").number(12_345), "12\u{a0}345");
    }

    #[test]
    fn plurals_follow_the_locale_and_values_are_isolated_in_right_to_left_text() {
        let c = with(
            "pl",
            &[(
                "readiness.keys_renewed.fail",
                "{count, plural, one {# klucz czeka} few {# klucze czekają} many {# kluczy czeka} other {# klucza czeka}} na odnowienie.",
            )],
        );
        let count = |n: u32| {
            [MessageArg {
                name: "count".into(),
                value: n.to_string(),
            }]
        };
        let pl = c.texts("pl-PL");
        assert_eq!(
            pl.render("readiness.keys_renewed.fail", &count(1)),
            "1 klucz czeka na odnowienie."
        );
        assert_eq!(
            pl.render("readiness.keys_renewed.fail", &count(3)),
            "3 klucze czekają na odnowienie."
        );
        assert_eq!(
            pl.render("readiness.keys_renewed.fail", &count(5)),
            "5 kluczy czeka na odnowienie."
        );
        // A key the locale lacks is English, with English's plural rules.
        let en = pl.render("readiness.drift_cleared.fail", &count(1));
        assert!(en.starts_with("1 lock hasn't"), "{en}");

        let ar = with("ar", &[("readiness.sync_working.fail", "فشلت المزامنة ({error}).")]);
        let error = [MessageArg {
            name: "error".into(),
            value: "http_503".into(),
        }];
        assert_eq!(
            ar.render("ar", "readiness.sync_working.fail", &error),
            "فشلت المزامنة (\u{2068}http_503\u{2069})."
        );
    }
}
