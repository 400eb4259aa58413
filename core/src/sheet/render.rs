//! The sheet as Markdown and as 80-column plain text. Both say the same
//! things in the same order: steps first (the reader is locked out), then
//! who can get in, the backup way in, the battery, the readiness check.

use super::advice::BatteryLevel;
use super::{EmergencySheet, SheetCredential};
use std::fmt::Write;

const WIDTH: usize = 80;

impl EmergencySheet {
    /// The sheet as Markdown.
    pub fn to_markdown(&self) -> String {
        markdown(self)
    }

    /// The sheet as plain text (80 columns), for printing as is.
    pub fn to_text(&self) -> String {
        text(self)
    }
}

fn when(sheet: &EmergencySheet, unix: u32) -> String {
    crate::time::datetime(unix, sheet.utc_offset_min)
}

fn validity(sheet: &EmergencySheet, c: &SheetCredential) -> String {
    match (c.valid_from, c.valid_until) {
        (None, None) => "no end date".to_string(),
        (None, Some(until)) => format!("until {}", when(sheet, until)),
        (Some(from), None) => format!("from {}", when(sheet, from)),
        (Some(from), Some(until)) => format!("{} to {}", when(sheet, from), when(sheet, until)),
    }
}

fn intro(sheet: &EmergencySheet) -> String {
    format!(
        "Lock {} · made {} (times in the lock's local time, {}). Keep this page where you can reach \
         it without the app. It holds no codes, keys or secrets.",
        &sheet.lock_id.to_hex()[..8],
        when(sheet, sheet.generated_at),
        crate::time::utc_offset(sheet.utc_offset_min)
    )
}

fn pin_notes(sheet: &EmergencySheet) -> Vec<String> {
    let mut out = Vec::new();
    if sheet.pending_pin_changes > 0 {
        out.push(format!(
            "{} PIN change(s) have not reached the lock yet: until a phone with the app next connects \
             to it, removed PINs still open the door and new ones don't.",
            sheet.pending_pin_changes
        ));
    }
    if sheet.can_make_offline_pins {
        out.push("This phone can make offline keypad PINs for a stay, with no network on either side.".to_string());
    }
    out
}

fn backup(sheet: &EmergencySheet) -> String {
    match &sheet.backup_entry {
        Some(b) => format!(
            "{}: {} (recorded {}).",
            capitalised(b.method.describe()),
            b.details,
            when(sheet, b.recorded_at)
        ),
        None => "None on record. Record one in the app (a mechanical key, a neighbour with a key) while \
                 the app still works."
            .to_string(),
    }
}

fn battery(sheet: &EmergencySheet) -> String {
    let b = &sheet.battery;
    let reading = match b.reading {
        Some(r) => format!(
            "{} % ({} mV), read {}. ",
            r.percent,
            r.millivolts,
            when(sheet, r.observed_at)
        ),
        None => String::new(),
    };
    let level = match b.level {
        BatteryLevel::Unknown => "",
        BatteryLevel::Good => "Good. ",
        BatteryLevel::Fair => "Fair. ",
        BatteryLevel::Low => "Low. ",
        BatteryLevel::Critical => "Critical. ",
    };
    format!("{level}{reading}{}", b.advice)
}

