//! The lock's life on the wire: the setup label, the claim's keys and
//! proofs (what an eavesdropper and a man in the middle can't do), the
//! setup session's messages, the claim receipt and firmware manifests
//! (every field covered by a signature), round trips and exact sizes.

mod common;

use common::*;
use latchkey_protocol::crypto::sha256;
use latchkey_protocol::{
    ClaimKeys, ClaimReceipt, EphemeralKey, FirmwareManifest, FirmwareVersion, Frame, IssuerId, LockInfo, ResultCode,
    SessionRequest, SessionResponse, SetupCode, SetupRequest, SetupResponse, SetupSecret,
};

fn assert_rejects_trailing_byte<T: std::fmt::Debug>(
    bytes: &[u8],
    decode: impl Fn(&[u8]) -> latchkey_protocol::Result<T>,
) {
    let mut longer = bytes.to_vec();
    longer.push(0);
    assert!(decode(&longer).is_err(), "a trailing byte must be refused");
}

#[test]
fn setup_code_reads_the_label_in_either_case_with_separators() {
    let code = SetupCode {
        lock_id: parties().lock_id,
        secret: SetupSecret([0xab; 16]),
    };
    let text = code.to_text();
    assert_eq!(text.len(), 4 + 32 + 1 + 32);
    assert_eq!(SetupCode::parse(&text), Some(code.clone()));
    let grouped = format!(
        "lk1.{}.abab-abab abab-abab abab abab abab abab",
        "11".repeat(16).to_uppercase()
    );
    assert_eq!(SetupCode::parse(&grouped), Some(code));
    for bad in [
        "",
        "LK2.00.00",
        "LK1.1111.abab",
        &format!("LK1.{}", "11".repeat(16)),
        "LK1.zz.zz",
    ] {
        assert_eq!(SetupCode::parse(bad), None, "{bad:?}");
    }
    assert!(
        !format!("{:?}", SetupSecret([0xab; 16])).contains("ab"),
        "Debug never prints the secret"
    );
}

struct Claim {
    hello: Vec<u8>,
    offer: Vec<u8>,
    phone: [u8; 32],
    lock: [u8; 32],
}

/// One ECDH exchange between a phone and a lock, with the frames as sent.
fn exchange() -> Claim {
    let phone_eph = EphemeralKey::generate().unwrap();
    let lock_eph = EphemeralKey::generate().unwrap();
    let mut hello = claim_hello();
    hello.ephemeral = phone_eph.public_key();
    let mut offer = claim_offer(true);
    offer.ephemeral = Some(lock_eph.public_key());
    let phone = phone_eph.agree(&lock_eph.public_key()).unwrap();
    let lock = lock_eph.agree(&hello.ephemeral).unwrap();
    Claim {
        hello: Frame::ClaimHello(hello).encode(),
        offer: Frame::ClaimOffer(offer).encode(),
        phone,
        lock,
    }
}

#[test]
fn both_sides_derive_the_same_keys_and_accept_each_others_proof() {
    let c = exchange();
    let secret = SetupSecret([7; 16]);
    let id = parties().lock_id;
    let phone = ClaimKeys::derive(&c.phone, &secret, &id, &c.hello, &c.offer).unwrap();
    let lock = ClaimKeys::derive(&c.lock, &secret, &id, &c.hello, &c.offer).unwrap();
    assert_eq!(phone.session, lock.session);
    assert!(lock.phone_proof_ok(&phone.phone_mac()));
    assert!(phone.lock_proof_ok(&lock.lock_mac()));
    assert_ne!(
        phone.phone_mac(),
        phone.lock_mac(),
        "the two proofs are not interchangeable"
    );
    assert_ne!(phone.session.phone_to_lock, phone.session.lock_to_phone);
}

#[test]
fn a_claimant_without_the_setup_secret_can_make_no_proof_the_lock_takes() {
    let c = exchange();
    let id = parties().lock_id;
    let lock = ClaimKeys::derive(&c.lock, &SetupSecret([7; 16]), &id, &c.hello, &c.offer).unwrap();
    let neighbour = ClaimKeys::derive(&c.phone, &SetupSecret([8; 16]), &id, &c.hello, &c.offer).unwrap();
    assert!(!lock.phone_proof_ok(&neighbour.phone_mac()));
    assert_ne!(lock.session, neighbour.session);
}

#[test]
fn an_eavesdropper_holding_the_secret_but_not_the_ecdh_secret_gets_nothing() {
    // The setup secret alone (a copied label) opens nothing of a claim
    // someone else ran: every key also needs the ECDH secret.
    let c = exchange();
    let id = parties().lock_id;
    let secret = SetupSecret([7; 16]);
    let lock = ClaimKeys::derive(&c.lock, &secret, &id, &c.hello, &c.offer).unwrap();
    let guess = ClaimKeys::derive(&[0; 32], &secret, &id, &c.hello, &c.offer).unwrap();
    assert_ne!(guess.session, lock.session);
    assert!(!guess.lock_proof_ok(&lock.lock_mac()));
}

