//! `latchkey doctor`: explains why a phone or computer can't open a lock.
//!
//! - `--snapshot FILE [--observations FILE]` diagnoses a platform snapshot
//!   (and lock observations) in the JSON format the bindings use
//!   (`docs/diagnostics.md`).
//! - With no snapshot, it looks at this computer (on Linux: the adapter and
//!   rfkill in sysfs, the D-Bus socket; what needs D-Bus is reported as
//!   unknown, not guessed) and at a simulated lock, optionally with a fault.
//!
//! `--json` prints `{"findings": [...]}` with each finding's code,
//! severity, title, explanation, steps and action. Exit status: 0 when the
//! diagnosis was made (whatever it found), 2 when an input can't be read.

use crate::output::Style;
use latchkey_core::diagnostics::{
    diagnose, DeviceSnapshot, Finding, LockObservations, PlatformSnapshot, ProbeFact, Severity,
};
use latchkey_core::simworld::{GrantSpec, SimWorld};
use latchkey_core::unlock::NoProgress;
use latchkey_core::{LatchkeyError, PhoneClock, SystemClock};
use latchkey_protocol::Command;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `latchkey doctor`.
#[derive(Debug, Clone, clap::Args)]
pub struct DoctorArgs {
    /// A platform snapshot (JSON, see docs/diagnostics.md) instead of this computer.
    #[arg(long, value_name = "FILE")]
    snapshot: Option<PathBuf>,
    /// Lock observations (JSON) instead of the simulated lock.
    #[arg(long, value_name = "FILE")]
    observations: Option<PathBuf>,
    /// Print the findings as JSON.
    #[arg(long)]
    json: bool,
    /// Give the simulated lock a fault first.
    #[arg(long, value_enum, value_name = "FAULT")]
    sim_fault: Option<SimFault>,
    /// Plain output without colours.
    #[arg(long)]
    no_color: bool,
    /// Walk through the troubleshooting flow for a symptom, answering on
    /// the terminal: cant_connect, keys_dont_work, status_wont_update or
    /// door_not_fully_locking.
    #[arg(long, value_name = "SYMPTOM")]
    guided: Option<String>,
}

pub use crate::tech::site::SimFault;

/// What the doctor looked at and found.
#[derive(Debug)]
struct DoctorReport {
    /// `android`, `ios`, `linux` or `macos`.
    platform: &'static str,
    /// Where the platform facts came from.
    platform_source: String,
    /// What a local probe checked (empty for a snapshot file).
    probe: Vec<ProbeFact>,
    /// Where the lock facts came from.
    lock_source: String,
    /// The findings, root cause first.
    findings: Vec<Finding>,
}

