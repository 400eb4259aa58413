//! The attacks of the security review, each reproduced against the
//! reference lock and shown refused: a held session rolling the clock back,
//! a refused key reading live state through a stored outcome or an
//! untrusted clock, a valid PIN laundering keypad guesses, and junk
//! requests draining the battery through signatures.

mod common;

use common::{context, exchange, exchange_raw, Phone, World, MTU, START};
use latchkey_protocol::pin::keypad_max_guesses;
use latchkey_protocol::{
    AuthRequest, BoltState, CertHash, CertRef, Challenge, Command, CommandId, DoorState, EphemeralKey, EventKind,
    FastKey, FastRequest, Frame, LockId, LockStatus, PinClass, PinDigits, PinRule, PinSecret, PinSlot, ResultCode,
    Role, Schedule, SessionCipher, SessionRequest, SessionResponse, SigningKey, TimeToken, SESSION_LIFETIME_MS,
};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::{Fault, KeypadOutcome, LockConfig};
use latchkey_sim::Peripheral;

const HOUR: u32 = 3600;

/// One sealed session request; the raw answer frame (a SESSION frame, or
/// an ERROR when the lock has no session for it).
fn session_frame(phone: &mut Phone, w: &mut World, request: SessionRequest) -> Frame {
    let cipher = phone.session.as_mut().expect("phone has a session");
    let sealed = cipher.seal(&request.encode()).expect("seal");
    match exchange(&mut w.lock, &sealed) {
        Frame::Session(answer) => {
            let plain = cipher.open(&answer).expect("opens");
            Frame::Session(plain)
        }
        other => other,
    }
}

/// The decoded session response, or the ERROR code the lock sent instead.
fn in_session(phone: &mut Phone, w: &mut World, request: SessionRequest) -> Result<SessionResponse, ResultCode> {
    match session_frame(phone, w, request) {
        Frame::Session(plain) => Ok(SessionResponse::decode(&plain).expect("decodes")),
        Frame::Error(code) => Err(code),
        other => panic!("unexpected answer {other:?}"),
    }
}

/// A time token the cloud signs for any key holder, bound to `nonce`.
fn token(w: &World, at: u32, nonce: Challenge) -> TimeToken {
    w.authority.time_token(w.lock_id(), at, 300, 0, nonce).expect("token")
}

fn assert_redacted(status: &LockStatus) {
    assert_eq!(status.bolt, BoltState::Unknown, "bolt");
    assert_eq!(status.door, DoorState::Unknown, "door");
    assert_eq!((status.battery_mv, status.battery_percent), (0, 0), "battery");
    assert_eq!(status.event_head, 0, "event head");
}

// 1. A held session rolls the clock back.

