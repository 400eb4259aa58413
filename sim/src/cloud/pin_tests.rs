//! The cloud's PIN registry without the network: each change signs the
//! next list, deletions keep the other slots, drift lists what a lock
//! lacks, and all of it survives a restart.

use super::config::{CloudClock, CloudConfig};
use super::state::Cloud;
use super::wire::{LockInfo, PinAckReport, PinChangeRequest};
use crate::VirtualClock;
use latchkey_protocol::{LockId, PinList, SigningKey};

const START: u32 = 1_767_607_200;

fn change(slot: u8, digits: Option<&str>, label: &str) -> PinChangeRequest {
    PinChangeRequest {
        slot,
        digits: digits.map(str::to_string),
        label: Some(label.into()),
        class: None,
        not_before: None,
        not_after: None,
        schedule: None,
        one_time: false,
    }
}

fn list_of(cloud: &Cloud, phone: &super::store::PhoneRecord, lock: &LockId) -> PinList {
    let info = cloud.pin_list_info(phone, lock).unwrap();
    let bytes = latchkey_protocol::hex::decode(info.list.as_deref().unwrap()).unwrap();
    let list = PinList::decode(&bytes).unwrap();
    list.verify_for(&cloud.authority.public_key(), lock).unwrap();
    list
}

#[test]
fn pin_changes_sign_the_next_list_drift_lists_what_is_missing_and_a_restart_keeps_it() {
    let nonce = latchkey_protocol::crypto::random_array::<8>().unwrap();
    let dir = std::env::temp_dir().join(format!(
        "latchkey-cloud-pins-{}",
        latchkey_protocol::hex::encode(&nonce)
    ));
    let config = CloudConfig::local(&dir).with_clock(CloudClock::Virtual(VirtualClock::starting_at(START)));
    let lock = LockId([9; 16]);
    {
        let cloud = Cloud::open(&config).unwrap();
        cloud
            .register_lock(&LockInfo {
                lock_id: lock,
                name: "Door".into(),
                identity_key: SigningKey::generate().unwrap().public_key(),
                issuer_key: cloud.authority.public_key(),
                utc_offset_min: 0,
                groups: vec![],
            })
            .unwrap();
        cloud
            .register_phone("host", SigningKey::generate().unwrap().public_key(), true)
            .unwrap();
        let host = cloud.phone("host").unwrap().unwrap();
        assert_eq!(cloud.change_pin(&lock, &change(1, Some("1234"), "Ann")).unwrap().seq, 1);
        assert_eq!(cloud.change_pin(&lock, &change(2, Some("5678"), "Bob")).unwrap().seq, 2);
        let changed = cloud.change_pin(&lock, &change(1, Some("4321"), "Ann")).unwrap();
        assert_eq!((changed.seq, changed.action.as_str()), (3, "changed"));
        let deleted = cloud.change_pin(&lock, &change(2, None, "Bob")).unwrap();
        assert_eq!((deleted.seq, deleted.action.as_str()), (4, "deleted"));
        let list = list_of(&cloud, &host, &lock);
        assert_eq!((list.seq, list.slots.len(), list.slots[0].slot), (4, 1, 1));
        let secret = cloud.authority.pin_secret(&lock).unwrap();
        assert!(list.slots[0].matches(&secret, "4321") && !list.slots[0].matches(&secret, "1234"));

        let drift = cloud
            .report_pin_acks(
                &host,
                &[PinAckReport {
                    lock_id: lock,
                    seq: 2,
                    acknowledged_at: START,
                }],
            )
            .unwrap();
        let pending: Vec<u32> = drift[0].pending.iter().map(|c| c.seq).collect();
        assert_eq!((drift[0].lock_seq, pending), (2, vec![3, 4]));
        // An ack for a list never issued, or an older one, changes nothing.
        cloud
            .report_pin_acks(
                &host,
                &[PinAckReport {
                    lock_id: lock,
                    seq: 9,
                    acknowledged_at: START,
                }],
            )
            .unwrap();
        cloud
            .report_pin_acks(
                &host,
                &[PinAckReport {
                    lock_id: lock,
                    seq: 1,
                    acknowledged_at: START,
                }],
            )
            .unwrap();
        assert_eq!(cloud.pin_drift().unwrap()[0].lock_seq, 2);
    }
    let cloud = Cloud::open(&config).unwrap();
    let host = cloud.phone("host").unwrap().unwrap();
    let drift = cloud.pin_drift().unwrap();
    assert_eq!(
        (drift[0].cloud_seq, drift[0].lock_seq, drift[0].pending.len()),
        (4, 2, 2)
    );
    assert_eq!(list_of(&cloud, &host, &lock).seq, 4);
    assert_eq!(cloud.change_pin(&lock, &change(3, Some("9999"), "Cy")).unwrap().seq, 5);
    drop(cloud);
    let _ = std::fs::remove_dir_all(&dir);
}
