//! The four flows. Each works out the current step from the facts and the
//! answers so far: facts first (the phone's own key check, then the phone,
//! then what the lock last said), questions only where facts can't decide.

use super::steps::{Answer, RecordedAnswer, StepId, Symptom};
use crate::diagnostics::kinds::{FindingArea, PlatformAction, Severity};
use crate::diagnostics::observations::LockObservations;
use crate::diagnostics::rules::{evaluate, Draft};
use crate::diagnostics::snapshot::PlatformSnapshot;
use crate::diagnostics::FindingCode as C;
use crate::error::DiagnosisCode;

/// A session longer than this is cut short (a saved state from elsewhere
/// can't loop forever).
const MAX_ANSWERS: usize = 32;

/// What the flow decided for the current facts and answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Decision {
    Ask(StepId),
    Check,
    Fix(Draft),
    Done { resolved: bool, drafts: Vec<Draft> },
}

struct Ctx<'a> {
    drafts: Vec<Draft>,
    answers: &'a [RecordedAnswer],
}

impl Ctx<'_> {
    fn answered(&self, step: StepId) -> Option<Answer> {
        self.answers.iter().rev().find(|a| a.step == step).map(|a| a.answer)
    }

    fn fix_answer(&self, code: C) -> Option<Answer> {
        self.answers
            .iter()
            .rev()
            .find(|a| a.step == StepId::Fix && a.finding == Some(code))
            .map(|a| a.answer)
    }

    fn first(&self, wanted: impl Fn(&Draft) -> bool) -> Option<Draft> {
        self.drafts.iter().find(|d| wanted(d)).cloned()
    }

    fn has(&self, code: C) -> bool {
        self.drafts.iter().any(|d| d.code == code)
    }

    /// A finding the person can fix on the spot gets a fix step once;
    /// if it is still there afterwards, it is the diagnosis.
    fn fix_or_done(&self, draft: Draft) -> Decision {
        let fixable = draft.code == C::DoorAjar
            || matches!(
                draft.action,
                PlatformAction::OpenAppSettings
                    | PlatformAction::RequestPermission
                    | PlatformAction::RequestEnableBluetooth
                    | PlatformAction::OpenLocationSettings
                    | PlatformAction::OpenBluetoothSettings
                    | PlatformAction::OpenAirplaneModeSettings
                    | PlatformAction::OpenBatteryOptimisationSettings
                    | PlatformAction::WaitAndRetry
                    | PlatformAction::MoveCloser
            );
        if fixable && self.fix_answer(draft.code).is_none() {
            Decision::Fix(draft)
        } else {
            done(vec![draft])
        }
    }

    /// The diagnosis is `draft`, followed by the other blocking findings.
    fn conclude(&self, draft: Draft) -> Decision {
        let first = draft.code;
        let mut drafts = vec![draft];
        drafts.extend(
            self.drafts
                .iter()
                .filter(|d| d.severity == Severity::BlocksUnlock && d.code != first)
                .cloned(),
        );
        done(drafts)
    }

    /// It works now; anything still worth knowing follows.
    fn resolved(&self) -> Decision {
        let mut drafts = vec![Draft::new(C::Resolved)];
        drafts.extend(
            self.drafts
                .iter()
                .filter(|d| d.severity != Severity::BlocksUnlock)
                .cloned(),
        );
        Decision::Done { resolved: true, drafts }
    }
}

fn done(drafts: Vec<Draft>) -> Decision {
    Decision::Done {
        resolved: false,
        drafts,
    }
}

fn blocks(d: &Draft, area: FindingArea) -> bool {
    d.code.area() == area && d.severity == Severity::BlocksUnlock
}

/// Blocking findings that come from the lock's own answer or status: the
/// connection worked, so Bluetooth is not the problem.
fn lock_answered(d: &Draft) -> bool {
    d.severity == Severity::BlocksUnlock
        && matches!(
            d.code.area(),
            FindingArea::Lock | FindingArea::LockPower | FindingArea::Mechanics
        )
}

pub(super) fn decide(
    symptom: Symptom,
    answers: &[RecordedAnswer],
    snapshot: &PlatformSnapshot,
    observations: &LockObservations,
) -> Decision {
    let c = Ctx {
        drafts: evaluate(snapshot, observations),
        answers,
    };
    if answers.len() >= MAX_ANSWERS {
        return done(vec![Draft::new(C::NoFaultFound)]);
    }
    // The phone refuses a key before it touches the radio: whatever the
    // symptom, a key problem is the diagnosis, not Bluetooth.
    if let Some(d) = c.first(|d| blocks(d, FindingArea::Key)) {
        return c.conclude(d);
    }
    match symptom {
        Symptom::CantConnect => connect(&c),
        Symptom::KeysDontWork => keys(&c),
        Symptom::StatusWontUpdate => status(&c),
        Symptom::DoorNotFullyLocking => door(&c),
    }
}

fn connect(c: &Ctx<'_>) -> Decision {
    if let Some(d) = c.first(|d| blocks(d, FindingArea::Phone)) {
        return c.fix_or_done(d);
    }
    if let Some(d) = c.first(lock_answered) {
        return c.conclude(d);
    }
    reach_lock(c)
}

