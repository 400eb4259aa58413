//! What `cloud-check` prints: one line per check (passed, failed with the
//! reason, or skipped with what it needs), then the totals; or the same as
//! JSON. The exit code says whether anything failed.

use crate::output::Style;
use crate::tech::output::pretty;
use serde_json::{json, Value};
use std::process::ExitCode;

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The cloud did what the contract says.
    Pass,
    /// It did not.
    Fail,
    /// Not run: it needs something this run was not given.
    Skip,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

/// Why a check did not pass: the cloud broke the contract, or the check
/// needs something this run does not have.
#[derive(Debug, Clone)]
pub enum Why {
    /// What the cloud did wrong.
    Fail(String),
    /// What the check needs (a host's token, the admin API, …).
    Needs(String),
}

impl From<String> for Why {
    fn from(why: String) -> Self {
        Why::Fail(why)
    }
}

impl From<&str> for Why {
    fn from(why: &str) -> Self {
        Why::Fail(why.to_string())
    }
}

/// A check's result: what was seen, or why it did not pass.
pub type Verdict = Result<String, Why>;

/// One check's result.
#[derive(Debug, Clone)]
pub struct Check {
    /// Stable name (`upload.lost_answer`).
    pub name: &'static str,
    /// How it ended.
    pub status: Status,
    /// What was seen, why it failed, or what it needs.
    pub detail: String,
}

/// The checks run so far.
#[derive(Debug, Default)]
pub struct Report {
    checks: Vec<Check>,
}

impl Report {
    /// Records a check.
    pub fn record(&mut self, name: &'static str, verdict: Verdict) {
        let (status, detail) = match verdict {
            Ok(detail) => (Status::Pass, detail),
            Err(Why::Fail(why)) => (Status::Fail, why),
            Err(Why::Needs(needs)) => (Status::Skip, format!("skipped: needs {needs}")),
        };
        self.checks.push(Check { name, status, detail });
    }

    fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    /// Prints the report and returns 0 when nothing failed, 1 otherwise.
    pub fn print(&self, url: &str, json: bool, no_color: bool) -> ExitCode {
        let (passed, failed, skipped) = (
            self.count(Status::Pass),
            self.count(Status::Fail),
            self.count(Status::Skip),
        );
        if json {
            let checks: Vec<Value> = self
                .checks
                .iter()
                .map(|c| json!({"name": c.name, "status": c.status.name(), "detail": c.detail}))
                .collect();
            let report = json!({"url": url, "passed": passed, "failed": failed, "skipped": skipped, "checks": checks});
            println!("{}", pretty(&report));
        } else {
            let style = Style::detect(no_color);
            println!("{}", style.heading(&format!("cloud-check {url}")));
            let width = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
            for c in &self.checks {
                let mark = match c.status {
                    Status::Pass => style.good("ok  "),
                    Status::Fail => style.bad("FAIL"),
                    Status::Skip => style.dim("skip"),
                };
                println!("  {mark}  {:<width$}  {}", c.name, c.detail);
            }
            println!("{passed} passed, {failed} failed, {skipped} skipped");
        }
        if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}
