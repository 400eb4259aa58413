//! The troubleshooting flow as a state machine: each symptom's path, fixes
//! that work and fixes that don't, answer checking, resuming from JSON, and
//! that every path ends in a diagnosis.

mod diagnostics_common;

use diagnostics_common::{android, NOW};
use latchkey_core::diagnostics::{
    AdapterState, Answer, Catalog, FindingCode as C, KeyState, LockObservations, PlatformAction, PlatformSnapshot,
    StepId, StepKind, Symptom, Troubleshooter, WizardError, WizardStep,
};
use latchkey_core::DiagnosisCode as D;
use latchkey_protocol::{BoltState, DoorState};

fn healthy_lock() -> LockObservations {
    let mut o = LockObservations {
        observed_at: Some(NOW),
        ..LockObservations::default()
    };
    o.key.state = KeyState::Valid;
    o.key.offline_allowed = Some(true);
    o
}

/// Answers `answers` in order, checking each step's id first.
fn walk(t: &mut Troubleshooter, s: &PlatformSnapshot, o: &LockObservations, script: &[(StepId, Answer)]) -> WizardStep {
    for (expected, answer) in script {
        let step = t.current(s, o);
        assert_eq!(step.id, *expected, "at {:?}: {:?}", t.answers, step);
        t.answer(&step, *answer).unwrap();
    }
    t.current(s, o)
}

fn done_with(step: &WizardStep) -> (C, PlatformAction) {
    assert_eq!(step.kind, StepKind::Done, "{step:?}");
    (step.findings[0].code, step.findings[0].action)
}

#[test]
fn cant_connect_with_nothing_wrong_asks_the_distance_then_checks_then_resolves() {
    let s = android(31, |_| {});
    let mut t = Troubleshooter::new(Symptom::CantConnect);
    let end = walk(
        &mut t,
        &s,
        &healthy_lock(),
        &[(StepId::NearLock, Answer::Yes), (StepId::CheckLock, Answer::Passed)],
    );
    assert!(end.resolved);
    assert_eq!(done_with(&end).0, C::Resolved);
}

#[test]
fn a_phone_problem_becomes_a_fix_step_and_the_flow_continues_once_fixed() {
    let off = android(31, |a| a.adapter = Some(AdapterState::Off));
    let mut t = Troubleshooter::new(Symptom::CantConnect);
    let step = t.current(&off, &healthy_lock());
    assert_eq!(step.kind, StepKind::Fix);
    assert_eq!(step.findings[0].code, C::BluetoothOff);
    assert_eq!(step.findings[0].action, PlatformAction::RequestEnableBluetooth);
    t.answer(&step, Answer::Fixed).unwrap();
    // The app refreshes the snapshot: Bluetooth is on now.
    let on = android(31, |_| {});
    assert_eq!(t.current(&on, &healthy_lock()).id, StepId::NearLock);
    // Had it still been off, that is the diagnosis.
    let end = t.current(&off, &healthy_lock());
    assert_eq!(done_with(&end).0, C::BluetoothOff);
    assert!(!end.resolved);
}

#[test]
fn a_lock_that_cannot_be_found_and_shows_no_life_needs_batteries() {
    let s = android(31, |_| {});
    let mut t = Troubleshooter::new(Symptom::CantConnect);
    let end = walk(
        &mut t,
        &s,
        &healthy_lock(),
        &[
            (StepId::NearLock, Answer::Yes),
            (
                StepId::CheckLock,
                Answer::Failed {
                    diagnosis: Some(D::LockOutOfRange),
                },
            ),
            (StepId::LockShowsLife, Answer::No),
        ],
    );
    assert_eq!(done_with(&end), (C::LockUnresponsive, PlatformAction::ReplaceBatteries));
    let mut t = Troubleshooter::new(Symptom::CantConnect);
    let end = walk(
        &mut t,
        &s,
        &healthy_lock(),
        &[
            (StepId::NearLock, Answer::Yes),
            (StepId::CheckLock, Answer::Failed { diagnosis: None }),
            (StepId::LockShowsLife, Answer::Yes),
        ],
    );
    assert_eq!(done_with(&end).0, C::LockNotAdvertising);
}

