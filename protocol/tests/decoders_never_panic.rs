//! Every decoder takes any bytes a radio, a store or an attacker can hand
//! it and answers `Ok` or `Err`, never a panic. And decoding is canonical:
//! whatever decodes re-encodes to exactly the bytes it came from, so no two
//! byte strings mean the same message (which is what lets signatures and
//! MACs be checked over re-encoded bodies).

mod common;

use common::mutation::{mutation, random_bytes};
use common::*;
use latchkey_protocol::framing::{self, Reassembler};
use latchkey_protocol::{
    Advertisement, AuthResult, CertRef, Challenge, ChallengeInfo, ClaimReceipt, Command, CommandId, DigitalKey,
    EventBatch, FastKey, FastRequest, FastResult, FirmwareManifest, FirmwareVersion, Frame, KeyId, LockEvent, LockId,
    ResultCode, RevocationList, SessionCipher, SessionRequest, SessionResponse, SessionSecrets, SetupRequest,
    SetupResponse, TimeToken,
};
use proptest::prelude::*;
use proptest::sample::Index;
use std::sync::OnceLock;

const CASES: u32 = 512;

/// Decodes `bytes`; if that succeeds, the message must encode back to them.
fn assert_canonical<T: std::fmt::Debug>(
    bytes: &[u8],
    decode: impl Fn(&[u8]) -> latchkey_protocol::Result<T>,
    encode: impl Fn(&T) -> Vec<u8>,
) -> Result<(), TestCaseError> {
    if let Ok(message) = decode(bytes) {
        prop_assert_eq!(encode(&message), bytes.to_vec(), "{:?} is not canonical", message);
    }
    Ok(())
}

fn valid_frames() -> &'static [Vec<u8>] {
    static FRAMES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FRAMES.get_or_init(|| {
        let auth = signed_auth();
        let (hash_auth, _) = auth_request(CertRef::Hash(cert().hash()), Command::Lock, CommandId([2; 8]));
        let (scheduled_auth, _) = auth_request(
            CertRef::Full(scheduled_cert().clone()),
            Command::Unlatch,
            CommandId([3; 8]),
        );
        let p = parties();
        let keyless = AuthResult::unsigned(ResultCode::KeyRevoked, true, Challenge([1; 8]), status(), None)
            .sign(&p.lock_key, &p.lock_id, &auth.request_bytes)
            .unwrap();
        let fast = FastRequest::build(
            &FastKey([5; 32]),
            &ctx(),
            KeyId([6; 8]),
            77,
            Command::Unlock,
            CommandId([8; 8]),
        );
        let fast_result = FastResult::build(
            Some(&FastKey([5; 32])),
            &fast.mac,
            ResultCode::Ok,
            false,
            status().compact(),
            MON_2024_01_01,
        );
        vec![
            auth.request_bytes.clone(),
            hash_auth.encode(),
            scheduled_auth.encode(),
            auth.result_bytes.clone(),
            keyless.encode(),
            fast.encode(),
            fast_result.encode(),
            sealed_frames()[0].clone(),
            Frame::GetChallenge.encode(),
            Frame::Challenge(ChallengeInfo {
                challenge: Challenge([4; 8]),
                epoch: 3,
                lock_id: p.lock_id,
            })
            .encode(),
            Frame::ClaimHello(claim_hello()).encode(),
            Frame::ClaimOffer(claim_offer(true)).encode(),
            Frame::ClaimOffer(claim_offer(false)).encode(),
            Frame::ClaimProof([9; 16]).encode(),
            Frame::ClaimAccepted {
                code: ResultCode::SetupCodeWrong,
                mac: [0; 16],
            }
            .encode(),
            Frame::Error(ResultCode::FrameIncomplete).encode(),
        ]
    })
}

fn valid_certificates() -> Vec<Vec<u8>> {
    vec![cert().encode(), scheduled_cert().encode()]
}