#[test]
fn a_changed_offer_or_hello_breaks_both_proofs() {
    // A man in the middle who rewrites the offer (another identity key, a
    // lower revocation floor) or the hello (another issuer id) changes the
    // transcript: the lock's proof no longer verifies for the phone.
    let c = exchange();
    let id = parties().lock_id;
    let secret = SetupSecret([7; 16]);
    let lock = ClaimKeys::derive(&c.lock, &secret, &id, &c.hello, &c.offer).unwrap();
    for (i, frame) in [(0, &c.hello), (1, &c.offer)] {
        for byte in 1..frame.len() {
            let mut changed = frame.clone();
            changed[byte] ^= 0x01;
            let (hello, offer) = if i == 0 {
                (&changed, &c.offer)
            } else {
                (&c.hello, &changed)
            };
            let phone = ClaimKeys::derive(&c.phone, &secret, &id, hello, offer).unwrap();
            assert!(!phone.lock_proof_ok(&lock.lock_mac()), "frame {i} byte {byte}");
            assert!(!lock.phone_proof_ok(&phone.phone_mac()), "frame {i} byte {byte}");
        }
    }
}

#[test]
fn claim_frames_round_trip_at_their_documented_sizes() {
    for (frame, len) in [
        (Frame::ClaimHello(claim_hello()), 69),
        (Frame::ClaimOffer(claim_offer(true)), 162),
        (Frame::ClaimOffer(claim_offer(false)), 98),
        (Frame::ClaimProof([3; 16]), 17),
        (
            Frame::ClaimAccepted {
                code: ResultCode::Ok,
                mac: [4; 16],
            },
            18,
        ),
    ] {
        let bytes = frame.encode();
        assert_eq!(bytes.len(), len, "{}", frame.name());
        assert_eq!(Frame::decode(&bytes).unwrap(), frame);
        assert_rejects_trailing_byte(&bytes, Frame::decode);
    }
    let mut offer = Frame::ClaimOffer(claim_offer(true)).encode();
    offer[2] = 0x04;
    assert!(Frame::decode(&offer).is_err(), "reserved offer flags");
}

#[test]
fn setup_messages_round_trip() {
    for request in [
        SetupRequest::Configure(configure()),
        SetupRequest::Calibrate,
        SetupRequest::PushRevocations(signed_revocations().clone()),
        SetupRequest::PushPins(signed_pins().clone()),
        SetupRequest::Finish,
    ] {
        let bytes = request.encode();
        assert_eq!(SetupRequest::decode(&bytes).unwrap(), request);
        assert_rejects_trailing_byte(&bytes, SetupRequest::decode);
    }
    for response in [
        SetupResponse::Configured(ResultCode::Ok, MON_2024_01_01),
        SetupResponse::Calibrated(ResultCode::Ok, 640),
        SetupResponse::Revocations(ResultCode::Ok, 41),
        SetupResponse::Pins(ResultCode::PinListInvalid, 0),
        SetupResponse::Finished(ResultCode::Ok, Some(receipt().clone())),
        SetupResponse::Finished(ResultCode::RevocationListOutdated, None),
    ] {
        let bytes = response.encode();
        assert_eq!(SetupResponse::decode(&bytes).unwrap(), response);
        assert_rejects_trailing_byte(&bytes, SetupResponse::decode);
    }
}

#[test]
fn configure_cuts_a_long_name_at_a_character_boundary() {
    let mut c = configure();
    c.name = "Haustür ".repeat(8);
    let decoded = match SetupRequest::decode(&SetupRequest::Configure(c).encode()).unwrap() {
        SetupRequest::Configure(c) => c,
        other => panic!("{other:?}"),
    };
    assert!(decoded.name.len() <= LockInfo::MAX_NAME);
    assert!("Haustür ".repeat(8).starts_with(&decoded.name));
    let mut bad = SetupRequest::Configure(configure()).encode();
    let groups_at = 1 + 64 + 1 + 32 + 2 + 4;
    bad[groups_at] = 5;
    assert!(SetupRequest::decode(&bad).is_err(), "five groups");
}

#[test]
fn the_claim_receipt_verifies_only_as_signed_and_only_under_the_lock_key() {
    let r = receipt();
    let bytes = r.encode();
    assert_eq!(bytes.len(), ClaimReceipt::LEN);
    assert_eq!(&ClaimReceipt::decode(&bytes).unwrap(), r);
    r.verify(&parties().lock_key.public_key()).unwrap();
    assert!(r.verify(&parties().issuer.public_key()).is_err(), "another key");
    let changes: [Change<ClaimReceipt>; 7] = [
        ("lock id", |r| r.lock_id.0[0] ^= 1),
        ("epoch", |r| r.epoch += 1),
        ("issuer id", |r| r.issuer_id = IssuerId([9; 4])),
        ("firmware", |r| r.firmware.0 += 1),
        ("revocation seq", |r| r.revocation_seq += 1),
        ("pin seq", |r| r.pin_seq += 1),
        ("claimed at", |r| r.claimed_at -= 1),
    ];
    for (name, change) in changes {
        let mut tampered = r.clone();
        change(&mut tampered);
        assert!(tampered.verify(&parties().lock_key.public_key()).is_err(), "{name}");
    }
}