#[test]
fn too_far_away_is_a_fix_and_can_be_the_diagnosis() {
    let s = android(31, |_| {});
    let mut t = Troubleshooter::new(Symptom::CantConnect);
    let end = walk(
        &mut t,
        &s,
        &healthy_lock(),
        &[(StepId::NearLock, Answer::No), (StepId::Fix, Answer::NotFixed)],
    );
    assert_eq!(done_with(&end), (C::LockOutOfRange, PlatformAction::MoveCloser));
    let mut t = Troubleshooter::new(Symptom::CantConnect);
    let next = walk(
        &mut t,
        &s,
        &healthy_lock(),
        &[(StepId::NearLock, Answer::No), (StepId::Fix, Answer::Fixed)],
    );
    assert_eq!(
        next.id,
        StepId::CheckLock,
        "moved closer: check, don't ask the distance again"
    );
}

#[test]
fn a_failed_check_with_a_lock_refusal_names_the_refusal() {
    let s = android(31, |_| {});
    let mut t = Troubleshooter::new(Symptom::CantConnect);
    let end = walk(
        &mut t,
        &s,
        &healthy_lock(),
        &[
            (StepId::NearLock, Answer::Yes),
            (
                StepId::CheckLock,
                Answer::Failed {
                    diagnosis: Some(D::ClockUntrusted),
                },
            ),
        ],
    );
    assert_eq!(done_with(&end).0, C::ClockUntrusted);
}

#[test]
fn codes_that_dont_work_are_checked_against_the_lock_clock() {
    let s = android(31, |_| {});
    let mut t = Troubleshooter::new(Symptom::KeysDontWork);
    let end = walk(&mut t, &s, &healthy_lock(), &[(StepId::UsingPinCode, Answer::Yes)]);
    assert_eq!(done_with(&end), (C::PinCodeRejected, PlatformAction::AskAdministrator));
    let mut skewed = healthy_lock();
    skewed.clock.skew_s = Some(4 * 3600);
    let mut t = Troubleshooter::new(Symptom::KeysDontWork);
    let end = walk(&mut t, &s, &skewed, &[(StepId::UsingPinCode, Answer::Yes)]);
    assert_eq!(done_with(&end).0, C::LockClockSkewed);
}

#[test]
fn a_code_the_lock_has_not_received_is_named_before_the_clock() {
    let s = android(31, |_| {});
    let mut o = healthy_lock();
    o.clock.skew_s = Some(4 * 3600);
    o.pins.phone_seq = Some(2);
    o.pins.lock_seq = Some(1);
    o.pins.pending_changes = vec!["Cleaner (slot 3): removed".into()];
    let mut t = Troubleshooter::new(Symptom::KeysDontWork);
    let end = walk(&mut t, &s, &o, &[(StepId::UsingPinCode, Answer::Yes)]);
    assert_eq!(done_with(&end).0, C::PinDrift);
    let finding = &end.findings[0];
    assert!(finding.explanation.contains("Cleaner (slot 3): removed"), "{finding:?}");
    // Once the lock confirmed the list, the clock is the next suspect.
    o.pins.lock_seq = Some(2);
    let mut t = Troubleshooter::new(Symptom::KeysDontWork);
    let end = walk(&mut t, &s, &o, &[(StepId::UsingPinCode, Answer::Yes)]);
    assert_eq!(done_with(&end).0, C::LockClockSkewed);
}

#[test]
fn a_locked_keypad_is_the_diagnosis_whatever_the_symptom() {
    let s = android(31, |_| {});
    let mut o = healthy_lock();
    o.last_error = Some(latchkey_core::diagnostics::LastError {
        diagnosis: D::KeypadLockedOut,
        lock_result: Some(latchkey_protocol::ResultCode::KeypadLockedOut),
        at: Some(NOW),
    });
    for symptom in Symptom::ALL {
        let step = Troubleshooter::new(symptom).current(&s, &o);
        assert_eq!(done_with(&step), (C::KeypadLockedOut, PlatformAction::WaitAndRetry));
    }
}