fn valid_advertisements() -> Vec<Vec<u8>> {
    vec![Advertisement {
        short_lock_id: [1, 2, 3, 4],
        epoch: 9,
        challenge: Challenge([7; 8]),
        flags: 0x0f,
        revocation_seq_low: 200,
    }
    .encode()]
}

fn valid_revocation_lists() -> &'static [Vec<u8>] {
    static LISTS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    LISTS.get_or_init(|| vec![signed_revocations().encode(), revocation_list(0).encode()])
}

fn valid_time_tokens() -> Vec<Vec<u8>> {
    vec![signed_time_token().encode()]
}

fn valid_events() -> Vec<Vec<u8>> {
    (1..=21).map(|seq| event(seq).encode().to_vec()).collect()
}

fn valid_batches() -> &'static [Vec<u8>] {
    static BATCHES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    BATCHES.get_or_init(|| vec![signed_batch().encode(), batch(1, 1, 1, 1).encode()])
}

fn valid_session_requests() -> Vec<Vec<u8>> {
    [
        SessionRequest::Status,
        SessionRequest::FetchEvents { after_seq: 4, max: 32 },
        SessionRequest::PushRevocations(signed_revocations().clone()),
        SessionRequest::SetTime(signed_time_token().clone()),
        SessionRequest::Outcome(CommandId([1; 8])),
        SessionRequest::Actuate {
            command: Command::Lock,
            command_id: CommandId([2; 8]),
        },
        SessionRequest::PushPins(signed_pins().clone()),
        SessionRequest::Info,
        SessionRequest::FirmwareBegin(manifest().clone()),
        SessionRequest::FirmwareChunk {
            offset: 896,
            data: vec![7; 100],
        },
        SessionRequest::FirmwareInstall,
    ]
    .iter()
    .map(SessionRequest::encode)
    .collect()
}

fn valid_setup_requests() -> Vec<Vec<u8>> {
    let mut without_secret = configure();
    without_secret.pin_secret = None;
    without_secret.groups.clear();
    [
        SetupRequest::Configure(configure()),
        SetupRequest::Configure(without_secret),
        SetupRequest::Calibrate,
        SetupRequest::PushRevocations(signed_revocations().clone()),
        SetupRequest::PushPins(signed_pins().clone()),
        SetupRequest::Finish,
    ]
    .iter()
    .map(SetupRequest::encode)
    .collect()
}

fn valid_setup_responses() -> Vec<Vec<u8>> {
    [
        SetupResponse::Configured(ResultCode::Ok, MON_2024_01_01),
        SetupResponse::Calibrated(ResultCode::Jammed, 0),
        SetupResponse::Revocations(ResultCode::RevocationListInvalid, 0),
        SetupResponse::Pins(ResultCode::Ok, 4),
        SetupResponse::Finished(ResultCode::Ok, Some(receipt().clone())),
        SetupResponse::Finished(ResultCode::SetupIncomplete, None),
    ]
    .iter()
    .map(SetupResponse::encode)
    .collect()
}

fn valid_session_responses() -> Vec<Vec<u8>> {
    [
        SessionResponse::Status(ResultCode::Ok, Some(status())),
        SessionResponse::Status(ResultCode::NoSession, None),
        SessionResponse::Events(ResultCode::Ok, Some(signed_batch().clone())),
        SessionResponse::Revocations(ResultCode::Ok, Some(42)),
        SessionResponse::Time(ResultCode::TimeTokenRejected, None),
        SessionResponse::Outcome(ResultCode::Ok, Some((Command::Unlock, ResultCode::Jammed))),
        SessionResponse::Outcome(ResultCode::OutcomeUnknown, None),
        SessionResponse::Actuated(ResultCode::DoorAjar, status()),
        SessionResponse::Pins(ResultCode::PinListOutdated, 12),
        SessionResponse::Info(ResultCode::Ok, Some(lock_info())),
        SessionResponse::Info(ResultCode::KeyExpired, None),
        SessionResponse::FirmwareBegun(ResultCode::Ok, 1792, 5000),
        SessionResponse::FirmwareChunk(ResultCode::FirmwareOffset, 896, 5000),
        SessionResponse::FirmwareInstalled(ResultCode::FirmwareInvalid, FirmwareVersion::new(1, 0, 0)),
    ]
    .iter()
    .map(SessionResponse::encode)
    .collect()
}

