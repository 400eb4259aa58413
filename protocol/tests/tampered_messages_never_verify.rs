//! A signed or MACed message that was changed in any single byte may still
//! decode, but must never also verify: an attacker (or a flaky radio) can't
//! turn a valid message into a different valid one.

mod common;

use common::mutation::{mutation, Mutation};
use common::*;
use latchkey_protocol::{
    CertRef, Command, CommandId, DigitalKey, EventBatch, FastKey, FastOutcome, FastRequest, FastResult, Frame, KeyId,
    ResultCode, RevocationList, SessionCipher, SessionRequest, SessionSecrets, TimeToken,
};
use proptest::prelude::*;
use std::sync::OnceLock;

const CASES: u32 = 512;

/// The mutated bytes, or `None` when the mutation happened to change
/// nothing (replacing a byte with itself).
fn tamper(original: &[u8], m: &Mutation) -> Option<Vec<u8>> {
    let bytes = m.apply(original);
    (bytes != original).then_some(bytes)
}

fn fast_key() -> FastKey {
    FastKey([0x3c; 32])
}

fn fast_request() -> FastRequest {
    FastRequest::build(
        &fast_key(),
        &ctx(),
        cert().key_id(),
        1_000,
        Command::Unlock,
        CommandId([1; 8]),
    )
}

fn hash_auth_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        auth_request(CertRef::Hash(cert().hash()), Command::Unlatch, CommandId([5; 8]))
            .0
            .encode()
    })
}

/// What a lock does with an AUTH frame up to acting on it: decode, verify
/// the certificate (or find it in its cache by hash), check the holder.
fn lock_accepts_auth(bytes: &[u8]) -> bool {
    let Ok(Frame::Auth(request)) = Frame::decode(bytes) else {
        return false;
    };
    if request.challenge != ctx().challenge {
        return false;
    }
    let cert = match &request.cert {
        CertRef::Full(c) => {
            if c.verify(&parties().issuer.public_key()).is_err() {
                return false;
            }
            c.clone()
        }
        CertRef::Hash(h) if *h == cert().hash() => cert().clone(),
        CertRef::Hash(_) => return false,
    };
    request.verify_holder(&ctx(), &cert).is_ok()
}

