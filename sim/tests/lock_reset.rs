//! Factory reset and re-commissioning: what a reset wipes and keeps, a
//! revoked key that stays refused after the owner brings the lock back,
//! a new owner starting clean, and the events a reset cut off marked as a
//! gap of the old epoch.

mod common;

use common::{configure_for, Claimant, Phone, World, START};
use latchkey_protocol::{
    Advertisement, Command, EventKind, PinClass, PinRule, ResultCode, SessionRequest, SessionResponse, SetupRequest,
    SetupResponse,
};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::Peripheral;

fn revoke(w: &mut World, phone: &mut Phone, seq: u32, revoked: Vec<latchkey_protocol::KeyId>) {
    let list = w
        .authority
        .revocation_list(w.lock_id(), false, seq, START, revoked)
        .expect("list");
    assert_eq!(
        phone.session(&mut w.lock, SessionRequest::PushRevocations(list)).code(),
        ResultCode::Ok
    );
}

#[test]
fn a_reset_wipes_what_belongs_to_the_owner_and_keeps_what_belongs_to_the_lock() {
    let mut w = World::new();
    let mut owner = w.owner();
    owner.auth(&mut w.lock, Command::Unlock);
    revoke(&mut w, &mut owner, 2, vec![]);
    let secret = w.authority.pin_secret(&w.lock_id()).expect("secret");
    let slot = latchkey_protocol::PinSlot::new(
        &secret,
        1,
        &latchkey_protocol::PinDigits::new("112233").expect("digits"),
        PinRule::always(PinClass::User),
    )
    .expect("slot");
    let pins = w
        .authority
        .pin_list(w.lock_id(), 4, START, 0, vec![slot])
        .expect("pins");
    owner.session(&mut w.lock, SessionRequest::PushPins(pins));
    let (id, identity, label, firmware) = (
        w.lock_id(),
        w.lock.identity_public_key(),
        w.lock.label(),
        w.lock.firmware_version(),
    );
    assert!(w.lock.info().fast_keys > 0 && w.lock.info().certificates_cached > 0);

    w.lock.factory_reset();

    assert!(!w.lock.is_claimed() && w.lock.issuer().is_none());
    assert!(w.lock.advertisement().has(Advertisement::UNCLAIMED));
    assert_eq!(w.lock.epoch(), 2);
    let info = w.lock.info();
    assert_eq!((info.fast_keys, info.certificates_cached, info.pin_seq), (0, 0, 0));
    assert_eq!(info.name, "");
    assert_eq!(w.lock.revocation_seq(), 0);
    assert!(info.calibrated, "the calibration belongs to the door");
    assert_eq!(
        (w.lock_id(), w.lock.identity_public_key(), w.lock.label()),
        (id, identity, label)
    );
    assert_eq!(w.lock.firmware_version(), firmware);
    assert!(w.lock.clock_trusted(), "the clock keeps running, trusted");
    assert!(matches!(
        w.lock.enter_pin("112233"),
        latchkey_sim::lock::KeypadOutcome::Refused { .. }
    ));
}