fn secrets() -> SessionSecrets {
    SessionSecrets {
        phone_to_lock: [0x01; 16],
        lock_to_phone: [0x02; 16],
    }
}

/// First frames a phone sends in a session (each with counter 0).
fn sealed_frames() -> &'static [Vec<u8>] {
    static SEALED: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEALED.get_or_init(|| {
        valid_session_requests()
            .iter()
            .map(|plain| SessionCipher::phone(&secrets()).unwrap().seal(plain).unwrap())
            .collect()
    })
}

macro_rules! decoder_never_panics {
    ($module:ident, $samples:expr, $decode:expr, $encode:expr) => {
        mod $module {
            use super::*;

            proptest! {
                #![proptest_config(ProptestConfig::with_cases(CASES))]

                #[test]
                fn on_random_bytes(bytes in random_bytes()) {
                    assert_canonical(&bytes, $decode, $encode)?;
                }

                #[test]
                fn on_single_byte_mutations_of_valid_encodings(sample in any::<Index>(), m in mutation()) {
                    let samples = $samples;
                    let valid: &Vec<u8> = sample.get(&samples[..]);
                    let bytes = m.apply(valid);
                    assert_canonical(&bytes, $decode, $encode)?;
                }
            }
        }
    };
}

decoder_never_panics!(frame, valid_frames(), Frame::decode, Frame::encode);
decoder_never_panics!(
    certificate,
    valid_certificates(),
    DigitalKey::decode,
    DigitalKey::encode
);
decoder_never_panics!(
    advertisement,
    valid_advertisements(),
    Advertisement::decode,
    Advertisement::encode
);
decoder_never_panics!(
    revocation_list,
    valid_revocation_lists(),
    RevocationList::decode,
    RevocationList::encode
);
decoder_never_panics!(time_token, valid_time_tokens(), TimeToken::decode, TimeToken::encode);
decoder_never_panics!(lock_event, valid_events(), LockEvent::decode, |e: &LockEvent| e
    .encode()
    .to_vec());
