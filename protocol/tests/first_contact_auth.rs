//! First contact: a phone and a lock, built from protocol functions only,
//! run AUTH → AUTH_RESULT and come out with the same session keys and the
//! same fast key; everything the holder or the lock signed is bound to the
//! exchange it was made for.

mod common;

use common::*;
use latchkey_protocol::framing::{self, Reassembler};
use latchkey_protocol::{
    derive_auth_keys, phone_agree, AuthRequest, AuthResult, CertRef, Challenge, Command, CommandId, DigitalKey,
    EphemeralKey, FastKey, Frame, KeyGrant, KeyId, LockContext, ProtocolError, ResultCode, SessionCipher,
    SessionRequest, SessionResponse, SessionSecrets, SigDomain,
};

/// Everything both ends hold after one AUTH exchange.
struct Exchange {
    request_bytes: Vec<u8>,
    result: AuthResult,
    phone: (SessionSecrets, FastKey),
    lock: (SessionSecrets, FastKey),
}

/// Runs one AUTH exchange over MTU-23 packets, phone and lock each doing
/// only what their side knows.
fn auth_exchange(command: Command) -> Exchange {
    let p = parties();
    let now = MON_2024_01_01 + 12 * HOUR;

    // Phone: read the challenge from the advertisement, sign, send.
    let phone_ephemeral = EphemeralKey::generate().unwrap();
    let request = AuthRequest::build(
        &ctx(),
        CertRef::Full(cert().clone()),
        phone_ephemeral.public_key(),
        command,
        CommandId::random().unwrap(),
        |m| p.holder.sign_message(m),
    )
    .unwrap();
    let request_bytes = request.encode();
    let mut lock_rx = Reassembler::default();
    let mut received = None;
    for packet in framing::fragment(&request_bytes, 23).unwrap() {
        assert!(packet.len() <= 20);
        received = lock_rx.push(&packet, 0).unwrap();
    }
    let received = received.expect("the last packet completes the frame");

    // Lock: check everything against its own state, answer, derive.
    let Frame::Auth(auth) = Frame::decode(&received).unwrap() else {
        panic!("not AUTH");
    };
    assert_eq!(auth.challenge, ctx().challenge, "a live challenge");
    let CertRef::Full(cert) = &auth.cert else {
        panic!("first contact carries the certificate");
    };
    cert.verify(&p.issuer.public_key()).unwrap();
    assert!(cert.applies_to(&p.lock_id, &[]));
    cert.check_time(now, 0).unwrap();
    auth.verify_holder(&ctx(), cert).unwrap();
    let lock_ephemeral = EphemeralKey::generate().unwrap();
    let lock_ephemeral_pub = lock_ephemeral.public_key();
    let lock_shared = lock_ephemeral.agree(&auth.ephemeral).unwrap();
    let result = AuthResult::unsigned(
        ResultCode::Ok,
        false,
        Challenge([0x77; 8]),
        status(),
        Some(lock_ephemeral_pub),
    )
    .sign(&p.lock_key, &p.lock_id, &received)
    .unwrap();
    let lock_keys = derive_auth_keys(&lock_shared, &p.lock_id, &cert.key_id(), &received, &result).unwrap();
    let result_bytes = result.encode();

    // Phone: check the lock's signature over its own request, derive.
    let Frame::AuthResult(answer) = Frame::decode(&result_bytes).unwrap() else {
        panic!("not AUTH_RESULT");
    };
    answer
        .verify(&p.lock_key.public_key(), &p.lock_id, &request_bytes)
        .unwrap();
    let phone_shared = phone_agree(phone_ephemeral, &answer).unwrap().unwrap();
    let phone_keys = derive_auth_keys(&phone_shared, &p.lock_id, &cert.key_id(), &request_bytes, &answer).unwrap();

    Exchange {
        request_bytes,
        result: answer,
        phone: phone_keys,
        lock: lock_keys,
    }
}

#[test]
fn phone_and_lock_derive_identical_session_and_fast_keys_in_one_round_trip() {
    let x = auth_exchange(Command::Unlock);
    assert_eq!(x.phone.0, x.lock.0, "session secrets");
    assert_eq!(x.phone.1, x.lock.1, "fast key");
    assert_ne!(
        x.phone.0.phone_to_lock, x.phone.0.lock_to_phone,
        "one key per direction"
    );
    assert_eq!(x.result.code, ResultCode::Ok);
}

#[test]
fn every_exchange_yields_fresh_keys() {
    let a = auth_exchange(Command::Status);
    let b = auth_exchange(Command::Status);
    assert_ne!(a.phone.0, b.phone.0);
    assert_ne!(a.phone.1, b.phone.1);
}

