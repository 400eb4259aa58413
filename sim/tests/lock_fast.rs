//! Fast repeat unlock (FAST): HMAC and a forward-only counter, zero
//! asymmetric operations on the lock, the same credential checks as AUTH.

mod common;

use common::{exchange, World, START};
use latchkey_protocol::{BoltState, Command, CommandId, Frame, ResultCode, SessionRequest};
use latchkey_sim::lock::LockConfig;
use latchkey_sim::Peripheral;

#[test]
fn fast_unlock_costs_zero_asymmetric_operations() {
    let mut w = World::new();
    let mut phone = w.owner();
    assert_eq!(phone.auth(&mut w.lock, Command::Lock).code(), ResultCode::Ok);

    phone.connect(&mut w.lock);
    let before = w.lock.asym_op_counts();
    let result = phone.fast(&mut w.lock, Command::Unlock);
    assert_eq!(result.code, ResultCode::Ok);
    assert_eq!(result.status.bolt, BoltState::Unlocked);
    assert_eq!(result.lock_time, START);
    assert_eq!(w.lock.asym_op_counts(), before);
    assert_eq!(w.lock.asym_ops(), before.total());
    assert_eq!(w.lock.actuation_count(), 2);
}

#[test]
fn replayed_fast_frame_is_bad_mac() {
    let mut w = World::new();
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Status);
    let (req, ctx) = phone.build_fast(&mut w.lock, 1, Command::Unlock, CommandId([1; 8]));
    assert_eq!(phone.send_fast(&mut w.lock, &req, &ctx).code, ResultCode::Ok);
    let moves = w.lock.actuation_count();

    // A recorded frame, sent verbatim: its challenge was consumed.
    let Frame::FastResult(replay) = exchange(&mut w.lock, &req.encode()) else {
        panic!("expected FAST_RESULT");
    };
    assert_eq!(replay.code, ResultCode::BadMac);
    assert_eq!(replay.mac, [0; 16], "the lock cannot authenticate this answer");
    assert_eq!(w.lock.actuation_count(), moves);
}

#[test]
fn fresh_fast_with_an_old_counter_is_counter_replay() {
    let mut w = World::new();
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Status);
    assert_eq!(phone.fast(&mut w.lock, Command::Unlock).code, ResultCode::Ok);
    assert_eq!(phone.fast(&mut w.lock, Command::Lock).code, ResultCode::Ok);
    let moves = w.lock.actuation_count();

    for counter in [0, 1, 2] {
        let (req, ctx) = phone.build_fast(&mut w.lock, counter, Command::Unlock, CommandId::random().expect("id"));
        let result = phone.send_fast(&mut w.lock, &req, &ctx);
        assert_eq!(result.code, ResultCode::CounterReplay, "counter {counter}");
        assert_eq!(w.lock.actuation_count(), moves);
    }
    assert_eq!(phone.fast(&mut w.lock, Command::Unlock).code, ResultCode::Ok);
}

#[test]
fn repeated_command_id_over_fast_returns_the_stored_outcome() {
    let mut w = World::new();
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Status);
    let id = CommandId::random().expect("id");
    let (req, ctx) = phone.build_fast(&mut w.lock, 1, Command::Unlock, id);
    assert_eq!(phone.send_fast(&mut w.lock, &req, &ctx).code, ResultCode::Ok);
    let moves = w.lock.actuation_count();

    // The answer was lost with the connection: same command id and counter,
    // fresh challenge.
    phone.connect(&mut w.lock);
    let (retry, ctx) = phone.build_fast(&mut w.lock, 1, Command::Unlock, id);
    let result = phone.send_fast(&mut w.lock, &retry, &ctx);
    assert_eq!(result.code, ResultCode::Ok);
    assert!(result.replayed);
    assert_eq!(w.lock.actuation_count(), moves);
    // The holder proved itself with a fresh MAC: the session stays open so
    // the retrying phone can still collect events and deliver lists.
    assert!(w.lock.has_session(), "a proven replay keeps its session");
}

