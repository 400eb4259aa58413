//! Keypad PINs in the protocol: the signed PIN list (round trip, tamper,
//! bounds, decoders that never panic), the events that name a PIN, the
//! offline PIN derivation (known answers, window edges) and the keypad's
//! brute-force arithmetic that docs/protocol.md quotes.

mod common;

use common::mutation::{mutation, random_bytes};
use common::*;
use latchkey_protocol::pin::{
    keypad_lockout_s, keypad_max_guesses, match_offline_pin, offline_candidate_units, pin_hash, KeypadLimiter,
    PinSlotChange,
};
use latchkey_protocol::{
    framing, offline_pin, plan_offline_pin, EventKind, KeyId, LockEvent, OfflinePinKind, PinClass, PinDigits, PinList,
    PinRule, PinSecret, PinSlot, PinUse, ResultCode, SigningKey,
};
use proptest::prelude::*;
use proptest::sample::Index;
use std::sync::OnceLock;

/// The secret of the known-answer vectors: bytes 0, 1, …, 31.
fn kat_secret() -> PinSecret {
    let mut s = [0u8; 32];
    for (i, b) in s.iter_mut().enumerate() {
        *b = i as u8;
    }
    PinSecret(s)
}

/// 2026-01-05 10:00:00 UTC (a Monday): hour unit 491 002, day unit 20 458.
const JAN_5_2026_10H: u32 = 1_767_607_200;

#[test]
fn a_pin_list_round_trips_and_verifies_for_its_lock_only() {
    let p = parties();
    for n in [0, 1, 4, PinList::MAX_SLOTS] {
        for scheduled in [false, true] {
            let list = pin_list(n, scheduled);
            let bytes = list.encode();
            let scheduled_slots = list.slots.iter().filter(|s| s.schedule.is_some()).count();
            assert_eq!(bytes.len(), 98 + 42 * n + 4 * scheduled_slots);
            assert_eq!(PinList::decode(&bytes).unwrap(), list);
            assert_eq!(list.verify_for(&p.issuer.public_key(), &p.lock_id), Ok(()));
            assert_eq!(
                list.verify_for(&p.issuer.public_key(), &p.other_lock_id),
                Err(ResultCode::PinListInvalid)
            );
            assert_eq!(
                list.verify_for(&p.stranger.public_key(), &p.lock_id),
                Err(ResultCode::PinListInvalid)
            );
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(PinList::decode(&longer).is_err());
        }
    }
}

#[test]
fn the_largest_list_fits_one_frame_and_one_more_slot_is_refused() {
    let full = pin_list(PinList::MAX_SLOTS, true);
    let sealed = 5 + 1 + full.encode().len() + 16;
    assert_eq!(sealed, 994);
    assert!(sealed <= framing::MAX_FRAME);
    let mut slots = full.slots.clone();
    slots.push(pin_slot(200, "555555", true));
    let p = parties();
    assert!(PinList::issue(&p.issuer, p.lock_id, 8, MON_2024_01_01, 0, slots).is_err());
}

#[test]
fn every_changed_field_fails_the_signature() {
    let p = parties();
    let list = signed_pins().clone();
    let changes: Vec<Change<PinList>> = vec![
        ("seq", |l| l.seq += 1),
        ("issued_at", |l| l.issued_at += 1),
        ("offline_valid_from", |l| {
            l.offline_valid_from = PinList::OFFLINE_DISABLED
        }),
        ("slot removed", |l| {
            l.slots.pop();
        }),
        ("slot number", |l| l.slots[1].slot = 9),
        ("class", |l| l.slots[1].class = PinClass::User),
        ("one-time", |l| l.slots[1].one_time = !l.slots[1].one_time),
        ("salt", |l| l.slots[1].salt[0] ^= 1),
        ("hash", |l| l.slots[1].hash[15] ^= 1),
        ("not_after", |l| l.slots[1].not_after += 1),
        ("schedule", |l| l.slots[3].schedule = None),
        ("signature", |l| l.signature.0[10] ^= 1),
    ];
    for (name, change) in changes {
        let mut tampered = list.clone();
        change(&mut tampered);
        assert_eq!(
            tampered.verify_for(&p.issuer.public_key(), &p.lock_id),
            Err(ResultCode::PinListInvalid),
            "{name}"
        );
    }
    // Every single bit of the encoding is covered too.
    let bytes = list.encode();
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        if let Ok(decoded) = PinList::decode(&b) {
            assert!(
                decoded.verify_for(&p.issuer.public_key(), &p.lock_id).is_err(),
                "byte {i}"
            );
        }
    }
}

