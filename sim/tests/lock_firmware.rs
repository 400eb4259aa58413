//! Firmware carried by phones, as an attacker and an unlucky radio would
//! try it: interrupted at every chunk boundary and resumed, a tampered
//! image, a downgrade, an image for another model or not signed by the
//! vendor; and what an update keeps (or drops, and how phones repair it).

mod common;

use common::{Phone, World, START};
use latchkey_protocol::{
    Advertisement, Command, EventKind, FirmwareLosses, FirmwareManifest, FirmwareVersion, PinClass, PinDigits, PinRule,
    PinSlot, ResultCode, SessionRequest, SessionResponse, FIRMWARE_CHUNK_MAX,
};
use latchkey_sim::lock::KeypadOutcome;
use latchkey_sim::vendor::{FirmwareRelease, FirmwareVendor, FACTORY_FIRMWARE, REFERENCE_MODEL};
use latchkey_sim::Peripheral;

const V1_1: FirmwareVersion = FirmwareVersion(0x0101_0000);

fn vendor() -> FirmwareVendor {
    FirmwareVendor::generate().expect("vendor key")
}

fn release(v: &FirmwareVendor, version: FirmwareVersion, losses: u16) -> FirmwareRelease {
    v.release(REFERENCE_MODEL, version, FirmwareLosses(losses), START)
        .expect("image")
}

