//! The guided troubleshooting flow as an object the app drives:
//!
//! ```kotlin
//! val flow = client.diagnostics().troubleshoot(Symptom.DOOR_NOT_FULLY_LOCKING, lockId)
//! var step = flow.current(snapshot)
//! while (step.kind != StepKind.DONE) {
//!     flow.answer(step, askThePerson(step))   // Answer.Yes, Answer.Failed(code), …
//!     step = flow.current(AndroidPlatformSnapshot(context).collect(activity))
//! }
//! show(step.findings)                          // the diagnosis, root cause first
//! ```
//!
//! Each step is worked out afresh by the core from the platform snapshot
//! the app passes, what the store knows about the lock (refreshed after a
//! check step), the last command's outcome, and the answers so far.
//! `toJson` saves the session; `DiagnosticsClient.resumeTroubleshooting`
//! picks it up again.

use super::catalog::Texts;
use super::findings::Finding;
use super::{DiagnosticsClient, DiagnosticsError};
use latchkey_core::diagnostics::{
    Answer, Choice, PlatformSnapshot, StepId, StepKind, Symptom, Troubleshooter as CoreTroubleshooter, WizardError,
    WizardStep as CoreStep,
};
use latchkey_core::DiagnosisCode;
use std::sync::{Arc, Mutex, MutexGuard};

/// What to show now.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WizardStep {
    /// Which step.
    pub id: StepId,
    /// Which kind, and so which answers it takes.
    pub kind: StepKind,
    /// The question or instruction (when done: the diagnosis's title).
    pub prompt: String,
    /// The buttons to show (empty when done).
    pub choices: Vec<Choice>,
    /// For a fix step: the finding to fix. When done: the diagnosis, root
    /// cause first.
    pub findings: Vec<Finding>,
    /// When done: the problem is gone.
    pub resolved: bool,
}

impl From<CoreStep> for WizardStep {
    fn from(s: CoreStep) -> Self {
        Self {
            id: s.id,
            kind: s.kind,
            prompt: s.prompt,
            choices: s.choices,
            findings: s.findings.into_iter().map(Finding::from).collect(),
            resolved: s.resolved,
        }
    }
}

impl WizardStep {
    fn into_core(self) -> Result<CoreStep, DiagnosticsError> {
        Ok(CoreStep {
            id: self.id,
            kind: self.kind,
            prompt: self.prompt,
            choices: self.choices,
            findings: self
                .findings
                .into_iter()
                .map(Finding::into_core)
                .collect::<Result<_, _>>()?,
            resolved: self.resolved,
        })
    }
}

impl From<WizardError> for DiagnosticsError {
    fn from(e: WizardError) -> Self {
        match e {
            WizardError::AnswerDoesNotFit { step, answer } => Self::AnswerDoesNotFit {
                step: step.to_string(),
                answer: answer.to_string(),
            },
            WizardError::Finished => Self::FlowFinished,
        }
    }
}

/// One troubleshooting session for a symptom (and a lock, when given).
#[derive(uniffi::Object)]
pub struct Troubleshooter {
    diagnostics: DiagnosticsClient,
    lock_id: Option<String>,
    state: Mutex<CoreTroubleshooter>,
}

impl Troubleshooter {
    pub(crate) fn new(diagnostics: DiagnosticsClient, lock_id: Option<String>, state: CoreTroubleshooter) -> Self {
        Self {
            diagnostics,
            lock_id,
            state: Mutex::new(state),
        }
    }

    fn state(&self) -> MutexGuard<'_, CoreTroubleshooter> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn texts(&self) -> &Texts {
        &self.diagnostics.texts
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Troubleshooter {
    /// The current step for this platform snapshot and what the store now
    /// knows about the lock.
    pub async fn current(&self, snapshot: PlatformSnapshot) -> Result<WizardStep, DiagnosticsError> {
        let observations = self.diagnostics.observe(self.lock_id.clone()).await?;
        let snapshot = self.diagnostics.complete(snapshot);
        let state = self.state().clone();
        let step = self
            .texts()
            .with(|catalog, locale| state.current_in(&snapshot, &observations, catalog, locale));
        latchkey_core::log_line!(Debug, target: "latchkey::diagnostics", "troubleshooting {}: step {}", state.symptom.as_str(), step.id.as_str());
        Ok(step.into())
    }

    /// Records `answer` to `step` (the step `current` returned). After a
    /// check step, run the check first (`locks().status(lockId)`) so the
    /// next `current` sees its outcome; after a fix, pass a fresh snapshot.
    pub fn answer(&self, step: WizardStep, answer: Answer) -> Result<(), DiagnosticsError> {
        let step = step.into_core()?;
        Ok(self.state().answer(&step, answer)?)
    }

    /// What the person reported.
    pub fn symptom(&self) -> Symptom {
        self.state().symptom
    }

    /// How many answers were given so far.
    pub fn answer_count(&self) -> u32 {
        self.state().answers.len() as u32
    }

    /// The session's saved form (symptom and answers), for
    /// `DiagnosticsClient.resumeTroubleshooting`.
    pub fn to_json(&self) -> String {
        self.state().to_json()
    }
}

/// What the person reports.
#[uniffi::remote(Enum)]
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

/// A step's stable id.
#[uniffi::remote(Enum)]
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
    /// Check: the app reads the lock's status (`locks().status`), then
    /// answers `Passed` or `Failed` with the failure's code.
    CheckLock,
    /// Fix: the person tries the finding's fix.
    Fix,
    /// The end: the diagnosis.
    Done,
}

/// What kind of step it is, and so which answers it takes.
#[uniffi::remote(Enum)]
pub enum StepKind {
    /// Ask the person: `Yes` or `No`.
    Question,
    /// The app runs the check: `Passed` or `Failed`.
    Check,
    /// The person tries a fix: `Fixed` or `NotFixed`.
    Fix,
    /// Finished; no answer.
    Done,
}

/// An answer to a step.
#[uniffi::remote(Enum)]
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
    /// The check failed, with the failure's diagnosis code when there was
    /// one (`CommandException.code`).
    Failed { diagnosis: Option<DiagnosisCode> },
}

/// A button the app shows for a step.
#[uniffi::remote(Record)]
pub struct Choice {
    /// The answer it gives (for `Failed`, fill in the diagnosis).
    pub answer: Answer,
    /// Its label.
    pub label: String,
}

/// Starts a session (used by [`DiagnosticsClient`]).
pub(crate) fn start(diagnostics: &DiagnosticsClient, symptom: Symptom, lock_id: Option<String>) -> Arc<Troubleshooter> {
    latchkey_core::log_line!(Info, target: "latchkey::diagnostics", "troubleshooting started: {}", symptom.as_str());
    Arc::new(Troubleshooter::new(
        diagnostics.clone(),
        lock_id,
        CoreTroubleshooter::new(symptom),
    ))
}
