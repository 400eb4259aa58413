//! `events`: collect the lock's new log entries, then show every entry of
//! that lock the phone holds (collected, not uploaded yet), in the lock's
//! order, with the gaps the phone detected marked where entries are missing.

use super::output::{CliError, Outcome};
use super::progress::Spinner;
use super::site::{lock_label, Site, Target};
use latchkey_core::outbox::OutboxEvent;
use latchkey_protocol::{Command, KeyId, LockEvent, ResultCode};
use serde_json::json;

/// One line of the log: an entry, or a run of entries that was lost.
enum Line {
    Entry { epoch: u32, event: LockEvent },
    Unreadable { epoch: u32, seq: u32, error: String },
    Gap { epoch: u32, first: u32, last: u32 },
}

impl Line {
    fn position(&self) -> (u32, u32) {
        match self {
            Self::Entry { epoch, event } => (*epoch, event.seq),
            Self::Unreadable { epoch, seq, .. } => (*epoch, *seq),
            Self::Gap { epoch, first, .. } => (*epoch, *first),
        }
    }
}

/// Runs `events`.
pub async fn events(site: &Site, target: &Target) -> Result<Outcome, CliError> {
    let meta = site.lock(target.lock.as_deref()).await?;
    let spinner = Spinner::start("fetching the lock's log…");
    let report = site
        .client
        .locks()
        .run_command(meta.lock_id, Command::Status, &spinner)
        .await;
    spinner.finish();
    let report = report?;
    let mut lines = Vec::new();
    for item in site.client.outbox().peek(usize::MAX, usize::MAX)? {
        match item.event {
            OutboxEvent::LockEvent {
                lock_id,
                epoch,
                seq,
                event,
                ..
            } if lock_id == meta.lock_id => lines.push(match LockEvent::decode(&event) {
                Ok(event) => Line::Entry { epoch, event },
                Err(e) => Line::Unreadable {
                    epoch,
                    seq,
                    error: e.to_string(),
                },
            }),
            OutboxEvent::GapDetected {
                lock_id,
                epoch,
                first_seq,
                last_seq,
                ..
            } if lock_id == meta.lock_id => lines.push(Line::Gap {
                epoch,
                first: first_seq,
                last: last_seq,
            }),
            _ => {}
        }
    }
    lines.sort_by_key(Line::position);
    let held = lines.iter().filter(|l| !matches!(l, Line::Gap { .. })).count();
    let mut text = vec![format!(
        "{}: {held} log entr{} held by this phone, not uploaded yet ({} new)",
        lock_label(&meta),
        if held == 1 { "y" } else { "ies" },
        report.events_collected
    )];
    let mut rows = Vec::new();
    let mut gaps = Vec::new();
    for line in &lines {
        match line {
            Line::Entry { epoch, event: e } => {
                let result = ResultCode::from_u8(e.result).map_or("?", ResultCode::name);
                text.push(format!(
                    "  #{:<4} {}  {:<20} {:<16} {}",
                    e.seq,
                    super::when(e.time),
                    e.kind.name(),
                    who(&e.key_id),
                    if result == "ok" { "" } else { result }
                ));
                rows.push(
                    json!({"epoch": epoch, "seq": e.seq, "time": e.time, "kind": e.kind.name(),
                    "key_id": (e.key_id != KeyId::default()).then(|| e.key_id.to_string()),
                    "result": result, "detail": e.detail}),
                );
            }
            Line::Unreadable { seq, error, .. } => {
                text.push(format!("  #{seq:<4} (an entry this version cannot read: {error})"));
            }
            Line::Gap { epoch, first, last } => {
                text.push(format!(
                    "  ── gap: entries {first}–{last} were overwritten on the lock before any phone collected them"
                ));
                gaps.push(json!({"epoch": epoch, "first": first, "last": last}));
            }
        }
    }
    Ok(Outcome {
        text,
        json: json!({
            "lock_id": meta.lock_id.to_string(),
            "lock_name": meta.name,
            "collected_now": report.events_collected,
            "events": rows,
            "gaps": gaps,
        }),
    })
}

fn who(key: &KeyId) -> String {
    if *key == KeyId::default() {
        "keypad or lock".into()
    } else {
        format!("key {}", super::short(key))
    }
}
