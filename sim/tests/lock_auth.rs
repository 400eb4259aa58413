//! Standard unlock (AUTH): every refusal names its cause and leaves the
//! bolt untouched; the certificate cache saves the issuer verify.

mod common;

use common::{context, exchange, exchange_raw, World, START};
use latchkey_protocol::{
    BoltState, CertRef, Command, CommandId, DigitalKey, EventKind, Frame, ResultCode, Role, Schedule,
};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::Peripheral;

#[test]
fn owner_unlocks_in_one_round_trip() {
    let mut w = World::new();
    let mut phone = w.owner();
    let reply = phone.auth(&mut w.lock, Command::Unlock);
    assert_eq!(reply.code(), ResultCode::Ok);
    assert!(!reply.result.replayed);
    assert_eq!(reply.result.status.bolt, BoltState::Unlocked);
    assert_eq!(w.lock.actuation_count(), 1);
    assert!(w.lock.has_fast_key(&phone.key_id()));
    assert!(w.lock.has_session());
}

#[test]
fn replayed_auth_with_an_old_challenge_is_stale() {
    let mut w = World::new();
    let mut phone = w.owner();
    let first = phone.auth(&mut w.lock, Command::Unlock);
    assert_eq!(first.code(), ResultCode::Ok);
    let moves = w.lock.actuation_count();

    let Frame::AuthResult(replay) = exchange(&mut w.lock, &first.request) else {
        panic!("expected AUTH_RESULT");
    };
    assert_eq!(replay.code, ResultCode::StaleChallenge);
    assert_eq!(replay.lock_ephemeral, None);
    assert_eq!(w.lock.actuation_count(), moves);
}

#[test]
fn expired_key_is_refused() {
    let mut w = World::new();
    let mut phone = w.phone_with(|g| {
        g.role = Role::Guest;
        g.not_before = START - 7200;
        g.not_after = START - 3600;
    });
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::KeyExpired);
    assert_eq!(w.lock.actuation_count(), 0);
    assert!(!w.lock.has_fast_key(&phone.key_id()));
}

