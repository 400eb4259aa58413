//! Claiming a lock out of the box, as an attacker would try it: the wrong
//! setup secret, guessing it, a radio eavesdropper replaying what they
//! recorded, two phones racing, a stranger asking whose lock it is, and a
//! claimant setting the clock back.

mod common;

use common::{configure_for, exchange, exchange_raw, Claimant, World, START};
use latchkey_protocol::{
    plan_offline_pin, Advertisement, CertRef, ClaimHello, Command, CommandId, EphemeralKey, EventKind, Frame,
    ResultCode, Role, SetupRequest, SetupResponse, SetupSecret,
};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::{Fault, KeypadOutcome};
use latchkey_sim::Peripheral;

fn claim(w: &mut World) -> Claimant {
    let label = w.lock.label();
    Claimant::start(&mut w.lock, w.authority.public_key().issuer_id(), &label.secret).expect("a setup session")
}

fn finish(w: &mut World, c: &mut Claimant) -> SetupResponse {
    c.setup(&mut w.lock, SetupRequest::Finish)
}

#[test]
fn a_new_lock_advertises_unclaimed_and_refuses_every_key() {
    let mut w = World::factory_new(None);
    assert!(w.lock.advertisement().has(Advertisement::UNCLAIMED));
    assert!(!w.lock.is_claimed());
    assert!(
        w.lock.advertisement().has(Advertisement::NEEDS_TIME),
        "no trusted time out of the box"
    );
    let phone = w.owner();
    let (req, _) = phone.build_auth(
        &common::context(&mut w.lock),
        CertRef::Full(phone.cert.clone()),
        Command::Unlock,
        CommandId([1; 8]),
    );
    assert_eq!(
        exchange(&mut w.lock, &req.encode()),
        Frame::Error(ResultCode::LockUnclaimed)
    );
    assert_eq!(w.lock.actuation_count(), 0);
    // The keypad takes only the factory master PIN (none was set here).
    assert!(matches!(w.lock.enter_pin("123456"), KeypadOutcome::Refused { .. }));
}

#[test]
fn claiming_with_the_label_installs_the_owner_and_its_keys_then_work() {
    let mut w = World::factory_new(None);
    let mut c = claim(&mut w);
    assert_eq!(c.offer.code, ResultCode::Ok);
    assert!(!c.offer.calibrated);
    let mut configure = configure_for(w.authority.public_key(), START);
    configure.pin_secret = Some(w.authority.pin_secret(&w.lock_id()).expect("secret"));
    assert_eq!(
        c.setup(&mut w.lock, SetupRequest::Configure(configure)).code(),
        ResultCode::Ok
    );
    assert_eq!(
        c.setup(&mut w.lock, SetupRequest::Calibrate),
        SetupResponse::Calibrated(ResultCode::Ok, 640)
    );
    let SetupResponse::Finished(ResultCode::Ok, Some(receipt)) = finish(&mut w, &mut c) else {
        panic!("the claim commits");
    };
    receipt
        .verify(&w.lock.identity_public_key())
        .expect("signed by the lock's identity key");
    assert_eq!(receipt.issuer_id, w.authority.public_key().issuer_id());
    assert_eq!((receipt.lock_id, receipt.epoch), (w.lock_id(), 1));
    assert!(w.lock.is_claimed());
    let ad = w.lock.advertisement();
    assert!(!ad.has(Advertisement::UNCLAIMED) && !ad.has(Advertisement::NEEDS_TIME));
    assert_eq!(w.lock.info().name, "Front door");

    let mut phone = w.owner();
    assert_eq!(phone.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    let kinds: Vec<EventKind> = w.lock.events().iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Calibrated,
            EventKind::Claimed,
            EventKind::TimeSet,
            EventKind::Unlocked
        ]
    );
    // The PIN secret travelled sealed: offline PINs work.
    let secret = w.authority.pin_secret(&w.lock_id()).expect("secret");
    let pin = plan_offline_pin(&secret, START, 3600, false, 0).expect("pin");
    assert!(matches!(w.lock.enter_pin(&pin.code), KeypadOutcome::Accepted { .. }));
}