#[test]
fn untouched_messages_verify() {
    let p = parties();
    cert().verify(&p.issuer.public_key()).unwrap();
    scheduled_cert().verify(&p.issuer.public_key()).unwrap();
    signed_revocations()
        .verify_for(&p.issuer.public_key(), &p.lock_id, &[])
        .unwrap();
    signed_time_token()
        .evaluate(&p.issuer.public_key(), &p.lock_id, 0, 0, &[])
        .unwrap();
    signed_batch().verify(&p.lock_key.public_key()).unwrap();
    let auth = signed_auth();
    auth.result
        .verify(&p.lock_key.public_key(), &p.lock_id, &auth.request_bytes)
        .unwrap();
    assert!(lock_accepts_auth(&auth.request_bytes));
    assert!(lock_accepts_auth(hash_auth_bytes()));
    assert!(fast_request().verify(&fast_key(), &ctx()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn tampered_certificate_never_verifies(scheduled in any::<bool>(), m in mutation()) {
        let original = if scheduled { scheduled_cert() } else { cert() }.encode();
        if let Some(bytes) = tamper(&original, &m) {
            if let Ok(c) = DigitalKey::decode(&bytes) {
                prop_assert!(c.verify(&parties().issuer.public_key()).is_err(), "{:?} verified", m);
            }
        }
    }

    #[test]
    fn tampered_revocation_list_never_verifies(m in mutation()) {
        let p = parties();
        if let Some(bytes) = tamper(&signed_revocations().encode(), &m) {
            if let Ok(list) = RevocationList::decode(&bytes) {
                prop_assert!(list.verify_for(&p.issuer.public_key(), &p.lock_id, &[p.group_id]).is_err());
            }
        }
    }

    #[test]
    fn tampered_time_token_never_moves_a_clock(m in mutation()) {
        let p = parties();
        if let Some(bytes) = tamper(&signed_time_token().encode(), &m) {
            if let Ok(token) = TimeToken::decode(&bytes) {
                // A fresh lock (clock at 0, no token accepted yet) would take
                // the untouched token.
                prop_assert!(token
                    .evaluate(&p.issuer.public_key(), &p.lock_id, 0, 0, &[])
                    .is_err());
            }
        }
    }

    #[test]
    fn tampered_event_batch_never_verifies(m in mutation()) {
        if let Some(bytes) = tamper(&signed_batch().encode(), &m) {
            if let Ok(batch) = EventBatch::decode(&bytes) {
                prop_assert!(batch.verify(&parties().lock_key.public_key()).is_err());
            }
        }
    }

    #[test]
    fn tampered_auth_result_never_verifies(m in mutation()) {
        let p = parties();
        let auth = signed_auth();
        if let Some(bytes) = tamper(&auth.result_bytes, &m) {
            if let Ok(Frame::AuthResult(result)) = Frame::decode(&bytes) {
                prop_assert!(result
                    .verify(&p.lock_key.public_key(), &p.lock_id, &auth.request_bytes)
                    .is_err());
            }
        }
    }

    #[test]
    fn auth_result_never_verifies_against_a_tampered_request(m in mutation()) {
        let p = parties();
        let auth = signed_auth();
        if let Some(request) = tamper(&auth.request_bytes, &m) {
            prop_assert!(auth.result.verify(&p.lock_key.public_key(), &p.lock_id, &request).is_err());
        }
    }

    #[test]
    fn tampered_auth_request_is_never_accepted(hash_form in any::<bool>(), m in mutation()) {
        let original = if hash_form { hash_auth_bytes() } else { &signed_auth().request_bytes[..] };
        if let Some(bytes) = tamper(original, &m) {
            prop_assert!(!lock_accepts_auth(&bytes), "{:?} was accepted", m);
        }
    }

    #[test]
    fn tampered_fast_request_never_verifies(m in mutation()) {
        if let Some(bytes) = tamper(&fast_request().encode(), &m) {
            if let Ok(Frame::Fast(request)) = Frame::decode(&bytes) {
                prop_assert!(!request.verify(&fast_key(), &ctx()));
            }
        }
    }

    #[test]
    fn tampered_fast_result_is_never_authentic(m in mutation()) {
        let request = fast_request();
        let original = FastResult::build(
            Some(&fast_key()),
            &request.mac,
            ResultCode::Ok,
            false,
            status().compact(),
            MON_2024_01_01,
        );
        if let Some(bytes) = tamper(&original.encode(), &m) {
            if let Ok(Frame::FastResult(result)) = Frame::decode(&bytes) {
                prop_assert!(!result.is_authentic(&fast_key(), &request.mac));
                prop_assert_ne!(result.verify(&fast_key(), &request.mac), Ok(FastOutcome::Authentic));
            }
        }
    }

    #[test]
    fn tampered_session_frame_never_opens(m in mutation()) {
        let secrets = SessionSecrets { phone_to_lock: [0x0a; 16], lock_to_phone: [0x0b; 16] };
        let request = SessionRequest::FetchEvents { after_seq: 9, max: 32 }.encode();
        let sealed = SessionCipher::phone(&secrets).unwrap().seal(&request).unwrap();
        if let Some(bytes) = tamper(&sealed, &m) {
            let mut lock = SessionCipher::lock(&secrets).unwrap();
            prop_assert!(lock.open(&bytes).is_err());
            // And the lock still takes the genuine frame afterwards.
            prop_assert_eq!(lock.open(&sealed).unwrap(), request);
        }
    }
}

#[test]
fn a_different_key_id_under_the_same_fast_key_does_not_verify() {
    // The key id is inside the MAC, so a phone can't present one key's fast
    // key under another key id (whose certificate may differ in role or
    // schedule).
    let mut request = fast_request();
    request.key_id = KeyId([0xff; 8]);
    assert!(!request.verify(&fast_key(), &ctx()));
}