/// Runs `latchkey doctor`.
pub async fn run(args: DoctorArgs) -> ExitCode {
    if let Some(name) = &args.guided {
        let symptom = match crate::tech::guided::symptom(name) {
            Ok(s) => s,
            Err(message) => {
                eprintln!("latchkey doctor: {message}");
                return ExitCode::from(2);
            }
        };
        let target = crate::tech::site::Target {
            sim_fault: args.sim_fault,
            no_color: args.no_color,
            ..Default::default()
        };
        return crate::tech::guided::run(symptom, &target, Style::detect(args.no_color)).await;
    }
    match report(&args).await {
        Ok(report) => {
            if args.json {
                println!("{}", to_json(&report));
            } else {
                print!("{}", to_text(&report, Style::detect(args.no_color)));
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("latchkey doctor: {message}");
            ExitCode::from(2)
        }
    }
}

async fn report(args: &DoctorArgs) -> Result<DoctorReport, String> {
    let (snapshot, platform_source, probe) = match &args.snapshot {
        Some(path) => {
            let snapshot = PlatformSnapshot::from_json(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
            (snapshot, path.display().to_string(), Vec::new())
        }
        None => {
            let (snapshot, probe) = this_computer();
            (snapshot, "this computer".to_string(), probe)
        }
    };
    let (observations, lock_source) = match &args.observations {
        Some(path) => {
            let obs = LockObservations::from_json(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
            (obs, path.display().to_string())
        }
        None if args.snapshot.is_some() => (LockObservations::default(), "none".to_string()),
        None => simulated_lock(args.sim_fault)
            .await
            .map_err(|e| format!("the simulated lock could not be set up: {e}"))?,
    };
    Ok(DoctorReport {
        platform: snapshot.device.platform_name(),
        platform_source,
        probe,
        lock_source,
        findings: diagnose(&snapshot, &observations),
    })
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The facts this computer gives without Bluetooth libraries.
fn this_computer() -> (PlatformSnapshot, Vec<ProbeFact>) {
    #[cfg(target_os = "macos")]
    {
        let host_app = match std::env::var("TERM_PROGRAM").as_deref() {
            Ok("Apple_Terminal") => Some("Terminal".to_string()),
            Ok("iTerm.app") => Some("iTerm".to_string()),
            _ => None,
        };
        let device = DeviceSnapshot::Macos(latchkey_core::diagnostics::MacosSnapshot {
            state: None,
            authorization: None,
            host_app,
        });
        let facts = vec![ProbeFact {
            fact: "CoreBluetooth state and authorization".into(),
            value: "unknown".into(),
            how: "not read by this build (needs CoreBluetooth)".into(),
        }];
        (PlatformSnapshot::new(device), facts)
    }
    #[cfg(not(target_os = "macos"))]
    {
        let bus = std::env::var("DBUS_SYSTEM_BUS_ADDRESS").ok();
        let mut probe = latchkey_core::diagnostics::probe_linux(Path::new("/"), bus.as_deref());
        if !cfg!(target_os = "linux") {
            probe.snapshot = Default::default();
            probe.facts = vec![ProbeFact {
                fact: "Bluetooth".into(),
                value: "unknown".into(),
                how: "this operating system is not probed".into(),
            }];
        }
        (
            PlatformSnapshot::new(DeviceSnapshot::Linux(probe.snapshot)),
            probe.facts,
        )
    }
}

/// A simulated lock this computer's phone model talks to: an unlock, then
/// a lock, with the fault injected first; what the store then knows.
async fn simulated_lock(fault: Option<SimFault>) -> Result<(LockObservations, String), LatchkeyError> {
    let storage = |e: std::io::Error| LatchkeyError::Storage(e.to_string());
    let now = SystemClock.now_unix();
    let world = SimWorld::new(now)?;
    let lock = world.add_lock("Front door (simulated)", LockConfig::default())?;
    let dir = tempfile::tempdir().map_err(storage)?;
    let phone = world.phone(dir.path(), LinkParams::mtu185(), &[&lock]).await?;
    let key = world.issue(&phone, &lock, GrantSpec::resident(now))?;
    phone.add_key(key, "resident").await?;
    if let Some(fault) = fault {
        lock.lock().inject(fault.fault());
    }
    let mut last_error = None;
    let mut last_report = None;
    for command in [Command::Unlock, Command::Lock] {
        match phone.run_command(lock.id(), command, &NoProgress).await {
            Ok(report) => last_report = Some(report),
            Err(e) => {
                last_error = Some(e);
                break;
            }
        }
    }
    let at = world.clock.unix_now();
    let mut builder = LockObservations::builder(phone.store(), lock.id(), at).holder(phone.holder_key());
    if let Some(e) = &last_error {
        builder = builder.last_error(e, at);
    } else if let Some(r) = &last_report {
        builder = builder.last_report(r, at);
    }
    let source = match fault {
        Some(f) => format!("simulated lock with fault {f:?} (unlock, then lock)"),
        None => "simulated lock (unlock, then lock)".to_string(),
    };
    Ok((builder.build()?, source))
}

/// The report as JSON: findings first, each with its fields in their
/// documented order (code, severity, title, explanation, steps, action).
fn to_json(report: &DoctorReport) -> String {
    // Plain data with string keys always serializes.
    let findings = serde_json::to_string_pretty(&report.findings).unwrap_or_default();
    let probe = serde_json::to_string_pretty(&report.probe).unwrap_or_default();
    let text = |s: &str| serde_json::Value::from(s).to_string();
    let fields = [
        ("findings", findings),
        ("platform", text(report.platform)),
        ("platform_source", text(&report.platform_source)),
        ("probe", probe),
        ("lock_source", text(&report.lock_source)),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("  \"{name}\": {}", value.replace('\n', "\n  ")))
        .collect();
    format!("{{\n{}\n}}", body.join(",\n"))
}

fn to_text(report: &DoctorReport, style: Style) -> String {
    let mut out = String::new();
    let line = |out: &mut String, text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(
        &mut out,
        style.heading(&format!("Platform: {} ({})", report.platform, report.platform_source)),
    );
    for f in &report.probe {
        line(&mut out, style.dim(&format!("  {}: {} ({})", f.fact, f.value, f.how)));
    }
    line(&mut out, style.heading(&format!("Lock: {}", report.lock_source)));
    if report.findings.is_empty() {
        line(&mut out, style.good("\nNo problems found."));
    }
    for (i, f) in report.findings.iter().enumerate() {
        let severity = match f.severity {
            Severity::BlocksUnlock => style.bad("blocks unlock"),
            Severity::Degrades => "degrades".to_string(),
            Severity::Info => style.dim("info"),
        };
        line(&mut out, String::new());
        line(&mut out, format!("{}. {} [{}] ({})", i + 1, f.title, severity, f.code));
        line(&mut out, format!("   {}", f.explanation));
        for (n, step) in f.steps.iter().enumerate() {
            line(&mut out, format!("   {}) {step}", n + 1));
        }
        if f.action.as_str() != "none" {
            line(&mut out, style.dim(&format!("   offer: {}", f.action.as_str())));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(snapshot: Option<&str>, observations: Option<&str>, sim_fault: Option<SimFault>) -> DoctorArgs {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/examples/diagnostics");
        DoctorArgs {
            snapshot: snapshot.map(|f| docs.join(f)),
            observations: observations.map(|f| docs.join(f)),
            json: true,
            sim_fault,
            no_color: true,
            guided: None,
        }
    }

    #[tokio::test]
    async fn a_snapshot_file_gives_its_findings_as_json() {
        let report = report(&args(Some("android.json"), None, None)).await.unwrap();
        let json: serde_json::Value = serde_json::from_str(&to_json(&report)).unwrap();
        let first = &json["findings"][0];
        assert_eq!(first["code"], "android_scan_permission_blocked");
        assert_eq!(first["severity"], "blocks_unlock");
        assert_eq!(first["action"], "open_app_settings");
        assert!(first["title"].is_string() && first["steps"].is_array());
        assert_eq!(json["lock_source"], "none");
    }

    #[tokio::test]
    async fn observations_join_the_snapshot() {
        let report = report(&args(
            Some("linux-healthy.json"),
            Some("observations-jammed.json"),
            None,
        ))
        .await
        .unwrap();
        assert_eq!(report.findings[0].code.as_str(), "lock_jammed");
        let text = to_text(&report, Style::detect(true));
        assert!(
            text.contains("1. The bolt is stuck [blocks unlock] (lock_jammed)"),
            "{text}"
        );
        assert!(text.contains("   1) "), "{text}");
    }

    #[tokio::test]
    async fn a_bad_file_is_reported_not_panicked_on() {
        let err = report(&args(Some("no-such-file.json"), None, None)).await.unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
        let err = report(&args(Some("observations-jammed.json"), None, None))
            .await
            .unwrap_err();
        assert!(err.contains("not valid"), "{err}");
    }

    #[tokio::test]
    async fn the_simulated_lock_is_diagnosed_with_its_fault() {
        let (obs, _) = simulated_lock(Some(SimFault::MisalignedStrike)).await.unwrap();
        assert!(obs.mechanics.bolt_not_thrown, "{obs:?}");
        let (obs, source) = simulated_lock(None).await.unwrap();
        assert!(!obs.mechanics.any_fault());
        assert!(source.starts_with("simulated lock"));
        let healthy = PlatformSnapshot::new(DeviceSnapshot::Linux(Default::default()));
        assert!(diagnose(&healthy, &obs).is_empty(), "{:?}", diagnose(&healthy, &obs));
    }
}
