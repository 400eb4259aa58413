//! The radio budget of each exchange, in bytes and in packets at the
//! smallest BLE MTU (23) and a common negotiated one (185). The numbers in
//! docs/protocol.md come from here: run with `--nocapture` to print them.

mod common;

use common::*;
use latchkey_protocol::framing;
use latchkey_protocol::{
    AuthResult, CertRef, Challenge, Command, CommandId, EphemeralKey, FastKey, FastRequest, FastResult, Frame,
    ResultCode, SessionCipher, SessionRequest, SessionResponse, SessionSecrets, SetupRequest, FIRMWARE_CHUNK_MAX,
};

/// (name, frame bytes, packets at MTU 23, packets at MTU 185)
fn budget() -> Vec<(&'static str, usize, usize, usize)> {
    let p = parties();
    let row = |name, len: usize| {
        (
            name,
            len,
            framing::packet_count(len, 23),
            framing::packet_count(len, 185),
        )
    };
    let auth_full = auth_request(CertRef::Full(cert().clone()), Command::Unlock, CommandId([1; 8]))
        .0
        .encode();
    let auth_full_sched = auth_request(
        CertRef::Full(scheduled_cert().clone()),
        Command::Unlock,
        CommandId([1; 8]),
    )
    .0
    .encode();
    let auth_hash = auth_request(CertRef::Hash(cert().hash()), Command::Unlock, CommandId([1; 8]))
        .0
        .encode();
    let auth_ok = AuthResult::unsigned(
        ResultCode::Ok,
        false,
        Challenge([0; 8]),
        status(),
        Some(EphemeralKey::generate().unwrap().public_key()),
    )
    .sign(&p.lock_key, &p.lock_id, &auth_full)
    .unwrap()
    .encode();
    let auth_refused = AuthResult::unsigned(ResultCode::KeyExpired, false, Challenge([0; 8]), status(), None)
        .sign(&p.lock_key, &p.lock_id, &auth_full)
        .unwrap()
        .encode();
    let fast = FastRequest::build(
        &FastKey([0; 32]),
        &ctx(),
        cert().key_id(),
        1,
        Command::Unlock,
        CommandId([1; 8]),
    );
    let fast_result = FastResult::build(
        Some(&FastKey([0; 32])),
        &fast.mac,
        ResultCode::Ok,
        false,
        status().compact(),
        0,
    );
    let mut phone = SessionCipher::phone(&SessionSecrets {
        phone_to_lock: [0; 16],
        lock_to_phone: [1; 16],
    })
    .unwrap();
    let sealed = |plain: Vec<u8>, phone: &mut SessionCipher| phone.seal(&plain).unwrap().len();
    vec![
        row("AUTH, full certificate", auth_full.len()),
        row("AUTH, full certificate with schedule", auth_full_sched.len()),
        row("AUTH, certificate hash", auth_hash.len()),
        row("AUTH_RESULT, ok (with lock key)", auth_ok.len()),
        row("AUTH_RESULT, refused (no key)", auth_refused.len()),
        row("FAST", fast.encode().len()),
        row("FAST_RESULT", fast_result.encode().len()),
        row("GET_CHALLENGE", Frame::GetChallenge.encode().len()),
        row(
            "CHALLENGE",
            Frame::Challenge(latchkey_protocol::ChallengeInfo {
                challenge: Challenge([0; 8]),
                epoch: 0,
                lock_id: p.lock_id,
            })
            .encode()
            .len(),
        ),
        row("ERROR", Frame::Error(ResultCode::BadRequest).encode().len()),
        row(
            "SESSION status request",
            sealed(SessionRequest::Status.encode(), &mut phone),
        ),
        row(
            "SESSION status response",
            sealed(
                SessionResponse::Status(ResultCode::Ok, Some(status())).encode(),
                &mut phone,
            ),
        ),
        row(
            "SESSION fetch events request",
            sealed(
                SessionRequest::FetchEvents { after_seq: 0, max: 32 }.encode(),
                &mut phone,
            ),
        ),
        row(
            "SESSION events response, 32 events",
            sealed(
                SessionResponse::Events(ResultCode::Ok, Some(batch(1, 32, 1, 32))).encode(),
                &mut phone,
            ),
        ),
        row(
            "SESSION push revocations, 96 entries",
            sealed(
                SessionRequest::PushRevocations(revocation_list(96)).encode(),
                &mut phone,
            ),
        ),
        row(
            "SESSION push PINs, 19 scheduled slots",
            sealed(SessionRequest::PushPins(pin_list(19, true)).encode(), &mut phone),
        ),
        row(
            "SESSION PINs response",
            sealed(SessionResponse::Pins(ResultCode::Ok, 7).encode(), &mut phone),
        ),
        row(
            "SESSION set time",
            sealed(
                SessionRequest::SetTime(signed_time_token().clone()).encode(),
                &mut phone,
            ),
        ),
        row("CLAIM_HELLO", Frame::ClaimHello(claim_hello()).encode().len()),
        row(
            "CLAIM_OFFER (unclaimed, with lock key)",
            Frame::ClaimOffer(claim_offer(true)).encode().len(),
        ),
        row(
            "CLAIM_OFFER (claimed)",
            Frame::ClaimOffer(claim_offer(false)).encode().len(),
        ),
        row("CLAIM_PROOF", Frame::ClaimProof([0; 16]).encode().len()),
        row(
            "CLAIM_ACCEPTED",
            Frame::ClaimAccepted {
                code: ResultCode::Ok,
                mac: [0; 16],
            }
            .encode()
            .len(),
        ),
        row(
            "SESSION configure",
            sealed(SetupRequest::Configure(configure()).encode(), &mut phone),
        ),
        row(
            "SESSION firmware chunk",
            sealed(
                SessionRequest::FirmwareChunk {
                    offset: 0,
                    data: vec![0; FIRMWARE_CHUNK_MAX],
                }
                .encode(),
                &mut phone,
            ),
        ),
    ]
}