/// Signal, distance, then a live check.
fn reach_lock(c: &Ctx<'_>) -> Decision {
    // Once checked, the check's result decides (its failure is also in
    // the refreshed facts, and must not send the person back a step).
    match c.answered(StepId::CheckLock) {
        Some(Answer::Failed { diagnosis }) => return after_failed_check(c, diagnosis),
        Some(_) => return c.resolved(),
        None => {}
    }
    if let Some(d) = c.first(|d| d.code.area() == FindingArea::Signal && c.fix_answer(d.code).is_none()) {
        return c.fix_or_done(d);
    }
    match c.fix_answer(C::LockOutOfRange) {
        Some(Answer::NotFixed) => return done(vec![Draft::new(C::LockOutOfRange)]),
        // Already moved closer: no need to ask about the distance.
        Some(_) => {}
        None => match c.answered(StepId::NearLock) {
            None => return Decision::Ask(StepId::NearLock),
            Some(Answer::No) => return Decision::Fix(Draft::new(C::LockOutOfRange)),
            Some(_) => {}
        },
    }
    Decision::Check
}

fn after_failed_check(c: &Ctx<'_>, diagnosis: Option<DiagnosisCode>) -> Decision {
    match diagnosis.map(C::from_diagnosis) {
        None | Some(C::LockOutOfRange) => match c.answered(StepId::LockShowsLife) {
            None => Decision::Ask(StepId::LockShowsLife),
            Some(Answer::No) => c.conclude(Draft::new(C::LockUnresponsive)),
            Some(_) => done(vec![Draft::new(C::LockNotAdvertising)]),
        },
        Some(code) => c.conclude(Draft::new(code)),
    }
}

fn keys(c: &Ctx<'_>) -> Decision {
    if let Some(d) = c.first(lock_answered) {
        return c.conclude(d);
    }
    match c.answered(StepId::UsingPinCode) {
        None => return Decision::Ask(StepId::UsingPinCode),
        Some(Answer::Yes) => {
            // A code the lock hasn't received yet (or one deleted only in
            // the app) first; then the lock's clock, which codes are
            // checked against.
            let drift = c.first(|d| d.code == C::PinDrift);
            let clock = || c.first(|d| matches!(d.code, C::ClockUntrusted | C::LockClockSkewed));
            return c.conclude(drift.or_else(clock).unwrap_or_else(|| Draft::new(C::PinCodeRejected)));
        }
        Some(_) => {}
    }
    match c.answered(StepId::LockReacts) {
        None => Decision::Ask(StepId::LockReacts),
        Some(Answer::No) => connect(c),
        Some(_) => match c.answered(StepId::CheckLock) {
            None => Decision::Check,
            Some(Answer::Failed { diagnosis }) => after_failed_check(c, diagnosis),
            Some(_) => c.resolved(),
        },
    }
}

fn status(c: &Ctx<'_>) -> Decision {
    let phone = |d: &Draft| {
        d.code.area() == FindingArea::Phone
            && (d.severity == Severity::BlocksUnlock
                || d.code.spec().stage == crate::diagnostics::codes::Stage::Background)
    };
    if let Some(d) = c.first(|d| phone(d) && c.fix_answer(d.code).is_none()) {
        return c.fix_or_done(d);
    }
    if let Some(d) = c.first(|d| phone(d) && d.severity == Severity::BlocksUnlock) {
        return done(vec![d]);
    }
    if let Some(d) = c.first(|d| blocks(d, FindingArea::LockPower)) {
        return c.conclude(d);
    }
    reach_lock(c)
}

fn door(c: &Ctx<'_>) -> Decision {
    if let Some(d) = c.first(|d| matches!(d.code, C::BatteryCritical | C::BatteryTooWeakForMotor)) {
        return c.conclude(d);
    }
    if c.has(C::DoorAjar) && c.fix_answer(C::DoorAjar).is_none() {
        return Decision::Fix(Draft::new(C::DoorAjar));
    }
    let bolt_free = c.answered(StepId::BoltFreeWithDoorOpen);
    if c.has(C::LockJammed) {
        return match bolt_free {
            None => Decision::Ask(StepId::BoltFreeWithDoorOpen),
            Some(Answer::Yes) => c.conclude(Draft::new(C::StrikeMisaligned)),
            Some(_) => c.conclude(Draft::new(C::LockJammed)),
        };
    }
    let pressure = c.answered(StepId::DoorPressureHelps);
    if c.has(C::BoltNotThrown) {
        return match (pressure, bolt_free) {
            (None, _) => Decision::Ask(StepId::DoorPressureHelps),
            (Some(Answer::Yes), _) => c.conclude(Draft::new(C::StrikeMisaligned)),
            (Some(_), None) => Decision::Ask(StepId::BoltFreeWithDoorOpen),
            (Some(_), Some(Answer::Yes)) => c.conclude(Draft::new(C::StrikeMisaligned)),
            (Some(_), Some(_)) => c.conclude(Draft::new(C::BoltNotThrown)),
        };
    }
    if c.has(C::DoorAjar) {
        return done(vec![Draft::new(C::DoorAjar)]);
    }
    // No fault reported yet: read the lock, then ask what the sensors can't see.
    match c.answered(StepId::CheckLock) {
        None => Decision::Check,
        Some(Answer::Failed { diagnosis }) => after_failed_check(c, diagnosis),
        Some(_) => match pressure {
            None => Decision::Ask(StepId::DoorPressureHelps),
            Some(Answer::Yes) => c.conclude(Draft::new(C::StrikeMisaligned)),
            Some(_) => done(vec![Draft::new(C::NoFaultFound)]),
        },
    }
}