#[test]
fn reset_then_recommission_with_a_revoked_key_still_refused() {
    let mut w = World::new();
    let mut owner = w.owner();
    let mut tenant = w.owner();
    owner.auth(&mut w.lock, Command::Status);
    revoke(&mut w, &mut owner, 3, vec![tenant.key_id()]);
    assert_eq!(tenant.auth(&mut w.lock, Command::Unlock).code(), ResultCode::KeyRevoked);

    w.lock.factory_reset();
    let label = w.lock.label();
    let issuer = w.authority.public_key();
    let mut c = Claimant::start(&mut w.lock, issuer.issuer_id(), &label.secret).expect("claim");
    assert_eq!(c.offer.revocation_floor, 3, "the lock says which list it needs");
    c.setup(&mut w.lock, SetupRequest::Configure(configure_for(issuer, START)));
    // Without a list (a phone that forgot it, or one that would like the
    // revoked key back) the lock refuses to finish.
    assert_eq!(
        c.setup(&mut w.lock, SetupRequest::Finish),
        SetupResponse::Finished(ResultCode::RevocationListOutdated, None)
    );
    let older = w
        .authority
        .revocation_list(w.lock_id(), false, 2, START, vec![])
        .expect("older");
    c.setup(&mut w.lock, SetupRequest::PushRevocations(older));
    assert_eq!(
        c.setup(&mut w.lock, SetupRequest::Finish).code(),
        ResultCode::RevocationListOutdated
    );
    let newest = w
        .authority
        .revocation_list(w.lock_id(), false, 3, START, vec![tenant.key_id()])
        .expect("newest");
    c.setup(&mut w.lock, SetupRequest::PushRevocations(newest));
    let SetupResponse::Finished(ResultCode::Ok, Some(receipt)) = c.setup(&mut w.lock, SetupRequest::Finish) else {
        panic!("re-commissioned")
    };
    assert_eq!((receipt.epoch, receipt.revocation_seq), (2, 3));

    assert_eq!(tenant.auth(&mut w.lock, Command::Unlock).code(), ResultCode::KeyRevoked);
    assert_eq!(w.lock.actuation_count(), 0);
    // The owner's key works again without being issued anew.
    assert_eq!(owner.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
}

#[test]
fn a_new_owner_starts_clean_and_the_old_owners_keys_stop() {
    let mut w = World::new();
    let mut owner = w.owner();
    owner.auth(&mut w.lock, Command::Status);
    revoke(&mut w, &mut owner, 5, vec![]);
    w.lock.factory_reset();
    let buyer = KeyAuthority::generate().expect("the next owner's account");
    let label = w.lock.label();
    let mut c = Claimant::start(&mut w.lock, buyer.public_key().issuer_id(), &label.secret).expect("claim");
    assert_eq!(c.offer.revocation_floor, 0, "another issuer's lists mean nothing here");
    c.setup(
        &mut w.lock,
        SetupRequest::Configure(configure_for(buyer.public_key(), START)),
    );
    assert_eq!(c.setup(&mut w.lock, SetupRequest::Finish).code(), ResultCode::Ok);
    assert_eq!(
        owner.auth(&mut w.lock, Command::Unlock).code(),
        ResultCode::UnknownIssuer
    );
}

#[test]
fn the_reset_event_names_the_old_epochs_events_no_phone_collected() {
    let mut w = World::new();
    let mut owner = w.owner();
    for _ in 0..3 {
        owner.auth(&mut w.lock, Command::Unlock);
        owner.auth(&mut w.lock, Command::Lock);
    }
    let SessionResponse::Events(ResultCode::Ok, Some(batch)) =
        owner.session(&mut w.lock, SessionRequest::FetchEvents { after_seq: 0, max: 4 })
    else {
        panic!("a batch")
    };
    assert_eq!(batch.events.last().map(|e| e.seq), Some(4));
    owner.auth(&mut w.lock, Command::Unlock);
    let head = w.lock.status().event_head;
    assert_eq!(head, 7);

    w.lock.factory_reset();
    let first = w.lock.events()[0];
    assert_eq!((first.seq, first.kind), (1, EventKind::FactoryReset));
    assert_eq!(&first.key_id.0[..4], &7u32.to_be_bytes(), "the old epoch's newest seq");
    assert_eq!(
        &first.key_id.0[4..],
        &4u32.to_be_bytes(),
        "the newest any phone collected"
    );

    // Re-commissioned, the new epoch's log starts with the reset and the
    // claim, in a chain of its own.
    w.recommission();
    owner.auth(&mut w.lock, Command::Status);
    let SessionResponse::Events(ResultCode::Ok, Some(batch)) =
        owner.session(&mut w.lock, SessionRequest::FetchEvents { after_seq: 0, max: 32 })
    else {
        panic!("a batch")
    };
    batch.verify(&w.lock.identity_public_key()).expect("signed");
    assert_eq!(batch.epoch, 2);
    let kinds: Vec<EventKind> = batch.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventKind::FactoryReset, EventKind::Claimed, EventKind::TimeSet]);
}
