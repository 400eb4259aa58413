//! The sheet as Markdown and as 80-column plain text. Both say the same
//! things in the same order: steps first (the reader is locked out), then
//! who can get in, the backup way in, the battery, the readiness check.

use super::advice::BatteryLevel;
use super::words::{args, method};
use super::{CredentialKind, EmergencySheet, SheetCredential};
use crate::diagnostics::{Catalog, Texts, DEFAULT_LOCALE};
use std::fmt::Write;

const WIDTH: usize = 80;

impl EmergencySheet {
    /// The sheet as Markdown, in English.
    pub fn to_markdown(&self) -> String {
        markdown(self, &Catalog::new().texts(DEFAULT_LOCALE))
    }

    /// The sheet as plain text (80 columns), in English, for printing as is.
    pub fn to_text(&self) -> String {
        text(self, &Catalog::new().texts(DEFAULT_LOCALE))
    }

    /// The sheet as Markdown in a locale: use the texts it was made with
    /// ([`EmergencySheet::from_store_in`]), so its steps and notes are in
    /// the same language.
    pub fn to_markdown_in(&self, texts: &Texts<'_>) -> String {
        markdown(self, texts)
    }

    /// The sheet as plain text (80 columns) in a locale.
    pub fn to_text_in(&self, texts: &Texts<'_>) -> String {
        text(self, texts)
    }
}

fn when(t: &Texts<'_>, sheet: &EmergencySheet, unix: u32) -> String {
    t.datetime(unix, sheet.utc_offset_min)
}

fn validity(t: &Texts<'_>, sheet: &EmergencySheet, c: &SheetCredential) -> String {
    match (c.valid_from, c.valid_until) {
        (None, None) => t.render("sheet.validity.always", &[]),
        (None, Some(until)) => t.render("sheet.validity.until", &args(&[("until", when(t, sheet, until))])),
        (Some(from), None) => t.render("sheet.validity.from", &args(&[("from", when(t, sheet, from))])),
        (Some(from), Some(until)) => t.render(
            "sheet.validity.between",
            &args(&[("from", when(t, sheet, from)), ("until", when(t, sheet, until))]),
        ),
    }
}

fn kind(t: &Texts<'_>, c: &SheetCredential) -> String {
    t.render(&format!("sheet.kind.{}", c.kind.key()), &[])
}

fn role(t: &Texts<'_>, c: &SheetCredential) -> String {
    let group = match c.kind {
        CredentialKind::PhoneKey => "role",
        CredentialKind::KeypadPin => "pin_class",
    };
    let key = format!("sheet.{group}.{}", c.role);
    match t.render(&key, &[]) {
        unknown if unknown == key => c.role.clone(),
        name => name,
    }
}

fn schedule(t: &Texts<'_>, c: &SheetCredential) -> String {
    c.schedule.clone().unwrap_or_else(|| t.render("sheet.any_time", &[]))
}

fn intro(t: &Texts<'_>, sheet: &EmergencySheet) -> String {
    t.render(
        "sheet.intro",
        &args(&[
            ("lock", sheet.lock_id.to_hex()[..8].to_string()),
            ("made", when(t, sheet, sheet.generated_at)),
            ("offset", crate::time::utc_offset(sheet.utc_offset_min)),
        ]),
    )
}

fn pin_notes(t: &Texts<'_>, sheet: &EmergencySheet) -> Vec<String> {
    let mut out = Vec::new();
    if sheet.pending_pin_changes > 0 {
        out.push(t.render(
            "sheet.pin_changes_pending",
            &args(&[("count", sheet.pending_pin_changes.to_string())]),
        ));
    }
    if sheet.can_make_offline_pins {
        out.push(t.render("sheet.offline_pins", &[]));
    }
    out
}

fn backup(t: &Texts<'_>, sheet: &EmergencySheet) -> String {
    match &sheet.backup_entry {
        Some(b) => t.render(
            "sheet.backup.recorded",
            &args(&[
                ("method", capitalised(&method(t, b.method))),
                ("details", b.details.clone()),
                ("recorded", when(t, sheet, b.recorded_at)),
            ]),
        ),
        None => t.render("sheet.backup.none", &[]),
    }
}

