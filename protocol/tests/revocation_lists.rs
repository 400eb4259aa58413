//! Issuer-signed revocation lists that any phone carries to the lock: a
//! lock takes only a list signed by its issuer and addressed to it or to a
//! group it belongs to.

mod common;

use common::*;
use latchkey_protocol::{KeyId, ResultCode, RevocationList};

fn list_for(lock_id: latchkey_protocol::LockId, group: bool) -> RevocationList {
    RevocationList::issue(
        &parties().issuer,
        lock_id,
        group,
        7,
        MON_2024_01_01,
        vec![cert().key_id()],
    )
    .unwrap()
}

#[test]
fn a_list_for_this_lock_verifies_and_names_the_revoked_keys() {
    let p = parties();
    let list = list_for(p.lock_id, false);
    assert_eq!(list.verify_for(&p.issuer.public_key(), &p.lock_id, &[]), Ok(()));
    assert!(list.revokes(&cert().key_id()));
    assert!(!list.revokes(&KeyId([0; 8])));
}

#[test]
fn a_list_for_another_lock_is_invalid_here() {
    let p = parties();
    let list = list_for(p.other_lock_id, false);
    assert_eq!(
        list.verify_for(&p.issuer.public_key(), &p.lock_id, &[p.group_id]),
        Err(ResultCode::RevocationListInvalid)
    );
}

#[test]
fn a_group_list_applies_to_every_lock_in_the_group_and_no_other() {
    let p = parties();
    let list = list_for(p.group_id, true);
    let issuer = p.issuer.public_key();
    assert_eq!(list.verify_for(&issuer, &p.lock_id, &[p.group_id]), Ok(()));
    assert_eq!(list.verify_for(&issuer, &p.other_lock_id, &[p.group_id]), Ok(()));
    assert_eq!(
        list.verify_for(&issuer, &p.lock_id, &[]),
        Err(ResultCode::RevocationListInvalid),
        "lock not in the group"
    );
    // A lock-targeted list naming the group id is not a group list.
    let not_group = list_for(p.group_id, false);
    assert_eq!(
        not_group.verify_for(&issuer, &p.lock_id, &[p.group_id]),
        Err(ResultCode::RevocationListInvalid)
    );
}

#[test]
fn a_list_from_another_issuer_is_invalid() {
    let p = parties();
    let foreign = RevocationList::issue(&p.stranger, p.lock_id, false, 99, 0, vec![]).unwrap();
    assert_eq!(
        foreign.verify_for(&p.issuer.public_key(), &p.lock_id, &[]),
        Err(ResultCode::RevocationListInvalid)
    );
    let mut claimed = foreign;
    claimed.issuer_id = p.issuer.public_key().issuer_id();
    assert_eq!(
        claimed.verify_for(&p.issuer.public_key(), &p.lock_id, &[]),
        Err(ResultCode::RevocationListInvalid)
    );
}

#[test]
fn a_phone_cannot_unrevoke_its_key_or_raise_the_seq() {
    let p = parties();
    let issuer = p.issuer.public_key();
    let mut emptied = list_for(p.lock_id, false);
    emptied.revoked.clear();
    assert_eq!(
        emptied.verify_for(&issuer, &p.lock_id, &[]),
        Err(ResultCode::RevocationListInvalid)
    );
    let mut bumped = list_for(p.lock_id, false);
    bumped.seq += 1;
    assert_eq!(
        bumped.verify_for(&issuer, &p.lock_id, &[]),
        Err(ResultCode::RevocationListInvalid)
    );
    let mut retargeted = list_for(p.lock_id, false);
    retargeted.lock_group = true;
    assert_eq!(
        retargeted.verify_for(&issuer, &p.lock_id, &[p.lock_id]),
        Err(ResultCode::RevocationListInvalid)
    );
}
