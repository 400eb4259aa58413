//! Every message encodes and decodes back to itself, at the size the
//! protocol document promises, and rejects a trailing byte.

mod common;

use common::*;
use latchkey_protocol::{
    framing, Advertisement, AuthResult, BoltState, CertRef, Challenge, ChallengeInfo, Command, CommandId,
    CompactStatus, DigitalKey, DoorState, EphemeralKey, EventBatch, EventKind, FastKey, FastRequest, FastResult,
    Faults, Frame, KeyGrant, KeyId, LockEvent, LockId, LockStatus, ProtocolError, ResultCode, RevocationList, Role,
    Schedule, SessionRequest, SessionResponse, TimeToken,
};

const ROLES: [Role; 5] = [Role::Owner, Role::Admin, Role::Resident, Role::Guest, Role::Service];
const COMMANDS: [Command; 4] = [Command::Unlock, Command::Lock, Command::Unlatch, Command::Status];

/// Appending one byte must be refused, so that no two byte strings decode
/// to the same message.
fn assert_rejects_trailing_byte<T: std::fmt::Debug>(bytes: &[u8], decode: impl Fn(&[u8]) -> Result<T, ProtocolError>) {
    let mut longer = bytes.to_vec();
    longer.push(0);
    match decode(&longer) {
        Err(ProtocolError::TrailingBytes { extra: 1, .. }) => {}
        other => panic!("a trailing byte must be refused, got {other:?}"),
    }
}

#[test]
fn certificate_is_170_bytes_without_schedule_and_174_with_one_for_every_role_and_flag() {
    let issuer = &parties().issuer;
    for role in ROLES {
        for schedule in [None, Some(Schedule::new(0b100_0001, 22 * 60, 6 * 60).unwrap())] {
            for lock_group in [false, true] {
                for offline_allowed in [false, true] {
                    let grant = KeyGrant {
                        role,
                        schedule,
                        lock_group,
                        offline_allowed,
                        ..grant()
                    };
                    let cert = DigitalKey::issue(grant.clone(), issuer).unwrap();
                    let bytes = cert.encode();
                    let expected_len = if schedule.is_some() { 174 } else { 170 };
                    assert_eq!(bytes.len(), expected_len, "{role:?} schedule={schedule:?}");
                    assert!(bytes.len() <= DigitalKey::MAX_LEN);
                    let decoded = DigitalKey::decode(&bytes).unwrap();
                    assert_eq!(decoded, cert);
                    assert_eq!(decoded.grant, grant);
                    assert_eq!(decoded.hash(), cert.hash());
                    decoded.verify(&issuer.public_key()).unwrap();
                    assert_rejects_trailing_byte(&bytes, DigitalKey::decode);
                }
            }
        }
    }
}

#[test]
fn role_names_round_trip() {
    for role in ROLES {
        assert_eq!(Role::from_name(role.name()), Some(role));
    }
    assert_eq!(Role::from_name("landlord"), None);
}

#[test]
fn advertisement_round_trips_in_19_bytes() {
    let ad = Advertisement {
        short_lock_id: parties().lock_id.short(),
        epoch: 0x0102_0304,
        challenge: Challenge([1, 2, 3, 4, 5, 6, 7, 8]),
        flags: Advertisement::EVENTS_PENDING | Advertisement::NEEDS_TIME,
        revocation_seq_low: 0xfe,
    };
    let bytes = ad.encode();
    assert_eq!(bytes.len(), 19);
    assert_eq!(bytes.len(), Advertisement::LEN);
    let decoded = Advertisement::decode(&bytes).unwrap();
    assert_eq!(decoded, ad);
    assert!(decoded.has(Advertisement::EVENTS_PENDING));
    assert!(decoded.has(Advertisement::NEEDS_TIME));
    assert!(!decoded.has(Advertisement::BATTERY_LOW));
    assert!(!decoded.has(Advertisement::FAULT));
    assert_rejects_trailing_byte(&bytes, Advertisement::decode);
}

#[test]
fn auth_request_round_trips_with_full_certificate_and_with_hash_for_every_command() {
    for command in COMMANDS {
        for (cert, expected_len) in [
            (CertRef::Full(cert().clone()), 318),
            (CertRef::Full(scheduled_cert().clone()), 322),
            (CertRef::Hash(cert().hash()), 163),
        ] {
            let (request, _) = auth_request(cert, command, CommandId([command as u8; 8]));
            let bytes = request.encode();
            assert_eq!(bytes.len(), expected_len, "{command:?} {:?}", request.cert);
            assert_eq!(Frame::decode(&bytes).unwrap(), Frame::Auth(request.clone()));
            assert_rejects_trailing_byte(&bytes, Frame::decode);
        }
    }
}

