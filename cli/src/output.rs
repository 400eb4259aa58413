//! Readable terminal output: coloured when writing to a terminal (and
//! neither `--no-color` nor `NO_COLOR` says otherwise), plain otherwise.

use std::io::IsTerminal;

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// For stdout: colours on a terminal unless disabled by flag or `NO_COLOR`.
    pub fn detect(no_color: bool) -> Self {
        Self::when(no_color, std::io::stdout().is_terminal())
    }

    /// The same for stderr (diagnoses and prompts go there).
    pub fn detect_stderr(no_color: bool) -> Self {
        Self::when(no_color, std::io::stderr().is_terminal())
    }

    fn when(no_color: bool, terminal: bool) -> Self {
        // NO_COLOR counts only when set to something (no-color.org).
        let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            color: !no_color && !env_off && terminal,
        }
    }

    /// Plain text, whatever the terminal.
    #[cfg(test)]
    pub fn plain() -> Self {
        Self { color: false }
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