#[test]
fn exchange_sizes_match_the_documented_budget() {
    let rows = budget();
    println!("| exchange | bytes | packets at MTU 23 | packets at MTU 185 |");
    println!("| --- | --- | --- | --- |");
    for (name, len, p23, p185) in &rows {
        println!("| {name} | {len} | {p23} | {p185} |");
    }
    let expected = [
        ("AUTH, full certificate", 318, 17, 2),
        ("AUTH, full certificate with schedule", 322, 17, 2),
        ("AUTH, certificate hash", 163, 9, 1),
        ("AUTH_RESULT, ok (with lock key)", 161, 9, 1),
        ("AUTH_RESULT, refused (no key)", 97, 6, 1),
        ("FAST", 38, 2, 1),
        ("FAST_RESULT", 25, 2, 1),
        ("GET_CHALLENGE", 1, 1, 1),
        ("CHALLENGE", 29, 2, 1),
        ("ERROR", 2, 1, 1),
        ("SESSION status request", 22, 2, 1),
        ("SESSION status response", 45, 3, 1),
        ("SESSION fetch events request", 27, 2, 1),
        ("SESSION events response, 32 events", 789, 42, 5),
        ("SESSION push revocations, 96 entries", 886, 47, 5),
        ("SESSION push PINs, 19 scheduled slots", 994, 53, 6),
        ("SESSION PINs response", 27, 2, 1),
        ("SESSION set time", 123, 7, 1),
        ("CLAIM_HELLO", 69, 4, 1),
        ("CLAIM_OFFER (unclaimed, with lock key)", 162, 9, 1),
        ("CLAIM_OFFER (claimed)", 98, 6, 1),
        ("CLAIM_PROOF", 17, 1, 1),
        ("CLAIM_ACCEPTED", 18, 1, 1),
        ("SESSION configure", 223, 12, 2),
        ("SESSION firmware chunk", 922, 49, 6),
    ];
    assert_eq!(rows, expected);
    for (name, len, ..) in rows {
        assert!(len <= framing::MAX_FRAME, "{name}");
    }
}

#[test]
fn repeat_unlock_stays_within_64_bytes_each_way() {
    let rows = budget();
    let size = |name| rows.iter().find(|r| r.0 == name).unwrap().1;
    assert!(size("FAST") <= 64);
    assert!(size("FAST_RESULT") <= 64);
}