#[test]
fn malformed_lists_are_refused_with_a_reason() {
    let p = parties();
    let master_with_window = PinSlot {
        not_after: MON_2024_01_01,
        ..signed_pins().slots[0]
    };
    assert!(PinList::issue(&p.issuer, p.lock_id, 1, 0, 0, vec![master_with_window]).is_err());
    let twice = vec![pin_slot(3, "111111", false), pin_slot(3, "222222", false)];
    assert!(PinList::issue(&p.issuer, p.lock_id, 1, 0, 0, twice).is_err());
    let empty_window = PinSlot {
        not_after: MON_2024_01_01,
        ..pin_slot(1, "111111", false)
    };
    assert!(PinList::issue(&p.issuer, p.lock_id, 1, 0, 0, vec![empty_window]).is_err());
    let bytes = signed_pins().encode();
    // Slot 1's flags byte is at 34 + 42 (after the header and slot 0).
    for bad_flags in [0b11, 0b1_0000] {
        let mut b = bytes.clone();
        b[34 + 42 + 1] = bad_flags;
        assert!(PinList::decode(&b).is_err(), "flags {bad_flags:#b}");
    }
    let mut b = bytes.clone();
    b[33] = 20;
    assert!(PinList::decode(&b).is_err(), "count above the maximum");
}

#[test]
fn slots_issued_with_random_salts_match_only_their_digits_under_the_locks_secret() {
    let secret = pin_secret();
    let digits = PinDigits::new("482913").unwrap();
    let rule = PinRule::always(PinClass::User);
    let a = PinSlot::new(&secret, 1, &digits, rule).unwrap();
    let b = PinSlot::new(&secret, 2, &digits, rule).unwrap();
    assert_ne!(a.salt, b.salt);
    assert_ne!(a.hash, b.hash, "the same PIN looks different in every slot");
    assert!(a.matches(&secret, "482913"));
    assert!(!a.matches(&secret, "482914"));
    // A phone that carries the list but lacks the secret can't test guesses.
    assert!(!a.matches(&PinSecret([0; 32]), "482913"));
    assert!(!a.is_time_limited());
    assert_eq!(a.rule(), rule);
    let windowed_master = PinRule {
        not_before: 5,
        ..PinRule::master()
    };
    assert!(PinSlot::new(&secret, 3, &digits, windowed_master).is_err());
    assert!(PinSlot::new(&secret, 3, &digits, PinRule::master().once()).is_err());
    // HMAC-SHA256(key = bytes 0..31, "latchkey/v1/pin-slot" ‖ 16 × 0xa5 ‖
    // "482913"), first 16 bytes, computed independently.
    assert_eq!(
        latchkey_protocol::hex::encode(&pin_hash(&kat_secret(), &[0xa5; 16], "482913")),
        "c50a0eedc30cb77dcbe40f62f4c40517"
    );
}

#[test]
fn changes_between_lists_name_their_slots() {
    let old = pin_list(4, false);
    let mut slots = old.slots.clone();
    slots.remove(2);
    slots[1].not_after += 1;
    slots.push(pin_slot(9, "999999", false));
    let p = parties();
    let new = PinList::issue(&p.issuer, p.lock_id, 8, MON_2024_01_01, 0, slots).unwrap();
    assert_eq!(
        new.changes_since(&old),
        [
            PinSlotChange::Changed(1),
            PinSlotChange::Removed(2),
            PinSlotChange::Added(9)
        ]
    );
    assert!(old.changes_since(&old).is_empty());
}