#[test]
fn the_session_after_auth_carries_follow_on_commands_both_ways() {
    let x = auth_exchange(Command::Status);
    let mut phone = SessionCipher::phone(&x.phone.0).unwrap();
    let mut lock = SessionCipher::lock(&x.lock.0).unwrap();
    let requests = [
        SessionRequest::Status,
        SessionRequest::FetchEvents { after_seq: 0, max: 32 },
        SessionRequest::PushRevocations(signed_revocations().clone()),
        SessionRequest::SetTime(signed_time_token().clone()),
    ];
    for request in requests {
        let sealed = phone.seal(&request.encode()).unwrap();
        let Frame::Session(frame) = Frame::decode(&sealed).unwrap() else {
            panic!("not a session frame");
        };
        assert_eq!(SessionRequest::decode(&lock.open(&frame).unwrap()).unwrap(), request);
        let response = SessionResponse::Status(ResultCode::Ok, Some(status()));
        let sealed = lock.seal(&response.encode()).unwrap();
        assert_eq!(
            SessionResponse::decode(&phone.open(&sealed).unwrap()).unwrap(),
            response
        );
    }
}

#[test]
fn keys_depend_on_the_whole_transcript_and_the_key_id() {
    let x = auth_exchange(Command::Unlock);
    let p = parties();
    let shared = [0x42; 32];
    let base = derive_auth_keys(&shared, &p.lock_id, &cert().key_id(), &x.request_bytes, &x.result).unwrap();

    let mut other_request = x.request_bytes.clone();
    *other_request.last_mut().unwrap() ^= 1;
    let mut replayed = x.result.clone();
    replayed.replayed = true;
    let variants = [
        derive_auth_keys(&[0x43; 32], &p.lock_id, &cert().key_id(), &x.request_bytes, &x.result).unwrap(),
        derive_auth_keys(&shared, &p.other_lock_id, &cert().key_id(), &x.request_bytes, &x.result).unwrap(),
        derive_auth_keys(&shared, &p.lock_id, &KeyId([0; 8]), &x.request_bytes, &x.result).unwrap(),
        derive_auth_keys(&shared, &p.lock_id, &cert().key_id(), &other_request, &x.result).unwrap(),
        derive_auth_keys(&shared, &p.lock_id, &cert().key_id(), &x.request_bytes, &replayed).unwrap(),
    ];
    for (i, v) in variants.iter().enumerate() {
        assert_ne!(v.0, base.0, "variant {i}: session keys");
        assert_ne!(v.1, base.1, "variant {i}: fast key");
    }
}

#[test]
fn a_refused_auth_carries_no_lock_key_and_derives_nothing() {
    let p = parties();
    let (request, phone_ephemeral) = auth_request(CertRef::Full(cert().clone()), Command::Unlock, CommandId([1; 8]));
    let refused = AuthResult::unsigned(ResultCode::KeyExpired, false, Challenge([3; 8]), status(), None)
        .sign(&p.lock_key, &p.lock_id, &request.encode())
        .unwrap();
    refused
        .verify(&p.lock_key.public_key(), &p.lock_id, &request.encode())
        .unwrap();
    assert_eq!(phone_agree(phone_ephemeral, &refused).unwrap(), None);
}

#[test]
fn holder_signature_binds_lock_epoch_challenge_certificate_key_and_command() {
    let p = parties();
    let (request, _) = auth_request(CertRef::Full(cert().clone()), Command::Unlock, CommandId([1; 8]));
    assert_eq!(request.verify_holder(&ctx(), cert()), Ok(()));

    let with = |f: &dyn Fn(&mut LockContext)| {
        let mut c = ctx();
        f(&mut c);
        c
    };
    let contexts = [
        ("stale challenge", with(&|c| c.challenge = Challenge([0; 8]))),
        ("reset lock (new epoch)", with(&|c| c.epoch += 1)),
        ("another lock", with(&|c| c.lock_id = p.other_lock_id)),
    ];
    for (what, c) in contexts {
        assert_eq!(
            request.verify_holder(&c, cert()),
            Err(ResultCode::BadHolderSignature),
            "{what}"
        );
    }

    let changed: [Change<AuthRequest>; 3] = [
        ("command", |r| r.command = Command::Unlatch),
        ("command id", |r| r.command_id = CommandId([2; 8])),
        ("ephemeral key", |r| {
            r.ephemeral = EphemeralKey::generate().unwrap().public_key()
        }),
    ];
    for (what, change) in changed {
        let mut r = request.clone();
        change(&mut r);
        assert_eq!(
            r.verify_holder(&ctx(), cert()),
            Err(ResultCode::BadHolderSignature),
            "{what}"
        );
    }

    // Signed for one certificate, presented with another of the same holder.
    assert_eq!(
        request.verify_holder(&ctx(), scheduled_cert()),
        Err(ResultCode::BadHolderSignature)
    );
}

