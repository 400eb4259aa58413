//! Trusted time: the lock's clock moves only on an issuer-signed token for
//! this lock, never backwards past a token's tolerance, and power loss
//! parks time-limited keys until trusted time returns.

mod common;

use common::{context, Phone, World, START};
use latchkey_protocol::{
    Advertisement, Challenge, Command, EventKind, Faults, LockId, ResultCode, SessionRequest, SessionResponse,
    TimeToken,
};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::{LockConfig, RTC_WATERMARK_INTERVAL_S};
use latchkey_sim::Peripheral;

const UNBOUND: Challenge = Challenge([0; 8]);

/// An owner phone with an open session.
fn owner_in_session(w: &mut World) -> Phone {
    let mut owner = w.owner();
    assert_eq!(owner.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    owner
}

fn set_time(w: &mut World, owner: &mut Phone, token: TimeToken) -> SessionResponse {
    owner.session(&mut w.lock, SessionRequest::SetTime(token))
}

#[test]
fn time_token_moves_the_clock_forward() {
    let mut w = World::new();
    let mut owner = owner_in_session(&mut w);
    let token = w
        .authority
        .time_token(w.lock_id(), START + 600, 300, 60, UNBOUND)
        .expect("token");
    assert_eq!(
        set_time(&mut w, &mut owner, token),
        SessionResponse::Time(ResultCode::Ok, Some(START + 600))
    );
    assert_eq!(w.lock.lock_time(), START + 600);
    assert_eq!(w.lock.utc_offset_min(), 60, "the token carries the local offset");
    assert_eq!(w.lock.events().last().map(|e| e.kind), Some(EventKind::TimeSet));
}

#[test]
fn time_token_for_another_lock_is_rejected() {
    let mut w = World::new();
    let mut owner = owner_in_session(&mut w);
    let token = w
        .authority
        .time_token(LockId([5; 16]), START + 600, 300, 0, UNBOUND)
        .expect("token");
    assert_eq!(
        set_time(&mut w, &mut owner, token).code(),
        ResultCode::TimeTokenRejected
    );
    assert_eq!(w.lock.lock_time(), START);
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn an_expired_time_token_is_rejected_and_the_clock_is_untouched() {
    // A token fetched ahead of time, valid for 300 s, delivered 301 s
    // later: the lock's (correct) clock is further past it than it allows.
    let mut w = World::new();
    let token = w
        .authority
        .time_token(w.lock_id(), START, 300, 0, UNBOUND)
        .expect("token");
    w.clock.advance_secs(301);
    let mut owner = owner_in_session(&mut w);
    let before = w.lock.lock_time();
    assert_eq!(before, START + 301);

    assert_eq!(
        set_time(&mut w, &mut owner, token),
        SessionResponse::Time(ResultCode::TimeTokenRejected, None)
    );
    assert_eq!(w.lock.lock_time(), before, "the clock neither moved back nor jumped");
    assert!(w.lock.clock_trusted());
    assert_eq!(w.lock.actuation_count(), 0);
    let denied = w.lock.events().last().copied().expect("event");
    assert_eq!(denied.kind, EventKind::AccessDenied);
    assert_eq!(denied.result, ResultCode::TimeTokenRejected as u8);

    // Within its window the same kind of token is accepted (the clock is
    // kept): it is the age that was refused, not the token.
    let mut w = World::new();
    let token = w
        .authority
        .time_token(w.lock_id(), START, 300, 0, UNBOUND)
        .expect("token");
    w.clock.advance_secs(300);
    let mut owner = owner_in_session(&mut w);
    assert_eq!(
        set_time(&mut w, &mut owner, token),
        SessionResponse::Time(ResultCode::Ok, Some(START + 300))
    );
}

#[test]
fn time_token_older_than_the_last_accepted_is_rejected() {
    let mut w = World::new();
    let mut owner = owner_in_session(&mut w);
    let lock_id = w.lock_id();
    let newer = w
        .authority
        .time_token(lock_id, START + 10, 300, 0, UNBOUND)
        .expect("token");
    let older = w
        .authority
        .time_token(lock_id, START + 5, 300, 0, UNBOUND)
        .expect("token");
    assert_eq!(set_time(&mut w, &mut owner, newer.clone()).code(), ResultCode::Ok);
    assert_eq!(
        set_time(&mut w, &mut owner, older).code(),
        ResultCode::TimeTokenRejected
    );
    assert_eq!(
        set_time(&mut w, &mut owner, newer).code(),
        ResultCode::TimeTokenRejected,
        "no reuse"
    );
    assert_eq!(w.lock.lock_time(), START + 10);
    assert_eq!(w.lock.actuation_count(), 0);
    let denied = w.lock.events().last().copied().expect("event");
    assert_eq!(denied.kind, EventKind::AccessDenied);
    assert_eq!(denied.result, ResultCode::TimeTokenRejected as u8);
}

#[test]
fn token_cannot_move_a_fast_clock_back_beyond_its_tolerance() {
    // 10 % fast: after 10 000 s the lock is 1 000 s ahead of true time.
    let mut w = World::with_config(LockConfig {
        rtc_drift_ppm: 100_000,
        ..LockConfig::default()
    });
    w.clock.advance_secs(10_000);
    let truth = w.clock.unix_now();
    let ahead = w.lock.lock_time();
    assert_eq!(ahead, truth + 1000);
    let mut owner = owner_in_session(&mut w);
    let lock_id = w.lock_id();

    let tight = w.authority.time_token(lock_id, truth, 300, 0, UNBOUND).expect("token");
    assert_eq!(
        set_time(&mut w, &mut owner, tight).code(),
        ResultCode::TimeTokenRejected
    );
    assert_eq!(w.lock.lock_time(), ahead);
    assert_eq!(w.lock.actuation_count(), 0);

    // A token fetched at the door for this session's challenge is seconds
    // old: it may set the clock back to true time.
    let bound_to = context(&mut w.lock).challenge;
    let mut owner = w.owner();
    assert_eq!(owner.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let bound = w
        .authority
        .time_token(lock_id, truth + 1, 300, 0, bound_to)
        .expect("token");
    assert_eq!(set_time(&mut w, &mut owner, bound).code(), ResultCode::Ok);
    assert_eq!(w.lock.lock_time(), truth + 1);
}

#[test]
fn clock_cannot_be_set_back_without_a_valid_token() {
    let mut w = World::new();
    let mut guest = w.guest_until(START + 3600);
    assert_eq!(guest.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    w.clock.advance_secs(7200);
    assert_eq!(guest.fast(&mut w.lock, Command::Lock).code, ResultCode::KeyExpired);
    let moves = w.lock.actuation_count();
    let now = w.lock.lock_time();
    let lock_id = w.lock_id();
    let challenge = context(&mut w.lock).challenge;

    // The guest edits a genuine token's time (signature no longer matches),
    // or signs one with a key of its own.
    let mut edited = w
        .authority
        .time_token(lock_id, START + 60, 300, 0, challenge)
        .expect("token");
    edited.unix_time = START + 1800;
    let rogue = KeyAuthority::generate()
        .expect("rogue")
        .time_token(lock_id, START + 1800, u16::MAX, 0, challenge)
        .expect("token");
    let mut guest_session = w.owner();
    assert_eq!(guest_session.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    for token in [edited, rogue] {
        assert_eq!(
            set_time(&mut w, &mut guest_session, token).code(),
            ResultCode::TimeTokenRejected
        );
    }
    assert_eq!(w.lock.lock_time(), now);
    assert_eq!(guest.fast(&mut w.lock, Command::Unlock).code, ResultCode::KeyExpired);
    assert_eq!(w.lock.actuation_count(), moves);
}

#[test]
fn power_loss_parks_time_limited_keys_until_trusted_time_arrives() {
    let mut w = World::new();
    let mut guest = w.guest_until(START + 86_400);
    let mut owner = w.owner();
    assert_eq!(guest.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    assert_eq!(owner.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);

    w.clock.advance_secs(600);
    w.lock.power_loss();
    assert!(!w.lock.clock_trusted());
    assert!(w.lock.status().faults.has(Faults::CLOCK_UNTRUSTED));
    assert!(w.lock.advertisement().has(Advertisement::NEEDS_TIME));
    // Restarted from the last flash save, never earlier.
    let before = w.clock.unix_now();
    assert_eq!(w.lock.lock_time(), before - before % RTC_WATERMARK_INTERVAL_S);
    assert_eq!(w.lock.events().last().map(|e| e.kind), Some(EventKind::Boot));

    guest.connect(&mut w.lock);
    let refused = guest.fast(&mut w.lock, Command::Unlock);
    assert_eq!(refused.code, ResultCode::ClockUntrusted);
    assert_eq!(
        guest.auth(&mut w.lock, Command::Unlock).code(),
        ResultCode::ClockUntrusted
    );
    assert_eq!(w.lock.actuation_count(), 0);

    // An owner key has no end date: it still opens, and delivers time.
    owner.connect(&mut w.lock);
    assert_eq!(owner.fast(&mut w.lock, Command::Unlock).code, ResultCode::Ok);
    let token = w
        .authority
        .time_token(w.lock_id(), w.clock.unix_now(), 300, 0, UNBOUND)
        .expect("token");
    assert_eq!(set_time(&mut w, &mut owner, token).code(), ResultCode::Ok);
    assert!(w.lock.clock_trusted());
    assert!(!w.lock.advertisement().has(Advertisement::NEEDS_TIME));

    assert_eq!(guest.fast(&mut w.lock, Command::Lock).code, ResultCode::Ok);
    assert_eq!(w.lock.actuation_count(), 2);
}

#[test]
fn a_kept_back_token_cannot_revive_a_stay_after_a_battery_swap() {
    let mut w = World::new();
    let checkout = START + 2 * 86_400;
    let mut guest = w.guest_until(checkout);
    assert_eq!(guest.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    // During the stay the guest's phone fetched (and kept) a time token.
    w.clock.advance_secs(86_400);
    let kept = w
        .authority
        .time_token(w.lock_id(), w.clock.unix_now(), 600, 0, UNBOUND)
        .expect("token");
    // Two days after checkout the batteries are swapped.
    w.clock.advance_secs(3 * 86_400);
    w.lock.power_loss();
    assert!(!w.lock.clock_trusted());
    // The kept token is newer than any accepted, but days behind the
    // clock's watermark: refused, and the key stays dead.
    guest.connect(&mut w.lock);
    let mut owner = w.owner();
    assert_eq!(owner.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    assert_eq!(set_time(&mut w, &mut owner, kept).code(), ResultCode::TimeTokenRejected);
    assert!(!w.lock.clock_trusted());
    guest.connect(&mut w.lock);
    let moves = w.lock.actuation_count();
    assert_ne!(guest.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    assert_eq!(w.lock.actuation_count(), moves);
}