#[test]
fn auth_result_round_trips_with_and_without_ephemeral_key_and_replayed_bit() {
    let p = parties();
    let request = &signed_auth().request_bytes;
    for ephemeral in [None, Some(EphemeralKey::generate().unwrap().public_key())] {
        for replayed in [false, true] {
            for code in [ResultCode::Ok, ResultCode::Jammed, ResultCode::FrameIncomplete] {
                let result = AuthResult::unsigned(code, replayed, Challenge([0x5c; 8]), status(), ephemeral)
                    .sign(&p.lock_key, &p.lock_id, request)
                    .unwrap();
                let bytes = result.encode();
                assert_eq!(bytes.len(), if ephemeral.is_some() { 161 } else { 97 });
                let Frame::AuthResult(decoded) = Frame::decode(&bytes).unwrap() else {
                    panic!("not an AUTH_RESULT");
                };
                assert_eq!(decoded, result);
                assert_eq!(decoded.replayed, replayed);
                decoded.verify(&p.lock_key.public_key(), &p.lock_id, request).unwrap();
                assert_rejects_trailing_byte(&bytes, Frame::decode);
            }
        }
    }
}

#[test]
fn fast_request_is_38_bytes_and_round_trips_for_every_command() {
    let key = FastKey([7; 32]);
    for command in COMMANDS {
        let request = FastRequest::build(&key, &ctx(), KeyId([3; 8]), 0xfedc_ba98, command, CommandId([4; 8]));
        let bytes = request.encode();
        assert_eq!(bytes.len(), 38);
        assert_eq!(bytes.len(), FastRequest::LEN);
        assert_eq!(Frame::decode(&bytes).unwrap(), Frame::Fast(request));
        assert_rejects_trailing_byte(&bytes, Frame::decode);
    }
}

#[test]
fn fast_result_is_25_bytes_and_round_trips_every_compact_status() {
    let key = FastKey([7; 32]);
    let bolts = [
        BoltState::Unknown,
        BoltState::Locked,
        BoltState::Unlocked,
        BoltState::Jammed,
        BoltState::PartiallyThrown,
    ];
    let doors = [DoorState::Unknown, DoorState::Closed, DoorState::Open];
    for bolt in bolts {
        for door in doors {
            for replayed in [false, true] {
                let status = CompactStatus {
                    bolt,
                    door,
                    battery_percent: 100,
                    faults: Faults(0xff),
                };
                let result = FastResult::build(Some(&key), &[1; 16], ResultCode::Ok, replayed, status, 0xdead_beef);
                let bytes = result.encode();
                assert_eq!(bytes.len(), 25);
                assert_eq!(bytes.len(), FastResult::LEN);
                assert_eq!(Frame::decode(&bytes).unwrap(), Frame::FastResult(result));
                assert_rejects_trailing_byte(&bytes, Frame::decode);
            }
        }
    }
}

#[test]
fn fast_result_carries_the_compact_form_of_the_full_status() {
    let full = status();
    let compact = full.compact();
    assert_eq!(compact.bolt, full.bolt);
    assert_eq!(compact.door, full.door);
    assert_eq!(compact.battery_percent, full.battery_percent);
    assert_eq!(compact.faults, full.faults);
}

#[test]
fn lock_status_is_22_bytes_on_the_wire() {
    assert_eq!(LockStatus::LEN, 22);
    // op + code + status.
    assert_eq!(
        SessionResponse::Status(ResultCode::Ok, Some(status())).encode().len(),
        2 + 22
    );
}

fn session_requests() -> Vec<SessionRequest> {
    let mut all = vec![
        SessionRequest::Status,
        SessionRequest::FetchEvents {
            after_seq: 0x0102_0304,
            max: 32,
        },
        SessionRequest::FetchEvents { after_seq: 0, max: 0 },
        SessionRequest::PushRevocations(signed_revocations().clone()),
        SessionRequest::PushRevocations(revocation_list(0)),
        SessionRequest::SetTime(signed_time_token().clone()),
        SessionRequest::Outcome(CommandId([0xee; 8])),
        SessionRequest::PushPins(signed_pins().clone()),
        SessionRequest::PushPins(pin_list(0, false)),
    ];
    for command in COMMANDS {
        all.push(SessionRequest::Actuate {
            command,
            command_id: CommandId([command as u8; 8]),
        });
    }
    all
}