#[test]
fn a_wrong_setup_secret_is_refused_logged_and_changes_nothing() {
    let mut w = World::factory_new(None);
    let issuer = w.authority.public_key().issuer_id();
    let refused = Claimant::start(&mut w.lock, issuer, &SetupSecret([0x42; 16])).err();
    assert_eq!(
        refused,
        Some(Frame::ClaimAccepted {
            code: ResultCode::SetupCodeWrong,
            mac: [0; 16]
        })
    );
    assert!(!w.lock.is_claimed());
    let last = *w.lock.events().last().expect("logged");
    assert_eq!(
        (last.kind, last.result),
        (EventKind::AccessDenied, ResultCode::SetupCodeWrong as u8)
    );
    // No setup session was opened: a session frame finds none.
    assert_eq!(
        exchange(
            &mut w.lock,
            &[0x05, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
        ),
        Frame::Error(ResultCode::LockUnclaimed)
    );
    // The right label still works afterwards.
    let mut c = claim(&mut w);
    assert_eq!(c.setup(&mut w.lock, SetupRequest::Calibrate).code(), ResultCode::Ok);
}

#[test]
fn guessing_the_setup_secret_runs_into_the_budget_for_unproven_work() {
    let mut w = World::factory_new(None);
    let issuer = w.authority.public_key().issuer_id();
    let mut busy = 0;
    for i in 0..20u8 {
        w.lock.on_connect(common::MTU);
        match Claimant::start(&mut w.lock, issuer, &SetupSecret([i; 16])) {
            Err(Frame::Error(ResultCode::LockBusy)) => busy += 1,
            Err(Frame::ClaimAccepted { code, .. }) => assert_eq!(code, ResultCode::SetupCodeWrong),
            other => panic!("{:?}", other.map(|_| ())),
        }
    }
    assert_eq!(busy, 12, "8 ECDHs at once, then one every 5 s");
    assert_eq!(w.lock.asym_op_counts().ecdh, 8);
}

#[test]
fn an_eavesdropper_who_recorded_a_claim_learns_nothing_usable() {
    let mut w = World::factory_new(None);
    let label = w.lock.label();
    let issuer = w.authority.public_key().issuer_id();
    let pin_secret = w.authority.pin_secret(&w.lock_id()).expect("secret");
    // Everything that crossed the radio, both ways.
    let mut air: Vec<Vec<u8>> = Vec::new();
    let eph = EphemeralKey::generate().expect("eph");
    let hello = Frame::ClaimHello(ClaimHello {
        issuer_id: issuer,
        ephemeral: eph.public_key(),
    })
    .encode();
    let offer_bytes = exchange_raw(&mut w.lock, &hello);
    let Ok(Frame::ClaimOffer(offer)) = Frame::decode(&offer_bytes) else {
        panic!("offer")
    };
    let shared = eph.agree(&offer.ephemeral.expect("key")).expect("ECDH");
    let keys =
        latchkey_protocol::ClaimKeys::derive(&shared, &label.secret, &w.lock_id(), &hello, &offer_bytes).expect("keys");
    let proof = Frame::ClaimProof(keys.phone_mac()).encode();
    air.extend([
        hello.clone(),
        offer_bytes.clone(),
        proof.clone(),
        exchange_raw(&mut w.lock, &proof),
    ]);
    let mut cipher = latchkey_protocol::SessionCipher::phone(&keys.session).expect("cipher");
    let mut configure = configure_for(w.authority.public_key(), START);
    configure.pin_secret = Some(pin_secret.clone());
    for request in [
        SetupRequest::Configure(configure),
        SetupRequest::Calibrate,
        SetupRequest::Finish,
    ] {
        let sealed = cipher.seal(&request.encode()).expect("seal");
        let answer = exchange_raw(&mut w.lock, &sealed);
        cipher.open(&answer[..]).expect("answer opens");
        air.extend([sealed, answer]);
    }
    assert!(w.lock.is_claimed());

    // The PIN secret never crossed the air in the clear.
    for frame in &air {
        assert!(
            !frame.windows(32).any(|win| win == pin_secret.0),
            "PIN secret on the air"
        );
    }
    // Replaying the recording to the lock after a reset claims nothing:
    // the lock's new ephemeral key makes a new transcript the recorded
    // proof does not fit.
    w.lock.factory_reset();
    w.lock.on_connect(common::MTU);
    let fresh_offer = exchange_raw(&mut w.lock, &air[0]);
    assert_ne!(fresh_offer, air[1]);
    assert!(matches!(
        exchange(&mut w.lock, &air[2]),
        Frame::ClaimAccepted {
            code: ResultCode::SetupCodeWrong,
            ..
        }
    ));
    for sealed in air[4..].iter().step_by(2) {
        assert_eq!(exchange(&mut w.lock, sealed), Frame::Error(ResultCode::LockUnclaimed));
    }
    assert!(!w.lock.is_claimed());
}

#[test]
fn two_phones_racing_to_claim_leave_exactly_one_owner() {
    let mut w = World::factory_new(None);
    let label = w.lock.label();
    let neighbour = KeyAuthority::generate().expect("another account");
    // Phone A (another account) gets as far as configuring; its
    // connection drops before it finishes.
    let mut a = Claimant::start(&mut w.lock, neighbour.public_key().issuer_id(), &label.secret).expect("A");
    let configured = a.setup(
        &mut w.lock,
        SetupRequest::Configure(configure_for(neighbour.public_key(), START)),
    );
    assert_eq!(configured.code(), ResultCode::Ok);
    assert_eq!(a.setup(&mut w.lock, SetupRequest::Calibrate).code(), ResultCode::Ok);
    // Phone B connects and finishes first.
    w.lock.on_connect(common::MTU);
    let mut b = claim(&mut w);
    assert_eq!(
        b.setup(
            &mut w.lock,
            SetupRequest::Configure(configure_for(w.authority.public_key(), START))
        )
        .code(),
        ResultCode::Ok
    );
    assert_eq!(finish(&mut w, &mut b).code(), ResultCode::Ok);
    assert_eq!(w.lock.issuer(), Some(w.authority.public_key()));
    // A comes back: its old setup frames find no setup session, and a new
    // claim is told the lock is someone else's.
    w.lock.on_connect(common::MTU);
    assert_eq!(
        a.try_setup(&mut w.lock, SetupRequest::Finish),
        Err(ResultCode::NoSession)
    );
    let again = Claimant::start(&mut w.lock, neighbour.public_key().issuer_id(), &label.secret).err();
    let Some(Frame::ClaimOffer(offer)) = again else {
        panic!("an offer refusing the claim")
    };
    assert_eq!(
        (offer.code, offer.same_issuer, offer.ephemeral),
        (ResultCode::AlreadyClaimed, false, None)
    );
    assert_eq!(w.lock.issuer(), Some(w.authority.public_key()), "B's claim stands");
    // A phone of B's own account is told it is theirs.
    let own = Claimant::start(&mut w.lock, w.authority.public_key().issuer_id(), &label.secret).err();
    assert!(matches!(own, Some(Frame::ClaimOffer(o)) if o.same_issuer));
}

#[test]
fn a_claimed_lock_spends_no_ecdh_on_a_stranger_and_tells_only_whether_it_is_theirs() {
    let mut w = World::new();
    let before = w.lock.asym_op_counts();
    let stranger = KeyAuthority::generate().expect("stranger");
    let refused = Claimant::start(&mut w.lock, stranger.public_key().issuer_id(), &SetupSecret([0; 16])).err();
    let Some(Frame::ClaimOffer(offer)) = refused else {
        panic!("an offer")
    };
    assert_eq!((offer.code, offer.same_issuer), (ResultCode::AlreadyClaimed, false));
    assert_eq!(w.lock.asym_op_counts(), before);
    assert_eq!(
        exchange(&mut w.lock, &Frame::ClaimProof([0; 16]).encode()),
        Frame::Error(ResultCode::AlreadyClaimed)
    );
}

#[test]
fn finish_needs_configure_and_a_calibrated_bolt() {
    let mut w = World::factory_new(None);
    let mut c = claim(&mut w);
    assert_eq!(finish(&mut w, &mut c).code(), ResultCode::SetupIncomplete);
    let list = w
        .authority
        .revocation_list(w.lock_id(), false, 1, START, vec![])
        .expect("list");
    assert_eq!(
        c.setup(&mut w.lock, SetupRequest::PushRevocations(list)).code(),
        ResultCode::SetupIncomplete,
        "a list before the issuer is known"
    );
    c.setup(
        &mut w.lock,
        SetupRequest::Configure(configure_for(w.authority.public_key(), START)),
    );
    assert_eq!(
        finish(&mut w, &mut c).code(),
        ResultCode::SetupIncomplete,
        "not calibrated"
    );
    w.lock.inject(Fault::JammedBolt);
    assert_eq!(
        c.setup(&mut w.lock, SetupRequest::Calibrate),
        SetupResponse::Calibrated(ResultCode::Jammed, 0)
    );
    assert_eq!(finish(&mut w, &mut c).code(), ResultCode::SetupIncomplete);
    w.lock.clear_faults();
    assert_eq!(c.setup(&mut w.lock, SetupRequest::Calibrate).code(), ResultCode::Ok);
    assert_eq!(finish(&mut w, &mut c).code(), ResultCode::Ok);
    assert_eq!(
        c.try_setup(&mut w.lock, SetupRequest::Finish),
        Err(ResultCode::NoSession),
        "the setup session ended"
    );
}

#[test]
fn lists_in_the_setup_must_come_from_the_issuer_being_installed() {
    let mut w = World::factory_new(None);
    let mut c = claim(&mut w);
    c.setup(
        &mut w.lock,
        SetupRequest::Configure(configure_for(w.authority.public_key(), START)),
    );
    let other = KeyAuthority::generate().expect("other");
    let forged = other
        .revocation_list(w.lock_id(), false, 9, START, vec![])
        .expect("list");
    assert_eq!(
        c.setup(&mut w.lock, SetupRequest::PushRevocations(forged)),
        SetupResponse::Revocations(ResultCode::RevocationListInvalid, 0)
    );
    let pins = other.pin_list(w.lock_id(), 3, START, 0, vec![]).expect("pins");
    assert_eq!(
        c.setup(&mut w.lock, SetupRequest::PushPins(pins)),
        SetupResponse::Pins(ResultCode::PinListInvalid, 0)
    );
}

#[test]
fn a_dropped_connection_leaves_the_lock_unclaimed_and_unchanged() {
    let mut w = World::factory_new(None);
    let mut c = claim(&mut w);
    c.setup(
        &mut w.lock,
        SetupRequest::Configure(configure_for(w.authority.public_key(), START)),
    );
    c.setup(&mut w.lock, SetupRequest::Calibrate);
    w.lock.on_disconnect();
    w.lock.on_connect(common::MTU);
    assert_eq!(
        c.try_setup(&mut w.lock, SetupRequest::Finish),
        Err(ResultCode::LockUnclaimed)
    );
    assert!(!w.lock.is_claimed());
    assert!(w.lock.advertisement().has(Advertisement::UNCLAIMED));
}

#[test]
fn a_claimant_cannot_set_the_clock_behind_what_the_lock_knew_to_revive_a_key() {
    let mut w = World::new();
    let mut guest = w.phone_with(|g| {
        g.role = Role::Guest;
        g.not_before = START - 7200;
        g.not_after = START + 3600;
    });
    w.clock.advance_secs(2 * 3600);
    assert_eq!(guest.auth(&mut w.lock, Command::Unlock).code(), ResultCode::KeyExpired);
    let lock_now = w.lock.lock_time();
    w.lock.factory_reset();
    let label = w.lock.label();
    let mut c = Claimant::start(&mut w.lock, w.authority.public_key().issuer_id(), &label.secret).expect("claim");
    // The claimant's phone says it is back inside the stay.
    let SetupResponse::Configured(ResultCode::Ok, set) = c.setup(
        &mut w.lock,
        SetupRequest::Configure(configure_for(w.authority.public_key(), START)),
    ) else {
        panic!("configured")
    };
    assert!(set >= lock_now, "the clock stays at {set}, not before {lock_now}");
    assert_eq!(c.setup(&mut w.lock, SetupRequest::Finish).code(), ResultCode::Ok);
    assert_eq!(guest.auth(&mut w.lock, Command::Unlock).code(), ResultCode::KeyExpired);
}
