//! The languages the CLI speaks and the translators' commands.
//!
//! - `--locale` (doctor, offline-check, sheet, demo): the shipped locale
//!   files are embedded; the language comes from the option or, without
//!   it, from `LC_ALL`, `LC_MESSAGES` or `LANG`, matched the way the apps
//!   match the phone's languages (`pt_PT.UTF-8` reads `pt-BR`).
//! - `latchkey locales`: list the languages, check locale files against
//!   English, stamp a file's texts as translated from today's English,
//!   print English or a new file to translate (docs/diagnostics.md,
//!   Locales).

use clap::Subcommand;
use latchkey_core::diagnostics::{
    check_translations, english_arb, match_locale, Catalog, LocaleFile, Texts, DEFAULT_LOCALE,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The shipped locale files (`locales/*.arb`), with each language's name.
pub const SHIPPED: &[(&str, &str, &str)] = &[
    ("ar", "العربية", include_str!("../../locales/ar.arb")),
    ("de", "Deutsch", include_str!("../../locales/de.arb")),
    ("es", "Español", include_str!("../../locales/es.arb")),
    ("fr", "Français", include_str!("../../locales/fr.arb")),
    ("it", "Italiano", include_str!("../../locales/it.arb")),
    ("ja", "日本語", include_str!("../../locales/ja.arb")),
    ("nl", "Nederlands", include_str!("../../locales/nl.arb")),
    ("pl", "Polski", include_str!("../../locales/pl.arb")),
    ("pt-BR", "Português (Brasil)", include_str!("../../locales/pt-BR.arb")),
    ("zh-Hans", "简体中文", include_str!("../../locales/zh-Hans.arb")),
];

/// `--locale`, for the commands that print findings, readiness and sheets.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LocaleArg {
    /// The language of findings, readiness and the sheet: en, ar, de, es, fr, it, ja, nl, pl, pt-BR or zh-Hans
    /// (default: LC_ALL, LC_MESSAGES or LANG; English when none fits).
    #[arg(long, value_name = "LOCALE")]
    pub locale: Option<String>,
}

/// A catalog with one language loaded, and that language.
#[derive(Debug, Clone)]
pub struct Language {
    /// English plus the chosen language.
    pub catalog: Catalog,
    /// The shipped locale chosen (`de`, `pt-BR`), or `en`.
    pub locale: String,
}

impl Language {
    /// The catalog in the chosen language.
    pub fn texts(&self) -> Texts<'_> {
        self.catalog.texts(&self.locale)
    }

    /// English only.
    pub fn english() -> Self {
        Self {
            catalog: Catalog::new(),
            locale: DEFAULT_LOCALE.to_string(),
        }
    }
}

impl LocaleArg {
    /// The language asked for, or the environment's.
    pub fn language(&self) -> Language {
        match &self.locale {
            Some(wanted) => choose(std::slice::from_ref(wanted), true),
            None => choose(&environment(), false),
        }
    }
}

/// The environment's language, as POSIX ranks the variables: `LC_ALL`,
/// then `LC_MESSAGES`, then `LANG`.
fn environment() -> Vec<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .into_iter()
        .collect()
}

/// The shipped language that fits `preferred` (English when none does;
/// said on stderr when the person asked for it by name).
pub fn choose(preferred: &[String], asked: bool) -> Language {
    let available: Vec<&str> = SHIPPED.iter().map(|(l, _, _)| *l).collect();
    let Some(locale) = match_locale(preferred, &available) else {
        if asked {
            eprintln!(
                "latchkey: no texts in {}: English (shipped: en, {})",
                preferred.join(", "),
                available.join(", ")
            );
        }
        return Language::english();
    };
    let mut catalog = Catalog::new();
    if let Some((_, _, json)) = SHIPPED.iter().find(|(l, _, _)| *l == locale) {
        // The shipped files are checked by latchkey-core's tests.
        let _ = catalog.add_translations_json(&locale, json);
    }
    Language { catalog, locale }
}

