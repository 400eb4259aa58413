//! The guided troubleshooting flow: a small state machine the app drives
//! one step at a time.
//!
//! ```text
//! let mut t = Troubleshooter::new(Symptom::CantConnect);
//! loop {
//!     let step = t.current(&snapshot, &observations);   // question, check, fix or done
//!     if step.kind == StepKind::Done { show(step.findings); break; }
//!     let answer = ask_person_or_run_check(&step);        // yes/no, passed/failed, fixed/not_fixed
//!     t.answer(&step, answer)?;                           // then refresh the facts
//! }
//! ```
//!
//! The state is only the symptom and the answers given
//! ([`Troubleshooter`] is serde), so the app can store it and resume. Each
//! step is worked out afresh from the current facts (platform snapshot
//! and lock observations, which the app refreshes after a check or a fix)
//! plus the answers: facts decide wherever they can, and the person is
//! asked only what the lock and phone can't tell. A lock that answered
//! with a mechanical or battery refusal proves the connection works, so
//! those diagnoses are never sent down the Bluetooth path.

mod flows;
mod steps;

pub use steps::{Answer, RecordedAnswer, StepId, StepKind, Symptom};

use super::catalog::{Catalog, DEFAULT_LOCALE};
use super::finding::Finding;
use super::observations::LockObservations;
use super::snapshot::PlatformSnapshot;
use flows::Decision;
use serde::{Deserialize, Serialize};

/// A button the app shows for a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// The answer it gives (for `failed`, fill in the diagnosis).
    pub answer: Answer,
    /// Its label.
    pub label: String,
}

/// What to show now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WizardStep {
    /// Which step.
    pub id: StepId,
    /// Which kind.
    pub kind: StepKind,
    /// The question or instruction (for `done`: the diagnosis's title).
    pub prompt: String,
    /// The answers it takes (empty when done).
    pub choices: Vec<Choice>,
    /// For `fix`: the finding to fix. For `done`: the diagnosis, root cause first.
    pub findings: Vec<Finding>,
    /// For `done`: the problem is gone.
    pub resolved: bool,
}

/// Why an answer was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WizardError {
    /// The answer does not fit the current step.
    #[error("the answer `{answer}` does not fit step `{step}`")]
    AnswerDoesNotFit {
        /// The current step.
        step: &'static str,
        /// The answer given.
        answer: &'static str,
    },
    /// The flow is finished.
    #[error("the troubleshooting flow is finished")]
    Finished,
}

/// A troubleshooting session: the symptom and the answers so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Troubleshooter {
    /// What the person reported.
    pub symptom: Symptom,
    /// The answers given, in order.
    #[serde(default)]
    pub answers: Vec<RecordedAnswer>,
}

impl Troubleshooter {
    /// A new session for `symptom`.
    pub fn new(symptom: Symptom) -> Self {
        Self {
            symptom,
            answers: Vec::new(),
        }
    }

    /// The current step, in English.
    pub fn current(&self, snapshot: &PlatformSnapshot, observations: &LockObservations) -> WizardStep {
        self.current_in(snapshot, observations, &Catalog::new(), DEFAULT_LOCALE)
    }

    /// The current step, in `locale` (falling back to English).
    pub fn current_in(
        &self,
        snapshot: &PlatformSnapshot,
        observations: &LockObservations,
        catalog: &Catalog,
        locale: &str,
    ) -> WizardStep {
        let decision = flows::decide(self.symptom, &self.answers, snapshot, observations);
        render(decision, catalog, locale)
    }

    /// Records `answer` to `step`, the step the app showed (from
    /// [`Troubleshooter::current`]). Then refresh the facts (the snapshot
    /// after a fix, the observations after a check) and ask for the next step.
    pub fn answer(&mut self, step: &WizardStep, answer: Answer) -> Result<(), WizardError> {
        if step.kind == StepKind::Done {
            return Err(WizardError::Finished);
        }
        if !answer.fits(step.kind) {
            return Err(WizardError::AnswerDoesNotFit {
                step: step.id.as_str(),
                answer: answer.name(),
            });
        }
        let finding = (step.kind == StepKind::Fix)
            .then(|| step.findings.first().map(|f| f.code))
            .flatten();
        self.answers.push(RecordedAnswer {
            step: step.id,
            finding,
            answer,
        });
        Ok(())
    }

    /// The saved form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Resumes a saved session.
    pub fn from_json(json: &str) -> Result<Self, super::SnapshotError> {
        // As bytes, like the store's records: one compiled decoder per type.
        serde_json::from_slice(json.as_bytes()).map_err(|e| super::SnapshotError::Invalid(e.to_string()))
    }
}

fn choices(catalog: &Catalog, locale: &str, answers: &[Answer]) -> Vec<Choice> {
    answers
        .iter()
        .map(|a| Choice {
            answer: *a,
            label: catalog.render(locale, &format!("wizard.answer.{}", a.name()), &[]),
        })
        .collect()
}

fn render(decision: Decision, catalog: &Catalog, locale: &str) -> WizardStep {
    let text = |key: String| catalog.render(locale, &key, &[]);
    match decision {
        Decision::Ask(id) => WizardStep {
            id,
            kind: StepKind::Question,
            prompt: text(format!("wizard.question.{}", id.as_str())),
            choices: choices(catalog, locale, &[Answer::Yes, Answer::No]),
            findings: Vec::new(),
            resolved: false,
        },
        Decision::Check => WizardStep {
            id: StepId::CheckLock,
            kind: StepKind::Check,
            prompt: text("wizard.check.check_lock".into()),
            choices: choices(catalog, locale, &[Answer::Passed, Answer::Failed { diagnosis: None }]),
            findings: Vec::new(),
            resolved: false,
        },
        Decision::Fix(draft) => WizardStep {
            id: StepId::Fix,
            kind: StepKind::Fix,
            prompt: text("wizard.fix".into()),
            choices: choices(catalog, locale, &[Answer::Fixed, Answer::NotFixed]),
            findings: vec![catalog.finding(locale, draft)],
            resolved: false,
        },
        Decision::Done { resolved, drafts } => {
            let findings: Vec<Finding> = drafts.into_iter().map(|d| catalog.finding(locale, d)).collect();
            WizardStep {
                id: StepId::Done,
                kind: StepKind::Done,
                prompt: findings.first().map(|f| f.title.clone()).unwrap_or_default(),
                choices: Vec::new(),
                findings,
                resolved,
            }
        }
    }
}