#[test]
fn pin_events_name_the_pin_and_never_its_digits() {
    let uses = [
        PinUse::CommissioningMaster,
        PinUse::Slot {
            slot: 7,
            class: PinClass::Guest,
            list_seq: 0x0102_0304,
        },
        PinUse::Offline {
            menu: 49,
            start_unit: 20_458,
        },
    ];
    for (kind, pin) in [EventKind::PinAccepted, EventKind::PinRejected]
        .into_iter()
        .flat_map(|k| uses.map(|u| (k, u)))
    {
        let event = LockEvent {
            seq: 1,
            time: MON_2024_01_01,
            kind,
            key_id: pin.event_key_id(),
            result: 0,
            detail: 0,
        };
        let decoded = LockEvent::decode(&event.encode()).unwrap();
        assert_eq!(PinUse::from_event(&decoded), Some(pin));
    }
    let unrelated = LockEvent {
        seq: 1,
        time: 0,
        kind: EventKind::Unlocked,
        key_id: KeyId([2; 8]),
        result: 0,
        detail: 0,
    };
    assert_eq!(PinUse::from_event(&unrelated), None);
}

#[test]
fn offline_pins_match_the_known_answer_vectors() {
    // Computed independently (Python hmac/hashlib) from the definition.
    let s = kat_secret();
    let hour = 491_002;
    let day = 20_458;
    let kinds = |m| OfflinePinKind::from_menu(m).unwrap();
    assert_eq!(offline_pin(&s, kinds(0), hour), "002402125");
    assert_eq!(offline_pin(&s, kinds(23), hour), "232646739");
    assert_eq!(offline_pin(&s, kinds(24), hour), "242140899");
    assert_eq!(offline_pin(&s, kinds(47), hour), "472076432");
    assert_eq!(offline_pin(&s, kinds(48), day), "488057230");
    assert_eq!(offline_pin(&s, kinds(75), day), "758651205");
    assert_eq!(offline_pin(&s, kinds(2), 490_002), "022679389");
}

#[test]
fn a_three_hour_code_works_from_its_hour_to_three_hours_later_only() {
    let s = kat_secret();
    let pin = plan_offline_pin(&s, JAN_5_2026_10H + 600, 3 * 3600 - 600, false, 0).unwrap();
    assert_eq!(pin.kind, OfflinePinKind::hours(3, false).unwrap());
    assert_eq!(
        (pin.valid_from, pin.valid_until),
        (JAN_5_2026_10H, JAN_5_2026_10H + 3 * 3600)
    );
    let at = |t| match_offline_pin(&s, &pin.code, t, 0);
    assert_eq!(at(pin.valid_from - 1), None, "a second early");
    assert_eq!(at(pin.valid_from).map(|c| c.start_unit), Some(pin.start_unit));
    assert!(at(pin.valid_until - 1).is_some(), "last second");
    assert_eq!(at(pin.valid_until), None, "a second late");
    let mut wrong = pin.code.clone().into_bytes();
    wrong[8] = if wrong[8] == b'9' { b'0' } else { wrong[8] + 1 };
    assert_eq!(
        match_offline_pin(&s, std::str::from_utf8(&wrong).unwrap(), pin.valid_from, 0),
        None
    );
    assert_eq!(
        match_offline_pin(&PinSecret([9; 32]), &pin.code, pin.valid_from, 0),
        None
    );
}

