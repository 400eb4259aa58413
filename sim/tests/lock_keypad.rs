//! The keypad: managed PINs from a signed list, the master PIN that works
//! when nothing else is known, offline time-bound PINs, and the attempt
//! limiter that locks the keypad out under brute force.

mod common;

use common::{World, START};
use latchkey_protocol::{
    plan_offline_pin, Command, EventKind, Faults, LockEvent, PinClass, PinDigits, PinList, PinRule, PinSecret, PinSlot,
    PinUse, ResultCode, Schedule, SessionRequest, SessionResponse,
};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::{KeypadOutcome, LockConfig};

const MASTER: &str = "90817263";
const HOUR: u32 = 3600;
const DAY: u32 = 86_400;

/// The PIN secret the lock shares with the issuer.
fn secret() -> PinSecret {
    PinSecret([0x42; 32])
}

fn keypad_world() -> (World, PinSecret) {
    let w = World::with_config(LockConfig {
        master_pin: Some(PinDigits::new(MASTER).expect("digits")),
        pin_secret: Some(secret()),
        ..LockConfig::default()
    });
    (w, secret())
}

fn digits(d: &str) -> PinDigits {
    PinDigits::new(d).expect("digits")
}

fn slot(n: u8, d: &str, rule: PinRule) -> PinSlot {
    PinSlot::new(&secret(), n, &digits(d), rule).expect("slot")
}

/// A user slot valid for the next 30 days.
fn user(n: u8, d: &str) -> PinSlot {
    slot(n, d, PinRule::between(PinClass::User, START - DAY, START + 30 * DAY))
}

fn list(w: &World, seq: u32, slots: Vec<PinSlot>) -> PinList {
    w.authority.pin_list(w.lock_id(), seq, START, 0, slots).expect("list")
}

/// Signs a list with `slots` and pushes it.
fn install(w: &mut World, seq: u32, slots: Vec<PinSlot>) -> SessionResponse {
    let list = list(w, seq, slots);
    push(w, list)
}

