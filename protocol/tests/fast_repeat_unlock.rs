//! Repeat unlock: FAST → FAST_RESULT, HMAC only. The request's MAC binds
//! the fast key to one lock, one epoch, one live challenge, one counter,
//! one command and one command id; the answer's MAC binds it to the request.

mod common;

use common::*;
use latchkey_protocol::framing;
use latchkey_protocol::{
    Challenge, Command, CommandId, FastKey, FastOutcome, FastRequest, FastResult, Frame, KeyId, LockContext,
    ProtocolError, ResultCode, SessionCipher,
};

fn key() -> FastKey {
    FastKey([0x5e; 32])
}

fn key_id() -> KeyId {
    cert().key_id()
}

fn request() -> FastRequest {
    FastRequest::build(&key(), &ctx(), key_id(), 41, Command::Unlock, CommandId([0x0c; 8]))
}

#[test]
fn the_lock_verifies_a_fast_request_built_with_the_shared_key() {
    let bytes = request().encode();
    assert_eq!(bytes.len(), 38);
    assert!(received_by_lock(&bytes).verify(&key(), &ctx()));
}

#[test]
fn the_mac_fails_when_any_bound_input_differs() {
    let base = request();
    let other_ctx = |f: &dyn Fn(&mut LockContext)| {
        let mut c = ctx();
        f(&mut c);
        c
    };
    // The lock's side of the inputs.
    assert!(!base.verify(&FastKey([0x5f; 32]), &ctx()), "another fast key");
    assert!(
        !base.verify(&key(), &other_ctx(&|c| c.challenge = Challenge([0; 8]))),
        "another challenge"
    );
    assert!(!base.verify(&key(), &other_ctx(&|c| c.epoch += 1)), "another epoch");
    assert!(
        !base.verify(&key(), &other_ctx(&|c| c.lock_id = parties().other_lock_id)),
        "another lock"
    );
    // The request's fields, changed after the MAC was made.
    let changed: [Change<FastRequest>; 4] = [
        ("counter", |r| r.counter += 1),
        ("command", |r| r.command = Command::Unlatch),
        ("command id", |r| r.command_id.0[7] ^= 1),
        ("key id", |r| r.key_id.0[0] ^= 1),
    ];
    for (what, change) in changed {
        let mut r = base.clone();
        change(&mut r);
        assert!(!r.verify(&key(), &ctx()), "{what}");
    }
}

#[test]
fn a_lock_with_two_live_challenges_finds_the_one_the_phone_used() {
    // FAST does not carry the challenge: the lock tries each live one.
    let previous = Challenge([0xa0; 8]);
    let current = Challenge([0xb0; 8]);
    let with = |challenge| LockContext { challenge, ..ctx() };
    let phone_saw_previous = FastRequest::build(&key(), &with(previous), key_id(), 9, Command::Lock, CommandId([1; 8]));
    let live = [current, previous];
    let matched: Vec<_> = live
        .iter()
        .filter(|c| phone_saw_previous.verify(&key(), &with(**c)))
        .collect();
    assert_eq!(matched, [&previous]);
}

#[test]
fn fast_takes_two_packets_each_way_at_mtu_23_and_one_at_185() {
    let answer = FastResult::build(
        Some(&key()),
        &request().mac,
        ResultCode::Ok,
        false,
        status().compact(),
        0,
    );
    assert_eq!(framing::packet_count(request().encode().len(), 23), 2);
    assert_eq!(framing::packet_count(answer.encode().len(), 23), 2);
    assert_eq!(framing::packet_count(request().encode().len(), 185), 1);
    assert_eq!(framing::packet_count(answer.encode().len(), 185), 1);
    assert!(request().encode().len() <= 64 && answer.encode().len() <= 64);
}

