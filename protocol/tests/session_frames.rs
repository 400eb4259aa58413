//! The sealed session that follows AUTH or FAST: AES-128-GCM with one key
//! and one counter per direction. A replayed, dropped, reordered, reflected
//! or altered frame never opens.

use latchkey_protocol::{ProtocolError, SessionCipher, SessionSecrets};

fn secrets() -> SessionSecrets {
    SessionSecrets {
        phone_to_lock: [0x10; 16],
        lock_to_phone: [0x20; 16],
    }
}

fn pair() -> (SessionCipher, SessionCipher) {
    (
        SessionCipher::phone(&secrets()).unwrap(),
        SessionCipher::lock(&secrets()).unwrap(),
    )
}

#[test]
fn frames_flow_both_ways_in_order() {
    let (mut phone, mut lock) = pair();
    for i in 0..5u8 {
        let sealed = phone.seal(&[i; 3]).unwrap();
        // type ‖ counter ‖ ciphertext ‖ tag
        assert_eq!(sealed.len(), 1 + 4 + 3 + 16);
        assert_eq!(sealed[0], 0x05);
        assert_eq!(&sealed[1..5], &u32::from(i).to_be_bytes());
        assert_eq!(lock.open(&sealed).unwrap(), [i; 3]);
        let answer = lock.seal(&[i, i]).unwrap();
        assert_eq!(phone.open(&answer).unwrap(), [i, i]);
    }
    // An empty plaintext is a valid frame too.
    assert_eq!(lock.open(&phone.seal(&[]).unwrap()).unwrap(), Vec::<u8>::new());
}

#[test]
fn a_replayed_frame_is_rejected_by_its_counter() {
    let (mut phone, mut lock) = pair();
    let first = phone.seal(b"unlock").unwrap();
    lock.open(&first).unwrap();
    assert_eq!(
        lock.open(&first),
        Err(ProtocolError::SessionCounter { expected: 1, got: 0 })
    );
}

#[test]
fn reordered_or_dropped_frames_are_rejected_by_their_counter() {
    let (mut phone, mut lock) = pair();
    let first = phone.seal(b"one").unwrap();
    let second = phone.seal(b"two").unwrap();
    assert_eq!(
        lock.open(&second),
        Err(ProtocolError::SessionCounter { expected: 0, got: 1 })
    );
    lock.open(&first).unwrap();
    lock.open(&second).unwrap();
}

#[test]
fn a_tampered_frame_is_rejected_by_its_tag() {
    let (mut phone, _) = pair();
    let sealed = phone.seal(b"fetch events").unwrap();
    for at in 5..sealed.len() {
        let mut bad = sealed.clone();
        bad[at] ^= 0x01;
        let mut lock = SessionCipher::lock(&secrets()).unwrap();
        assert!(
            matches!(lock.open(&bad), Err(ProtocolError::BadMac { .. })),
            "byte {at} flipped"
        );
    }
}

#[test]
fn a_frame_whose_counter_was_rewritten_to_match_fails_its_tag() {
    // The counter is in the nonce and the associated data: the second frame
    // relabelled as the first does not open.
    let (mut phone, mut lock) = pair();
    let _first = phone.seal(b"one").unwrap();
    let mut second = phone.seal(b"two").unwrap();
    second[1..5].copy_from_slice(&0u32.to_be_bytes());
    assert!(matches!(lock.open(&second), Err(ProtocolError::BadMac { .. })));
}

#[test]
fn a_frame_reflected_back_to_its_sender_does_not_open() {
    let (mut phone, _) = pair();
    let sealed = phone.seal(b"status").unwrap();
    let mut same_side = SessionCipher::phone(&secrets()).unwrap();
    assert!(matches!(same_side.open(&sealed), Err(ProtocolError::BadMac { .. })));
}

#[test]
fn a_frame_from_another_session_does_not_open() {
    let (mut phone, _) = pair();
    let sealed = phone.seal(b"status").unwrap();
    let mut stranger = SessionCipher::lock(&SessionSecrets {
        phone_to_lock: [0x11; 16],
        lock_to_phone: [0x20; 16],
    })
    .unwrap();
    assert!(matches!(stranger.open(&sealed), Err(ProtocolError::BadMac { .. })));
}

#[test]
fn malformed_frames_say_what_is_wrong() {
    let (_, mut lock) = pair();
    assert!(matches!(lock.open(&[]), Err(ProtocolError::Truncated { .. })));
    assert!(matches!(lock.open(&[0x05, 0, 0]), Err(ProtocolError::Truncated { .. })));
    assert!(matches!(
        lock.open(&[0x05, 0, 0, 0, 0, 1, 2, 3]),
        Err(ProtocolError::Truncated { field: "tag", .. })
    ));
    assert!(matches!(
        lock.open(&[0x03, 0, 0, 0, 0]),
        Err(ProtocolError::InvalidField { field: "type", .. })
    ));
}

#[test]
fn injected_garbage_does_not_desynchronise_the_session() {
    let (mut phone, mut lock) = pair();
    let genuine = phone.seal(b"status").unwrap();
    let mut forged = genuine.clone();
    *forged.last_mut().unwrap() ^= 0x80;
    assert!(lock.open(&forged).is_err());
    assert_eq!(lock.open(&genuine).unwrap(), b"status");
}