/// `latchkey locales …`.
#[derive(Subcommand, Debug)]
pub enum LocalesCommand {
    /// List the languages this build speaks.
    List,
    /// Check locale files against English (default: the shipped ones): missing, unknown and stale keys, syntax,
    /// placeholders, plural cases, code spans, texts left in English. Exit status 1 when any is found.
    Check {
        /// Locale files (ARB; the locale is their @@locale, or the file name: locales/de.arb is de).
        files: Vec<PathBuf>,
    },
    /// Rewrite a locale file in its canonical form and record that the texts of KEY… (or, with --all, every
    /// text) are translated from today's English: what clears a stale entry once it is updated.
    Stamp {
        /// The locale file.
        file: PathBuf,
        /// The keys whose translation was updated.
        keys: Vec<String>,
        /// Every text in the file.
        #[arg(long, conflicts_with = "keys")]
        all: bool,
    },
    /// Print English as a locale file (locales/en.arb): what translators start from.
    English,
    /// Print a new locale file for LOCALE to translate: English's texts, not yet stamped.
    New {
        /// The language, e.g. cs or pt-PT.
        locale: String,
    },
}

/// Runs `latchkey locales …`.
pub fn run(command: LocalesCommand) -> ExitCode {
    match command {
        LocalesCommand::List => {
            println!("en       English (built in)");
            for (locale, name, _) in SHIPPED {
                println!("{locale:<8} {name}");
            }
            ExitCode::SUCCESS
        }
        LocalesCommand::Check { files } => check(&files),
        LocalesCommand::Stamp { file, keys, all } => match stamp(&file, &keys, all) {
            Ok(message) => {
                println!("{message}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("latchkey locales stamp: {e}");
                ExitCode::from(2)
            }
        },
        LocalesCommand::English => {
            print!("{}", english_arb());
            ExitCode::SUCCESS
        }
        LocalesCommand::New { locale } => {
            let file = LocaleFile {
                locale: Some(locale.clone()),
                texts: Catalog::english_entries().into_iter().collect(),
                sources: Default::default(),
            };
            print!("{}", file.to_arb(&locale));
            ExitCode::SUCCESS
        }
    }
}

/// The locale a file is for: its `@@locale`, else its name.
fn locale_of(path: &Path, file: &LocaleFile) -> String {
    file.locale.clone().unwrap_or_else(|| {
        path.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string()
    })
}

fn check(files: &[PathBuf]) -> ExitCode {
    let inputs: Vec<(String, Result<String, String>)> = if files.is_empty() {
        SHIPPED
            .iter()
            .map(|(l, _, json)| (format!("{l} (built in)"), Ok(json.to_string())))
            .collect()
    } else {
        files
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).map_err(|e| format!("cannot read it: {e}"));
                (p.display().to_string(), text)
            })
            .collect()
    };
    let mut failed = false;
    for (name, text) in inputs {
        let result = text.and_then(|json| {
            let file = LocaleFile::parse(&json).map_err(|e| e.to_string())?;
            let locale = locale_of(Path::new(name.split(' ').next().unwrap_or_default()), &file);
            if locale == DEFAULT_LOCALE {
                // The reference: it must be today's English.
                return if json == english_arb() {
                    Ok((locale, file.texts.len(), Vec::new()))
                } else {
                    Err("not today's English: `latchkey locales english` prints it".to_string())
                };
            }
            check_translations(&locale, &json)
                .map(|problems| (locale, file.texts.len(), problems))
                .map_err(|e| e.to_string())
        });
        match result {
            Ok((locale, texts, problems)) if problems.is_empty() => {
                println!("{name}: {locale}, {}, no problem", count(texts, "text"));
            }
            Ok((locale, _, problems)) => {
                failed = true;
                println!("{name}: {locale}, {}", count(problems.len(), "problem"));
                for p in problems {
                    println!("  {p}");
                }
            }
            Err(e) => {
                failed = true;
                println!("{name}: {e}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `1 text`, `3 texts`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn stamp(path: &Path, keys: &[String], all: bool) -> Result<String, String> {
    let json = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut file = LocaleFile::parse(&json).map_err(|e| format!("{}: {e}", path.display()))?;
    let locale = locale_of(path, &file);
    let unknown: Vec<&String> = keys.iter().filter(|k| !file.texts.contains_key(*k)).collect();
    if !unknown.is_empty() {
        return Err(format!("{} has no text for {unknown:?}", path.display()));
    }
    let stamped = if all {
        file.stamp(&[]);
        "every text".to_string()
    } else if keys.is_empty() {
        "no text (canonical form only)".to_string()
    } else {
        file.stamp(keys);
        count(keys.len(), "text")
    };
    std::fs::write(path, file.to_arb(&locale)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(format!("{}: {locale}, stamped {stamped}", path.display()))
}