#[test]
fn a_key_that_gets_no_reaction_goes_down_the_connection_path() {
    let s = android(31, |_| {});
    let mut t = Troubleshooter::new(Symptom::KeysDontWork);
    let step = walk(
        &mut t,
        &s,
        &healthy_lock(),
        &[(StepId::UsingPinCode, Answer::No), (StepId::LockReacts, Answer::No)],
    );
    assert_eq!(step.id, StepId::NearLock);
}

#[test]
fn status_that_wont_update_looks_at_background_limits_first() {
    let s = android(31, |a| a.background_restricted = Some(true));
    let t = Troubleshooter::new(Symptom::StatusWontUpdate);
    let step = t.current(&s, &healthy_lock());
    assert_eq!(step.kind, StepKind::Fix);
    assert_eq!(step.findings[0].code, C::AndroidBackgroundRestricted);
}

#[test]
fn a_door_with_no_reported_fault_is_read_then_asked_about() {
    let s = android(31, |_| {});
    let mut t = Troubleshooter::new(Symptom::DoorNotFullyLocking);
    let end = walk(
        &mut t,
        &s,
        &healthy_lock(),
        &[
            (StepId::CheckLock, Answer::Passed),
            (StepId::DoorPressureHelps, Answer::Yes),
        ],
    );
    assert_eq!(done_with(&end), (C::StrikeMisaligned, PlatformAction::CallTechnician));
}

#[test]
fn a_jam_is_told_apart_from_a_misaligned_strike_by_opening_the_door() {
    let s = android(31, |_| {});
    let mut jammed = healthy_lock();
    jammed.mechanics.motor_stall = true;
    jammed.mechanics.bolt = Some(BoltState::Jammed);
    for (free, expected) in [(Answer::No, C::LockJammed), (Answer::Yes, C::StrikeMisaligned)] {
        let mut t = Troubleshooter::new(Symptom::DoorNotFullyLocking);
        let end = walk(&mut t, &s, &jammed, &[(StepId::BoltFreeWithDoorOpen, free)]);
        assert_eq!(done_with(&end).0, expected);
    }
}

#[test]
fn a_bolt_short_of_its_end_that_pressure_cannot_help_is_for_a_technician() {
    let s = android(31, |_| {});
    let mut short = healthy_lock();
    short.mechanics.bolt = Some(BoltState::PartiallyThrown);
    let mut t = Troubleshooter::new(Symptom::DoorNotFullyLocking);
    let end = walk(
        &mut t,
        &s,
        &short,
        &[
            (StepId::DoorPressureHelps, Answer::No),
            (StepId::BoltFreeWithDoorOpen, Answer::No),
        ],
    );
    assert_eq!(done_with(&end), (C::BoltNotThrown, PlatformAction::CallTechnician));
}

#[test]
fn an_open_door_is_closed_first() {
    let s = android(31, |_| {});
    let mut open = healthy_lock();
    open.mechanics.door_ajar = true;
    open.mechanics.door = Some(DoorState::Open);
    let mut t = Troubleshooter::new(Symptom::DoorNotFullyLocking);
    let step = t.current(&s, &open);
    assert_eq!(step.findings[0].code, C::DoorAjar);
    t.answer(&step, Answer::Fixed).unwrap();
    let mut closed = healthy_lock();
    closed.mechanics.door = Some(DoorState::Closed);
    assert_eq!(t.current(&s, &closed).id, StepId::CheckLock);
    assert_eq!(done_with(&t.current(&s, &open)).0, C::DoorAjar);
}

#[test]
fn answers_that_do_not_fit_are_refused() {
    let s = android(31, |_| {});
    let mut t = Troubleshooter::new(Symptom::CantConnect);
    let step = t.current(&s, &healthy_lock());
    let err = t.answer(&step, Answer::Passed).unwrap_err();
    assert_eq!(
        err,
        WizardError::AnswerDoesNotFit {
            step: "near_lock",
            answer: "passed"
        }
    );
    assert!(t.answers.is_empty());
    walk(
        &mut t,
        &s,
        &healthy_lock(),
        &[(StepId::NearLock, Answer::Yes), (StepId::CheckLock, Answer::Passed)],
    );
    let end = t.current(&s, &healthy_lock());
    assert_eq!(t.answer(&end, Answer::Yes), Err(WizardError::Finished));
}