#[test]
fn factory_reset_makes_the_old_fast_key_unknown_and_changes_the_epoch() {
    let mut w = World::new();
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Status);
    assert_eq!(w.lock.epoch(), 1);

    w.lock.factory_reset();
    assert_eq!(w.lock.epoch(), 2);
    assert_eq!(w.lock.advertisement().epoch, 2);
    // Unclaimed: no key means anything until an owner re-commissions it.
    let (req, _) = phone.build_fast(&mut w.lock, phone.counter + 1, Command::Unlock, CommandId([1; 8]));
    assert_eq!(
        exchange(&mut w.lock, &req.encode()),
        Frame::Error(ResultCode::LockUnclaimed)
    );

    w.recommission();
    let result = phone.fast(&mut w.lock, Command::Unlock);
    assert_eq!(result.code, ResultCode::UnknownFastKey);
    assert_eq!(w.lock.actuation_count(), 0);

    // Re-commissioned by the same issuer, the same key works again through
    // a standard AUTH in the new epoch.
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    assert_eq!(phone.fast(&mut w.lock, Command::Lock).code, ResultCode::Ok);
}

#[test]
fn guest_key_stops_working_after_checkout_by_the_locks_clock() {
    // The lock's RTC runs 10 % fast: the stay ends early by true time.
    let mut w = World::with_config(LockConfig {
        rtc_drift_ppm: 100_000,
        ..LockConfig::default()
    });
    let checkout = START + 3600;
    let mut guest = w.guest_until(checkout);
    assert_eq!(guest.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    assert_eq!(guest.fast(&mut w.lock, Command::Lock).code, ResultCode::Ok);
    let moves = w.lock.actuation_count();

    w.clock.advance_secs(3300);
    assert!(w.clock.unix_now() < checkout);
    assert!(w.lock.lock_time() >= checkout);
    let result = guest.fast(&mut w.lock, Command::Unlock);
    assert_eq!(result.code, ResultCode::KeyExpired);
    assert_eq!(w.lock.actuation_count(), moves);
    assert_eq!(guest.auth(&mut w.lock, Command::Unlock).code(), ResultCode::KeyExpired);
    assert_eq!(w.lock.actuation_count(), moves);
}

#[test]
fn fast_key_unknown_to_the_lock_is_unknown_fast_key() {
    let mut w = World::new();
    let mut phone = w.owner();
    let mut stranger = w.owner();
    phone.auth(&mut w.lock, Command::Status);
    // A phone that never ran AUTH with this lock, using someone's key id.
    stranger.fast_key = phone.fast_key.clone();
    stranger.cert = w.owner().cert;
    let result = stranger.fast(&mut w.lock, Command::Unlock);
    assert_eq!(result.code, ResultCode::UnknownFastKey);
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn fast_session_serves_follow_on_commands() {
    let mut w = World::new();
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Status);
    phone.connect(&mut w.lock);
    assert_eq!(phone.fast(&mut w.lock, Command::Unlock).code, ResultCode::Ok);
    let status = phone.session(&mut w.lock, SessionRequest::Status);
    assert_eq!(status.code(), ResultCode::Ok);

    // A second actuation in the same connection, then its outcome by id.
    let id = CommandId::random().expect("id");
    let lock = phone.session(
        &mut w.lock,
        SessionRequest::Actuate {
            command: Command::Lock,
            command_id: id,
        },
    );
    assert_eq!(lock.code(), ResultCode::Ok);
    let again = phone.session(
        &mut w.lock,
        SessionRequest::Actuate {
            command: Command::Lock,
            command_id: id,
        },
    );
    assert_eq!(again.code(), ResultCode::Ok);
    assert_eq!(
        w.lock.actuation_count(),
        2,
        "the repeated command id did not move the bolt"
    );
    let outcome = phone.session(&mut w.lock, SessionRequest::Outcome(id));
    assert_eq!(
        outcome,
        latchkey_protocol::SessionResponse::Outcome(ResultCode::Ok, Some((Command::Lock, ResultCode::Ok)))
    );
    let unknown = phone.session(&mut w.lock, SessionRequest::Outcome(CommandId([7; 8])));
    assert_eq!(unknown.code(), ResultCode::OutcomeUnknown);
}

#[test]
fn challenge_read_just_before_rotation_still_works() {
    let mut w = World::new();
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Status);
    let (req, ctx) = phone.build_fast(&mut w.lock, 1, Command::Unlock, CommandId::random().expect("id"));
    w.clock.advance_secs(31);
    assert_ne!(w.lock.advertisement().challenge, ctx.challenge, "rotated");
    assert_eq!(phone.send_fast(&mut w.lock, &req, &ctx).code, ResultCode::Ok);

    // Two periods later the old challenge is dead.
    let (req, ctx) = phone.build_fast(&mut w.lock, 2, Command::Lock, CommandId::random().expect("id"));
    w.clock.advance_secs(61);
    assert_eq!(phone.send_fast(&mut w.lock, &req, &ctx).code, ResultCode::BadMac);
    assert_eq!(w.lock.actuation_count(), 1);
}