#[test]
fn a_manifest_installs_only_when_signed_by_the_vendor_for_this_model_and_newer() {
    let m = manifest();
    let vendor = parties().vendor.public_key();
    let older = FirmwareVersion::new(1, 2, 2);
    assert_eq!(m.check_for(&vendor, 7, older), Ok(()));
    assert_eq!(
        m.check_for(&vendor, 7, m.version),
        Err(ResultCode::FirmwareDowngrade),
        "same version"
    );
    assert_eq!(
        m.check_for(&vendor, 7, FirmwareVersion::new(2, 0, 0)),
        Err(ResultCode::FirmwareDowngrade)
    );
    assert_eq!(
        m.check_for(&vendor, 8, older),
        Err(ResultCode::FirmwareInvalid),
        "another model"
    );
    let issuer = parties().issuer.public_key();
    assert_eq!(
        m.check_for(&issuer, 7, older),
        Err(ResultCode::FirmwareInvalid),
        "an issuer can't sign firmware"
    );
    let changes: [Change<FirmwareManifest>; 5] = [
        ("model", |m| m.model = 8),
        ("version", |m| m.version = FirmwareVersion::new(9, 0, 0)),
        ("size", |m| m.size -= 1),
        ("hash", |m| m.image_hash[31] ^= 1),
        ("released at", |m| m.released_at += 1),
    ];
    for (name, change) in changes {
        let mut tampered = m.clone();
        change(&mut tampered);
        let model = tampered.model;
        assert_eq!(
            tampered.check_for(&vendor, model, FirmwareVersion(0)),
            Err(ResultCode::FirmwareInvalid),
            "{name}"
        );
    }
}

#[test]
fn a_manifest_names_exactly_one_image() {
    let m = manifest();
    let image = firmware_image();
    assert!(m.matches(&image));
    assert_eq!(m.image_hash, sha256(&[&image]));
    let mut flipped = image.clone();
    flipped[4_000] ^= 0x80;
    assert!(!m.matches(&flipped));
    assert!(!m.matches(&image[..image.len() - 1]));
    let bytes = m.encode();
    assert_eq!(bytes.len(), FirmwareManifest::LEN);
    assert_eq!(&FirmwareManifest::decode(&bytes).unwrap(), m);
    assert_rejects_trailing_byte(&bytes, FirmwareManifest::decode);
    let too_big = vec![0u8; latchkey_protocol::FIRMWARE_MAX_BYTES as usize + 1];
    assert!(FirmwareManifest::sign(&parties().vendor, 7, m.version, &too_big, 0).is_err());
}

#[test]
fn firmware_session_messages_round_trip_and_refuse_bad_chunks() {
    for request in [
        SessionRequest::Info,
        SessionRequest::FirmwareBegin(manifest().clone()),
        SessionRequest::FirmwareChunk {
            offset: 0,
            data: vec![1; latchkey_protocol::FIRMWARE_CHUNK_MAX],
        },
        SessionRequest::FirmwareInstall,
    ] {
        let bytes = request.encode();
        assert_eq!(SessionRequest::decode(&bytes).unwrap(), request);
    }
    for data in [vec![], vec![0; latchkey_protocol::FIRMWARE_CHUNK_MAX + 1]] {
        let bytes = SessionRequest::FirmwareChunk { offset: 0, data }.encode();
        assert!(SessionRequest::decode(&bytes).is_err());
    }
    for response in [
        SessionResponse::Info(ResultCode::Ok, Some(lock_info())),
        SessionResponse::FirmwareBegun(ResultCode::FirmwareDowngrade, 0, 0),
        SessionResponse::FirmwareChunk(ResultCode::Ok, 896, 5000),
        SessionResponse::FirmwareInstalled(ResultCode::Ok, FirmwareVersion::new(1, 2, 3)),
    ] {
        let bytes = response.encode();
        assert_eq!(SessionResponse::decode(&bytes).unwrap(), response);
        assert_rejects_trailing_byte(&bytes, SessionResponse::decode);
    }
}

#[test]
fn firmware_versions_order_as_numbers_and_print_as_three_parts() {
    assert_eq!(FirmwareVersion::new(1, 2, 300).to_string(), "1.2.300");
    assert!(FirmwareVersion::new(1, 10, 0) > FirmwareVersion::new(1, 9, 65_535));
    assert!(FirmwareVersion::new(2, 0, 0) > FirmwareVersion::new(1, 255, 65_535));
}

#[test]
fn firmware_losses_read_back_from_their_names_and_refuse_unknown_ones() {
    use latchkey_protocol::FirmwareLosses;
    let all = FirmwareLosses(FirmwareLosses::PIN_LIST | FirmwareLosses::CLOCK_TRUST);
    assert_eq!(all.names(), ["pin_list", "clock_trust"]);
    assert_eq!(FirmwareLosses::from_names(&all.names()), Ok(all));
    assert_eq!(FirmwareLosses::from_names::<&str>(&[]), Ok(FirmwareLosses(0)));
    let err = FirmwareLosses::from_names(&["pin_list", "keys"]).unwrap_err();
    assert!(err.contains("`keys`"), "{err}");
}
