//! Commands that talk to a lock over the radio: scan, status, unlock, lock.

use super::output::{CliError, Outcome};
use super::progress::Spinner;
use super::site::{lock_label, Site, Target};
use latchkey_core::transport::ScanFilter;
use latchkey_core::CommandReport;
use latchkey_protocol::{Advertisement, Command};
use serde_json::{json, Value};
use std::time::Duration;

/// `scan`: latchkey locks in range, strongest first.
pub async fn scan(site: &Site, timeout: Duration) -> Result<Outcome, CliError> {
    let spinner = Spinner::start(&format!("scanning for locks ({} s)…", timeout.as_secs()));
    let filter = ScanFilter {
        short_lock_id: None,
        first_match: false,
    };
    let found = site.client.locks().scan(&filter, timeout).await;
    spinner.finish();
    let mut found = found?;
    found.sort_by_key(|s| std::cmp::Reverse(s.rssi));
    let known = site.client.store().locks().list_meta()?;
    let mut text = vec![format!("{} lock(s) in range ({}):", found.len(), site.description)];
    let mut rows = Vec::new();
    for s in &found {
        let ad = &s.advertisement;
        let meta = known.iter().find(|m| m.lock_id.0[..4] == ad.short_lock_id);
        let name = meta
            .map(lock_label)
            .unwrap_or_else(|| format!("unknown lock ({})", latchkey_protocol::hex::encode(&ad.short_lock_id)));
        let battery = if ad.has(Advertisement::BATTERY_LOW) {
            "LOW"
        } else {
            "ok"
        };
        let pending = ad.has(Advertisement::EVENTS_PENDING);
        text.push(format!(
            "  {name:<28} {:>4} dBm  battery {battery:<3}  {}{}",
            s.rssi,
            if pending { "events pending" } else { "no new events" },
            if ad.has(Advertisement::NEEDS_TIME) {
                ", needs time"
            } else {
                ""
            },
        ));
        rows.push(json!({
            "address": s.address,
            "lock_id": meta.map(|m| m.lock_id.to_string()),
            "short_lock_id": latchkey_protocol::hex::encode(&ad.short_lock_id),
            "name": meta.map(|m| m.name.clone()),
            "rssi": s.rssi,
            "battery_low": ad.has(Advertisement::BATTERY_LOW),
            "events_pending": pending,
            "needs_time": ad.has(Advertisement::NEEDS_TIME),
            "epoch": ad.epoch,
        }));
    }
    Ok(Outcome {
        text,
        json: json!({ "locks": rows }),
    })
}

/// `status`, `unlock`, `lock`: one command and what the lock said.
pub async fn command(site: &Site, target: &Target, command: Command) -> Result<Outcome, CliError> {
    let meta = site.lock(target.lock.as_deref()).await?;
    let spinner = Spinner::start("scanning for the lock…");
    let report = site.client.locks().run_command(meta.lock_id, command, &spinner).await;
    spinner.finish();
    Ok(report_outcome(&lock_label(&meta), command, &report?))
}

/// What a command's report says, as text and JSON.
pub fn report_outcome(label: &str, command: Command, r: &CommandReport) -> Outcome {
    let verb = match command {
        Command::Unlock => "unlocked",
        Command::Lock => "locked",
        Command::Status => "status read",
        _ => "done",
    };
    let text = vec![
        format!("{label}: {verb}"),
        format!(
            "  bolt {}, door {}, battery {}%, faults {}",
            r.bolt.name(),
            r.door.name(),
            r.battery_percent,
            faults(r)
        ),
        format!(
            "  {} path, {} round trip(s), {} ms, {} attempt(s), lock clock {:+} s from this phone",
            r.path.name(),
            r.round_trips,
            r.latency_ms,
            r.attempts,
            r.clock_skew_s
        ),
        format!(
            "  {} new log entr{} collected{}",
            r.events_collected,
            if r.events_collected == 1 { "y" } else { "ies" },
            if r.gaps.is_empty() {
                ""
            } else {
                ", with gaps (see `latchkey events`)"
            }
        ),
    ];
    Outcome {
        text,
        json: report_json(r),
    }
}

fn faults(r: &CommandReport) -> String {
    let names = r.faults.names();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// A command's report, with stable field names.
pub fn report_json(r: &CommandReport) -> Value {
    json!({
        "lock_id": r.lock_id.to_string(),
        "lock_name": r.lock_name,
        "command": r.command.name(),
        "path": r.path.name(),
        "replayed": r.replayed,
        "bolt": r.bolt.name(),
        "door": r.door.name(),
        "battery_percent": r.battery_percent,
        "faults": r.faults.names(),
        "clock_skew_s": r.clock_skew_s,
        "round_trips": r.round_trips,
        "bytes_up": r.bytes_up,
        "bytes_down": r.bytes_down,
        "latency_ms": r.latency_ms,
        "attempts": r.attempts,
        "events_collected": r.events_collected,
        "gaps": r.gaps.iter().map(|g| json!({"first": g.first, "last": g.last})).collect::<Vec<_>>(),
        "revocation_seq_acked": r.revocation_seq_acked,
    })
}