/// A phone in a fresh session (FAST after the first AUTH).
fn session(w: &mut World, phone: &mut Phone) {
    if phone.fast_key.is_some() {
        let r = phone.fast(&mut w.lock, Command::Status);
        if r.code == ResultCode::Ok {
            return;
        }
    }
    assert_eq!(phone.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
}

fn begin(w: &mut World, phone: &mut Phone, manifest: &FirmwareManifest) -> SessionResponse {
    phone.session(&mut w.lock, SessionRequest::FirmwareBegin(manifest.clone()))
}

/// Sends chunks of `image` from `from` on, `count` of them at most;
/// returns the offset the lock holds after.
fn send(w: &mut World, phone: &mut Phone, image: &[u8], from: u32, count: usize) -> u32 {
    let mut offset = from;
    for chunk in image[from as usize..].chunks(FIRMWARE_CHUNK_MAX).take(count) {
        let answer = phone.session(
            &mut w.lock,
            SessionRequest::FirmwareChunk {
                offset,
                data: chunk.to_vec(),
            },
        );
        let SessionResponse::FirmwareChunk(ResultCode::Ok, held, _) = answer else {
            panic!("chunk refused: {answer:?}")
        };
        offset = held;
    }
    offset
}

fn install(w: &mut World, phone: &mut Phone) -> SessionResponse {
    phone.session(&mut w.lock, SessionRequest::FirmwareInstall)
}

/// A whole delivery in one session.
fn update(w: &mut World, phone: &mut Phone, r: &FirmwareRelease) -> SessionResponse {
    session(w, phone);
    assert_eq!(
        begin(w, phone, &r.manifest),
        SessionResponse::FirmwareBegun(ResultCode::Ok, 0, r.manifest.size)
    );
    send(w, phone, &r.image, 0, usize::MAX);
    install(w, phone)
}

fn last_event(w: &World) -> latchkey_protocol::LockEvent {
    *w.lock.events().last().expect("an event")
}

#[test]
fn an_update_installs_once_the_whole_image_checks_and_is_logged_with_both_versions() {
    let v = vendor();
    let mut w = World::with_vendor(&v);
    let mut owner = w.owner();
    let r = release(&v, V1_1, 0);
    assert_eq!(
        update(&mut w, &mut owner, &r),
        SessionResponse::FirmwareInstalled(ResultCode::Ok, V1_1)
    );
    assert_eq!(w.lock.firmware_version(), V1_1);
    let e = last_event(&w);
    assert_eq!(e.kind, EventKind::FirmwareInstalled);
    assert_eq!(&e.key_id.0[..4], &FACTORY_FIRMWARE.0.to_be_bytes());
    assert_eq!(&e.key_id.0[4..], &V1_1.0.to_be_bytes());
    assert_eq!(e.detail, 0, "kept everything");
    // The lock restarted into it: the session is gone, the fast key stays.
    let sealed = owner
        .session
        .as_mut()
        .expect("cipher")
        .seal(&SessionRequest::Info.encode())
        .expect("seal");
    assert_eq!(
        common::exchange(&mut w.lock, &sealed),
        latchkey_protocol::Frame::Error(ResultCode::NoSession)
    );
    assert_eq!(owner.fast(&mut w.lock, Command::Unlock).code, ResultCode::Ok);
}

#[test]
fn an_update_interrupted_at_every_chunk_boundary_resumes_where_the_lock_stopped() {
    let v = vendor();
    let r = release(&v, V1_1, 0);
    let chunks = r.image.len().div_ceil(FIRMWARE_CHUNK_MAX);
    assert_eq!(chunks, 19);
    for cut in 0..=chunks {
        let mut w = World::with_vendor(&v);
        let mut phone = w.owner();
        session(&mut w, &mut phone);
        begin(&mut w, &mut phone, &r.manifest);
        let held = send(&mut w, &mut phone, &r.image, 0, cut);
        assert_eq!(held as usize, (cut * FIRMWARE_CHUNK_MAX).min(r.image.len()));
        assert!(w.lock.advertisement().has(Advertisement::UPDATE_HELD));
        // The connection drops (the app was closed); some cuts also lose
        // power. The lock keeps what it has; the old firmware runs on.
        w.lock.on_disconnect();
        if cut % 3 == 0 {
            w.lock.power_loss();
        }
        w.lock.on_connect(common::MTU);
        assert_eq!(w.lock.firmware_version(), FACTORY_FIRMWARE);
        let mut phone = Phone::new(phone.holder, phone.cert, &w.lock);
        session(&mut w, &mut phone);
        assert_eq!(
            begin(&mut w, &mut phone, &r.manifest),
            SessionResponse::FirmwareBegun(ResultCode::Ok, held, r.manifest.size),
            "cut after chunk {cut}"
        );
        assert_eq!(send(&mut w, &mut phone, &r.image, held, usize::MAX), r.manifest.size);
        assert_eq!(
            install(&mut w, &mut phone),
            SessionResponse::FirmwareInstalled(ResultCode::Ok, V1_1)
        );
        assert!(!w.lock.advertisement().has(Advertisement::UPDATE_HELD));
    }
}

#[test]
fn a_tampered_image_is_refused_and_the_old_firmware_keeps_running() {
    let v = vendor();
    let mut w = World::with_vendor(&v);
    let mut phone = w.owner();
    let mut r = release(&v, V1_1, 0);
    r.image[5_000] ^= 0x01;
    assert_eq!(
        update(&mut w, &mut phone, &r),
        SessionResponse::FirmwareInstalled(ResultCode::FirmwareInvalid, FACTORY_FIRMWARE)
    );
    assert_eq!(w.lock.firmware_version(), FACTORY_FIRMWARE);
    let e = last_event(&w);
    assert_eq!(
        (e.kind, e.result),
        (EventKind::FirmwareRejected, ResultCode::FirmwareInvalid as u8)
    );
    assert_eq!(&e.key_id.0[..4], &V1_1.0.to_be_bytes());
    assert!(w.lock.info().download.is_none(), "the bad download is dropped");
    assert_eq!(
        phone.session(&mut w.lock, SessionRequest::Status).code(),
        ResultCode::Ok,
        "session goes on"
    );
    assert_eq!(phone.fast(&mut w.lock, Command::Unlock).code, ResultCode::Ok);
}

#[test]
fn a_downgrade_or_the_same_version_is_refused_before_a_byte_is_sent() {
    let v = vendor();
    let mut w = World::with_vendor(&v);
    let mut phone = w.owner();
    update(&mut w, &mut phone, &release(&v, FirmwareVersion::new(1, 2, 0), 0));
    for version in [FirmwareVersion::new(1, 1, 0), FirmwareVersion::new(1, 2, 0)] {
        session(&mut w, &mut phone);
        let old = release(&v, version, 0);
        assert_eq!(
            begin(&mut w, &mut phone, &old.manifest),
            SessionResponse::FirmwareBegun(ResultCode::FirmwareDowngrade, 0, 0)
        );
        let e = last_event(&w);
        assert_eq!(
            (e.kind, e.result),
            (EventKind::FirmwareRejected, ResultCode::FirmwareDowngrade as u8)
        );
    }
    assert_eq!(w.lock.firmware_version(), FirmwareVersion::new(1, 2, 0));
}

#[test]
fn an_image_for_another_model_or_not_signed_by_the_vendor_is_refused() {
    let v = vendor();
    let mut w = World::with_vendor(&v);
    let mut phone = w.owner();
    session(&mut w, &mut phone);
    let other_model = v
        .release(REFERENCE_MODEL + 1, V1_1, FirmwareLosses(0), START)
        .expect("image");
    // The property's issuer (or a cloud holding its key) can't sign code.
    let issuer_signed = FirmwareVendor::from_pkcs8(w.authority.pkcs8()).expect("issuer as a vendor");
    let forged = release(&issuer_signed, V1_1, 0);
    for manifest in [other_model.manifest, forged.manifest] {
        assert_eq!(
            begin(&mut w, &mut phone, &manifest),
            SessionResponse::FirmwareBegun(ResultCode::FirmwareInvalid, 0, 0)
        );
    }
    // A lock built without the vendor's key takes no image at all.
    let mut plain = World::new();
    let mut phone = plain.owner();
    session(&mut plain, &mut phone);
    let r = release(&v, V1_1, 0);
    assert_eq!(
        begin(&mut plain, &mut phone, &r.manifest),
        SessionResponse::FirmwareBegun(ResultCode::FirmwareInvalid, 0, 0)
    );
}

#[test]
fn a_chunk_out_of_place_is_answered_with_where_the_lock_stands() {
    let v = vendor();
    let mut w = World::with_vendor(&v);
    let mut phone = w.owner();
    let r = release(&v, V1_1, 0);
    session(&mut w, &mut phone);
    assert_eq!(
        phone.session(
            &mut w.lock,
            SessionRequest::FirmwareChunk {
                offset: 0,
                data: vec![1]
            }
        ),
        SessionResponse::FirmwareChunk(ResultCode::FirmwareOffset, 0, 0),
        "no download begun"
    );
    begin(&mut w, &mut phone, &r.manifest);
    send(&mut w, &mut phone, &r.image, 0, 2);
    let skipped = SessionRequest::FirmwareChunk {
        offset: 3 * FIRMWARE_CHUNK_MAX as u32,
        data: r.image[..10].to_vec(),
    };
    let size = r.manifest.size;
    assert_eq!(
        phone.session(&mut w.lock, skipped),
        SessionResponse::FirmwareChunk(ResultCode::FirmwareOffset, 2 * FIRMWARE_CHUNK_MAX as u32, size)
    );
    assert_eq!(
        install(&mut w, &mut phone),
        SessionResponse::FirmwareInstalled(ResultCode::FirmwareOffset, FACTORY_FIRMWARE),
        "not complete: kept, not installed"
    );
    assert_eq!(
        w.lock.info().download.map(|d| d.offset),
        Some(2 * FIRMWARE_CHUNK_MAX as u32)
    );
}

fn pin_list(w: &World, seq: u32) -> latchkey_protocol::PinList {
    let secret = w.authority.pin_secret(&w.lock_id()).expect("secret");
    let digits = PinDigits::new("246810").expect("digits");
    let slot = PinSlot::new(&secret, 1, &digits, PinRule::always(PinClass::User)).expect("slot");
    w.authority
        .pin_list(w.lock_id(), seq, START, 0, vec![slot])
        .expect("list")
}

#[test]
fn an_update_that_drops_the_pin_list_asks_phones_for_it_until_one_brings_it_back() {
    let v = vendor();
    let mut w = World::with_vendor(&v);
    let mut phone = w.owner();
    session(&mut w, &mut phone);
    let list = pin_list(&w, 2);
    phone.session(&mut w.lock, SessionRequest::PushPins(list.clone()));
    assert!(matches!(w.lock.enter_pin("246810"), KeypadOutcome::Accepted { .. }));
    let r = release(&v, V1_1, FirmwareLosses::PIN_LIST);
    assert_eq!(update(&mut w, &mut phone, &r).code(), ResultCode::Ok);
    assert_eq!(last_event(&w).detail, FirmwareLosses::PIN_LIST);
    assert_eq!(w.lock.pin_seq(), 0);
    assert!(w.lock.advertisement().has(Advertisement::NEEDS_LISTS));
    assert!(w.lock.info().needs_lists);
    assert!(matches!(w.lock.enter_pin("246810"), KeypadOutcome::Refused { .. }));
    // The next phone that carries the list repairs it.
    session(&mut w, &mut phone);
    assert_eq!(
        phone.session(&mut w.lock, SessionRequest::PushPins(list)),
        SessionResponse::Pins(ResultCode::Ok, 2)
    );
    assert!(!w.lock.advertisement().has(Advertisement::NEEDS_LISTS));
    assert!(matches!(w.lock.enter_pin("246810"), KeypadOutcome::Accepted { .. }));
}

#[test]
fn an_update_that_drops_certificates_makes_every_phone_authenticate_again() {
    let v = vendor();
    let mut w = World::with_vendor(&v);
    let mut phone = w.owner();
    let mut other = w.owner();
    other.auth(&mut w.lock, Command::Status);
    let r = release(&v, V1_1, FirmwareLosses::CERTIFICATES | FirmwareLosses::CLOCK_TRUST);
    assert_eq!(update(&mut w, &mut phone, &r).code(), ResultCode::Ok);
    assert_eq!(
        other.fast(&mut w.lock, Command::Unlock).code,
        ResultCode::UnknownFastKey
    );
    let hash = latchkey_protocol::CertRef::Hash(other.cert.hash());
    let id = latchkey_protocol::CommandId([7; 8]);
    assert_eq!(
        other.auth_with(&mut w.lock, hash, Command::Unlock, id).code(),
        ResultCode::CertificateNotCached
    );
    assert!(w.lock.advertisement().has(Advertisement::NEEDS_TIME));
    // An owner key is not time-limited: a full AUTH works at once.
    assert_eq!(other.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
}

#[test]
fn events_across_an_update_stay_in_one_chain() {
    let v = vendor();
    let mut w = World::with_vendor(&v);
    let mut phone = w.owner();
    phone.auth(&mut w.lock, Command::Unlock);
    let SessionResponse::Events(_, Some(before)) =
        phone.session(&mut w.lock, SessionRequest::FetchEvents { after_seq: 0, max: 32 })
    else {
        panic!("batch")
    };
    let cursor = before.events.last().map_or(0, |e| e.seq);
    update(&mut w, &mut phone, &release(&v, V1_1, FirmwareLosses::PIN_LIST));
    session(&mut w, &mut phone);
    let SessionResponse::Events(_, Some(after)) = phone.session(
        &mut w.lock,
        SessionRequest::FetchEvents {
            after_seq: cursor,
            max: 32,
        },
    ) else {
        panic!("batch")
    };
    after.verify(&w.lock.identity_public_key()).expect("signed");
    assert_eq!(after.epoch, before.epoch, "an update is not a reset");
    assert_eq!(after.chain_before, before.chain_after(), "the chain goes on");
    assert_eq!(after.gap_after(cursor), None);
    assert!(after.events.iter().any(|e| e.kind == EventKind::FirmwareInstalled));
}

#[test]
fn a_session_whose_key_no_longer_passes_carries_no_firmware() {
    let v = vendor();
    let mut w = World::with_vendor(&v);
    let mut guest = w.phone_with(|g| {
        g.role = latchkey_protocol::Role::Guest;
        g.not_after = START + 3600;
    });
    guest.auth(&mut w.lock, Command::Status);
    w.lock.power_loss();
    w.lock.on_connect(common::MTU);
    // The untrusted clock leaves a session for time delivery only.
    assert_eq!(
        guest.auth(&mut w.lock, Command::Status).code(),
        ResultCode::ClockUntrusted
    );
    let r = release(&v, V1_1, 0);
    assert_eq!(
        begin(&mut w, &mut guest, &r.manifest),
        SessionResponse::FirmwareBegun(ResultCode::ClockUntrusted, 0, 0)
    );
    assert_eq!(
        guest.session(&mut w.lock, SessionRequest::Info),
        SessionResponse::Info(ResultCode::ClockUntrusted, None)
    );
}

#[test]
fn a_newer_manifest_or_a_factory_reset_drops_a_download_in_progress() {
    let v = vendor();
    let mut w = World::with_vendor(&v);
    let mut phone = w.owner();
    let first = release(&v, V1_1, 0);
    session(&mut w, &mut phone);
    begin(&mut w, &mut phone, &first.manifest);
    send(&mut w, &mut phone, &first.image, 0, 3);
    let newer = release(&v, FirmwareVersion::new(1, 2, 0), 0);
    assert_eq!(
        begin(&mut w, &mut phone, &newer.manifest),
        SessionResponse::FirmwareBegun(ResultCode::Ok, 0, newer.manifest.size),
        "starts over for the newer image"
    );
    send(&mut w, &mut phone, &newer.image, 0, 2);
    w.lock.factory_reset();
    assert_eq!(w.lock.info().download, None);
    assert!(!w.lock.advertisement().has(Advertisement::UPDATE_HELD));
}
