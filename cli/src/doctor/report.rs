//! What the doctor found, as text for people and JSON for scripts.

use crate::output::Style;
use latchkey_core::diagnostics::{Finding, ProbeFact, Severity};

/// What the doctor looked at and found.
#[derive(Debug)]
pub struct DoctorReport {
    /// `android`, `ios`, `linux` or `macos`.
    pub platform: &'static str,
    /// Where the platform facts came from.
    pub platform_source: String,
    /// What a local probe checked (empty for a snapshot file).
    pub probe: Vec<ProbeFact>,
    /// Where the lock facts came from.
    pub lock_source: String,
    /// The findings, root cause first.
    pub findings: Vec<Finding>,
}

/// The report as JSON: findings first, each with its fields in their
/// documented order (code, severity, title, explanation, steps, action).
pub fn to_json(report: &DoctorReport) -> String {
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

/// The report for people: where the facts came from, then each finding
/// with its severity, explanation, numbered fix and the action to offer.
pub fn to_text(report: &DoctorReport, style: Style) -> String {
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