#[test]
fn an_authentic_result_is_trusted() {
    let req = request();
    let result = FastResult::build(
        Some(&key()),
        &req.mac,
        ResultCode::Ok,
        false,
        status().compact(),
        MON_2024_01_01,
    );
    let Frame::FastResult(received) = Frame::decode(&result.encode()).unwrap() else {
        panic!("not FAST_RESULT");
    };
    assert!(received.is_authentic(&key(), &req.mac));
    assert_eq!(received.verify(&key(), &req.mac), Ok(FastOutcome::Authentic));
    // An authenticated refusal is just as authentic.
    let refused = FastResult::build(
        Some(&key()),
        &req.mac,
        ResultCode::CounterReplay,
        false,
        status().compact(),
        0,
    );
    assert_eq!(refused.verify(&key(), &req.mac), Ok(FastOutcome::Authentic));
}

#[test]
fn a_result_answers_only_the_request_it_was_made_for() {
    let req = request();
    let other = FastRequest::build(&key(), &ctx(), key_id(), 42, Command::Unlock, CommandId([0x0c; 8]));
    let result = FastResult::build(Some(&key()), &req.mac, ResultCode::Ok, false, status().compact(), 0);
    assert!(matches!(
        result.verify(&key(), &other.mac),
        Err(ProtocolError::BadMac { .. })
    ));
    assert!(result.verify(&FastKey([1; 32]), &req.mac).is_err(), "another key");
}

#[test]
fn every_field_of_the_result_is_covered_by_its_mac() {
    let req = request();
    let result = FastResult::build(Some(&key()), &req.mac, ResultCode::Ok, false, status().compact(), 1_000);
    let changed: [Change<FastResult>; 5] = [
        ("code", |r| r.code = ResultCode::Jammed),
        ("replayed", |r| r.replayed = true),
        ("bolt", |r| r.status.bolt = latchkey_protocol::BoltState::Locked),
        ("battery", |r| r.status.battery_percent = 1),
        ("lock time", |r| r.lock_time += 1),
    ];
    for (what, change) in changed {
        let mut r = result.clone();
        change(&mut r);
        assert!(r.verify(&key(), &req.mac).is_err(), "{what}");
    }
}

#[test]
fn an_unauthenticated_result_only_ever_means_fall_back_to_auth() {
    // Forged (or from a lock that lost the key): zero MAC. Only the two
    // codes a lock cannot authenticate are taken, and only as "run AUTH".
    let req = request();
    for code in ResultCode::ALL {
        let forged = FastResult::build(None, &req.mac, code, false, status().compact(), 0);
        assert_eq!(forged.mac, [0; 16]);
        let outcome = forged.verify(&key(), &req.mac);
        match code {
            ResultCode::UnknownFastKey | ResultCode::BadMac => {
                assert_eq!(outcome, Ok(FastOutcome::FallBackToAuth), "{code}")
            }
            _ => assert!(
                matches!(outcome, Err(ProtocolError::BadMac { .. })),
                "{code}: {outcome:?}"
            ),
        }
    }
}

#[test]
fn phone_and_lock_derive_the_same_session_after_fast_with_no_asymmetric_operation() {
    let req = request();
    let phone = req.session_secrets(&key(), &ctx()).unwrap();
    let lock = received_by_lock(&req.encode()).session_secrets(&key(), &ctx()).unwrap();
    assert_eq!(phone, lock);
    let mut phone_cipher = SessionCipher::phone(&phone).unwrap();
    let mut lock_cipher = SessionCipher::lock(&lock).unwrap();
    assert_eq!(
        lock_cipher.open(&phone_cipher.seal(b"events").unwrap()).unwrap(),
        b"events"
    );

    // Each FAST (new counter or challenge) starts a new session.
    let next = FastRequest::build(&key(), &ctx(), key_id(), 42, Command::Unlock, CommandId([0x0c; 8]));
    assert_ne!(next.session_secrets(&key(), &ctx()).unwrap(), phone);
    let rotated = LockContext {
        challenge: Challenge([0xee; 8]),
        ..ctx()
    };
    assert_ne!(req.session_secrets(&key(), &rotated).unwrap(), phone);
}

/// Decodes a FAST frame as the lock does.
fn received_by_lock(bytes: &[u8]) -> FastRequest {
    match Frame::decode(bytes).unwrap() {
        Frame::Fast(r) => r,
        other => panic!("not FAST: {other:?}"),
    }
}
