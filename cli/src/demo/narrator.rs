//! The story's narrator, [`Story`]: numbered steps, the checks that the
//! system did what the story says, figures, and the summary with the exit
//! code. Every step file writes through it; it knows nothing of the steps.

use crate::output::Style;
use latchkey_core::CommandReport;
use serde_json::{json, Value};
use std::process::ExitCode;

/// The story's narrator: numbered steps, checks, figures.
pub(crate) struct Story {
    style: Style,
    json: bool,
    steps: Vec<Value>,
    failures: u32,
}

impl Story {
    /// A story with no steps yet, printed as it goes unless `json`.
    pub(super) fn new(style: Style, json: bool) -> Self {
        Self {
            style,
            json,
            steps: Vec::new(),
            failures: 0,
        }
    }

    pub(super) fn step(&mut self, title: &str) {
        let number = self.steps.len() + 1;
        self.steps
            .push(json!({"number": number, "title": title, "ok": true, "checks": [], "notes": []}));
        self.print(&format!("\n{}", self.style.heading(&format!("{number}. {title}"))));
    }

    pub(super) fn say(&mut self, text: &str) {
        self.note(text);
        self.print(&format!("   {text}"));
    }

    pub(super) fn detail(&mut self, text: &str) {
        self.note(text);
        self.print(&format!("   {}", self.style.dim(text)));
    }

    /// Records whether the system behaved as the story says.
    pub(super) fn check(&mut self, ok: bool, text: &str) -> bool {
        if let Some(step) = self.steps.last_mut() {
            if let Some(checks) = step["checks"].as_array_mut() {
                checks.push(json!({"ok": ok, "text": text}));
            }
            if !ok {
                step["ok"] = false.into();
            }
        }
        if ok {
            self.print(&format!("   {} {text}", self.style.good("✓")));
        } else {
            self.failures += 1;
            self.print(&format!("   {} {text}", self.style.bad("✗ unexpected:")));
        }
        ok
    }

    pub(super) fn figures(&mut self, r: &CommandReport, wall_ms: f64) {
        self.detail(&format!(
            "{} path, {} round trip(s), {} B up / {} B down, {} ms on the radio model (MTU 185, 30 ms interval); \
             {wall_ms:.1} ms of computing on this machine",
            r.path.name(),
            r.round_trips,
            r.bytes_up,
            r.bytes_down,
            r.latency_ms
        ));
    }

    fn note(&mut self, text: &str) {
        if let Some(notes) = self.steps.last_mut().and_then(|s| s["notes"].as_array_mut()) {
            notes.push(text.into());
        }
    }

    pub(super) fn print(&self, text: &str) {
        if !self.json {
            println!("{text}");
        }
    }
}

impl Story {
    /// Prints the summary; the exit code is a failure when any check was.
    pub(super) fn finish(&self, took: f64, stopped: Option<String>) -> ExitCode {
        let (story, style, json) = (self, self.style, self.json);
        let ok = story.failures == 0;
        if json {
            let summary = json!({"ok": ok, "failures": story.failures, "seconds": took,
            "stopped": stopped, "steps": story.steps});
            println!("{}", crate::tech::output::pretty(&summary));
        } else if ok {
            println!(
                "\n{}",
                style.good(&format!(
                    "Every step behaved as told ({} steps, {took:.1} s).",
                    story.steps.len()
                ))
            );
        } else {
            println!(
                "\n{}",
                style.bad(&format!("{} check(s) did not behave as told.", story.failures))
            );
        }
        if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> Story {
        Story::new(Style::plain(), true)
    }

    #[test]
    fn one_check_that_did_not_behave_makes_the_demo_exit_non_zero() {
        let mut s = story();
        s.step("a step");
        assert!(s.check(true, "this one behaved"));
        assert!(!s.check(false, "this one did not"));
        assert_eq!(s.failures, 1);
        assert_eq!(s.steps[0]["ok"], false);
        assert_eq!(s.finish(0.1, None), ExitCode::FAILURE);
    }

    #[test]
    fn a_story_whose_checks_all_behaved_exits_zero() {
        let mut s = story();
        s.step("a step");
        s.check(true, "behaved");
        assert_eq!(s.steps[0]["ok"], true);
        assert_eq!(s.finish(0.1, None), ExitCode::SUCCESS);
    }
}
