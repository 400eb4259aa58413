//! Printing a command's result: text for people, JSON for scripts, and
//! for a failure, the diagnosis (what is wrong and what to do), never a
//! backtrace.

use crate::output::Style;
use latchkey_core::diagnostics::explain;
use latchkey_core::LatchkeyError;
use serde_json::{json, Value};
use std::process::ExitCode;

/// What a command produced.
pub struct Outcome {
    /// Lines for people.
    pub text: Vec<String>,
    /// The same, for scripts.
    pub json: Value,
}

/// Prints `result` in the asked form; the exit code says whether it worked.
pub fn print(result: Result<Outcome, LatchkeyError>, json: bool, style: Style) -> ExitCode {
    match result {
        Ok(out) if json => {
            println!("{}", serde_json::to_string_pretty(&out.json).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Ok(out) => {
            for line in out.text {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let finding = explain(e.diagnosis());
            if json {
                let error = json!({"error": {
                    "code": e.diagnosis().as_str(),
                    "message": e.to_string(),
                    "title": finding.title,
                    "explanation": finding.explanation,
                    "steps": finding.steps,
                    "action": finding.action.as_str(),
                }});
                println!("{}", serde_json::to_string_pretty(&error).unwrap_or_default());
            } else {
                eprintln!(
                    "{} {}",
                    style.bad(&finding.title),
                    style.dim(&format!("({})", e.diagnosis()))
                );
                eprintln!("  {e}");
                eprintln!("  {}", finding.explanation);
                for (i, step) in finding.steps.iter().enumerate() {
                    eprintln!("  {}) {step}", i + 1);
                }
            }
            ExitCode::FAILURE
        }
    }
}
