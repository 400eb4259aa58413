//! `doctor --guided [SYMPTOM]`: latchkey-core's troubleshooting flow, one
//! step at a time. Questions and fixes are asked on the terminal (answers
//! are read from stdin, one per line: the choice's number or its label);
//! the flow's check is run for real (a status read of the lock); the flow
//! ends at its diagnosis. With `--json` the conversation goes to stderr
//! and the transcript and diagnosis to stdout.

use crate::locales::Language;
use crate::output::Style;
use crate::tech::output::{pretty, CliError};
use crate::tech::progress::Spinner;
use crate::tech::site::{Site, Target};
use latchkey_core::diagnostics::{Answer, StepKind, Symptom, Troubleshooter, WizardStep};
use latchkey_core::store::LockMeta;
use latchkey_protocol::Command;
use serde_json::json;
use std::io::BufRead;
use std::process::ExitCode;

/// Parses a symptom name (`cant_connect`, `keys-dont-work`, …).
pub fn symptom(name: &str) -> Result<Symptom, String> {
    let wanted = name.replace('-', "_");
    Symptom::ALL.into_iter().find(|s| s.as_str() == wanted).ok_or_else(|| {
        let names: Vec<&str> = Symptom::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown symptom {name:?}; one of: {}", names.join(", "))
    })
}

/// After a diagnosis on a terminal: offers the flow, runs it if wanted.
pub async fn offer(site: &Site, meta: &LockMeta, target: &Target, language: &Language) -> Result<ExitCode, CliError> {
    let mut talk = Talk::new(target);
    talk.line(&format!(
        "\n{}",
        talk.style
            .heading("Walk through a troubleshooting flow? Pick what you see:")
    ));
    match choose_symptom(&mut talk, true, language)? {
        Some(symptom) => flow(site, meta, symptom, target, talk, language).await,
        None => Ok(ExitCode::SUCCESS),
    }
}

/// Runs the flow for `symptom` (or the one picked from a menu).
pub async fn run(
    site: &Site,
    meta: &LockMeta,
    symptom: Option<Symptom>,
    target: &Target,
    language: &Language,
) -> Result<ExitCode, CliError> {
    let mut talk = Talk::new(target);
    let symptom = match symptom {
        Some(s) => s,
        None => {
            talk.line(&talk.style.heading("What do you see?"));
            choose_symptom(&mut talk, false, language)?.ok_or_else(|| CliError::Usage("no symptom chosen".into()))?
        }
    };
    flow(site, meta, symptom, target, talk, language).await
}