decoder_never_panics!(event_batch, valid_batches(), EventBatch::decode, EventBatch::encode);
decoder_never_panics!(
    session_request,
    valid_session_requests(),
    SessionRequest::decode,
    SessionRequest::encode
);
decoder_never_panics!(
    session_response,
    valid_session_responses(),
    SessionResponse::decode,
    SessionResponse::encode
);
decoder_never_panics!(
    setup_request,
    valid_setup_requests(),
    SetupRequest::decode,
    SetupRequest::encode
);
decoder_never_panics!(
    setup_response,
    valid_setup_responses(),
    SetupResponse::decode,
    SetupResponse::encode
);
decoder_never_panics!(
    firmware_manifest,
    [manifest().encode()],
    FirmwareManifest::decode,
    FirmwareManifest::encode
);
decoder_never_panics!(
    claim_receipt,
    [receipt().encode()],
    ClaimReceipt::decode,
    ClaimReceipt::encode
);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn session_open_never_panics_on_random_bytes(bytes in random_bytes(), counter_ok in any::<bool>()) {
        let mut bytes = bytes;
        if counter_ok && bytes.len() >= 5 {
            // Get past the type and counter checks to reach the AEAD.
            bytes[..5].copy_from_slice(&[0x05, 0, 0, 0, 0]);
        }
        let mut lock = SessionCipher::lock(&secrets()).unwrap();
        let _ = lock.open(&bytes);
    }

    #[test]
    fn session_open_never_panics_on_mutated_sealed_frames(sample in any::<Index>(), m in mutation()) {
        let mut lock = SessionCipher::lock(&secrets()).unwrap();
        let valid: &Vec<u8> = sample.get(sealed_frames());
        let _ = lock.open(&m.apply(valid));
    }

    #[test]
    fn reassembler_never_panics_on_random_packet_sequences(
        packets in proptest::collection::vec(
            (proptest::collection::vec(any::<u8>(), 0..40), 0..2_500u64, any::<bool>()),
            0..120,
        ),
        limit in prop_oneof![Just(framing::MAX_FRAME), 0..64usize],
    ) {
        let mut reassembler = Reassembler::new(limit, framing::REASSEMBLY_TIMEOUT_MS);
        let mut now = 0u64;
        for (packet, delay, check) in packets {
            now += delay;
            if check {
                let _ = reassembler.check_timeout(now);
            }
            if let Ok(Some(frame)) = reassembler.push(&packet, now) {
                prop_assert!(frame.len() <= limit);
            }
        }
    }

    #[test]
    fn reassembler_never_panics_on_mutated_valid_packet_sequences(
        frame in proptest::collection::vec(any::<u8>(), 0..=framing::MAX_FRAME),
        mtu in prop_oneof![Just(23u16), Just(185), Just(247), 0..600u16],
        target in any::<Index>(),
        m in mutation(),
        drop in any::<Option<Index>>(),
    ) {
        let mut packets = framing::fragment(&frame, mtu).unwrap();
        let i = target.index(packets.len());
        packets[i] = m.apply(&packets[i]);
        if let Some(d) = drop {
            let d = d.index(packets.len());
            packets.remove(d);
        }
        let mut reassembler = Reassembler::default();
        for (n, packet) in packets.iter().enumerate() {
            if let Ok(Some(out)) = reassembler.push(packet, n as u64 * 7) {
                prop_assert!(out.len() <= framing::MAX_FRAME);
            }
        }
    }

    #[test]
    fn any_frame_up_to_the_limit_survives_fragmentation_at_any_mtu(
        frame in proptest::collection::vec(any::<u8>(), 0..=framing::MAX_FRAME),
        mtu in 0..600u16,
    ) {
        let packets = framing::fragment(&frame, mtu).unwrap();
        prop_assert_eq!(packets.len(), framing::packet_count(frame.len(), mtu));
        let mut reassembler = Reassembler::default();
        let mut out = None;
        for packet in &packets {
            prop_assert!(packet.len() <= usize::from(mtu.max(framing::MIN_MTU)) - 3);
            prop_assert!(out.is_none(), "a frame came out before its last packet");
            out = reassembler.push(packet, 0).unwrap();
        }
        prop_assert_eq!(out, Some(frame));
    }
}

#[test]
fn every_valid_sample_decodes() {
    // The mutation properties above start from valid encodings: make sure
    // they are.
    for f in valid_frames() {
        Frame::decode(f).unwrap();
    }
    for c in valid_certificates() {
        DigitalKey::decode(&c).unwrap();
    }
    for l in valid_revocation_lists() {
        RevocationList::decode(l).unwrap();
    }
    for b in valid_batches() {
        EventBatch::decode(b).unwrap();
    }
    for r in valid_session_requests() {
        SessionRequest::decode(&r).unwrap();
    }
    for r in valid_session_responses() {
        SessionResponse::decode(&r).unwrap();
    }
    for r in valid_setup_requests() {
        SetupRequest::decode(&r).unwrap();
    }
    for r in valid_setup_responses() {
        SetupResponse::decode(&r).unwrap();
    }
    FirmwareManifest::decode(&manifest().encode()).unwrap();
    ClaimReceipt::decode(&receipt().encode()).unwrap();
    for s in sealed_frames() {
        let plain = SessionCipher::lock(&secrets()).unwrap().open(s).unwrap();
        SessionRequest::decode(&plain).unwrap();
    }
    Advertisement::decode(&valid_advertisements()[0]).unwrap();
    TimeToken::decode(&valid_time_tokens()[0]).unwrap();
    let _ = LockId::default();
}