fn readiness_head(sheet: &EmergencySheet) -> String {
    match &sheet.readiness {
        Some(r) => format!(
            "Checked {}: {}.",
            when(sheet, r.checked_at),
            if r.ready {
                "ready to open the lock with no network"
            } else {
                "NOT ready to open the lock with no network"
            }
        ),
        None => "Not run yet on this phone: run \"Offline readiness\" in the app before you need it.".to_string(),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Markdown.
fn markdown(sheet: &EmergencySheet) -> String {
    let mut out = String::new();
    let cell = |s: &str| s.replace('|', "\\|");
    let _ = writeln!(
        out,
        "# Emergency access: {}\n\n{}\n",
        cell(&sheet.lock_name),
        intro(sheet)
    );
    let _ = writeln!(out, "## If the app can't connect\n");
    for (i, step) in sheet.steps.iter().enumerate() {
        let _ = writeln!(out, "{}. {step}", i + 1);
    }
    let _ = writeln!(out, "\n## Who can get in\n");
    if sheet.credentials.is_empty() {
        let _ = writeln!(out, "No key or PIN for this lock is known to this phone.");
    } else {
        let _ = writeln!(
            out,
            "| Holder | Credential | Role | Valid | Days and hours | Works offline | Notes |"
        );
        let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |");
        for c in &sheet.credentials {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&c.holder),
                c.kind.name(),
                c.role,
                validity(sheet, c),
                c.schedule.as_deref().unwrap_or("any time"),
                yes_no(c.works_offline),
                cell(&c.notes.join(", "))
            );
        }
    }
    for note in pin_notes(sheet) {
        let _ = writeln!(out, "\n{note}");
    }
    let _ = writeln!(out, "\n## Backup way in\n\n{}", backup(sheet));
    let _ = writeln!(out, "\n## Battery\n\n{}", battery(sheet));
    let _ = writeln!(out, "\n## Last offline-readiness check\n\n{}", readiness_head(sheet));
    if let Some(r) = &sheet.readiness {
        let _ = writeln!(out);
        for l in &r.lines {
            let _ = writeln!(out, "- **{}** {}: {}", l.status, l.title, l.message);
        }
    }
    out
}

/// Plain text, wrapped at 80 columns.
fn text(sheet: &EmergencySheet) -> String {
    let mut out = String::new();
    heading(
        &mut out,
        &format!("EMERGENCY ACCESS: {}", sheet.lock_name.to_uppercase()),
        '=',
    );
    wrap(&mut out, &intro(sheet), "", "");
    heading(&mut out, "IF THE APP CAN'T CONNECT", '-');
    for (i, step) in sheet.steps.iter().enumerate() {
        let first = format!("{:>2}. ", i + 1);
        wrap(&mut out, step, &first, "    ");
    }
    heading(&mut out, "WHO CAN GET IN", '-');
    if sheet.credentials.is_empty() {
        wrap(&mut out, "No key or PIN for this lock is known to this phone.", "", "");
    }
    for c in &sheet.credentials {
        let mut line = format!(
            "{} ({}, {}): {}; {}; works offline: {}",
            c.holder,
            c.kind.name(),
            c.role,
            validity(sheet, c),
            c.schedule.as_deref().unwrap_or("any time"),
            yes_no(c.works_offline)
        );
        if !c.notes.is_empty() {
            let _ = write!(line, "; {}", c.notes.join(", "));
        }
        wrap(&mut out, &line, "  * ", "    ");
    }
    for note in pin_notes(sheet) {
        out.push('\n');
        wrap(&mut out, &note, "", "");
    }
    heading(&mut out, "BACKUP WAY IN", '-');
    wrap(&mut out, &backup(sheet), "", "");
    heading(&mut out, "BATTERY", '-');
    wrap(&mut out, &battery(sheet), "", "");
    heading(&mut out, "LAST OFFLINE-READINESS CHECK", '-');
    wrap(&mut out, &readiness_head(sheet), "", "");
    if let Some(r) = &sheet.readiness {
        for l in &r.lines {
            wrap(
                &mut out,
                &format!("[{}] {}: {}", l.status, l.title, l.message),
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
    let _ = writeln!(
        out,
        "{}",
        underline.to_string().repeat(title.chars().count().min(WIDTH))
    );
}

/// Appends `text` word-wrapped to [`WIDTH`], the first line prefixed with
/// `first`, the others with `rest`.
fn wrap(out: &mut String, text: &str, first: &str, rest: &str) {
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "{line}");
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    let _ = writeln!(out, "{line}");
}
