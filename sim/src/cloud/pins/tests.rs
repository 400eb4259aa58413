//! The cloud's PIN registry without the network: each change signs the
//! next list, changes keep what they don't name, deletions keep the other
//! slots, drift lists what a lock lacks and when a phone last saw it, only
//! entitled phones get the PIN secret, and all of it survives a restart.

use super::super::config::{CloudClock, CloudConfig};
use super::super::state::Cloud;
use super::super::store::PhoneRecord;
use super::super::wire::{IssueKeyRequest, LockInfo, PinAckReport, PinAction, PinChangeRequest, ScheduleSpec};
use crate::VirtualClock;
use latchkey_protocol::{LockId, PinClass, PinList, SigningKey};

const START: u32 = 1_767_607_200;
const LOCK: LockId = LockId([9; 16]);

fn set(slot: u8, digits: Option<&str>, label: &str) -> PinChangeRequest {
    PinChangeRequest {
        slot,
        digits: digits.map(str::to_string),
        label: Some(label.into()),
        ..PinChangeRequest::default()
    }
}

fn ack(seq: u32, at: u32) -> PinAckReport {
    PinAckReport {
        lock_id: LOCK,
        seq,
        acknowledged_at: at,
        last_contact_at: None,
    }
}

fn list_of(cloud: &Cloud, phone: &PhoneRecord) -> PinList {
    let info = cloud.pin_list_info(phone, &LOCK, None).unwrap();
    let bytes = latchkey_protocol::hex::decode(info.list.as_deref().unwrap()).unwrap();
    let list = PinList::decode(&bytes).unwrap();
    list.verify_for(&cloud.authority.public_key(), &LOCK).unwrap();
    list
}

struct Scene {
    dir: std::path::PathBuf,
    config: CloudConfig,
    clock: VirtualClock,
}

impl Scene {
    fn new() -> Self {
        let nonce = latchkey_protocol::crypto::random_array::<8>().unwrap();
        let dir = std::env::temp_dir().join(format!(
            "latchkey-cloud-pins-{}",
            latchkey_protocol::hex::encode(&nonce)
        ));
        let clock = VirtualClock::starting_at(START);
        let config = CloudConfig::local(&dir).with_clock(CloudClock::Virtual(clock.clone()));
        Self { dir, config, clock }
    }

