//! The flow's vocabulary: the symptoms a person reports, the steps and
//! their kinds, the answers, and the answers as the state keeps them.

use crate::diagnostics::FindingCode;
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
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Fixed => "fixed",
            Self::NotFixed => "not_fixed",
            Self::Passed => "passed",
            Self::Failed { .. } => "failed",
        }
    }

    pub(super) fn fits(self, kind: StepKind) -> bool {
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
