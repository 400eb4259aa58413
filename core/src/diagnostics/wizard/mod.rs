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

use super::catalog::{Catalog, DEFAULT_LOCALE};
use super::finding::Finding;
use super::observations::LockObservations;
use super::rules::Draft;
use super::snapshot::PlatformSnapshot;
use super::FindingCode;
use crate::error::DiagnosisCode;
use serde::{Deserialize, Serialize};

/// What the person reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symptom {
    /// "The app can't connect to the lock."
    CantConnect,
    /// "Codes or keys don't work."
    KeysDontWork,
    /// "The lock's status won't update."
    StatusWontUpdate,
    /// "The door doesn't lock or unlock fully."
    DoorNotFullyLocking,
}

impl Symptom {
    /// Every symptom, in menu order.
    pub const ALL: [Symptom; 4] = [
        Self::CantConnect,
        Self::KeysDontWork,
        Self::StatusWontUpdate,
        Self::DoorNotFullyLocking,
    ];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CantConnect => "cant_connect",
            Self::KeysDontWork => "keys_dont_work",
            Self::StatusWontUpdate => "status_wont_update",
            Self::DoorNotFullyLocking => "door_not_fully_locking",
        }
    }
}

/// A step's stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepId {
    /// Question: within 2 m of the lock, same side of the door?
    NearLock,
    /// Question: does the lock light up or beep when touched?
    LockShowsLife,
    /// Question: does the lock react at all when you try?
    LockReacts,
    /// Question: is it a keypad code rather than the app?
    UsingPinCode,
    /// Question: with the door open, does the bolt move freely?
    BoltFreeWithDoorOpen,
    /// Question: does pushing or lifting the door let the bolt go out fully?
    DoorPressureHelps,
    /// Check: the app connects to the lock and reads its status
    /// (`Client::status`), then refreshes the observations.
    CheckLock,
    /// Fix: the person tries the finding's fix.
    Fix,
    /// The end: the diagnosis.
    Done,
}

impl StepId {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NearLock => "near_lock",
            Self::LockShowsLife => "lock_shows_life",
            Self::LockReacts => "lock_reacts",
            Self::UsingPinCode => "using_pin_code",
            Self::BoltFreeWithDoorOpen => "bolt_free_with_door_open",
            Self::DoorPressureHelps => "door_pressure_helps",
            Self::CheckLock => "check_lock",
            Self::Fix => "fix",
            Self::Done => "done",
        }
    }
}

/// What kind of step it is, and so which answers it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Ask the person: [`Answer::Yes`] or [`Answer::No`].
    Question,
    /// The app runs the check: [`Answer::Passed`] or [`Answer::Failed`].
    Check,
    /// The person tries a fix: [`Answer::Fixed`] or [`Answer::NotFixed`].
    Fix,
    /// Finished; no answer.
    Done,
}

/// An answer to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    /// Yes.
    Yes,
    /// No.
    No,
    /// The person did the fix; check again.
    Fixed,
    /// The person can't do the fix.
    NotFixed,
    /// The check worked.
    Passed,
    /// The check failed, with the failure's diagnosis when there was one.
    Failed {
        /// `LatchkeyError::diagnosis()` of the failure.
        #[serde(default)]
        diagnosis: Option<DiagnosisCode>,
    },
}

impl Answer {
    fn name(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Fixed => "fixed",
            Self::NotFixed => "not_fixed",
            Self::Passed => "passed",
            Self::Failed { .. } => "failed",
        }
    }

    fn fits(self, kind: StepKind) -> bool {
        match kind {
            StepKind::Question => matches!(self, Self::Yes | Self::No),
            StepKind::Check => matches!(self, Self::Passed | Self::Failed { .. }),
            StepKind::Fix => matches!(self, Self::Fixed | Self::NotFixed),
            StepKind::Done => false,
        }
    }
}

/// One answer given, as kept in the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAnswer {
    /// The step answered.
    pub step: StepId,
    /// For a fix step: the finding that was to be fixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<FindingCode>,
    /// The answer.
    #[serde(flatten)]
    pub answer: Answer,
}

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

/// What the flow decided for the current facts and answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    Ask(StepId),
    Check,
    Fix(Draft),
    Done { resolved: bool, drafts: Vec<Draft> },
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
        let decision = flows::decide(self, snapshot, observations);
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
        serde_json::from_str(json).map_err(|e| super::SnapshotError::Invalid(e.to_string()))
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