#[test]
fn not_yet_valid_key_is_refused() {
    let mut w = World::new();
    let mut phone = w.phone_with(|g| {
        g.role = Role::Guest;
        g.not_before = START + 3600;
        g.not_after = START + 7200;
    });
    assert_eq!(
        phone.auth(&mut w.lock, Command::Unlock).code(),
        ResultCode::KeyNotYetValid
    );
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn key_outside_its_weekly_schedule_is_refused() {
    // START is Monday 10:00 UTC; the cleaner comes on workdays 18:00–22:00.
    let mut w = World::new();
    let mut phone = w.phone_with(|g| {
        g.role = Role::Guest;
        g.schedule = Some(Schedule::new(Schedule::WORKDAYS, 18 * 60, 22 * 60).expect("schedule"));
    });
    assert_eq!(
        phone.auth(&mut w.lock, Command::Unlock).code(),
        ResultCode::OutsideSchedule
    );
    assert_eq!(w.lock.actuation_count(), 0);

    w.clock.advance_secs(8 * 3600 + 60);
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
}

#[test]
fn schedule_uses_the_locks_local_time() {
    // 10:00 UTC is 12:00 at UTC+2: outside a 09:00–11:00 local window.
    let mut w = World::with_config(LockConfig {
        utc_offset_min: 120,
        ..LockConfig::default()
    });
    let mut phone = w.phone_with(|g| {
        g.schedule = Some(Schedule::new(Schedule::EVERY_DAY, 9 * 60, 11 * 60).expect("schedule"));
    });
    assert_eq!(
        phone.auth(&mut w.lock, Command::Unlock).code(),
        ResultCode::OutsideSchedule
    );
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn key_for_another_lock_is_wrong_lock() {
    let mut w = World::new();
    let other = latchkey_protocol::LockId::random().expect("id");
    let mut phone = w.phone_with(|g| g.lock_id = other);
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::WrongLock);
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn group_key_opens_a_member_lock() {
    let group = latchkey_protocol::LockId([0x42; 16]);
    let mut w = World::with_config(LockConfig {
        groups: vec![group],
        ..LockConfig::default()
    });
    let mut phone = w.phone_with(|g| {
        g.lock_id = group;
        g.lock_group = true;
    });
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
}

#[test]
fn certificate_from_an_unknown_issuer_is_refused() {
    let mut w = World::new();
    let rogue = KeyAuthority::generate().expect("rogue");
    let mut phone = w.owner();
    phone.cert = rogue.issue_key(phone.cert.grant.clone()).expect("rogue key");
    let verifies = w.lock.asym_op_counts().ecdsa_verify;
    assert_eq!(
        phone.auth(&mut w.lock, Command::Unlock).code(),
        ResultCode::UnknownIssuer
    );
    assert_eq!(w.lock.actuation_count(), 0);
    // Refused on the issuer id alone, before any signature work.
    assert_eq!(w.lock.asym_op_counts().ecdsa_verify, verifies);
}

#[test]
fn certificate_with_any_byte_flipped_is_refused() {
    let mut w = World::with_endless_budget();
    let mut phone = w.owner();
    let original = phone.cert.encode();
    let mut decodable = 0;
    for i in 0..original.len() {
        let mut bytes = original.clone();
        bytes[i] ^= 0xff;
        let ctx = context(&mut w.lock);
        let code = match DigitalKey::decode(&bytes) {
            Ok(tampered) => {
                // The holder signs over the tampered certificate, so only the
                // issuer signature can catch it.
                decodable += 1;
                let (req, eph) = phone.build_auth(&ctx, CertRef::Full(tampered), Command::Unlock, CommandId([1; 8]));
                phone.send_auth(&mut w.lock, &req.encode(), eph).code()
            }
            Err(_) => {
                // Undecodable: send the original request with the byte flipped
                // in place (the certificate starts at offset 11).
                let (req, _) = phone.build_auth(
                    &ctx,
                    CertRef::Full(phone.cert.clone()),
                    Command::Unlock,
                    CommandId([1; 8]),
                );
                let mut frame = req.encode();
                frame[11 + i] ^= 0xff;
                match Frame::decode(&exchange_raw(&mut w.lock, &frame)).expect("answer") {
                    Frame::Error(code) => code,
                    other => panic!("byte {i}: unexpected answer {other:?}"),
                }
            }
        };
        let expected = match i {
            2..=5 => [ResultCode::UnknownIssuer, ResultCode::BadRequest],
            _ => [ResultCode::BadCertificate, ResultCode::BadRequest],
        };
        assert!(expected.contains(&code), "byte {i}: {code:?}");
        assert_eq!(w.lock.actuation_count(), 0, "byte {i} moved the bolt");
    }
    assert!(
        decodable > 150,
        "most flips must reach the signature check ({decodable})"
    );
    assert!(w.lock.events().is_empty(), "unauthenticated junk is not logged");
}

#[test]
fn second_auth_with_the_same_certificate_skips_the_issuer_verify() {
    let mut w = World::new();
    let mut phone = w.owner();

    let before = w.lock.asym_op_counts();
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    let first = w.lock.asym_op_counts();
    assert_eq!(first.ecdsa_verify - before.ecdsa_verify, 2, "issuer + holder");
    assert_eq!(first.ecdsa_sign - before.ecdsa_sign, 1);
    assert_eq!(first.ecdh - before.ecdh, 1);

    phone.connect(&mut w.lock);
    assert_eq!(phone.auth(&mut w.lock, Command::Lock).code(), ResultCode::Ok);
    let second = w.lock.asym_op_counts();
    assert_eq!(second.ecdsa_verify - first.ecdsa_verify, 1, "holder only");

    phone.connect(&mut w.lock);
    let by_hash = CertRef::Hash(phone.cert.hash());
    let reply = phone.auth_with(&mut w.lock, by_hash, Command::Unlock, CommandId::random().expect("id"));
    assert_eq!(reply.code(), ResultCode::Ok);
    assert_eq!(w.lock.asym_op_counts().ecdsa_verify - second.ecdsa_verify, 1);
}

#[test]
fn certificate_hash_the_lock_does_not_hold_is_not_cached() {
    let mut w = World::new();
    let mut phone = w.owner();
    let by_hash = CertRef::Hash(phone.cert.hash());
    let reply = phone.auth_with(&mut w.lock, by_hash, Command::Unlock, CommandId::random().expect("id"));
    assert_eq!(reply.code(), ResultCode::CertificateNotCached);
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn repeated_command_id_over_auth_returns_the_stored_outcome() {
    let mut w = World::new();
    let mut phone = w.owner();
    let id = CommandId::random().expect("id");
    let cert = CertRef::Full(phone.cert.clone());
    assert_eq!(
        phone.auth_with(&mut w.lock, cert.clone(), Command::Unlock, id).code(),
        ResultCode::Ok
    );
    phone.connect(&mut w.lock);
    assert_eq!(phone.auth(&mut w.lock, Command::Lock).code(), ResultCode::Ok);
    let moves = w.lock.actuation_count();

    // The phone lost the first answer and retries with a fresh challenge.
    phone.connect(&mut w.lock);
    let retry = phone.auth_with(&mut w.lock, cert, Command::Unlock, id);
    assert_eq!(retry.code(), ResultCode::Ok);
    assert!(retry.result.replayed);
    assert_eq!(retry.result.lock_ephemeral, None, "a replay opens no session");
    assert_eq!(w.lock.actuation_count(), moves);
    assert_eq!(w.lock.status().bolt, BoltState::Locked, "the door stays locked");
}

#[test]
fn junk_neither_burns_the_challenge_nor_fills_the_log() {
    let mut w = World::new();
    let mut phone = w.owner();
    let impostor = w.owner();
    let ctx = context(&mut w.lock);
    // Another holder key signs over this phone's certificate.
    let (req, eph) = impostor.build_auth(
        &ctx,
        CertRef::Full(phone.cert.clone()),
        Command::Unlock,
        CommandId([9; 8]),
    );
    let reply = phone.send_auth(&mut w.lock, &req.encode(), eph);
    assert_eq!(reply.code(), ResultCode::BadHolderSignature);
    assert_eq!(w.lock.actuation_count(), 0);
    assert_eq!(w.lock.advertisement().challenge, ctx.challenge);
    assert!(w.lock.events().is_empty());
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
}

#[test]
fn refusals_are_signed_and_reveal_nothing_about_the_door() {
    let mut w = World::new();
    let mut phone = w.guest_until(START - 1);
    let reply = phone.auth(&mut w.lock, Command::Unlock);
    assert_eq!(reply.code(), ResultCode::KeyExpired);
    assert_eq!(reply.result.status.bolt, BoltState::Unknown);
    assert_eq!(reply.result.status.battery_mv, 0);
    assert_eq!(
        reply.result.status.lock_time, START,
        "the clock is shown to explain the refusal"
    );
    let denied = w.lock.events();
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].kind, EventKind::AccessDenied);
    assert_eq!(denied[0].result, ResultCode::KeyExpired as u8);
    assert_eq!(denied[0].key_id, phone.key_id());
}

#[test]
fn service_key_may_not_unlatch() {
    let mut w = World::new();
    let mut tech = w.phone_with(|g| g.role = Role::Service);
    assert_eq!(
        tech.auth(&mut w.lock, Command::Unlatch).code(),
        ResultCode::RoleNotAllowed
    );
    assert_eq!(w.lock.actuation_count(), 0);
    assert_eq!(tech.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
}

#[test]
fn status_command_opens_a_session_without_moving_the_bolt() {
    let mut w = World::new();
    let mut phone = w.owner();
    let reply = phone.auth(&mut w.lock, Command::Status);
    assert_eq!(reply.code(), ResultCode::Ok);
    assert!(reply.result.lock_ephemeral.is_some());
    assert_eq!(w.lock.actuation_count(), 0);
    let status = phone.session(&mut w.lock, latchkey_protocol::SessionRequest::Status);
    assert_eq!(status.code(), ResultCode::Ok);
}
