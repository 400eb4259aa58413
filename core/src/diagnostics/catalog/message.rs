//! The syntax of a catalog text: words with `{name}` placeholders and ICU
//! MessageFormat plurals, the subset translation tools (Crowdin, Lokalise,
//! Phrase, Weblate) and Android/iOS plural resources all carry:
//!
//! ```text
//! {count, plural, one {# record is} other {# records are}} still waiting
//! ```
//!
//! A case is a CLDR category (`zero`, `one`, `two`, `few`, `many`, `other`)
//! or an exact number (`=0`); `other` is required; `#` inside a case is the
//! number. Braces are always syntax; an apostrophe is always a letter
//! (ICU's quoting is not used: no text needs a literal brace).

use std::collections::BTreeSet;

/// The CLDR plural categories, in CLDR's order.
pub(crate) const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Nesting deeper than this is refused (a plural inside a plural is one).
const MAX_DEPTH: usize = 4;

/// A parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message<'a> {
    parts: Vec<Part<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part<'a> {
    Text(&'a str),
    /// `{name}`.
    Arg(&'a str),
    /// `#` inside a case of the plural on this argument.
    Number(&'a str),
    Plural {
        arg: &'a str,
        cases: Vec<(Selector, Message<'a>)>,
    },
}

/// What a plural case matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Selector {
    /// `=N`.
    Exact(u64),
    /// One of [`CATEGORIES`].
    Category(&'static str),
}

/// Why a text does not parse, with the byte offset where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum MessageError {
    #[error("'}}' at {0} closes nothing")]
    UnmatchedClose(usize),
    #[error("'{{' at {0} is never closed")]
    Unclosed(usize),
    #[error("a placeholder at {0} has no name (names are letters, digits and _)")]
    NoName(usize),
    #[error("'{found}' at {at}: only `{{name}}` and `{{name, plural, …}}` are understood")]
    Unsupported { at: usize, found: String },
    #[error("unknown plural case '{found}' at {at} (zero, one, two, few, many, other or =N)")]
    UnknownCase { at: usize, found: String },
    #[error("plural case '{0}' appears twice")]
    DuplicateCase(String),
    #[error("the plural on {{{0}}} has no 'other' case")]
    NoOther(String),
    #[error("plurals nested deeper than {MAX_DEPTH}")]
    TooDeep,
}

/// Everything a text needs to be written out in a locale.
pub(crate) trait Writer {
    /// The raw value of an argument, if given.
    fn value(&self, name: &str) -> Option<&str>;
    /// The CLDR category of `n` in the locale.
    fn category(&self, n: u64) -> &'static str;
    /// `n` in the locale's digits and grouping.
    fn number(&self, n: u64) -> String;
    /// Placeholder `name`'s value as inserted into the text: in words
    /// where the value names things the catalog has words for, and
    /// isolated from the surrounding text's direction where the script
    /// needs it.
    fn insert(&self, name: &str, value: &str) -> String;
}

impl<'a> Message<'a> {
    /// Parses `text`.
    pub(crate) fn parse(text: &'a str) -> Result<Self, MessageError> {
        let mut parser = Parser { text, at: 0 };
        let message = parser.message(None, 0)?;
        match parser.peek() {
            Some('}') => Err(MessageError::UnmatchedClose(parser.at)),
            _ => Ok(message),
        }
    }

    /// Every argument the text names (placeholders and plural selectors).
    pub(crate) fn arguments(&self) -> BTreeSet<&'a str> {
        let mut out = BTreeSet::new();
        self.visit(&mut |part| match part {
            Part::Arg(name) | Part::Number(name) | Part::Plural { arg: name, .. } => {
                out.insert(*name);
            }
            Part::Text(_) => {}
        });
        out
    }

    /// Each plural: its argument and the cases it has.
    pub(crate) fn plurals(&self) -> Vec<(&'a str, Vec<Selector>)> {
        let mut out = Vec::new();
        self.visit(&mut |part| {
            if let Part::Plural { arg, cases } = part {
                out.push((*arg, cases.iter().map(|(s, _)| *s).collect()));
            }
        });
        out
    }

    /// The literal text, placeholders left out (for checks on the words).
    pub(crate) fn literal_text(&self) -> String {
        let mut out = String::new();
        self.visit(&mut |part| {
            if let Part::Text(t) = part {
                out.push_str(t);
            }
        });
        out
    }

    fn visit<'s>(&'s self, f: &mut impl FnMut(&'s Part<'a>)) {
        for part in &self.parts {
            f(part);
            if let Part::Plural { cases, .. } = part {
                for (_, m) in cases {
                    m.visit(f);
                }
            }
        }
    }

    /// The text with its placeholders and plurals filled. An argument that
    /// selects a plural is a number: `#` and `{name}` write it in the
    /// locale's digits. A missing argument stays visible as `{name}`.
    pub(crate) fn write(&self, w: &impl Writer) -> String {
        // A list, not a set: collecting a set compiles a sort for it.
        let numeric: Vec<&str> = self.plurals().into_iter().map(|(arg, _)| arg).collect();
        let mut out = String::new();
        self.write_into(w, &numeric, &mut out);
        out
    }

    fn write_into(&self, w: &impl Writer, numeric: &[&str], out: &mut String) {
        let number_of = |name: &str| w.value(name).and_then(|v| v.trim().parse::<u64>().ok());
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Arg(name) | Part::Number(name) => match (w.value(name), number_of(name)) {
                    (Some(_), Some(n)) if numeric.contains(name) => out.push_str(&w.number(n)),
                    (Some(v), _) => out.push_str(&w.insert(name, v)),
                    (None, _) => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                },
                Part::Plural { arg, cases } => {
                    let chosen = match number_of(arg) {
                        Some(n) => cases
                            .iter()
                            .find(|(s, _)| *s == Selector::Exact(n))
                            .or_else(|| cases.iter().find(|(s, _)| *s == Selector::Category(w.category(n)))),
                        None => None,
                    }
                    .or_else(|| cases.iter().find(|(s, _)| *s == Selector::Category("other")));
                    if let Some((_, m)) = chosen {
                        m.write_into(w, numeric, out);
                    }
                }
            }
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += c.len_utf8();
        Some(c)
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn word(&mut self) -> &'a str {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            self.bump();
        }
        &self.text[start..self.at]
    }

    /// Parts up to an unmatched `}` (left unread) or the end.
    fn message(&mut self, plural: Option<&'a str>, depth: usize) -> Result<Message<'a>, MessageError> {
        if depth > MAX_DEPTH {
            return Err(MessageError::TooDeep);
        }
        let mut parts = Vec::new();
        let mut start = self.at;
        while let Some(c) = self.peek() {
            match c {
                '{' | '}' => {}
                '#' if plural.is_some() => {}
                _ => {
                    self.bump();
                    continue;
                }
            }
            if start < self.at {
                parts.push(Part::Text(&self.text[start..self.at]));
            }
            match c {
                '}' => return Ok(Message { parts }),
                '#' => {
                    self.bump();
                    parts.extend(plural.map(Part::Number));
                }
                _ => parts.push(self.placeholder(depth)?),
            }
            start = self.at;
        }
        if start < self.at {
            parts.push(Part::Text(&self.text[start..self.at]));
        }
        Ok(Message { parts })
    }

    /// `{name}` or `{name, plural, cases}`, at its `{`.
    fn placeholder(&mut self, depth: usize) -> Result<Part<'a>, MessageError> {
        let open = self.at;
        self.bump();
        self.skip_space();
        let name = self.word();
        if name.is_empty() {
            return Err(MessageError::NoName(open));
        }
        self.skip_space();
        match self.bump() {
            Some('}') => return Ok(Part::Arg(name)),
            Some(',') => {}
            Some(other) => {
                return Err(MessageError::Unsupported {
                    at: self.at - other.len_utf8(),
                    found: other.to_string(),
                })
            }
            None => return Err(MessageError::Unclosed(open)),
        }
        self.skip_space();
        let kind_at = self.at;
        let kind = self.word();
        if kind != "plural" {
            return Err(MessageError::Unsupported {
                at: kind_at,
                found: kind.to_string(),
            });
        }
        self.skip_space();
        if self.bump() != Some(',') {
            return Err(MessageError::Unclosed(open));
        }
        let mut cases: Vec<(Selector, Message<'a>)> = Vec::new();
        loop {
            self.skip_space();
            let case_at = self.at;
            let selector = match self.peek() {
                Some('}') => {
                    self.bump();
                    break;
                }
                None => return Err(MessageError::Unclosed(open)),
                Some('=') => {
                    self.bump();
                    let digits = self.word();
                    let n = digits.parse().map_err(|_| MessageError::UnknownCase {
                        at: case_at,
                        found: format!("={digits}"),
                    })?;
                    Selector::Exact(n)
                }
                Some(_) => {
                    let word = self.word();
                    match CATEGORIES.iter().find(|c| **c == word) {
                        Some(c) => Selector::Category(c),
                        None => {
                            return Err(MessageError::UnknownCase {
                                at: case_at,
                                found: word.to_string(),
                            })
                        }
                    }
                }
            };
            if cases.iter().any(|(s, _)| *s == selector) {
                return Err(MessageError::DuplicateCase(self.text[case_at..self.at].to_string()));
            }
            self.skip_space();
            if self.bump() != Some('{') {
                return Err(MessageError::Unclosed(open));
            }
            let body = self.message(Some(name), depth + 1)?;
            if self.bump() != Some('}') {
                return Err(MessageError::Unclosed(open));
            }
            cases.push((selector, body));
        }
        if !cases.iter().any(|(s, _)| *s == Selector::Category("other")) {
            return Err(MessageError::NoOther(name.to_string()));
        }
        Ok(Part::Plural { arg: name, cases })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// English-like rules: one for 1, other otherwise; digits as they are.
    struct Plain(BTreeMap<&'static str, &'static str>);

    impl Writer for Plain {
        fn value(&self, name: &str) -> Option<&str> {
            self.0.get(name).copied()
        }
        fn category(&self, n: u64) -> &'static str {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
        fn number(&self, n: u64) -> String {
            format!("<{n}>")
        }
        fn insert(&self, _name: &str, value: &str) -> String {
            value.to_string()
        }
    }

    fn write(text: &str, args: &[(&'static str, &'static str)]) -> String {
        Message::parse(text)
            .unwrap()
            .write(&Plain(args.iter().copied().collect()))
    }

    #[test]
    fn placeholders_and_plurals_are_filled() {
        let text = "{count, plural, =0 {nothing} one {# record is} other {# records are}} waiting for {who}";
        assert_eq!(
            write(text, &[("count", "1"), ("who", "Ana")]),
            "<1> record is waiting for Ana"
        );
        assert_eq!(
            write(text, &[("count", "3"), ("who", "Ana")]),
            "<3> records are waiting for Ana"
        );
        assert_eq!(
            write(text, &[("count", "0"), ("who", "Ana")]),
            "nothing waiting for Ana"
        );
        // Not a number: the `other` case, with the value as given.
        assert_eq!(write(text, &[("count", "x")]), "x records are waiting for {who}");
        // A selector used plainly elsewhere is a number too.
        assert_eq!(write("{n} {n, plural, other {#}}", &[("n", "2")]), "<2> <2>");
        assert_eq!(write("# and 'quotes' don't matter", &[]), "# and 'quotes' don't matter");
    }

    #[test]
    fn arguments_and_cases_are_listed() {
        let m = Message::parse("{a} {n, plural, one {# {b}} other {#}}").unwrap();
        assert_eq!(m.arguments().into_iter().collect::<Vec<_>>(), ["a", "b", "n"]);
        assert_eq!(
            m.plurals(),
            [("n", vec![Selector::Category("one"), Selector::Category("other")])]
        );
        assert_eq!(m.literal_text(), "  ");
    }

    #[test]
    fn broken_texts_say_what_and_where() {
        let err = |t: &str| Message::parse(t).unwrap_err().to_string();
        assert_eq!(err("a } b"), "'}' at 2 closes nothing");
        assert_eq!(err("a {b"), "'{' at 2 is never closed");
        assert_eq!(
            err("{ }"),
            "a placeholder at 0 has no name (names are letters, digits and _)"
        );
        assert!(err("{n, select, a {x} other {y}}").contains("'select'"));
        assert!(err("{n, plural, one {x}}").contains("no 'other'"));
        assert!(err("{n, plural, fwe {x} other {y}}").contains("unknown plural case 'fwe'"));
        assert!(err("{n, plural, one {x} one {y} other {z}}").contains("twice"));
        assert!(err("{n, plural, one {x} other {y}").contains("never closed"));
        assert!(err("{n, plural, other {y}").contains("never closed"));
    }
}