async fn flow(
    site: &Site,
    meta: &LockMeta,
    symptom: Symptom,
    target: &Target,
    mut talk: Talk,
    language: &Language,
) -> Result<ExitCode, CliError> {
    let platform = super::platform::for_site(site, target).await;
    let mut wizard = Troubleshooter::new(symptom);
    let mut transcript = Vec::new();
    for number in 1..=40 {
        // The client remembers how the last check on the lock ended.
        let observations = site.client.diagnostics().observe(meta.lock_id).await?;
        let step = wizard.current_in(&platform.snapshot, &observations, &language.catalog, &language.locale);
        let heading = match step.kind {
            StepKind::Done if step.resolved => format!("{number}. Solved"),
            StepKind::Done => format!("{number}. Diagnosis"),
            _ => format!("{number}. {}", step.prompt),
        };
        talk.line(&format!("\n{}", talk.style.heading(&heading)));
        let answer = match step.kind {
            StepKind::Done => {
                talk.findings(&step);
                if target.json {
                    println!(
                        "{}",
                        pretty(&json!({"symptom": symptom.as_str(), "steps": transcript,
                            "resolved": step.resolved, "findings": step.findings}))
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            StepKind::Check => {
                let spinner = Spinner::start("reading the lock's status…");
                let result = site
                    .client
                    .locks()
                    .run_command(meta.lock_id, Command::Status, &spinner)
                    .await;
                spinner.finish();
                let answer = match &result {
                    Ok(r) => {
                        let faults = r.faults.names();
                        talk.line(&format!(
                            "   {} the lock answered: bolt {}, door {}, battery {}%, faults {}",
                            talk.style.good("✓"),
                            r.bolt.name(),
                            r.door.name(),
                            r.battery_percent,
                            if faults.is_empty() {
                                "none".into()
                            } else {
                                faults.join(", ")
                            }
                        ));
                        Answer::Passed
                    }
                    Err(e) => {
                        talk.line(&format!("   {} {e} ({})", talk.style.bad("✗"), e.diagnosis()));
                        Answer::Failed {
                            diagnosis: Some(e.diagnosis()),
                        }
                    }
                };
                answer
            }
            StepKind::Question | StepKind::Fix => {
                for finding in &step.findings {
                    talk.line(&format!("   {} ({})", finding.title, finding.code));
                    for (i, s) in finding.steps.iter().enumerate() {
                        talk.line(&format!("   {}) {s}", i + 1));
                    }
                }
                talk.ask(&step, number)?
            }
        };
        let mut record = json!({"step": step.id.as_str(), "kind": step.kind, "prompt": step.prompt});
        // The answer's own fields: `answer`, and `diagnosis` for a failed check.
        if let (Some(fields), Ok(serde_json::Value::Object(answer))) =
            (record.as_object_mut(), serde_json::to_value(answer))
        {
            fields.extend(answer);
        }
        transcript.push(record);
        wizard
            .answer(&step, answer)
            .map_err(|e| CliError::Usage(e.to_string()))?;
    }
    Err(CliError::Usage("the flow did not reach a diagnosis in 40 steps".into()))
}

fn choose_symptom(talk: &mut Talk, optional: bool, language: &Language) -> Result<Option<Symptom>, CliError> {
    let texts = language.texts();
    let labels: Vec<String> = Symptom::ALL
        .iter()
        .map(|s| texts.render(&format!("wizard.symptom.{}", s.as_str()), &[]))
        .collect();
    for (i, label) in labels.iter().enumerate() {
        talk.line(&format!("   [{}] {label}", i + 1));
    }
    if optional {
        talk.line("   [Enter] nothing, thanks");
    }
    loop {
        talk.line("   your answer (number):");
        let line = talk.read("the symptom menu")?;
        if line.is_empty() && optional {
            return Ok(None);
        }
        let picked = line.parse::<usize>().ok().and_then(|n| n.checked_sub(1));
        if let Some(symptom) = picked.and_then(|n| Symptom::ALL.get(n)) {
            return Ok(Some(*symptom));
        }
        if let Ok(symptom) = symptom(&line) {
            return Ok(Some(symptom));
        }
        talk.line("   please type one of the numbers above");
    }
}

/// The conversation: prompts on stdout (stderr with --json), answers from stdin.
struct Talk {
    style: Style,
    json: bool,
    lines: std::io::Lines<std::io::StdinLock<'static>>,
}

impl Talk {
    fn new(target: &Target) -> Self {
        let style = if target.json {
            Style::detect_stderr(target.no_color)
        } else {
            Style::detect(target.no_color)
        };
        Self {
            style,
            json: target.json,
            lines: std::io::stdin().lock().lines(),
        }
    }

    fn line(&self, text: &str) {
        if self.json {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    }

    fn read(&mut self, at: &str) -> Result<String, CliError> {
        match self.lines.next() {
            Some(Ok(line)) => Ok(line.trim().to_string()),
            _ => Err(CliError::Usage(format!(
                "no answer on stdin at {at}: the flow stops here"
            ))),
        }
    }

    fn ask(&mut self, step: &WizardStep, number: u32) -> Result<Answer, CliError> {
        for (i, choice) in step.choices.iter().enumerate() {
            self.line(&format!("   [{}] {}", i + 1, choice.label));
        }
        loop {
            self.line("   your answer (number):");
            let line = self.read(&format!("step {number}"))?;
            let picked = line
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|n| step.choices.get(n))
                .or_else(|| {
                    let typed = line.to_lowercase();
                    step.choices.iter().find(|c| c.label.to_lowercase() == typed)
                });
            match picked {
                Some(choice) => return Ok(choice.answer),
                None => self.line("   please type one of the numbers above"),
            }
        }
    }

    fn findings(&self, step: &WizardStep) {
        for finding in &step.findings {
            self.line(&format!(
                "   {} {}",
                self.style.bad(&finding.title),
                self.style.dim(&format!("({})", finding.code))
            ));
            self.line(&format!("   {}", finding.explanation));
            for (i, s) in finding.steps.iter().enumerate() {
                self.line(&format!("   {}) {s}", i + 1));
            }
        }
    }
}