#[test]
fn a_stolen_certificate_is_useless_without_the_holder_key() {
    let p = parties();
    let thief = &p.stranger;
    let request = AuthRequest::build(
        &ctx(),
        CertRef::Full(cert().clone()),
        EphemeralKey::generate().unwrap().public_key(),
        Command::Unlock,
        CommandId([1; 8]),
        |m| thief.sign_message(m),
    )
    .unwrap();
    assert_eq!(
        request.verify_holder(&ctx(), cert()),
        Err(ResultCode::BadHolderSignature)
    );
}

#[test]
fn software_and_platform_signers_sign_the_same_domain_separated_message() {
    let p = parties();
    let ephemeral = EphemeralKey::generate().unwrap().public_key();
    let body = AuthRequest::signing_body(&ctx(), &cert().hash(), &ephemeral, Command::Lock, &CommandId([4; 8]));
    let request = AuthRequest::build(
        &ctx(),
        CertRef::Hash(cert().hash()),
        ephemeral,
        Command::Lock,
        CommandId([4; 8]),
        |m| {
            assert_eq!(m, SigDomain::Auth.message(&body), "the closure gets tag ‖ body");
            p.holder.sign(SigDomain::Auth, &body)
        },
    )
    .unwrap();
    assert_eq!(request.verify_holder(&ctx(), cert()), Ok(()));
}

#[test]
fn a_signature_from_another_domain_is_not_an_auth_signature() {
    let p = parties();
    let ephemeral = EphemeralKey::generate().unwrap().public_key();
    for domain in [
        SigDomain::Certificate,
        SigDomain::Revocations,
        SigDomain::TimeToken,
        SigDomain::AuthResult,
        SigDomain::EventBatch,
    ] {
        let request = AuthRequest::build(
            &ctx(),
            CertRef::Hash(cert().hash()),
            ephemeral,
            Command::Unlock,
            CommandId([5; 8]),
            |m| {
                let body = &m[SigDomain::Auth.message(&[]).len()..];
                p.holder.sign(domain, body)
            },
        )
        .unwrap();
        assert_eq!(
            request.verify_holder(&ctx(), cert()),
            Err(ResultCode::BadHolderSignature),
            "{domain:?}"
        );
    }
}

#[test]
fn auth_result_signature_covers_the_request_it_answers() {
    let p = parties();
    let auth = signed_auth();
    let lock_pub = p.lock_key.public_key();
    auth.result.verify(&lock_pub, &p.lock_id, &auth.request_bytes).unwrap();

    // A recorded "ok" replayed as the answer to another request fails.
    let (other, _) = auth_request(CertRef::Full(cert().clone()), Command::Unlock, CommandId([9; 8]));
    assert!(matches!(
        auth.result.verify(&lock_pub, &p.lock_id, &other.encode()),
        Err(ProtocolError::BadSignature { .. })
    ));
    // Another lock's id, or another lock's key.
    assert!(auth
        .result
        .verify(&lock_pub, &p.other_lock_id, &auth.request_bytes)
        .is_err());
    assert!(auth
        .result
        .verify(&p.issuer.public_key(), &p.lock_id, &auth.request_bytes)
        .is_err());
    // Any field changed after signing.
    let mut changed = auth.result.clone();
    changed.code = ResultCode::Jammed;
    assert!(changed.verify(&lock_pub, &p.lock_id, &auth.request_bytes).is_err());
    let mut changed = auth.result.clone();
    changed.replayed = true;
    assert!(changed.verify(&lock_pub, &p.lock_id, &auth.request_bytes).is_err());
    let mut changed = auth.result.clone();
    changed.status.bolt = latchkey_protocol::BoltState::Locked;
    assert!(changed.verify(&lock_pub, &p.lock_id, &auth.request_bytes).is_err());
}

#[test]
fn an_undecodable_request_still_gets_a_signed_answer_over_the_empty_request() {
    let p = parties();
    let result = AuthResult::unsigned(ResultCode::BadRequest, false, Challenge([1; 8]), status(), None)
        .sign(&p.lock_key, &p.lock_id, &[])
        .unwrap();
    result.verify(&p.lock_key.public_key(), &p.lock_id, &[]).unwrap();
}

#[test]
fn the_certificate_hash_form_names_exactly_one_certificate() {
    let other = DigitalKey::issue(
        KeyGrant {
            serial: grant().serial + 1,
            ..grant()
        },
        &parties().issuer,
    )
    .unwrap();
    assert_ne!(cert().hash(), other.hash(), "a renewal has a new hash");
    assert_eq!(cert().hash(), DigitalKey::decode(&cert().encode()).unwrap().hash());
    assert_eq!(
        CertRef::Full(cert().clone()).hash(),
        CertRef::Hash(cert().hash()).hash()
    );
}
