//! The cloud's rules without the network: idempotent ingest, refusals that
//! never panic, revocation lists, drift that only moves forward, and
//! reproducible chaos.

use super::chaos::{Chaos, ChaosConfig};
use super::config::{CloudClock, CloudConfig};
use super::state::Cloud;
use super::store::PhoneRecord;
use super::wire::{EventStatus, IssueKeyRequest, LockInfo, RevocationAckReport, UploadEvent};
use crate::VirtualClock;
use latchkey_protocol::{LockId, SigningKey};
use serde_json::json;

const START: u32 = 1_767_607_200;

struct Fixture {
    cloud: Cloud,
    phone: PhoneRecord,
    lock: LockId,
    dir: ScratchDir,
}

/// Removed when dropped.
struct ScratchDir(std::path::PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixture() -> Fixture {
    let nonce = latchkey_protocol::crypto::random_array::<8>().unwrap();
    let dir = std::env::temp_dir().join(format!(
        "latchkey-cloud-test-{}",
        latchkey_protocol::hex::encode(&nonce)
    ));
    let config = CloudConfig::local(&dir).with_clock(CloudClock::Virtual(VirtualClock::starting_at(START)));
    let cloud = Cloud::open(&config).unwrap();
    let lock = LockId([7; 16]);
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
    let holder = SigningKey::generate().unwrap().public_key();
    cloud.register_phone("phone", holder, false).unwrap();
    let phone = cloud.phone("phone").unwrap().unwrap();
    let f = Fixture {
        cloud,
        phone,
        lock,
        dir: ScratchDir(dir),
    };
    // A phone uploads and acknowledges only for locks it has a key for.
    let resident = IssueKeyRequest {
        role: "resident".into(),
        not_after: START + 30 * 86_400,
        ..guest_key(&f)
    };
    f.cloud.issue_key(&resident).unwrap();
    f
}

fn upload(id: &str, event: serde_json::Value) -> UploadEvent {
    UploadEvent { id: id.into(), event }
}

fn lock_event(lock: &LockId, seq: u32) -> serde_json::Value {
    json!({"kind": "lock_event", "lock_id": lock.to_hex(), "epoch": 1, "seq": seq, "event": "00"})
}

const A: &str = "01920000-0000-7000-8000-000000000001";
const B: &str = "01920000-0000-7000-8000-000000000002";
const C: &str = "01920000-0000-7000-8000-000000000003";

#[test]
fn events_are_stored_once_by_id_and_lock_events_once_by_seq() {
    let f = fixture();
    let first = vec![
        upload(A, lock_event(&f.lock, 1)),
        upload(A, lock_event(&f.lock, 1)),
        upload(B, lock_event(&f.lock, 1)),
    ];
    let results = f.cloud.ingest(&f.phone, &first).unwrap();
    let statuses: Vec<EventStatus> = results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [EventStatus::Stored, EventStatus::Duplicate, EventStatus::Duplicate]
    );
    let again = f
        .cloud
        .ingest(
            &f.phone,
            &[upload(A, lock_event(&f.lock, 1)), upload(C, lock_event(&f.lock, 2))],
        )
        .unwrap();
    assert_eq!(again[0].status, EventStatus::Duplicate);
    assert_eq!(again[1].status, EventStatus::Stored);
    let stored = f.cloud.received(Some(&f.lock)).unwrap();
    assert_eq!(stored.iter().map(|e| e.position).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(f.cloud.event_counts().unwrap(), (2, 3));
}

#[test]
fn bad_events_are_refused_one_by_one_with_a_reason() {
    let f = fixture();
    let other = LockId([9; 16]);
    let cases = vec![
        upload("not-a-uuid", lock_event(&f.lock, 1)),
        upload(A, json!({"kind": "teleported", "lock_id": f.lock.to_hex()})),
        upload(B, lock_event(&other, 1)),
        upload(C, json!({"kind": "lock_event", "lock_id": f.lock.to_hex(), "epoch": 1})),
        upload(
            "01920000-0000-7000-8000-000000000004",
            json!({"kind": "unlock_attempt"}),
        ),
        upload("01920000-0000-7000-8000-000000000005", json!(["not", "an", "object"])),
        upload(
            "01920000-0000-7000-8000-000000000006",
            json!({"kind": "failure", "detail": "x".repeat(20_000)}),
        ),
        upload(
            "01920000-0000-7000-8000-000000000007",
            json!({"kind": "failure", "detail": "ok"}),
        ),
    ];
    let results = f.cloud.ingest(&f.phone, &cases).unwrap();
    for r in &results[..7] {
        assert_eq!(r.status, EventStatus::Rejected, "{r:?}");
        assert!(r.reason.as_deref().is_some_and(|s| !s.is_empty()));
    }
    assert_eq!(results[7].status, EventStatus::Stored, "a lock-less failure is fine");
}

#[test]
fn revoking_signs_the_next_list_and_renewal_of_a_revoked_key_is_refused() {
    let f = fixture();
    let key = f.cloud.issue_key(&guest_key(&f)).unwrap();
    assert_eq!(f.cloud.revocation_info(&f.lock).unwrap().seq, 0);
    assert_eq!(f.cloud.revoke_key(&key.key_id).unwrap().seq, 1);
    let info = f.cloud.revocation_info(&f.lock).unwrap();
    let list = latchkey_protocol::RevocationList::decode(&latchkey_protocol::hex::decode(&info.list.unwrap()).unwrap())
        .unwrap();
    assert!(list.revokes(&key.key_id));
    list.verify_for(&f.cloud.authority.public_key(), &f.lock, &[]).unwrap();
    let err = f.cloud.renew_key(&f.phone, &key.key_id).unwrap_err();
    assert_eq!(err.code, "key_revoked");
}

#[test]
fn acknowledged_seqs_only_move_forward_and_never_past_what_was_issued() {
    let f = fixture();
    let ack = |seq| RevocationAckReport {
        lock_id: f.lock,
        seq,
        acknowledged_at: START,
    };
    let drift = f.cloud.report_acks(&f.phone, &[ack(3)]).unwrap();
    assert_eq!((drift[0].cloud_seq, drift[0].lock_seq, drift[0].in_sync), (0, 0, true));
    for _ in 0..2 {
        let key = f.cloud.issue_key(&guest_key(&f)).unwrap();
        f.cloud.revoke_key(&key.key_id).unwrap();
    }
    let seqs = |acks: &[u32]| {
        let reports: Vec<_> = acks.iter().map(|&s| ack(s)).collect();
        let d = &f.cloud.report_acks(&f.phone, &reports).unwrap()[0];
        (d.cloud_seq, d.lock_seq, d.in_sync)
    };
    assert_eq!(seqs(&[1]), (2, 1, false));
    assert_eq!(seqs(&[2]), (2, 2, true));
    assert_eq!(seqs(&[1, 3]), (2, 2, true), "never back, never past the cloud");
    assert_eq!(f.cloud.drift().unwrap()[0].reported_by.as_deref(), Some("phone"));
}

fn guest_key(f: &Fixture) -> IssueKeyRequest {
    IssueKeyRequest {
        lock_id: f.lock,
        phone: "phone".into(),
        role: "guest".into(),
        not_before: START,
        not_after: START + 86_400,
        schedule: None,
        offline_allowed: true,
        label: "guest".into(),
        cert_lifetime_s: None,
    }
}

#[test]
fn the_same_seed_draws_the_same_faults() {
    let config = ChaosConfig {
        seed: 99,
        unavailable: 0.3,
        drop_after_commit: 0.3,
        ..ChaosConfig::default()
    };
    let draws = |c: &Chaos| (0..200).map(|_| format!("{:?}", c.roll().0)).collect::<Vec<_>>();
    let (a, b) = (Chaos::new(config.clone()), Chaos::new(config));
    assert_eq!(draws(&a), draws(&b));
    assert!(a.stats().unavailable > 20 && a.stats().dropped_after_commit > 20);
    let calm = Chaos::new(ChaosConfig::default());
    draws(&calm);
    let s = calm.stats();
    assert_eq!(s.requests, 200);
    assert_eq!(
        s.unavailable + s.dropped_after_commit + s.rate_limited + s.stalled + s.unauthorized,
        0
    );
}

#[test]
fn the_data_directory_keeps_the_issuer_phones_and_events_across_a_restart() {
    let f = fixture();
    f.cloud.ingest(&f.phone, &[upload(A, lock_event(&f.lock, 1))]).unwrap();
    let issuer = f.cloud.authority.public_key();
    let Fixture { cloud, dir, .. } = f;
    drop(cloud);
    let reopened = Cloud::open(&CloudConfig::local(&dir.0)).unwrap();
    assert_eq!(reopened.authority.public_key(), issuer);
    assert!(reopened.phone("phone").unwrap().is_some());
    assert_eq!(reopened.event_counts().unwrap(), (1, 0));
}
