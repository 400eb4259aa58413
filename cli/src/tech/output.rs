//! Printing a command's result: text for people, JSON for scripts, and
//! for a failure, the diagnosis (what is wrong and what to do), never a
//! backtrace.
//!
//! Exit status: 0 when the command did what was asked, 1 when it failed
//! with a diagnosis, 2 when the command line or an input file was wrong.

use crate::output::Style;
use latchkey_core::diagnostics::explain;
use latchkey_core::store::Quarantined;
use latchkey_core::{DiagnosisCode, LatchkeyError};
use serde_json::{json, Value};
use std::process::ExitCode;

/// What a command produced.
pub struct Outcome {
    /// Lines for people.
    pub text: Vec<String>,
    /// The same, for scripts.
    pub json: Value,
}

/// Why a command did not produce its outcome.
#[derive(Debug)]
pub enum CliError {
    /// The phone, the radio, the lock or the cloud failed: it has a diagnosis.
    Latchkey(LatchkeyError),
    /// The command line or an input file does not make sense.
    Usage(String),
}

impl From<LatchkeyError> for CliError {
    fn from(e: LatchkeyError) -> Self {
        Self::Latchkey(e)
    }
}

impl From<latchkey_core::store::StoreError> for CliError {
    fn from(e: latchkey_core::store::StoreError) -> Self {
        Self::Latchkey(e.into())
    }
}

/// Prints `result` in the asked form; the exit code says whether it worked.
pub fn print(result: Result<Outcome, CliError>, json: bool, no_color: bool) -> ExitCode {
    print_noting(result, None, json, no_color)
}

/// [`print`], first saying that the phone's store could not be read and
/// was set aside when `quarantine` is given: on stderr in plain words, and
/// in the JSON (success or failure) as `store_quarantine: {path, reason}`.
pub fn print_noting(
    result: Result<Outcome, CliError>,
    quarantine: Option<&Quarantined>,
    json: bool,
    no_color: bool,
) -> ExitCode {
    let Some(q) = quarantine else {
        return print_plain(result, json, no_color);
    };
    eprintln!("latchkey: {}", quarantine_text(q));
    let field = json!({"path": q.path.display().to_string(), "reason": q.reason});
    match result {
        Ok(mut out) => {
            if let Some(object) = out.json.as_object_mut() {
                object.insert("store_quarantine".into(), field);
            }
            print_plain(Ok(out), json, no_color)
        }
        Err(CliError::Latchkey(e)) if json => {
            let mut value = error_json(&e);
            if let Some(object) = value.as_object_mut() {
                object.insert("store_quarantine".into(), field);
            }
            println!("{}", pretty(&value));
            ExitCode::FAILURE
        }
        Err(e) => print_plain(Err(e), json, no_color),
    }
}

/// What a quarantine means for the technician, in one paragraph.
pub fn quarantine_text(q: &Quarantined) -> String {
    format!(
        "the phone's store could not be read ({}). Its files were moved to {} (kept for support, \
         nothing was deleted) and an empty store was started in their place: this phone holds no keys \
         until it syncs again (`latchkey sync --cloud URL --data-dir DIR`).",
        q.reason,
        q.path.display()
    )
}

fn print_plain(result: Result<Outcome, CliError>, json: bool, no_color: bool) -> ExitCode {
    match result {
        Ok(out) if json => {
            println!("{}", pretty(&out.json));
            ExitCode::SUCCESS
        }
        Ok(out) => {
            for line in out.text {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(CliError::Usage(message)) => {
            if json {
                println!("{}", pretty(&json!({"error": {"code": "usage", "message": message}})));
            } else {
                eprintln!("latchkey: {message}");
            }
            ExitCode::from(2)
        }
        Err(CliError::Latchkey(e)) => {
            if json {
                println!("{}", pretty(&error_json(&e)));
            } else {
                eprint!("{}", diagnosis_text(&e, Style::detect_stderr(no_color)));
            }
            ExitCode::FAILURE
        }
    }
}

/// A failure as JSON: `{"error": {code, message, title, explanation, steps, action}}`.
pub fn error_json(e: &LatchkeyError) -> Value {
    let finding = explain(e.diagnosis());
    json!({"error": {
        "code": e.diagnosis().as_str(),
        "message": e.to_string(),
        "title": finding.title,
        "explanation": finding.explanation,
        "steps": finding.steps,
        "action": finding.action.as_str(),
    }})
}

/// A failure for people: the diagnosis's title, what happened, why, and
/// the numbered fix.
pub fn diagnosis_text(e: &LatchkeyError, style: Style) -> String {
    let finding = explain(e.diagnosis());
    let mut out = format!(
        "{} {}\n  {e}\n  {}\n",
        style.bad(&finding.title),
        style.dim(&format!("({})", e.diagnosis())),
        finding.explanation
    );
    for (i, step) in finding.steps.iter().enumerate() {
        out.push_str(&format!("  {}) {step}\n", i + 1));
    }
    // The catalog speaks to a phone's owner; a technician at a computer
    // gets the command that checks this machine's stack step by step.
    if matches!(
        e.diagnosis(),
        DiagnosisCode::BluetoothOff
            | DiagnosisCode::BluetoothBlocked
            | DiagnosisCode::BluetoothStarting
            | DiagnosisCode::BluetoothUnavailable
            | DiagnosisCode::BluetoothPermission
    ) {
        out.push_str(&format!(
            "  {}\n",
            style.dim("On this computer: `latchkey doctor --ble --data-dir DIR` checks D-Bus, BlueZ, rfkill and the adapter one by one.")
        ));
    }
    out
}

/// JSON as printed: pretty, and never a panic (plain data always serializes).
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