#[test]
fn every_session_request_round_trips() {
    for request in session_requests() {
        let bytes = request.encode();
        assert_eq!(SessionRequest::decode(&bytes).unwrap(), request);
        assert_rejects_trailing_byte(&bytes, SessionRequest::decode);
    }
    assert_eq!(SessionRequest::Status.encode(), [1]);
    assert_eq!(SessionRequest::Outcome(CommandId([0; 8])).encode().len(), 9);
}

fn session_responses() -> Vec<SessionResponse> {
    let mut all = vec![
        SessionResponse::Status(ResultCode::Ok, Some(status())),
        SessionResponse::Status(ResultCode::NoSession, None),
        SessionResponse::Events(ResultCode::Ok, Some(signed_batch().clone())),
        SessionResponse::Events(ResultCode::BadRequest, None),
        SessionResponse::Revocations(ResultCode::Ok, Some(42)),
        SessionResponse::Revocations(ResultCode::RevocationListOutdated, None),
        SessionResponse::Revocations(ResultCode::RevocationListInvalid, None),
        SessionResponse::Time(ResultCode::Ok, Some(MON_2024_01_01)),
        SessionResponse::Time(ResultCode::TimeTokenRejected, None),
        SessionResponse::Outcome(ResultCode::OutcomeUnknown, None),
        SessionResponse::Actuated(ResultCode::Jammed, status()),
        SessionResponse::Actuated(ResultCode::DoorAjar, status()),
        SessionResponse::Pins(ResultCode::Ok, 7),
        SessionResponse::Pins(ResultCode::PinListOutdated, 9),
        SessionResponse::Pins(ResultCode::PinListInvalid, 0),
    ];
    for command in COMMANDS {
        for result in [ResultCode::Ok, ResultCode::KeyExpired, ResultCode::BoltNotThrown] {
            all.push(SessionResponse::Outcome(ResultCode::Ok, Some((command, result))));
        }
        all.push(SessionResponse::Actuated(ResultCode::Ok, status()));
    }
    all
}

#[test]
fn every_session_response_round_trips() {
    for response in session_responses() {
        let bytes = response.encode();
        let decoded = SessionResponse::decode(&bytes).unwrap();
        assert_eq!(decoded, response);
        assert_eq!(decoded.code(), response.code());
        assert_rejects_trailing_byte(&bytes, SessionResponse::decode);
    }
}

#[test]
fn revocation_list_round_trips_with_0_1_and_96_entries() {
    let issuer = parties().issuer.public_key();
    for n in [0, 1, 96] {
        let list = revocation_list(n);
        let bytes = list.encode();
        assert_eq!(bytes.len(), 32 + 8 * n + 64);
        let decoded = RevocationList::decode(&bytes).unwrap();
        assert_eq!(decoded, list);
        decoded.verify_for(&issuer, &parties().lock_id, &[]).unwrap();
        assert_rejects_trailing_byte(&bytes, RevocationList::decode);
    }
    // The largest list still fits one 1 KiB frame inside a session frame:
    // type + counter + op + list + tag.
    assert!(1 + 4 + 1 + revocation_list(96).encode().len() + 16 <= framing::MAX_FRAME);
}

#[test]
fn revocation_list_with_97_entries_is_refused_when_issued_and_when_decoded() {
    let p = parties();
    let too_many: Vec<KeyId> = (0..97u64).map(|i| KeyId(i.to_be_bytes())).collect();
    assert!(matches!(
        RevocationList::issue(&p.issuer, p.lock_id, false, 1, 0, too_many),
        Err(ProtocolError::InvalidField { field: "revoked", .. })
    ));

    // Hand-build a 97-entry encoding from a 96-entry one: bump the count
    // (offset 30, u16) and add one more key id before the signature.
    let mut bytes = revocation_list(96).encode();
    assert_eq!(&bytes[30..32], &96u16.to_be_bytes());
    bytes[30..32].copy_from_slice(&97u16.to_be_bytes());
    let sig_at = bytes.len() - 64;
    bytes.splice(sig_at..sig_at, [0xab; 8]);
    assert!(matches!(
        RevocationList::decode(&bytes),
        Err(ProtocolError::InvalidField { field: "count", .. })
    ));
}

#[test]
fn time_token_is_101_bytes_and_round_trips_bound_and_unbound() {
    let p = parties();
    for nonce in [Challenge::default(), Challenge([0x42; 8])] {
        for offset in [-720i16, 0, 345] {
            let token = TimeToken::issue(&p.issuer, p.lock_id, MON_2024_01_01, 120, offset, nonce).unwrap();
            let bytes = token.encode();
            assert_eq!(bytes.len(), 101);
            assert_eq!(bytes.len(), TimeToken::LEN);
            assert_eq!(TimeToken::decode(&bytes).unwrap(), token);
            assert_rejects_trailing_byte(&bytes, TimeToken::decode);
        }
    }
}