fn push(w: &mut World, list: PinList) -> SessionResponse {
    let mut owner = w.owner();
    assert_eq!(owner.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    owner.session(&mut w.lock, SessionRequest::PushPins(list))
}

fn accepted(outcome: KeypadOutcome) -> PinUse {
    match outcome {
        KeypadOutcome::Accepted {
            pin,
            result: ResultCode::Ok,
        } => pin,
        other => panic!("expected the PIN to open, got {other:?}"),
    }
}

fn refused(outcome: KeypadOutcome) -> ResultCode {
    match outcome {
        KeypadOutcome::Refused { reason } => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn last_event(w: &World) -> LockEvent {
    w.lock.events().last().copied().expect("an event")
}

#[test]
fn the_master_pin_works_with_no_list_and_an_untrusted_clock_while_user_pins_do_not() {
    let (mut w, _) = keypad_world();
    assert_eq!(accepted(w.lock.enter_pin(MASTER)), PinUse::CommissioningMaster);
    assert_eq!(install(&mut w, 1, vec![user(1, "1234")]).code(), ResultCode::Ok);
    w.clock.advance_secs(600);
    w.lock.power_loss();
    assert!(!w.lock.clock_trusted());
    assert_eq!(refused(w.lock.enter_pin("1234")), ResultCode::ClockUntrusted);
    assert_eq!(accepted(w.lock.enter_pin(MASTER)), PinUse::CommissioningMaster);
    let e = last_event(&w);
    assert_eq!((e.kind, e.result), (EventKind::PinAccepted, 0));
    assert_eq!(PinUse::from_event(&e), Some(PinUse::CommissioningMaster));
}

#[test]
fn a_list_is_installed_only_when_valid_and_newer_and_the_answer_says_the_locks_seq() {
    let (mut w, _) = keypad_world();
    assert_eq!(w.lock.pin_seq(), 0);
    assert_eq!(
        install(&mut w, 3, vec![user(1, "1234")]),
        SessionResponse::Pins(ResultCode::Ok, 3)
    );
    let e = last_event(&w);
    assert_eq!((e.kind, e.detail), (EventKind::PinsUpdated, 3));
    assert_eq!(
        install(&mut w, 3, vec![]),
        SessionResponse::Pins(ResultCode::PinListOutdated, 3)
    );
    let stranger = KeyAuthority::generate().expect("authority");
    let forged = stranger.pin_list(w.lock_id(), 9, START, 0, vec![]).expect("list");
    assert_eq!(
        push(&mut w, forged),
        SessionResponse::Pins(ResultCode::PinListInvalid, 3)
    );
    let elsewhere = w
        .authority
        .pin_list(latchkey_protocol::LockId([9; 16]), 9, START, 0, vec![])
        .expect("list");
    assert_eq!(
        push(&mut w, elsewhere),
        SessionResponse::Pins(ResultCode::PinListInvalid, 3)
    );
    assert_eq!(w.lock.pin_seq(), 3);
    assert_eq!(
        accepted(w.lock.enter_pin("1234")),
        PinUse::Slot {
            slot: 1,
            class: PinClass::User,
            list_seq: 3
        }
    );
}

#[test]
fn a_deleted_pin_keeps_working_until_the_new_list_reaches_the_lock() {
    let (mut w, _) = keypad_world();
    install(&mut w, 1, vec![user(1, "1234"), user(2, "5678")]);
    // Deleted in the portal: the lock has not heard of it yet.
    let without = list(&w, 2, vec![user(1, "1234")]);
    accepted(w.lock.enter_pin("5678"));
    push(&mut w, without);
    assert_eq!(refused(w.lock.enter_pin("5678")), ResultCode::PinNotRecognized);
    accepted(w.lock.enter_pin("1234"));
}

#[test]
fn slots_follow_their_window_schedule_and_one_time_use() {
    let (mut w, _) = keypad_world();
    // START is Monday 10:00 UTC.
    let cleaner = Schedule::new(Schedule::WORKDAYS, 9 * 60, 12 * 60).expect("schedule");
    let stay = PinRule::between(PinClass::Guest, START - DAY, START + DAY);
    let slots = vec![
        slot(
            1,
            "111111",
            PinRule::between(PinClass::Guest, START + DAY, START + 3 * DAY),
        ),
        slot(2, "222222", stay.on(cleaner)),
        slot(3, "333333", stay.once()),
    ];
    install(&mut w, 1, slots.clone());
    assert_eq!(refused(w.lock.enter_pin("111111")), ResultCode::KeyNotYetValid);
    let e = last_event(&w);
    assert_eq!(
        (e.kind, e.result),
        (EventKind::PinRejected, ResultCode::KeyNotYetValid as u8)
    );
    assert!(matches!(PinUse::from_event(&e), Some(PinUse::Slot { slot: 1, .. })));
    accepted(w.lock.enter_pin("222222"));
    accepted(w.lock.enter_pin("333333"));
    assert_eq!(refused(w.lock.enter_pin("333333")), ResultCode::PinAlreadyUsed);
    // A newer list that keeps the slot keeps it used.
    install(&mut w, 2, slots);
    assert_eq!(refused(w.lock.enter_pin("333333")), ResultCode::PinAlreadyUsed);
    w.clock.advance_secs(u64::from(3 * HOUR));
    assert_eq!(refused(w.lock.enter_pin("222222")), ResultCode::OutsideSchedule);
    w.clock.advance_secs(u64::from(DAY));
    accepted(w.lock.enter_pin("111111"));
    w.clock.advance_secs(u64::from(2 * DAY));
    assert_eq!(refused(w.lock.enter_pin("111111")), ResultCode::KeyExpired);
}

#[test]
fn a_master_slot_in_the_list_retires_the_commissioning_master_until_a_reset() {
    let (mut w, _) = keypad_world();
    let new_master = slot(0, "24681357", PinRule::master());
    install(&mut w, 1, vec![new_master]);
    assert_eq!(refused(w.lock.enter_pin(MASTER)), ResultCode::PinNotRecognized);
    accepted(w.lock.enter_pin("24681357"));
    w.lock.factory_reset();
    assert_eq!(w.lock.pin_seq(), 0);
    assert_eq!(accepted(w.lock.enter_pin(MASTER)), PinUse::CommissioningMaster);
    assert_eq!(refused(w.lock.enter_pin("24681357")), ResultCode::PinNotRecognized);
}

#[test]
fn an_offline_pin_opens_only_inside_its_window_and_a_one_time_pin_only_once() {
    let (mut w, secret) = keypad_world();
    // From 11:00 for 2 hours, typed at 10:00 (too early), 11:00, 12:59:59, 13:00.
    let pin = plan_offline_pin(&secret, START + HOUR, 2 * HOUR, false, 0).expect("pin");
    assert_eq!(refused(w.lock.enter_pin(&pin.code)), ResultCode::PinNotRecognized);
    w.clock.advance_secs(u64::from(HOUR));
    let used = accepted(w.lock.enter_pin(&pin.code));
    assert_eq!(
        used,
        PinUse::Offline {
            menu: pin.kind.menu(),
            start_unit: pin.start_unit
        }
    );
    w.clock.advance_secs(u64::from(2 * HOUR) - 1);
    accepted(w.lock.enter_pin(&pin.code));
    w.clock.advance_secs(1);
    assert_eq!(refused(w.lock.enter_pin(&pin.code)), ResultCode::PinNotRecognized);

    let once = plan_offline_pin(&secret, w.clock.unix_now(), HOUR, true, 0).expect("pin");
    accepted(w.lock.enter_pin(&once.code));
    assert_eq!(refused(w.lock.enter_pin(&once.code)), ResultCode::PinAlreadyUsed);
}

#[test]
fn offline_pins_need_a_trusted_clock_and_the_list_can_cut_them_off() {
    let (mut w, secret) = keypad_world();
    let week = plan_offline_pin(&secret, START, 7 * DAY, false, 0).expect("pin");
    accepted(w.lock.enter_pin(&week.code));
    let cutoff = w
        .authority
        .pin_list(w.lock_id(), 1, START, week.valid_from + 1, vec![])
        .expect("list");
    push(&mut w, cutoff);
    assert_eq!(refused(w.lock.enter_pin(&week.code)), ResultCode::KeyRevoked);
    let later = plan_offline_pin(&secret, START + DAY, DAY, false, 0).expect("pin");
    w.clock.advance_secs(u64::from(DAY));
    accepted(w.lock.enter_pin(&later.code));
    w.lock.power_loss();
    assert_eq!(refused(w.lock.enter_pin(&later.code)), ResultCode::ClockUntrusted);
}

#[test]
fn brute_force_locks_the_keypad_out_with_growing_lockouts_and_says_so() {
    let (mut w, _) = keypad_world();
    for i in 0..5 {
        assert_eq!(
            refused(w.lock.enter_pin(&format!("00{i}000"))),
            ResultCode::PinNotRecognized
        );
    }
    let events = w.lock.events();
    let lockout = events.last().copied().expect("event");
    assert_eq!(lockout.kind, EventKind::KeypadLockout);
    assert_eq!(
        (lockout.result, lockout.detail),
        (ResultCode::KeypadLockedOut as u8, 60)
    );
    assert_eq!(events.iter().filter(|e| e.kind == EventKind::PinRejected).count(), 5);
    assert!(w.lock.keypad_locked_out());
    assert!(w.lock.status().faults.has(Faults::KEYPAD_LOCKED));
    // Even the right PIN is not checked during a lockout, nor logged.
    let logged = w.lock.events().len();
    assert_eq!(w.lock.enter_pin(MASTER), KeypadOutcome::LockedOut { retry_in_s: 60 });
    assert_eq!(w.lock.events().len(), logged);
    assert_eq!(w.lock.actuation_count(), 0);

    w.clock.advance_secs(60);
    assert!(!w.lock.status().faults.has(Faults::KEYPAD_LOCKED));
    for _ in 0..5 {
        refused(w.lock.enter_pin("999999999"));
    }
    assert_eq!(last_event(&w).detail, 120, "the second lockout is twice as long");
    w.clock.advance_secs(119);
    assert!(w.lock.keypad_locked_out());
    w.clock.advance_secs(1);
    accepted(w.lock.enter_pin(MASTER));
    for _ in 0..5 {
        refused(w.lock.enter_pin("0000"));
    }
    assert_eq!(
        last_event(&w).detail,
        240,
        "an accepted PIN does not start the schedule over"
    );
    // A quiet day does.
    w.clock.advance_secs(u64::from(DAY));
    for _ in 0..5 {
        refused(w.lock.enter_pin("0000"));
    }
    assert_eq!(last_event(&w).detail, 60, "a day without a refusal starts it over");
}

#[test]
fn pin_events_carry_slot_numbers_and_never_digits_or_hashes() {
    let (mut w, _) = keypad_world();
    let slot = user(4, "76543210");
    install(&mut w, 1, vec![slot]);
    // The list a phone carries is useless for guessing without the secret.
    assert!(!slot.matches(&PinSecret([0; 32]), "76543210"));
    accepted(w.lock.enter_pin("76543210"));
    refused(w.lock.enter_pin("7654321"));
    for e in w.lock.events() {
        let bytes = e.encode();
        let text = latchkey_protocol::hex::encode(&bytes);
        assert!(!text.contains(&latchkey_protocol::hex::encode(&slot.hash[..4])));
        assert!(!text.contains(&latchkey_protocol::hex::encode(&slot.salt[..4])));
        assert!(!bytes.windows(7).any(|win| win == b"7654321"));
    }
}

#[test]
fn a_lock_commissioned_without_a_pin_secret_takes_only_its_master_pin() {
    let mut w = World::with_config(LockConfig {
        master_pin: Some(digits(MASTER)),
        ..LockConfig::default()
    });
    install(&mut w, 1, vec![user(1, "1234")]);
    assert_eq!(refused(w.lock.enter_pin("1234")), ResultCode::PinNotRecognized);
    let offline = plan_offline_pin(&secret(), START, HOUR, false, 0).expect("pin");
    assert_eq!(refused(w.lock.enter_pin(&offline.code)), ResultCode::PinNotRecognized);
    assert_eq!(accepted(w.lock.enter_pin(MASTER)), PinUse::CommissioningMaster);
}
