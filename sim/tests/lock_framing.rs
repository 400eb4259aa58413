//! Framing and connection handling: size limit, truncation, reassembly
//! timeout, session frames without a session, per-connection state.

mod common;

use common::{context, exchange, exchange_raw, World, MTU};
use latchkey_protocol::framing::{fragment, MAX_FRAME, REASSEMBLY_TIMEOUT_MS};
use latchkey_protocol::{CertRef, Command, CommandId, Frame, ResultCode, SessionRequest};
use latchkey_sim::Peripheral;

fn error_code(bytes: &[u8]) -> ResultCode {
    match Frame::decode(bytes).expect("answer decodes") {
        Frame::Error(code) => code,
        other => panic!("expected ERROR, got {other:?}"),
    }
}

fn auth_frame(w: &mut World) -> Vec<u8> {
    let phone = w.owner();
    let ctx = context(&mut w.lock);
    let (req, _) = phone.build_auth(
        &ctx,
        CertRef::Full(phone.cert.clone()),
        Command::Unlock,
        CommandId([1; 8]),
    );
    req.encode()
}

#[test]
fn oversized_frame_is_frame_too_large() {
    let mut w = World::new();
    let data = [0u8; 19];
    let mut answer = w.lock.on_packet(&[&[0x80], &data[..]].concat());
    let mut sent = data.len();
    let mut index = 1u8;
    while answer.is_none() {
        assert!(sent <= MAX_FRAME, "the lock must stop at its limit");
        answer = w.lock.on_packet(&[&[index & 0x3f], &data[..]].concat());
        sent += data.len();
        index = index.wrapping_add(1);
    }
    assert_eq!(error_code(&answer.expect("answer")), ResultCode::FrameTooLarge);
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn truncated_frame_is_bad_request() {
    let mut w = World::new();
    let frame = auth_frame(&mut w);
    for cut in [1, 10, 64, frame.len() - 1] {
        let answer = exchange_raw(&mut w.lock, &frame[..frame.len() - cut]);
        assert_eq!(error_code(&answer), ResultCode::BadRequest, "cut {cut}");
    }
    assert_eq!(error_code(&exchange_raw(&mut w.lock, &[0x7f])), ResultCode::BadRequest);
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn reassembly_timeout_is_reported_on_tick() {
    let mut w = World::new();
    let packets = fragment(&auth_frame(&mut w), MTU).expect("fragments");
    assert!(w.lock.on_packet(&packets[0]).is_none());
    w.clock.advance_ms(REASSEMBLY_TIMEOUT_MS);
    assert_eq!(w.lock.on_tick(), None, "still within the limit");
    w.clock.advance_ms(1);
    assert_eq!(
        error_code(&w.lock.on_tick().expect("timeout")),
        ResultCode::FrameIncomplete
    );
    assert_eq!(w.lock.on_tick(), None, "reported once");
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn reassembly_timeout_is_reported_on_the_next_packet() {
    let mut w = World::new();
    let packets = fragment(&auth_frame(&mut w), MTU).expect("fragments");
    assert!(w.lock.on_packet(&packets[0]).is_none());
    assert!(w.lock.on_packet(&packets[1]).is_none());
    w.clock.advance_ms(REASSEMBLY_TIMEOUT_MS + 1);
    let answer = w.lock.on_packet(&packets[2]).expect("timeout");
    assert_eq!(error_code(&answer), ResultCode::FrameIncomplete);
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn out_of_order_packet_is_frame_incomplete() {
    let mut w = World::new();
    let packets = fragment(&auth_frame(&mut w), MTU).expect("fragments");
    assert!(w.lock.on_packet(&packets[0]).is_none());
    let answer = w.lock.on_packet(&packets[2]).expect("error");
    assert_eq!(error_code(&answer), ResultCode::FrameIncomplete);
}

#[test]
fn disconnect_drops_the_partial_frame_and_the_session() {
    let mut w = World::new();
    let mut phone = w.owner();
    assert_eq!(phone.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let packets = fragment(&auth_frame(&mut w), MTU).expect("fragments");
    assert!(w.lock.on_packet(&packets[0]).is_none());

    w.lock.on_disconnect();
    assert!(!w.lock.has_session());
    w.lock.on_connect(MTU);
    let answer = w.lock.on_packet(&packets[1]).expect("error");
    assert_eq!(error_code(&answer), ResultCode::FrameIncomplete);

    let cipher = phone.session.as_mut().expect("phone still thinks it has one");
    let frame = cipher.seal(&SessionRequest::Status.encode()).expect("seal");
    assert_eq!(error_code(&exchange_raw(&mut w.lock, &frame)), ResultCode::NoSession);
}

#[test]
fn tampered_session_frame_ends_the_session() {
    let mut w = World::new();
    let mut phone = w.owner();
    assert_eq!(phone.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let cipher = phone.session.as_mut().expect("session");
    let mut frame = cipher.seal(&SessionRequest::Status.encode()).expect("seal");
    let last = frame.len() - 1;
    frame[last] ^= 1;
    assert_eq!(error_code(&exchange_raw(&mut w.lock, &frame)), ResultCode::BadRequest);
    assert!(!w.lock.has_session());
}

#[test]
fn get_challenge_answers_the_current_challenge() {
    let mut w = World::new();
    let ad = w.lock.advertisement();
    let Frame::Challenge(info) = exchange(&mut w.lock, &Frame::GetChallenge.encode()) else {
        panic!("expected CHALLENGE");
    };
    assert_eq!(info.challenge, ad.challenge);
    assert_eq!(info.epoch, 1);
    assert_eq!(info.lock_id, w.lock_id());
}

#[test]
fn lock_to_phone_frames_sent_to_the_lock_are_bad_requests() {
    let mut w = World::new();
    let frame = Frame::Error(ResultCode::Ok).encode();
    assert_eq!(error_code(&exchange_raw(&mut w.lock, &frame)), ResultCode::BadRequest);
    assert_eq!(
        error_code(&w.lock.on_packet(&[]).expect("error")),
        ResultCode::BadRequest
    );
}

/// A small deterministic generator, so a failure reproduces.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u8
    }
}

#[test]
fn random_packets_never_panic_and_never_move_the_bolt() {
    let mut w = World::new();
    let mut owner = w.owner();
    assert_eq!(owner.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let mut rng = Lcg(7);
    for _ in 0..5_000 {
        let len = usize::from(rng.next() % 24);
        let mut packet: Vec<u8> = (0..len).map(|_| rng.next()).collect();
        // Mostly single-packet frames, so the bytes reach the decoders.
        if let Some(header) = packet.first_mut() {
            if rng.next() % 4 != 0 {
                *header = 0xc0;
            }
        }
        if let Some(answer) = w.lock.on_packet(&packet) {
            assert!(Frame::decode(&answer).is_ok(), "the lock's answers always decode");
        }
        let _ = w.lock.on_tick();
    }
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn fast_frame_with_any_byte_flipped_is_refused() {
    let mut w = World::new();
    let mut phone = w.owner();
    assert_eq!(phone.auth(&mut w.lock, Command::Lock).code(), ResultCode::Ok);
    let moves = w.lock.actuation_count();
    let (req, ctx) = phone.build_fast(&mut w.lock, 1, Command::Unlock, CommandId([2; 8]));
    let frame = req.encode();
    for i in 0..frame.len() {
        let mut bytes = frame.clone();
        bytes[i] ^= 0x01;
        match Frame::decode(&exchange_raw(&mut w.lock, &bytes)).expect("answer") {
            Frame::FastResult(r) => assert!(!r.code.is_ok(), "byte {i}: {:?}", r.code),
            Frame::Error(code) => assert!(!code.is_ok(), "byte {i}"),
            other => panic!("byte {i}: unexpected {other:?}"),
        }
        assert_eq!(w.lock.actuation_count(), moves, "byte {i} moved the bolt");
    }
    // None of it burned the challenge: the genuine request still works.
    assert_eq!(phone.send_fast(&mut w.lock, &req, &ctx).code, ResultCode::Ok);
}