#[test]
fn lock_event_is_20_bytes_and_round_trips_every_kind() {
    for kind_byte in 1..=21u8 {
        let kind = EventKind::from_u8(kind_byte).unwrap();
        assert_eq!(kind as u8, kind_byte);
        let event = LockEvent {
            seq: 0xffff_fffe,
            time: 0x8000_0001,
            kind,
            key_id: KeyId([kind_byte; 8]),
            result: ResultCode::KeyRevoked as u8,
            detail: 0xbeef,
        };
        let bytes = event.encode();
        assert_eq!(bytes.len(), LockEvent::LEN);
        assert_eq!(bytes.len(), 20);
        assert_eq!(LockEvent::decode(&bytes).unwrap(), event);
        assert_rejects_trailing_byte(&bytes, LockEvent::decode);
    }
    assert_eq!(EventKind::from_u8(0), None);
    assert_eq!(EventKind::from_u8(22), None);
}

#[test]
fn event_batch_round_trips_empty_partial_and_full() {
    let p = parties();
    for (first, last, oldest, head) in [(1, 0, 0, 0), (5, 9, 1, 12), (100, 131, 90, 140)] {
        let b = if first > last {
            EventBatch::sign(&p.lock_key, p.lock_id, 3, oldest, head, chain_through(0), vec![]).unwrap()
        } else {
            batch(first, last, oldest, head)
        };
        let bytes = b.encode();
        assert_eq!(bytes.len(), 62 + 20 * b.events.len() + 64);
        let decoded = EventBatch::decode(&bytes).unwrap();
        assert_eq!(decoded, b);
        decoded.verify(&p.lock_key.public_key()).unwrap();
        assert_rejects_trailing_byte(&bytes, EventBatch::decode);
    }
    // The largest batch fits one 1 KiB frame inside a session response.
    let full = batch(1, 32, 1, 32).encode();
    assert!(1 + 4 + 2 + full.len() + 16 <= framing::MAX_FRAME);
}

#[test]
fn event_batch_of_33_events_is_refused() {
    let p = parties();
    let err = EventBatch::sign(&p.lock_key, p.lock_id, 3, 1, 33, chain_through(0), log(33)).unwrap_err();
    assert!(matches!(err, ProtocolError::InvalidField { field: "events", .. }));
}

#[test]
fn get_challenge_challenge_and_error_frames_round_trip() {
    assert_eq!(Frame::GetChallenge.encode(), [0x06]);
    assert_eq!(Frame::decode(&[0x06]).unwrap(), Frame::GetChallenge);
    assert_rejects_trailing_byte(&[0x06], Frame::decode);

    let info = ChallengeInfo {
        challenge: Challenge([9; 8]),
        epoch: 0xa0b0_c0d0,
        lock_id: LockId([0x5a; 16]),
    };
    let bytes = Frame::Challenge(info).encode();
    assert_eq!(bytes.len(), 1 + 8 + 4 + 16);
    assert_eq!(Frame::decode(&bytes).unwrap(), Frame::Challenge(info));
    assert_rejects_trailing_byte(&bytes, Frame::decode);

    for code in ResultCode::ALL {
        let bytes = Frame::Error(code).encode();
        assert_eq!(bytes, [0x08, code as u8]);
        assert_eq!(Frame::decode(&bytes).unwrap(), Frame::Error(code));
        assert_rejects_trailing_byte(&bytes, Frame::decode);
    }
}

#[test]
fn session_frame_bytes_pass_through_frame_decode_untouched() {
    let bytes = vec![0x05, 0, 0, 0, 0, 1, 2, 3];
    assert_eq!(Frame::decode(&bytes).unwrap(), Frame::Session(bytes.clone()));
    assert_eq!(Frame::Session(bytes.clone()).encode(), bytes);
}

#[test]
fn empty_and_unknown_frames_are_refused_with_a_reason() {
    assert!(matches!(Frame::decode(&[]), Err(ProtocolError::Truncated { .. })));
    for kind in [0x00, 0x0d, 0x7f, 0xff] {
        assert_eq!(Frame::decode(&[kind]), Err(ProtocolError::UnknownMessageType(kind)));
    }
}

