//! `doctor --guided SYMPTOM`: the troubleshooting wizard, one step at a
//! time. Questions and fixes are asked on the terminal (answers are read
//! from stdin, one per line: the choice's number or its name); checks run
//! against the lock; the flow ends at its diagnosis.

use super::site::{Site, Target};
use crate::output::Style;
use latchkey_core::diagnostics::{
    Answer, DeviceSnapshot, LockObservations, PlatformSnapshot, StepKind, Symptom, Troubleshooter, WizardStep,
};
use latchkey_core::unlock::NoProgress;
use latchkey_core::LatchkeyError;
use latchkey_protocol::Command;
use std::io::BufRead;
use std::process::ExitCode;

/// Parses a symptom name (`cant_connect`, `keys_dont_work`, …).
pub fn symptom(name: &str) -> Result<Symptom, String> {
    let wanted = name.replace('-', "_");
    Symptom::ALL.into_iter().find(|s| s.as_str() == wanted).ok_or_else(|| {
        let names: Vec<&str> = Symptom::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown symptom {name:?}; one of: {}", names.join(", "))
    })
}

/// Runs the flow on the terminal.
pub async fn run(symptom: Symptom, target: &Target, style: Style) -> ExitCode {
    match flow(symptom, target, style).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("latchkey doctor: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn flow(symptom: Symptom, target: &Target, style: Style) -> Result<(), String> {
    let site = Site::open(target).await.map_err(|e| e.to_string())?;
    let meta = site.lock(target.lock.as_deref()).await.map_err(|e| e.to_string())?;
    let snapshot = PlatformSnapshot::new(DeviceSnapshot::Linux(Default::default()));
    let mut wizard = Troubleshooter::new(symptom);
    let mut last: Option<Result<(), LatchkeyError>> = None;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    for number in 1..=40 {
        let observations = observe(&site, meta.lock_id, last.as_ref()).map_err(|e| e.to_string())?;
        let step = wizard.current(&snapshot, &observations);
        println!("\n{}", style.heading(&format!("{number}. {}", step.prompt)));
        let answer = match step.kind {
            StepKind::Done => {
                done(&step, style);
                return Ok(());
            }
            StepKind::Check => {
                let result = site.phone.run_command(meta.lock_id, Command::Lock, &NoProgress).await;
                let answer = match &result {
                    Ok(_) => Answer::Passed,
                    Err(e) => Answer::Failed {
                        diagnosis: Some(e.diagnosis()),
                    },
                };
                match &result {
                    Ok(r) => println!("   {} the lock answered: bolt {:?}", style.good("✓"), r.bolt),
                    Err(e) => println!("   {} {e}", style.bad("✗")),
                }
                last = Some(result.map(|_| ()));
                answer
            }
            StepKind::Question | StepKind::Fix => {
                for finding in &step.findings {
                    for (i, s) in finding.steps.iter().enumerate() {
                        println!("   {}) {s}", i + 1);
                    }
                }
                ask(&step, &mut lines)?
            }
        };
        wizard.answer(&step, answer).map_err(|e| e.to_string())?;
    }
    Err("the flow did not reach a diagnosis in 40 steps".into())
}

fn observe(
    site: &Site,
    lock: latchkey_protocol::LockId,
    last: Option<&Result<(), LatchkeyError>>,
) -> Result<LockObservations, LatchkeyError> {
    let at = site.now();
    let mut builder = LockObservations::builder(site.phone.store(), lock, at).holder(site.phone.holder_key());
    if let Some(Err(e)) = last {
        builder = builder.last_error(e, at);
    }
    Ok(builder.build()?)
}

fn ask(step: &WizardStep, lines: &mut impl Iterator<Item = std::io::Result<String>>) -> Result<Answer, String> {
    for (i, choice) in step.choices.iter().enumerate() {
        println!("   [{}] {}", i + 1, choice.label);
    }
    loop {
        println!("   your answer (number):");
        let line = match lines.next() {
            Some(Ok(line)) => line,
            _ => return Err("no answer on stdin: the flow stops here".into()),
        };
        let line = line.trim();
        let picked = line
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| step.choices.get(n))
            .or_else(|| step.choices.iter().find(|c| c.label.eq_ignore_ascii_case(line)));
        match picked {
            Some(choice) => return Ok(choice.answer),
            None => println!("   please type one of the numbers above"),
        }
    }
}

fn done(step: &WizardStep, style: Style) {
    for finding in &step.findings {
        println!(
            "   {} {}",
            style.bad(&finding.title),
            style.dim(&format!("({})", finding.code))
        );
        println!("   {}", finding.explanation);
        for (i, s) in finding.steps.iter().enumerate() {
            println!("   {}) {s}", i + 1);
        }
    }
}