#[test]
fn a_session_saved_as_json_resumes_where_it_was() {
    let s = android(31, |_| {});
    let mut t = Troubleshooter::new(Symptom::CantConnect);
    walk(
        &mut t,
        &s,
        &healthy_lock(),
        &[
            (StepId::NearLock, Answer::Yes),
            (
                StepId::CheckLock,
                Answer::Failed {
                    diagnosis: Some(D::LockOutOfRange),
                },
            ),
        ],
    );
    let saved = t.to_json();
    assert!(saved.contains(r#""diagnosis":"lock_out_of_range""#), "{saved}");
    let resumed = Troubleshooter::from_json(&saved).unwrap();
    assert_eq!(resumed, t);
    assert_eq!(resumed.current(&s, &healthy_lock()).id, StepId::LockShowsLife);
}

#[test]
fn steps_are_shown_in_the_asked_locale() {
    let s = android(31, |_| {});
    let mut catalog = Catalog::new();
    catalog.add_translations(
        "de",
        [(
            "wizard.question.near_lock".to_string(),
            "Stehen Sie nahe am Schloss?".to_string(),
        )],
    );
    let t = Troubleshooter::new(Symptom::CantConnect);
    let step = t.current_in(&s, &healthy_lock(), &catalog, "de-DE");
    assert_eq!(step.prompt, "Stehen Sie nahe am Schloss?");
    assert_eq!(step.choices[0].label, "Yes", "untranslated labels fall back to English");
}

#[test]
fn a_runaway_saved_state_ends_instead_of_looping() {
    let s = android(31, |_| {});
    let json = format!(
        r#"{{"symptom":"cant_connect","answers":[{}]}}"#,
        vec![r#"{"step":"near_lock","answer":"yes"}"#; 40].join(",")
    );
    let t = Troubleshooter::from_json(&json).unwrap();
    assert_eq!(done_with(&t.current(&s, &healthy_lock())).0, C::NoFaultFound);
}

/// Every path through every flow, for a spread of facts, ends in a
/// diagnosis within a few steps.
#[test]
fn every_path_ends_in_a_diagnosis() {
    let platforms = [
        android(31, |_| {}),
        android(31, |a| a.adapter = Some(AdapterState::Off)),
        android(30, |a| a.location_services_on = Some(false)),
        android(31, |a| a.last_gatt_status = Some(133)),
    ];
    let mut facts = vec![healthy_lock()];
    let mut f = healthy_lock();
    f.mechanics.motor_stall = true;
    facts.push(f);
    let mut f = healthy_lock();
    f.mechanics.bolt_not_thrown = true;
    f.mechanics.door_ajar = true;
    facts.push(f);
    let mut f = healthy_lock();
    f.key.state = KeyState::Expired;
    facts.push(f);
    let mut f = LockObservations::default();
    f.clock.trusted = Some(false);
    facts.push(f);

    let mut paths = 0;
    for s in &platforms {
        for o in &facts {
            for symptom in Symptom::ALL {
                explore(&Troubleshooter::new(symptom), s, o, 0, &mut paths);
            }
        }
    }
    assert!(paths > 100, "{paths} paths");
}

fn explore(t: &Troubleshooter, s: &PlatformSnapshot, o: &LockObservations, depth: usize, paths: &mut usize) {
    let step = t.current(s, o);
    if step.kind == StepKind::Done {
        assert!(!step.findings.is_empty(), "empty diagnosis after {:?}", t.answers);
        *paths += 1;
        return;
    }
    assert!(depth < 10, "no end after {:?}", t.answers);
    let mut answers: Vec<Answer> = step.choices.iter().map(|c| c.answer).collect();
    if step.kind == StepKind::Check {
        answers.push(Answer::Failed {
            diagnosis: Some(D::LockOutOfRange),
        });
        answers.push(Answer::Failed {
            diagnosis: Some(D::LockJammed),
        });
    }
    for a in answers {
        let mut next = t.clone();
        next.answer(&step, a).unwrap();
        explore(&next, s, o, depth + 1, paths);
    }
}