#[test]
fn result_code_table_is_stable() {
    // The values are a wire contract: this table must only ever grow.
    let table: [(u8, &str); 42] = [
        (0x00, "ok"),
        (0x01, "bad_request"),
        (0x02, "unknown_issuer"),
        (0x03, "bad_certificate"),
        (0x04, "wrong_lock"),
        (0x05, "key_expired"),
        (0x06, "key_not_yet_valid"),
        (0x07, "outside_schedule"),
        (0x08, "key_revoked"),
        (0x09, "bad_holder_signature"),
        (0x0a, "stale_challenge"),
        (0x0b, "counter_replay"),
        (0x0c, "unknown_fast_key"),
        (0x0d, "bad_mac"),
        (0x0e, "revocation_list_outdated"),
        (0x0f, "revocation_list_invalid"),
        (0x10, "time_token_rejected"),
        (0x11, "jammed"),
        (0x12, "bolt_not_thrown"),
        (0x13, "door_ajar"),
        (0x14, "battery_critical"),
        (0x15, "role_not_allowed"),
        (0x16, "clock_untrusted"),
        (0x17, "unknown_command"),
        (0x18, "outcome_unknown"),
        (0x19, "no_session"),
        (0x1a, "frame_too_large"),
        (0x1b, "frame_incomplete"),
        (0x1c, "certificate_not_cached"),
        (0x1d, "pin_list_outdated"),
        (0x1e, "pin_list_invalid"),
        (0x1f, "pin_not_recognized"),
        (0x20, "pin_already_used"),
        (0x21, "keypad_locked_out"),
        (0x22, "lock_busy"),
        (0x23, "lock_unclaimed"),
        (0x24, "already_claimed"),
        (0x25, "setup_code_wrong"),
        (0x26, "setup_incomplete"),
        (0x27, "firmware_invalid"),
        (0x28, "firmware_downgrade"),
        (0x29, "firmware_offset"),
    ];
    assert_eq!(ResultCode::ALL.len(), table.len());
    for (code, (value, name)) in ResultCode::ALL.into_iter().zip(table) {
        assert_eq!(code as u8, value, "{name}");
        assert_eq!(code.name(), name);
        assert_eq!(code.to_string(), name);
        assert_eq!(ResultCode::from_u8(value), Some(code));
        assert_eq!(code.is_ok(), value == 0);
    }
    for unknown in ResultCode::ALL.len() as u8..=0xff {
        assert_eq!(ResultCode::from_u8(unknown), None);
    }
}

#[test]
fn command_and_state_bytes_round_trip() {
    for command in COMMANDS {
        assert_eq!(Command::from_u8(command as u8), Some(command));
        assert_eq!(command.actuates(), command != Command::Status);
    }
    assert_eq!(Command::from_u8(0), None);
    assert_eq!(Command::from_u8(5), None);
    for v in 0..=4 {
        assert_eq!(BoltState::from_u8(v).map(|b| b as u8), Some(v));
    }
    assert_eq!(BoltState::from_u8(5), None);
    for v in 0..=2 {
        assert_eq!(DoorState::from_u8(v).map(|d| d as u8), Some(v));
    }
    assert_eq!(DoorState::from_u8(3), None);
}

#[test]
fn schedule_packs_into_29_bits_and_unpacks_to_itself() {
    for (days, start, end) in [
        (1, 0, 0),
        (0x7f, 1439, 1439),
        (0b001_1111, 480, 1080),
        (0b100_0000, 1320, 360),
    ] {
        let s = Schedule::new(days, start, end).unwrap();
        assert_eq!(s.pack() >> 29, 0);
        assert_eq!(Schedule::unpack(s.pack()).unwrap(), s);
    }
    assert!(Schedule::new(0, 0, 0).is_err(), "no weekday");
    assert!(Schedule::new(0x80, 0, 0).is_err(), "bit 7");
    assert!(Schedule::new(1, 1440, 0).is_err(), "start past midnight");
    assert!(Schedule::new(1, 0, 1440).is_err(), "end past midnight");
    assert!(Schedule::unpack(1 << 29 | Schedule::new(1, 0, 0).unwrap().pack()).is_err());
}

#[test]
fn identifiers_round_trip_through_hex() {
    let id = LockId([0xab; 16]);
    assert_eq!(id.to_hex(), "ab".repeat(16));
    assert_eq!(LockId::from_hex(&id.to_hex().to_uppercase()), Some(id));
    assert_eq!(LockId::from_hex("abc"), None);
    assert_eq!(LockId::from_hex(&"ab".repeat(15)), None);
    assert_eq!(KeyId::from_hex("zz00000000000000"), None);
    assert_eq!(id.short(), [0xab; 4]);
}