#[test]
fn day_codes_start_at_local_midnight() {
    let s = kat_secret();
    // Check-in Monday 15:00 in UTC+2, checkout Thursday 11:00: 4 local days.
    let offset = 120;
    let check_in = JAN_5_2026_10H + 3 * 3600; // 13:00 UTC = 15:00 local
    let stay = 3 * 86_400 - 4 * 3600;
    let pin = plan_offline_pin(&s, check_in, stay, false, offset).unwrap();
    assert_eq!(pin.kind, OfflinePinKind::days(4).unwrap());
    let local_midnight = JAN_5_2026_10H - 10 * 3600 - 2 * 3600;
    assert_eq!(pin.valid_from, local_midnight);
    assert_eq!(pin.valid_until, local_midnight + 4 * 86_400);
    assert!(match_offline_pin(&s, &pin.code, pin.valid_from, offset).is_some());
    assert!(match_offline_pin(&s, &pin.code, pin.valid_until - 1, offset).is_some());
    assert_eq!(match_offline_pin(&s, &pin.code, pin.valid_until, offset), None);
    // The same code read in UTC is a different window: it was made for the lock's local days.
    assert_eq!(match_offline_pin(&s, &pin.code, pin.valid_from, 0), None);
}

#[test]
fn planning_picks_hours_then_days_and_refuses_what_no_code_can_say() {
    let s = kat_secret();
    let t = JAN_5_2026_10H;
    let plan = |start, len, one_time| plan_offline_pin(&s, start, len, one_time, 0);
    assert_eq!(
        plan(t, 24 * 3600, false).unwrap().kind,
        OfflinePinKind::hours(24, false).unwrap()
    );
    assert_eq!(
        plan(t + 1, 24 * 3600, false).unwrap().kind,
        OfflinePinKind::days(2).unwrap()
    );
    assert_eq!(
        plan(t, 3600, true).unwrap().kind,
        OfflinePinKind::hours(1, true).unwrap()
    );
    assert!(plan(t, 25 * 3600, true).is_err(), "one-time codes are hour codes");
    assert_eq!(
        plan(t - 10 * 3600, 28 * 86_400, false).unwrap().kind.duration_units(),
        28
    );
    assert!(plan(t, 28 * 86_400, false).is_err(), "starts mid-day: 29 local days");
    assert!(plan(t, 0, false).is_err());
    let reserved = format!("76{}", &plan(t, 3600, false).unwrap().code[2..]);
    assert_eq!(match_offline_pin(&s, &reserved, t, 0), None);
}

#[test]
fn a_lock_tries_at_most_three_start_units_per_code() {
    for menu in 0..=75 {
        let kind = OfflinePinKind::from_menu(menu).unwrap();
        for now_unit in [1_000_000u32, 1_000_003, 1_000_009] {
            for s in 0..10 {
                let units = offline_candidate_units(kind, s, now_unit);
                assert!(units.len() <= 3);
                assert!(units.iter().all(|u| u % 10 == s && *u <= now_unit));
                assert!(units.iter().all(|u| now_unit - u < kind.duration_units()));
            }
        }
    }
}

#[test]
fn the_brute_force_figures_in_the_docs_hold() {
    assert_eq!(keypad_lockout_s(0), 60);
    assert_eq!(keypad_max_guesses(3_600), 36, "first hour");
    assert_eq!(keypad_max_guesses(86_400), 153, "first day");
    assert_eq!(keypad_max_guesses(7 * 86_400), 873, "first week");
    assert_eq!(keypad_max_guesses(30 * 86_400), 3_633, "30 days");
    // Each guess hits an offline code with probability at most 3e-6.
    let month = keypad_max_guesses(30 * 86_400) as f64 * 3e-6;
    assert!(month < 0.011, "{month}");
}

/// Guesses a strategy gets refused within `window_s` against the real
/// limiter: `pause_ms(n)` is the wait before guess `n` (the attacker also
/// waits out any lockout).
fn guesses_within(window_s: u64, pause_ms: impl Fn(u64) -> u64) -> u64 {
    let mut limiter = KeypadLimiter::new();
    let end_ms = window_s * 1000;
    let (mut t, mut n) = (0u64, 0u64);
    loop {
        t += pause_ms(n);
        if let Some(left) = limiter.lockout_left_ms(t) {
            t += left;
        }
        if t >= end_ms {
            return n;
        }
        limiter.refused(t);
        n += 1;
    }
}