fn battery(t: &Texts<'_>, sheet: &EmergencySheet) -> String {
    let b = &sheet.battery;
    let level = match b.level {
        BatteryLevel::Unknown => String::new(),
        BatteryLevel::Good => t.render("sheet.battery.good", &[]),
        BatteryLevel::Fair => t.render("sheet.battery.fair", &[]),
        BatteryLevel::Low => t.render("sheet.battery.low", &[]),
        BatteryLevel::Critical => t.render("sheet.battery.critical", &[]),
    };
    let reading = match b.reading {
        Some(r) => t.render(
            "sheet.battery.reading",
            &args(&[
                ("percent", t.number(u64::from(r.percent))),
                ("millivolts", t.number(u64::from(r.millivolts))),
                ("read", when(t, sheet, r.observed_at)),
            ]),
        ),
        None => String::new(),
    };
    [level, reading, b.advice.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn readiness_head(t: &Texts<'_>, sheet: &EmergencySheet) -> String {
    match &sheet.readiness {
        Some(r) => t.render(
            if r.ready {
                "sheet.readiness.ready"
            } else {
                "sheet.readiness.not_ready"
            },
            &args(&[("checked", when(t, sheet, r.checked_at))]),
        ),
        None => t.render("sheet.readiness.none", &[]),
    }
}

fn status(t: &Texts<'_>, status: &str) -> String {
    t.render(&format!("sheet.status.{status}"), &[])
}

/// One readiness line: its title and what it found.
fn check_line(t: &Texts<'_>, title: &str, message: &str) -> String {
    t.render(
        "sheet.check_line",
        &args(&[("title", title.to_string()), ("message", message.to_string())]),
    )
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn yes_no(t: &Texts<'_>, b: bool) -> String {
    t.render(if b { "sheet.yes" } else { "sheet.no" }, &[])
}

/// Markdown.
fn markdown(sheet: &EmergencySheet, t: &Texts<'_>) -> String {
    let mut out = String::new();
    let cell = |s: &str| s.replace('|', "\\|");
    let heading = |key: &str| t.render(key, &[]);
    let title = t.render("sheet.title", &args(&[("lock", cell(&sheet.lock_name))]));
    let _ = writeln!(out, "# {title}\n\n{}\n", intro(t, sheet));
    let _ = writeln!(out, "## {}\n", heading("sheet.heading.steps"));
    for (i, step) in sheet.steps.iter().enumerate() {
        let _ = writeln!(out, "{}. {step}", i + 1);
    }
    let _ = writeln!(out, "\n## {}\n", heading("sheet.heading.credentials"));
    if sheet.credentials.is_empty() {
        let _ = writeln!(out, "{}", t.render("sheet.no_credentials", &[]));
    } else {
        let columns: Vec<String> = ["holder", "credential", "role", "valid", "schedule", "offline", "notes"]
            .iter()
            .map(|c| t.render(&format!("sheet.column.{c}"), &[]))
            .collect();
        let _ = writeln!(out, "| {} |", columns.join(" | "));
        let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |");
        for c in &sheet.credentials {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&c.holder),
                kind(t, c),
                role(t, c),
                validity(t, sheet, c),
                schedule(t, c),
                yes_no(t, c.works_offline),
                cell(&t.list(&c.notes))
            );
        }
    }
    for note in pin_notes(t, sheet) {
        let _ = writeln!(out, "\n{note}");
    }
    let _ = writeln!(out, "\n## {}\n\n{}", heading("sheet.heading.backup"), backup(t, sheet));
    let _ = writeln!(
        out,
        "\n## {}\n\n{}",
        heading("sheet.heading.battery"),
        battery(t, sheet)
    );
    let _ = writeln!(
        out,
        "\n## {}\n\n{}",
        heading("sheet.heading.readiness"),
        readiness_head(t, sheet)
    );
    if let Some(r) = &sheet.readiness {
        let _ = writeln!(out);
        for l in &r.lines {
            let _ = writeln!(
                out,
                "- **{}** {}",
                status(t, &l.status),
                check_line(t, &l.title, &l.message)
            );
        }
    }
    out
}

/// Plain text, wrapped at 80 columns.
fn text(sheet: &EmergencySheet, t: &Texts<'_>) -> String {
    let mut out = String::new();
    let upper = |key: &str| t.render(key, &[]).to_uppercase();
    heading(
        &mut out,
        &t.render("sheet.title", &args(&[("lock", sheet.lock_name.clone())]))
            .to_uppercase(),
        '=',
    );
    wrap(&mut out, &intro(t, sheet), "", "");
    heading(&mut out, &upper("sheet.heading.steps"), '-');
    for (i, step) in sheet.steps.iter().enumerate() {
        let first = format!("{:>2}. ", i + 1);
        wrap(&mut out, step, &first, "    ");
    }
    heading(&mut out, &upper("sheet.heading.credentials"), '-');
    if sheet.credentials.is_empty() {
        wrap(&mut out, &t.render("sheet.no_credentials", &[]), "", "");
    }
    for c in &sheet.credentials {
        let mut line = t.render(
            "sheet.credential_line",
            &args(&[
                ("holder", c.holder.clone()),
                ("kind", kind(t, c)),
                ("role", role(t, c)),
                ("validity", validity(t, sheet, c)),
                ("schedule", schedule(t, c)),
                ("offline", yes_no(t, c.works_offline)),
            ]),
        );
        if !c.notes.is_empty() {
            let _ = write!(line, "; {}", t.list(&c.notes));
        }
        wrap(&mut out, &line, "  * ", "    ");
    }
    for note in pin_notes(t, sheet) {
        out.push('\n');
        wrap(&mut out, &note, "", "");
    }
    heading(&mut out, &upper("sheet.heading.backup"), '-');
    wrap(&mut out, &backup(t, sheet), "", "");
    heading(&mut out, &upper("sheet.heading.battery"), '-');
    wrap(&mut out, &battery(t, sheet), "", "");
    heading(&mut out, &upper("sheet.heading.readiness"), '-');
    wrap(&mut out, &readiness_head(t, sheet), "", "");
    if let Some(r) = &sheet.readiness {
        for l in &r.lines {
            wrap(
                &mut out,
                &format!("[{}] {}", status(t, &l.status), check_line(t, &l.title, &l.message)),
                "  ",
                "    ",
            );
        }
    }
    out
}

fn heading(out: &mut String, title: &str, underline: char) {
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{title}");
    let _ = writeln!(out, "{}", underline.to_string().repeat(columns(title).min(WIDTH)));
}

/// Appends `text` word-wrapped to [`WIDTH`] columns, the first line
/// prefixed with `first`, the others with `rest`. Chinese and Japanese,
/// written without spaces, break between any two of their characters,
/// each two columns wide.
fn wrap(out: &mut String, text: &str, first: &str, rest: &str) {
    let mut line = first.to_string();
    let mut width = columns(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        let mut pieces: Vec<&str> = Vec::new();
        let mut start = 0;
        for (i, c) in word.char_indices() {
            if is_wide(c) && i > start {
                pieces.push(&word[start..i]);
                start = i;
            }
            if is_wide(c) {
                pieces.push(&word[i..i + c.len_utf8()]);
                start = i + c.len_utf8();
            }
        }
        if start < word.len() {
            pieces.push(&word[start..]);
        }
        for (n, piece) in pieces.into_iter().enumerate() {
            let space = n == 0 && !empty;
            let needed = columns(piece) + usize::from(space);
            if !empty && width + needed > WIDTH {
                let _ = writeln!(out, "{line}");
                line = rest.to_string();
                width = columns(rest);
            } else if space {
                line.push(' ');
                width += 1;
            }
            line.push_str(piece);
            width += columns(piece);
            empty = false;
        }
    }
    let _ = writeln!(out, "{line}");
}

/// East Asian wide characters (CJK, kana, Hangul, full-width forms): two
/// columns on a terminal or a printed fixed-width page.
fn is_wide(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{115f}' | '\u{2e80}'..='\u{a4cf}' | '\u{ac00}'..='\u{d7a3}' | '\u{f900}'..='\u{faff}' | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ff60}' | '\u{ffe0}'..='\u{ffe6}')
}

fn columns(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}
