//! Revocation lists carried by any phone: only a valid, newer list is
//! installed, and from then on the revoked key is refused on every path.

mod common;

use common::{World, START};
use latchkey_protocol::{Command, CommandId, EventKind, LockId, ResultCode, SessionRequest, SessionResponse};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::Peripheral;

fn push(w: &mut World, list: latchkey_protocol::RevocationList) -> SessionResponse {
    let mut owner = w.owner();
    assert_eq!(owner.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    owner.session(&mut w.lock, SessionRequest::PushRevocations(list))
}

#[test]
fn revoked_key_is_refused_after_the_list_reaches_the_lock() {
    let mut w = World::new();
    let mut tenant = w.owner();
    assert_eq!(tenant.auth(&mut w.lock, Command::Unlock).code(), ResultCode::Ok);
    let moves = w.lock.actuation_count();

    let list = w
        .authority
        .revocation_list(w.lock_id(), false, 1, START, vec![tenant.key_id()])
        .expect("list");
    assert_eq!(
        push(&mut w, list),
        SessionResponse::Revocations(ResultCode::Ok, Some(1))
    );
    assert_eq!(w.lock.revocation_seq(), 1);
    assert_eq!(w.lock.advertisement().revocation_seq_low, 1);
    let updated = w.lock.events().last().copied().expect("event");
    assert_eq!(updated.kind, EventKind::RevocationsUpdated);
    assert_eq!(updated.detail, 1);

    // Fast key, full AUTH, and cached certificate by hash: all refused.
    let fast = tenant.fast(&mut w.lock, Command::Unlock);
    assert_eq!(fast.code, ResultCode::KeyRevoked);
    assert_eq!(tenant.auth(&mut w.lock, Command::Unlock).code(), ResultCode::KeyRevoked);
    let by_hash = latchkey_protocol::CertRef::Hash(tenant.cert.hash());
    let reply = tenant.auth_with(&mut w.lock, by_hash, Command::Unlock, CommandId::random().expect("id"));
    assert_eq!(reply.code(), ResultCode::KeyRevoked);
    assert_eq!(w.lock.actuation_count(), moves);
}

#[test]
fn revocation_takes_effect_inside_an_open_session() {
    let mut w = World::new();
    let mut tenant = w.owner();
    assert_eq!(tenant.auth(&mut w.lock, Command::Status).code(), ResultCode::Ok);
    let list = w
        .authority
        .revocation_list(w.lock_id(), false, 1, START, vec![tenant.key_id()])
        .expect("list");
    let installed = tenant.session(&mut w.lock, SessionRequest::PushRevocations(list));
    assert_eq!(installed.code(), ResultCode::Ok);
    let actuate = tenant.session(
        &mut w.lock,
        SessionRequest::Actuate {
            command: Command::Unlock,
            command_id: CommandId::random().expect("id"),
        },
    );
    assert_eq!(actuate.code(), ResultCode::KeyRevoked);
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn older_revocation_list_is_rejected() {
    let mut w = World::new();
    let lock_id = w.lock_id();
    let newer = w
        .authority
        .revocation_list(lock_id, false, 5, START, vec![])
        .expect("list");
    let older = w
        .authority
        .revocation_list(lock_id, false, 4, START, vec![])
        .expect("list");
    let same = w
        .authority
        .revocation_list(lock_id, false, 5, START + 1, vec![])
        .expect("list");
    assert_eq!(push(&mut w, newer).code(), ResultCode::Ok);
    assert_eq!(
        push(&mut w, older),
        SessionResponse::Revocations(ResultCode::RevocationListOutdated, None)
    );
    assert_eq!(push(&mut w, same).code(), ResultCode::RevocationListOutdated);
    assert_eq!(w.lock.revocation_seq(), 5);
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn revocation_list_for_another_lock_or_issuer_or_forged_is_invalid() {
    let mut w = World::new();
    let lock_id = w.lock_id();
    let other_lock = w
        .authority
        .revocation_list(LockId([3; 16]), false, 9, START, vec![])
        .expect("list");
    let rogue = KeyAuthority::generate()
        .expect("rogue")
        .revocation_list(lock_id, false, 9, START, vec![])
        .expect("list");
    let mut forged = w
        .authority
        .revocation_list(lock_id, false, 9, START, vec![])
        .expect("list");
    forged.seq = 10;
    for list in [other_lock, rogue, forged] {
        assert_eq!(push(&mut w, list).code(), ResultCode::RevocationListInvalid);
    }
    assert_eq!(w.lock.revocation_seq(), 0);
    assert_eq!(w.lock.actuation_count(), 0);
}

#[test]
fn group_revocation_list_reaches_member_locks() {
    let group = LockId([0x42; 16]);
    let mut w = World::with_config(LockConfig {
        groups: vec![group],
        ..LockConfig::default()
    });
    let list = w
        .authority
        .revocation_list(group, true, 2, START, vec![])
        .expect("list");
    assert_eq!(push(&mut w, list).code(), ResultCode::Ok);
    assert_eq!(w.lock.revocation_seq(), 2);
}

#[test]
fn factory_reset_forgets_the_revocation_list() {
    let mut w = World::new();
    let list = w
        .authority
        .revocation_list(w.lock_id(), false, 3, START, vec![])
        .expect("list");
    assert_eq!(push(&mut w, list).code(), ResultCode::Ok);
    w.lock.factory_reset();
    assert_eq!(w.lock.revocation_seq(), 0);
    assert_eq!(w.lock.status().revocation_seq, 0);
}