#[test]
fn no_typing_strategy_beats_the_documented_keypad_bound() {
    type Pause = fn(u64) -> u64;
    let strategies: [(&str, Pause); 5] = [
        ("type as fast as the lockouts allow", |_| 0),
        ("four at once, then one per forgiven strike", |n| {
            if n < 4 {
                0
            } else {
                720_000
            }
        }),
        ("one every 11 minutes", |_| 660_000),
        (
            "bursts of five an hour apart",
            |n| if n % 5 == 0 { 3_600_000 } else { 0 },
        ),
        ("pseudo-random pauses", |n| (n.wrapping_mul(2_654_435_761) % 900) * 1000),
    ];
    for window in [3_600, 86_400, 7 * 86_400] {
        for (name, pause) in strategies {
            let got = guesses_within(window, pause);
            assert!(got <= keypad_max_guesses(window), "{name} in {window} s: {got}");
        }
    }
    // The bound is close to what the best strategy achieves.
    assert!(guesses_within(86_400, |_| 0) + 10 >= keypad_max_guesses(86_400));
}

fn valid_pin_lists() -> &'static [Vec<u8>] {
    static LISTS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    LISTS.get_or_init(|| {
        vec![
            signed_pins().encode(),
            pin_list(0, false).encode(),
            pin_list(6, true).encode(),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn pin_list_decoder_never_panics_on_random_bytes(bytes in random_bytes()) {
        if let Ok(list) = PinList::decode(&bytes) {
            prop_assert_eq!(list.encode(), bytes);
        }
    }

    #[test]
    fn pin_list_decoder_never_panics_on_mutations(sample in any::<Index>(), m in mutation()) {
        let valid: &Vec<u8> = sample.get(valid_pin_lists());
        let bytes = m.apply(valid);
        if let Ok(list) = PinList::decode(&bytes) {
            prop_assert_eq!(list.encode(), bytes);
        }
    }

    #[test]
    fn offline_matching_never_panics(digits in "[0-9a-z]{0,12}", now in any::<u32>(), offset in any::<i16>()) {
        let _ = match_offline_pin(&kat_secret(), &digits, now, offset);
    }

    #[test]
    fn every_planned_code_works_throughout_its_window(
        start in 1_600_000_000u32..2_000_000_000,
        len in 1u32..(27 * 86_400),
        offset in -720i16..=840,
    ) {
        let s = kat_secret();
        let one_time = len <= 3600;
        let pin = plan_offline_pin(&s, start, len, one_time, offset).unwrap();
        prop_assert!(pin.valid_from <= start && pin.valid_until >= start + len);
        prop_assert_eq!(pin.code.len(), 9);
        for t in [pin.valid_from, start, start + len - 1, pin.valid_until - 1] {
            prop_assert!(match_offline_pin(&s, &pin.code, t, offset).is_some());
        }
        // Outside the window the code is not this code any more (another
        // start unit may collide with probability 10⁻⁶, which is the point).
        for t in [pin.valid_until, pin.valid_from - 1] {
            let matched = match_offline_pin(&s, &pin.code, t, offset).map(|c| c.start_unit);
            prop_assert_ne!(matched, Some(pin.start_unit));
        }
    }
}

#[test]
fn a_list_signed_by_another_issuer_is_invalid_even_with_the_right_id() {
    let p = parties();
    let forger = SigningKey::generate().unwrap();
    let mut list = PinList::issue(&forger, p.lock_id, 99, 0, 0, vec![]).unwrap();
    list.issuer_id = p.issuer.public_key().issuer_id();
    assert_eq!(
        list.verify_for(&p.issuer.public_key(), &p.lock_id),
        Err(ResultCode::PinListInvalid)
    );
}