    /// A cloud with the lock and a host phone registered.
    fn open(&self) -> (Cloud, PhoneRecord) {
        let cloud = Cloud::open(&self.config).unwrap();
        if cloud.lock_info(&LOCK).unwrap().is_none() {
            cloud
                .register_lock(&LockInfo {
                    lock_id: LOCK,
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
        }
        let host = cloud.phone("host").unwrap().unwrap();
        (cloud, host)
    }
}

impl Drop for Scene {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn each_change_signs_the_next_list_and_a_restart_keeps_registry_acks_and_contacts() {
    let scene = Scene::new();
    {
        let (cloud, host) = scene.open();
        assert_eq!(cloud.set_pin(&LOCK, &set(1, Some("1234"), "Ann")).unwrap().seq, 1);
        assert_eq!(cloud.set_pin(&LOCK, &set(2, Some("5678"), "Bob")).unwrap().seq, 2);
        let changed = cloud.set_pin(&LOCK, &set(1, Some("4321"), "Ann")).unwrap();
        assert_eq!(
            (changed.seq, changed.action, changed.changed.clone()),
            (3, PinAction::Changed, vec!["code".into()])
        );
        scene.clock.advance_secs(86_400);
        let deleted = cloud.delete_pin(&LOCK, 2).unwrap();
        assert_eq!(
            (deleted.seq, deleted.action, deleted.label.as_str()),
            (4, PinAction::Deleted, "Bob")
        );
        assert_eq!(deleted.at, START + 86_400);
        let list = list_of(&cloud, &host);
        assert_eq!((list.seq, list.slots.len(), list.slots[0].slot), (4, 1, 1));
        let secret = cloud.authority.pin_secret(&LOCK).unwrap();
        assert!(list.slots[0].matches(&secret, "4321") && !list.slots[0].matches(&secret, "1234"));

        let drift = cloud.report_pin_acks(&host, &[ack(2, START + 60)]).unwrap();
        let pending: Vec<u32> = drift[0].pending.iter().map(|c| c.seq).collect();
        assert_eq!((drift[0].lock_seq, drift[0].pending_count, pending), (2, 2, vec![3, 4]));
        assert_eq!(drift[0].last_contact_at, Some(START + 60));
        // An ack for a list never issued, or an older one, changes nothing;
        // a later contact still counts, one from the future counts as now.
        cloud.report_pin_acks(&host, &[ack(9, START)]).unwrap();
        let later = PinAckReport {
            last_contact_at: Some(START + 10 * 86_400),
            ..ack(1, START)
        };
        cloud.report_pin_acks(&host, &[later]).unwrap();
        let drift = cloud.pin_drift().unwrap();
        assert_eq!(drift[0].lock_seq, 2);
        assert_eq!(drift[0].last_contact_at, Some(START + 86_400));
        assert_eq!(drift[0].last_contact_by.as_deref(), Some("host"));
    }
    let (cloud, host) = scene.open();
    let drift = cloud.pin_drift().unwrap();
    assert_eq!(
        (
            drift[0].cloud_seq,
            drift[0].lock_seq,
            drift[0].pending.len(),
            drift[0].last_contact_at
        ),
        (4, 2, 2, Some(START + 86_400))
    );
    assert_eq!(list_of(&cloud, &host).seq, 4);
    assert_eq!(cloud.set_pin(&LOCK, &set(3, Some("9999"), "Cy")).unwrap().seq, 5);
    let info = cloud.pin_list_info(&host, &LOCK, Some(3)).unwrap();
    let seqs: Vec<u32> = info.changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [4, 5], "changes after `since` only");
    assert_eq!(info.labels.get(&3).map(String::as_str), Some("Cy"));
}

#[test]
fn a_change_keeps_the_code_and_what_it_does_not_name_and_a_retry_signs_nothing() {
    let scene = Scene::new();
    let (cloud, host) = scene.open();
    let create = PinChangeRequest {
        class: Some("guest".into()),
        not_before: Some(START),
        not_after: Some(START + 7 * 86_400),
        holder: Some("Ms Smith".into()),
        ..set(4, Some("918273"), "Guest")
    };
    let created = cloud.set_pin(&LOCK, &create).unwrap();
    assert_eq!(
        (created.action, created.holder.as_deref()),
        (PinAction::Created, Some("Ms Smith"))
    );
    // The same request again (a retry): no new list.
    assert_eq!(cloud.set_pin(&LOCK, &create).unwrap().seq, 1);
    // A schedule added, nothing else named: code, class and window stay.
    let weekdays = PinChangeRequest {
        slot: 4,
        schedule: Some(Some(ScheduleSpec {
            weekdays: 0b001_1111,
            start_minute: 8 * 60,
            end_minute: 18 * 60,
        })),
        ..PinChangeRequest::default()
    };
    let changed = cloud.set_pin(&LOCK, &weekdays).unwrap();
    assert_eq!(
        (changed.seq, changed.changed.clone(), changed.label.as_str()),
        (2, vec!["schedule".to_string()], "Guest")
    );
    let slot = list_of(&cloud, &host).slots[0];
    let secret = cloud.authority.pin_secret(&LOCK).unwrap();
    assert!(slot.matches(&secret, "918273"));
    assert_eq!(
        (slot.class, slot.not_before, slot.schedule.is_some()),
        (PinClass::Guest, START, true)
    );
    // `null` removes the schedule; the holder can be cleared with "".
    let clear = PinChangeRequest {
        slot: 4,
        schedule: Some(None),
        holder: Some(String::new()),
        ..PinChangeRequest::default()
    };
    let cleared = cloud.set_pin(&LOCK, &clear).unwrap();
    assert_eq!(cleared.changed, ["schedule", "holder"]);
    assert!(list_of(&cloud, &host).slots[0].schedule.is_none());
    // Deleting twice answers the same deletion; an empty slot is 404.
    let first = cloud.delete_pin(&LOCK, 4).unwrap();
    assert_eq!(cloud.delete_pin(&LOCK, 4).unwrap(), first);
    assert_eq!(cloud.delete_pin(&LOCK, 5).unwrap_err().code, "not_found");
    let json = r#"{"slot": 4, "schedule": null}"#;
    let parsed: PinChangeRequest = serde_json::from_str(json).unwrap();
    assert_eq!(parsed.schedule, Some(None));
    let parsed: PinChangeRequest = serde_json::from_str(r#"{"slot": 4}"#).unwrap();
    assert_eq!(parsed.schedule, None);
}

#[test]
fn bad_changes_are_refused_with_the_reason() {
    let scene = Scene::new();
    let (cloud, _) = scene.open();
    let refused = |r: PinChangeRequest| cloud.set_pin(&LOCK, &r).unwrap_err();
    assert!(refused(set(1, None, "x")).message.contains("give `digits`"));
    assert!(refused(set(1, Some("12"), "x")).message.contains("4 to 8 digits"));
    assert!(refused(set(1, Some("1234"), "")).message.contains("label"));
    let master_window = PinChangeRequest {
        class: Some("master".into()),
        not_after: Some(START),
        ..set(1, Some("1234"), "Owner")
    };
    assert!(refused(master_window).message.contains("master"));
    let unknown = PinChangeRequest {
        class: Some("janitor".into()),
        ..set(1, Some("1234"), "x")
    };
    assert!(refused(unknown).message.contains("janitor"));
    let backwards = PinChangeRequest {
        not_before: Some(START),
        not_after: Some(START),
        ..set(1, Some("1234"), "x")
    };
    assert!(refused(backwards).message.contains("not_after"));
    for slot in 0..19 {
        cloud.set_pin(&LOCK, &set(slot, Some("1234"), "x")).unwrap();
    }
    assert!(refused(set(19, Some("1234"), "x")).message.contains("at most 19"));
    let other = LockId([1; 16]);
    assert_eq!(
        cloud.set_pin(&other, &set(1, Some("1234"), "x")).unwrap_err().code,
        "not_found"
    );
    assert_eq!(cloud.pin_drift().unwrap()[0].cloud_seq, 19, "refusals sign nothing");
}

#[test]
fn only_hosts_and_owner_or_admin_key_holders_get_the_pin_secret() {
    let scene = Scene::new();
    let (cloud, host) = scene.open();
    for name in ["owner", "guest"] {
        cloud
            .register_phone(name, SigningKey::generate().unwrap().public_key(), false)
            .unwrap();
        cloud
            .issue_key(&IssueKeyRequest {
                lock_id: LOCK,
                phone: name.into(),
                role: name.into(),
                not_before: START - 60,
                not_after: START + 86_400,
                schedule: None,
                offline_allowed: true,
                label: name.into(),
                cert_lifetime_s: None,
            })
            .unwrap();
    }
    let secret = |name: &str| {
        let phone = cloud.phone(name).unwrap().unwrap();
        cloud.pin_list_info(&phone, &LOCK, None).unwrap().secret
    };
    let expected = latchkey_protocol::hex::encode(&cloud.authority.pin_secret(&LOCK).unwrap().0);
    assert_eq!(secret("host"), Some(expected.clone()));
    assert_eq!(secret("owner"), Some(expected));
    assert_eq!(secret("guest"), None);
    // The owner's key ends: so does its entitlement.
    scene.clock.advance_secs(2 * 86_400);
    assert_eq!(secret("owner"), None);
    assert!(cloud.pin_list_info(&host, &LOCK, None).unwrap().list.is_none());
}