#[test]
fn held_auth_session_cannot_roll_the_clock_back_to_revive_an_expired_key() {
    let mut w = World::new();
    let mut guest = w.guest_until(START + HOUR);
    assert_eq!(guest.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    // The session's challenge, and a token the cloud signs for it now.
    let challenge = guest.last_challenge.expect("challenge answered");
    let kept = token(&w, START, challenge);
    // Two hours past the key's end, the connection still open.
    w.clock.advance_secs(u64::from(3 * HOUR));
    let before = w.lock.lock_time();
    let moves = w.lock.actuation_count();
    for request in [
        SessionRequest::SetTime(kept),
        SessionRequest::Actuate {
            command: Command::Unlock,
            command_id: CommandId([7; 8]),
        },
        SessionRequest::Status,
    ] {
        assert_eq!(
            in_session(&mut guest, &mut w, request),
            Err(ResultCode::NoSession),
            "a session ends {} s after it opened",
            SESSION_LIFETIME_MS / 1000
        );
    }
    assert_eq!(w.lock.lock_time(), before, "clock unchanged");
    assert_eq!(w.lock.actuation_count(), moves, "bolt untouched");
    assert!(!w.lock.has_session());
}

#[test]
fn a_key_that_expires_mid_session_cannot_set_time_or_unlock_in_it() {
    let mut w = World::new();
    let mut guest = w.guest_until(START + 30);
    assert_eq!(guest.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let challenge = guest.last_challenge.expect("challenge");
    let kept = token(&w, START, challenge);
    w.clock.advance_secs(50);
    let before = w.lock.lock_time();
    let actuate = SessionRequest::Actuate {
        command: Command::Unlock,
        command_id: CommandId([7; 8]),
    };
    let Ok(SessionResponse::Actuated(code, status)) = in_session(&mut guest, &mut w, actuate.clone()) else {
        panic!("actuate answered");
    };
    assert_eq!(code, ResultCode::KeyExpired);
    assert_redacted(&status);
    assert_eq!(
        in_session(&mut guest, &mut w, SessionRequest::SetTime(kept)),
        Ok(SessionResponse::Time(ResultCode::KeyExpired, None))
    );
    let Ok(SessionResponse::Actuated(code, _)) = in_session(&mut guest, &mut w, actuate) else {
        panic!("actuate answered");
    };
    assert_eq!(code, ResultCode::KeyExpired);
    assert_eq!(w.lock.lock_time(), before, "clock unchanged");
    assert_eq!(w.lock.actuation_count(), 0, "bolt untouched");
}

#[test]
fn a_bound_token_delivered_late_in_a_session_never_sets_the_clock_back() {
    // The rule on its own, with a key that stays valid: the token was
    // signed when the session opened, delivered 50 s later. True time is
    // within [token, token + 50 s], so the clock (right on time) stays.
    let mut w = World::new();
    let mut owner = w.owner();
    assert_eq!(owner.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let challenge = owner.last_challenge.expect("challenge");
    let kept = token(&w, START, challenge);
    w.clock.advance_secs(50);
    assert_eq!(
        in_session(&mut owner, &mut w, SessionRequest::SetTime(kept)),
        Ok(SessionResponse::Time(ResultCode::Ok, Some(START + 50)))
    );
    assert_eq!(w.lock.lock_time(), START + 50, "not rolled back to the token's time");
}

/// A cleaner's key: Monday to Friday, 18:00–22:00 (UTC, the lock's zone).
fn cleaner(w: &World) -> Phone {
    w.phone_with(|g| {
        g.role = Role::Guest;
        g.schedule = Some(Schedule::new(Schedule::WORKDAYS, 18 * 60, 22 * 60).expect("schedule"));
    })
}

#[test]
fn held_fast_session_cannot_roll_the_clock_back_into_the_schedule() {
    let mut w = World::new();
    let mut phone = cleaner(&w);
    // Monday 21:58: an AUTH leaves a fast key; 21:59:30 a FAST session.
    w.clock.advance_secs(u64::from(11 * HOUR + 58 * 60));
    assert_eq!(phone.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    w.clock.advance_secs(90);
    let (req, ctx) = phone.build_fast(&mut w.lock, phone.counter + 1, Command::Status, CommandId([1; 8]));
    assert_eq!(phone.send_fast(&mut w.lock, &req, &ctx).code, ResultCode::Ok);
    let kept = token(&w, w.lock.lock_time(), ctx.challenge);
    // Within the session's lifetime, past 22:00.
    w.clock.advance_secs(50);
    let before = w.lock.lock_time();
    assert_eq!(
        in_session(&mut phone, &mut w, SessionRequest::SetTime(kept.clone())),
        Ok(SessionResponse::Time(ResultCode::OutsideSchedule, None))
    );
    let Ok(SessionResponse::Actuated(code, _)) = in_session(
        &mut phone,
        &mut w,
        SessionRequest::Actuate {
            command: Command::Unlock,
            command_id: CommandId([2; 8]),
        },
    ) else {
        panic!("actuate answered");
    };
    assert_eq!(code, ResultCode::OutsideSchedule);
    // Held on to 23:30.
    w.clock.advance_secs(u64::from(HOUR + 29 * 60));
    assert_eq!(
        in_session(&mut phone, &mut w, SessionRequest::SetTime(kept)),
        Err(ResultCode::NoSession)
    );
    assert!(w.lock.lock_time() >= before, "clock never set back");
    assert_eq!(w.lock.actuation_count(), 0, "bolt untouched");
}

// 2. A refused key reads live state.

/// An unlock with a known command id that the lock stores, then the key
/// revoked by the owner's list.
fn stored_then_revoked(w: &mut World, tenant: &mut Phone, id: CommandId) {
    let reply = tenant.auth_with(&mut w.lock, CertRef::Full(tenant.cert.clone()), Command::Unlock, id);
    assert_eq!(reply.code(), ResultCode::Ok);
    revoke(w, tenant);
}

fn revoke(w: &mut World, tenant: &Phone) {
    let list = w
        .authority
        .revocation_list(w.lock_id(), false, 1, START, vec![tenant.key_id()])
        .expect("list");
    let mut owner = w.owner();
    assert_eq!(owner.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let pushed = owner.session(&mut w.lock, SessionRequest::PushRevocations(list));
    assert_eq!(pushed.code(), ResultCode::Ok);
    w.lock.on_connect(MTU);
}

#[test]
fn revoked_key_replaying_a_stored_command_id_over_auth_learns_nothing() {
    let mut w = World::new();
    let mut tenant = w.owner();
    let id = CommandId([3; 8]);
    stored_then_revoked(&mut w, &mut tenant, id);
    w.lock.inject(Fault::DoorOpen);
    let reply = tenant.auth_with(&mut w.lock, CertRef::Full(tenant.cert.clone()), Command::Unlock, id);
    assert_eq!(reply.code(), ResultCode::KeyRevoked);
    assert!(!reply.result.replayed, "no stored outcome for a refused key");
    assert!(reply.result.lock_ephemeral.is_none(), "no session");
    assert_redacted(&reply.result.status);
    assert!(!w.lock.has_session());
    assert_eq!(w.lock.actuation_count(), 1, "only the original unlock");
}

#[test]
fn revoked_key_replaying_a_stored_command_id_over_fast_gets_no_session() {
    let mut w = World::new();
    let mut tenant = w.owner();
    assert_eq!(tenant.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let id = CommandId([4; 8]);
    let (req, ctx) = tenant.build_fast(&mut w.lock, 1, Command::Unlock, id);
    assert_eq!(tenant.send_fast(&mut w.lock, &req, &ctx).code, ResultCode::Ok);
    revoke(&mut w, &tenant);
    tenant.session = None;
    let (req, ctx) = tenant.build_fast(&mut w.lock, 2, Command::Unlock, id);
    let answer = tenant.send_fast(&mut w.lock, &req, &ctx);
    assert_eq!(answer.code, ResultCode::KeyRevoked);
    assert!(!answer.replayed);
    assert_eq!(answer.status.bolt, BoltState::Unknown);
    assert_eq!(answer.status.door, DoorState::Unknown);
    assert_eq!(answer.status.battery_percent, 0);
    assert!(!w.lock.has_session(), "no session to fetch events in");
    // A session frame keyed as a replay would have been gets nothing.
    let secrets = req
        .session_secrets(tenant.fast_key.as_ref().expect("fast key"), &ctx)
        .expect("secrets");
    tenant.session = Some(SessionCipher::phone(&secrets).expect("cipher"));
    assert_eq!(
        in_session(
            &mut tenant,
            &mut w,
            SessionRequest::FetchEvents { after_seq: 0, max: 32 }
        ),
        Err(ResultCode::NoSession)
    );
}

#[test]
fn expired_key_replaying_a_stored_command_id_learns_nothing() {
    let mut w = World::new();
    let mut guest = w.guest_until(START + 60);
    let id = CommandId([5; 8]);
    let reply = guest.auth_with(&mut w.lock, CertRef::Full(guest.cert.clone()), Command::Unlock, id);
    assert_eq!(reply.code(), ResultCode::Ok);
    w.clock.advance_secs(120);
    for _ in 0..3 {
        let reply = guest.auth_with(&mut w.lock, CertRef::Hash(guest.cert.hash()), Command::Unlock, id);
        assert_eq!(reply.code(), ResultCode::KeyExpired);
        assert!(!reply.result.replayed);
        assert_redacted(&reply.result.status);
        assert!(!w.lock.has_session());
    }
}

#[test]
fn revoked_group_key_replaying_a_stored_command_id_learns_nothing() {
    let group = LockId([0x6b; 16]);
    let mut w = World::with_config(LockConfig {
        groups: vec![group],
        ..LockConfig::default()
    });
    let mut member = w.phone_with(|g| {
        g.lock_id = group;
        g.lock_group = true;
        g.role = Role::Resident;
    });
    let id = CommandId([6; 8]);
    stored_then_revoked(&mut w, &mut member, id);
    let reply = member.auth_with(&mut w.lock, CertRef::Full(member.cert.clone()), Command::Unlock, id);
    assert_eq!(reply.code(), ResultCode::KeyRevoked);
    assert!(reply.result.lock_ephemeral.is_none());
    assert_redacted(&reply.result.status);
}

#[test]
fn long_expired_key_after_power_loss_gets_only_a_time_delivery_session() {
    let mut w = World::new();
    let mut guest = w.guest_until(START + HOUR);
    assert_eq!(guest.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    w.clock.advance_secs(u64::from(3 * 24 * HOUR));
    w.lock.power_loss();
    w.lock.on_connect(MTU);
    let reply = guest.auth(&mut w.lock, Command::Status);
    assert_eq!(reply.code(), ResultCode::ClockUntrusted);
    assert_redacted(&reply.result.status);
    assert!(guest.session.is_some(), "a session to deliver time in");

    // Status is the redacted one; events and outcomes are refused.
    let Ok(SessionResponse::Status(ResultCode::Ok, Some(status))) =
        in_session(&mut guest, &mut w, SessionRequest::Status)
    else {
        panic!("status answered");
    };
    assert_redacted(&status);
    assert_eq!(
        in_session(
            &mut guest,
            &mut w,
            SessionRequest::FetchEvents { after_seq: 0, max: 32 }
        ),
        Ok(SessionResponse::Events(ResultCode::ClockUntrusted, None))
    );
    assert_eq!(
        in_session(&mut guest, &mut w, SessionRequest::Outcome(CommandId([1; 8]))),
        Ok(SessionResponse::Outcome(ResultCode::ClockUntrusted, None))
    );
    // Delivering true time makes the lock see the key as expired: still
    // nothing.
    let now = w.clock.unix_now();
    let fresh = token(&w, now, Challenge::default());
    assert_eq!(
        in_session(&mut guest, &mut w, SessionRequest::SetTime(fresh)),
        Ok(SessionResponse::Time(ResultCode::Ok, Some(now)))
    );
    assert_eq!(
        in_session(
            &mut guest,
            &mut w,
            SessionRequest::FetchEvents { after_seq: 0, max: 32 }
        ),
        Ok(SessionResponse::Events(ResultCode::KeyExpired, None))
    );
    assert_eq!(w.lock.actuation_count(), 1);
}

#[test]
fn untrusted_clock_fast_session_is_limited_too() {
    let mut w = World::new();
    let mut guest = w.guest_until(START + HOUR);
    assert_eq!(guest.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    w.clock.advance_secs(u64::from(2 * HOUR));
    w.lock.power_loss();
    w.lock.on_connect(MTU);
    let (req, ctx) = guest.build_fast(&mut w.lock, 1, Command::Unlock, CommandId([8; 8]));
    let answer = guest.send_fast(&mut w.lock, &req, &ctx);
    assert_eq!(answer.code, ResultCode::ClockUntrusted);
    assert_eq!(answer.status.bolt, BoltState::Unknown);
    assert_eq!(answer.status.battery_percent, 0);
    let secrets = req
        .session_secrets(guest.fast_key.as_ref().expect("fast key"), &ctx)
        .expect("secrets");
    guest.session = Some(SessionCipher::phone(&secrets).expect("cipher"));
    assert_eq!(
        in_session(
            &mut guest,
            &mut w,
            SessionRequest::FetchEvents { after_seq: 0, max: 32 }
        ),
        Ok(SessionResponse::Events(ResultCode::ClockUntrusted, None))
    );
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn polling_a_stored_outcome_does_not_keep_it_alive() {
    let mut w = World::new();
    let mut owner = w.owner();
    let kept = CommandId([9; 8]);
    let first = owner.auth_with(&mut w.lock, CertRef::Full(owner.cert.clone()), Command::Unlock, kept);
    assert_eq!(first.code(), ResultCode::Ok);
    // 64 more commands, the first one polled between each.
    for i in 0..64u8 {
        let poll = owner.auth_with(&mut w.lock, CertRef::Hash(owner.cert.hash()), Command::Unlock, kept);
        assert!(poll.result.replayed, "still stored before command {i}");
        let cmd = if i % 2 == 0 { Command::Lock } else { Command::Unlock };
        assert_eq!(owner.auth(&mut w.lock, cmd).code(), ResultCode::Ok);
    }
    let late = owner.auth_with(&mut w.lock, CertRef::Hash(owner.cert.hash()), Command::Status, kept);
    assert!(!late.result.replayed, "the oldest outcome aged out despite the polling");
}

// 3. A valid PIN launders keypad guesses.

#[test]
fn a_guest_typing_their_own_pin_between_guesses_still_gets_locked_out() {
    let secret = PinSecret([0x42; 32]);
    let mut w = World::with_config(LockConfig {
        pin_secret: Some(secret.clone()),
        ..LockConfig::default()
    });
    let own = PinDigits::new("246810").expect("digits");
    let slot = PinSlot::new(&secret, 3, &own, PinRule::always(PinClass::Guest)).expect("slot");
    let list = w
        .authority
        .pin_list(w.lock_id(), 1, START, 0, vec![slot])
        .expect("list");
    let mut owner = w.owner();
    assert_eq!(owner.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    assert_eq!(
        owner.session(&mut w.lock, SessionRequest::PushPins(list)).code(),
        ResultCode::Ok
    );

    // Four guesses, then their own PIN, over and over, for a day, at
    // typing speed (one entry every 3 s), waiting out lockouts.
    let (mut guesses, mut lockouts) = (0u64, 0u32);
    let end = w.clock.now_ms() + 86_400_000;
    let mut n = 0u32;
    while w.clock.now_ms() < end {
        let digits = if n % 5 == 4 {
            own.as_str().to_string()
        } else {
            format!("{:06}", 100_000 + n)
        };
        match w.lock.enter_pin(&digits) {
            KeypadOutcome::Refused { .. } => guesses += 1,
            KeypadOutcome::Accepted { .. } => {}
            KeypadOutcome::LockedOut { retry_in_s } => {
                lockouts += 1;
                w.clock.advance_secs(u64::from(retry_in_s));
                continue;
            }
        }
        n += 1;
        w.clock.advance_secs(3);
    }
    assert!(lockouts > 0, "the limiter engaged");
    assert!(
        guesses <= keypad_max_guesses(86_400),
        "{guesses} guesses in a day; a stranger gets at most {}",
        keypad_max_guesses(86_400)
    );
    let logged = w
        .lock
        .events()
        .iter()
        .filter(|e| e.kind == EventKind::KeypadLockout)
        .count();
    assert!(logged > 0);
}

// 4. Junk requests cost the lock signatures.

/// Sends `frame` and returns the raw answer's type and code.
fn answer_code(w: &mut World, frame: &[u8]) -> ResultCode {
    match Frame::decode(&exchange_raw(&mut w.lock, frame)).expect("answer decodes") {
        Frame::AuthResult(r) => r.code,
        Frame::FastResult(r) => r.code,
        Frame::Error(code) => code,
        other => panic!("unexpected {other:?}"),
    }
}

/// An AUTH for the lock's current challenge, signed by a key that is not
/// the certificate's holder.
fn forged_auth(w: &mut World, cert: CertRef) -> Vec<u8> {
    let ctx = context(&mut w.lock);
    let impostor = SigningKey::generate().expect("key");
    let eph = EphemeralKey::generate().expect("ephemeral");
    AuthRequest::build(
        &ctx,
        cert,
        eph.public_key(),
        Command::Unlock,
        CommandId([0xee; 8]),
        |m| impostor.sign_message(m),
    )
    .expect("request")
    .encode()
}

#[test]
fn junk_requests_cannot_make_the_lock_sign_and_verify_without_limit() {
    let mut w = World::new();
    let mut resident = w.owner();
    assert_eq!(resident.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let recorded = resident
        .auth_with(
            &mut w.lock,
            CertRef::Full(resident.cert.clone()),
            Command::Unlock,
            CommandId([1; 8]),
        )
        .request;
    // A key for this lock from an authority it doesn't know.
    let foreign = KeyAuthority::generate()
        .expect("authority")
        .issue_key(resident.cert.grant.clone())
        .expect("key");
    let before = w.lock.asym_op_counts();
    let seconds = 100u64;
    // 1,000 junk frames over 100 s, reconnecting every 10 frames.
    for i in 0..1000u32 {
        if i % 10 == 0 {
            w.lock.on_connect(MTU);
        }
        let frame = match i % 5 {
            0 => recorded.clone(),
            1 => forged_auth(&mut w, CertRef::Full(resident.cert.clone())),
            2 => forged_auth(&mut w, CertRef::Full(foreign.clone())),
            3 => forged_auth(&mut w, CertRef::Hash(CertHash([7; 16]))),
            _ => forged_auth(&mut w, CertRef::Hash(resident.cert.hash())),
        };
        let code = answer_code(&mut w, &frame);
        assert_ne!(code, ResultCode::Ok);
        w.clock.advance_ms(seconds);
    }
    let spent = w.lock.asym_op_counts();
    let junk_ops = spent.total() - before.total();
    let budget = 8 + seconds / 5;
    assert!(junk_ops <= budget, "{junk_ops} operations for junk, budget {budget}");
    assert_eq!(spent.ecdh, before.ecdh, "no key exchange for junk");
    assert_eq!(w.lock.actuation_count(), 1);
    assert!(w
        .lock
        .events()
        .iter()
        .all(|e| e.key_id != resident.key_id() || e.kind != EventKind::AccessDenied));

    // A resident's FAST needs no asymmetric work: it works mid-flood.
    w.lock.on_connect(MTU);
    let (req, ctx) = resident.build_fast(&mut w.lock, resident.counter + 1, Command::Unlock, CommandId([2; 8]));
    assert_eq!(resident.send_fast(&mut w.lock, &req, &ctx).code, ResultCode::Ok);
    assert_eq!(w.lock.asym_op_counts().total(), spent.total());
}

#[test]
fn a_first_contact_gets_through_once_the_flood_stops() {
    let mut w = World::new();
    let resident = w.owner();
    // Drain the bucket from several connections.
    let mut busy = 0;
    for i in 0..20 {
        if i % 2 == 0 {
            w.lock.on_connect(MTU);
        }
        let frame = forged_auth(&mut w, CertRef::Full(resident.cert.clone()));
        if answer_code(&mut w, &frame) == ResultCode::LockBusy {
            busy += 1;
        }
    }
    assert!(busy > 0, "the budget ran out");
    w.lock.on_connect(MTU);
    let mut newcomer = w.owner();
    let ctx = context(&mut w.lock);
    let (req, _) = newcomer.build_auth(
        &ctx,
        CertRef::Full(newcomer.cert.clone()),
        Command::Unlock,
        CommandId([3; 8]),
    );
    assert_eq!(answer_code(&mut w, &req.encode()), ResultCode::LockBusy);
    assert_eq!(w.lock.actuation_count(), 0);
    // Two verifications' worth of refill later (and they come back once
    // the holder proves itself).
    w.clock.advance_secs(10);
    assert_eq!(newcomer.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    assert_eq!(newcomer.auth(&mut w.lock, Command::Lock).code(), ResultCode::Ok);
}

#[test]
fn one_connection_cannot_spend_the_whole_budget() {
    let mut w = World::new();
    let resident = w.owner();
    let before = w.lock.asym_op_counts().total();
    for _ in 0..10 {
        let frame = forged_auth(&mut w, CertRef::Full(resident.cert.clone()));
        answer_code(&mut w, &frame);
    }
    assert_eq!(w.lock.asym_op_counts().total() - before, 6, "two refused AUTHs' worth");
    // A new connection (another phone) still finds work budget left.
    w.lock.on_connect(MTU);
    let mut other = w.owner();
    assert_eq!(other.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
}

#[test]
fn fast_with_a_bad_mac_costs_no_asymmetric_work() {
    let mut w = World::new();
    let mut resident = w.owner();
    assert_eq!(resident.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let before = w.lock.asym_op_counts();
    for i in 0..200u32 {
        let ctx = context(&mut w.lock);
        let wrong = FastKey([i as u8; 32]);
        let req = FastRequest::build(
            &wrong,
            &ctx,
            resident.key_id(),
            i + 1,
            Command::Unlock,
            CommandId([4; 8]),
        );
        assert_eq!(answer_code(&mut w, &req.encode()), ResultCode::BadMac);
    }
    assert_eq!(w.lock.asym_op_counts(), before);
}
