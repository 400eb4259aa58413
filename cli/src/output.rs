//! Readable terminal output: coloured when writing to a terminal (and
//! `NO_COLOR` is unset), plain otherwise.

use std::io::IsTerminal;

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colours on a terminal unless disabled by flag or `NO_COLOR`.
    pub fn detect(no_color: bool) -> Self {
        let color = !no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
        Self { color }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A section heading.
    pub fn heading(&self, text: &str) -> String {
        self.paint("1;36", text)
    }

    /// Something that behaved as told.
    pub fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Something that did not.
    pub fn bad(&self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// Secondary detail.
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
}
