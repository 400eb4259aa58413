//! The credential cache: what goes in comes back out, across reopening.

use latchkey_core::platform_keys::{Signer, SoftwareKeyStore, SoftwareSigner};
use latchkey_core::store::{
    offline_check, ClockSkew, LockMeta, ObservedStatus, OfflineRefusal, RevocationAck, SeenAdvertisement, Store,
    StoredKey,
};
use latchkey_protocol::{
    Advertisement, BoltState, Challenge, DigitalKey, DoorState, FastKey, Faults, KeyGrant, KeyId, LockId, LockStatus,
    PublicKey, RevocationList, Role, Schedule, SigDomain, SigningKey, TimeToken,
};
use std::path::Path;
use std::sync::Arc;

const NOW: u32 = 1_750_000_000;

fn open(dir: &Path, keystore: &Arc<SoftwareKeyStore>) -> Store {
    let outcome = Store::open(dir, keystore.clone()).expect("store opens");
    assert!(outcome.quarantined.is_none());
    outcome.store
}

fn issue(
    issuer: &SigningKey,
    lock_id: LockId,
    offline: bool,
    valid: (u32, u32),
    schedule: Option<Schedule>,
) -> DigitalKey {
    let grant = KeyGrant {
        key_id: KeyId::random().unwrap(),
        lock_id,
        lock_group: false,
        holder: SigningKey::generate().unwrap().public_key(),
        role: Role::Guest,
        not_before: valid.0,
        not_after: valid.1,
        schedule,
        offline_allowed: offline,
        serial: 1,
    };
    DigitalKey::issue(grant, issuer).unwrap()
}

#[test]
fn store_round_trips_keys_locks_revocations_and_time_tokens() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
    let issuer = SigningKey::generate().unwrap();
    let lock_id = LockId::random().unwrap();
    let group = LockId::random().unwrap();
    let key = StoredKey {
        key: issue(&issuer, lock_id, true, (NOW - 10, NOW + 3600), None),
        label: "Beach house, guest".into(),
        received_at: NOW,
        lock_name: Some("Beach house".into()),
    };
    let meta = LockMeta {
        lock_id,
        name: "Beach house".into(),
        identity_key: SigningKey::generate().unwrap().public_key(),
        issuer_key: issuer.public_key(),
        utc_offset_min: 120,
        groups: vec![group],
    };
    let list = RevocationList::issue(&issuer, group, true, 7, NOW, vec![KeyId::random().unwrap()]).unwrap();
    let token = TimeToken::issue(&issuer, lock_id, NOW, 300, 120, Challenge::default()).unwrap();
    let status = LockStatus {
        bolt: BoltState::Locked,
        door: DoorState::Closed,
        battery_mv: 2950,
        battery_percent: 71,
        faults: Faults(0),
        lock_time: NOW + 4,
        revocation_seq: 7,
        event_head: 42,
        epoch: 3,
    };
    let advert = Advertisement {
        short_lock_id: lock_id.short(),
        epoch: 3,
        challenge: Challenge::random().unwrap(),
        flags: Advertisement::EVENTS_PENDING,
        revocation_seq_low: 7,
    };
    {
        let store = open(&dir, &keystore);
        store.keys().put(&key).unwrap();
        store.locks().put_meta(&meta).unwrap();
        assert!(store.revocations().put(&list).unwrap());
        assert!(store.time_tokens().put(&token).unwrap());
        store
            .locks()
            .update_state(&lock_id, |s| {
                s.last_seen = Some(SeenAdvertisement {
                    advertisement: advert,
                    rssi: -67,
                    seen_at: NOW,
                });
                s.last_status = Some(ObservedStatus {
                    status,
                    observed_at: NOW,
                });
                s.epoch = Some(3);
                s.revocation_ack = Some(RevocationAck {
                    seq: 7,
                    acknowledged_at: NOW,
                });
                s.clock_skew = Some(ClockSkew {
                    lock_minus_phone_s: 4,
                    measured_at: NOW,
                });
                s.advance_event_cursor(3, 42);
            })
            .unwrap();
    }

    let store = open(&dir, &keystore);
    assert_eq!(store.keys().get(&key.key.key_id()).unwrap(), Some(key.clone()));
    assert_eq!(store.keys().list().unwrap(), vec![key.clone()]);
    assert_eq!(store.keys().for_lock(&lock_id, &[group]).unwrap(), vec![key.clone()]);
    assert!(store
        .keys()
        .for_lock(&LockId::random().unwrap(), &[])
        .unwrap()
        .is_empty());
    assert_eq!(store.locks().get_meta(&lock_id).unwrap(), Some(meta.clone()));
    assert_eq!(store.locks().list_meta().unwrap(), vec![meta]);
    assert_eq!(
        store.revocations().for_lock(&lock_id, &[group]).unwrap(),
        vec![list.clone()]
    );
    assert_eq!(store.time_tokens().get(&lock_id).unwrap(), Some(token.clone()));

    let state = store.locks().state(&lock_id).unwrap();
    assert_eq!(state.last_seen.unwrap().advertisement, advert);
    assert_eq!(state.last_status.unwrap().status, status);
    assert_eq!(state.epoch, Some(3));
    assert_eq!(state.revocation_ack.unwrap().seq, 7);
    assert_eq!(state.clock_skew.unwrap().lock_minus_phone_s, 4);
    assert_eq!(state.event_cursor(3), 42);
    assert_eq!(state.event_cursor(4), 0);

    // Only newer lists and tokens replace what is cached.
    let older = RevocationList::issue(&issuer, group, true, 6, NOW, vec![]).unwrap();
    assert!(!store.revocations().put(&older).unwrap());
    let stale = TimeToken::issue(&issuer, lock_id, NOW - 60, 300, 120, Challenge::default()).unwrap();
    assert!(!store.time_tokens().put(&stale).unwrap());
    assert_eq!(store.revocations().get(&group).unwrap(), Some(list));

    assert!(store.keys().remove(&key.key.key_id()).unwrap());
    assert_eq!(store.keys().get(&key.key.key_id()).unwrap(), None);
    assert!(store.unreadable_records().unwrap().is_empty());
}

#[test]
fn fast_key_counter_survives_reopen_and_only_moves_forward() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
    let (lock, key_id) = (LockId::random().unwrap(), KeyId::random().unwrap());
    {
        let store = open(&dir, &keystore);
        assert_eq!(store.fast_keys().next_counter(&lock, &key_id).unwrap(), None);
        store.fast_keys().put(&lock, &key_id, FastKey([1; 32])).unwrap();
        let used: Vec<u32> = (0..3)
            .map(|_| store.fast_keys().next_counter(&lock, &key_id).unwrap().unwrap())
            .collect();
        assert_eq!(used, vec![1, 2, 3]);
    }
    let store = open(&dir, &keystore);
    assert_eq!(store.fast_keys().next_counter(&lock, &key_id).unwrap(), Some(4));
    // A new fast key (after AUTH) keeps the counter moving forward.
    store.fast_keys().put(&lock, &key_id, FastKey([2; 32])).unwrap();
    let entry = store.fast_keys().get(&lock, &key_id).unwrap().unwrap();
    assert_eq!(entry.key, FastKey([2; 32]));
    assert_eq!(store.fast_keys().next_counter(&lock, &key_id).unwrap(), Some(5));
    assert_eq!(store.fast_keys().for_lock(&lock).unwrap().len(), 1);
}

#[test]
fn offline_policy_refuses_non_offline_or_expired_keys() {
    let issuer = SigningKey::generate().unwrap();
    let lock = LockId::random().unwrap();
    let window = (NOW - 3600, NOW + 3600);

    let usable = issue(&issuer, lock, true, window, None);
    assert_eq!(offline_check(&usable, NOW, 0), Ok(()));

    let online_only = issue(&issuer, lock, false, window, None);
    assert_eq!(
        offline_check(&online_only, NOW, 0),
        Err(OfflineRefusal::NotOfflineAllowed)
    );

    assert_eq!(
        offline_check(&usable, window.1, 0),
        Err(OfflineRefusal::Expired {
            not_after: window.1,
            now: window.1
        })
    );
    assert_eq!(
        offline_check(&usable, window.0 - 1, 0),
        Err(OfflineRefusal::NotYetValid {
            not_before: window.0,
            now: window.0 - 1
        })
    );
    // 1_750_000_000 is a Sunday, 15:06 UTC: a workdays-only key is refused.
    let workdays = Schedule::new(Schedule::WORKDAYS, 0, 0).unwrap();
    let scheduled = issue(&issuer, lock, true, window, Some(workdays));
    assert_eq!(offline_check(&scheduled, NOW, 0), Err(OfflineRefusal::OutsideSchedule));
    assert!(OfflineRefusal::NotOfflineAllowed.to_string().contains("online"));
}

#[test]
fn software_signer_is_created_once_and_signs_verifiably() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
    let first: PublicKey = {
        let store = open(&dir, &keystore);
        SoftwareSigner::load_or_create(&store).unwrap().public_key()
    };
    let store = open(&dir, &keystore);
    let signer = SoftwareSigner::load_or_create(&store).unwrap();
    assert_eq!(signer.public_key(), first);
    let body = b"request body";
    let signature = signer.sign(&SigDomain::Auth.message(body)).unwrap();
    first.verify(SigDomain::Auth, body, &signature).unwrap();
    // Usable as a trait object, as the bindings will use it.
    let boxed: Arc<dyn Signer> = Arc::new(signer);
    assert_eq!(boxed.public_key(), first);
}

#[test]
fn damaged_record_is_a_clear_error_and_nothing_else_is_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
    let issuer = SigningKey::generate().unwrap();
    let keys: Vec<StoredKey> = (0..3)
        .map(|_| StoredKey {
            key: issue(&issuer, LockId::random().unwrap(), true, (NOW, NOW + 60), None),
            label: String::new(),
            received_at: NOW,
            lock_name: None,
        })
        .collect();
    {
        let store = open(&dir, &keystore);
        keys.iter().for_each(|k| store.keys().put(k).unwrap());
    }
    {
        let db = sled::open(&dir).unwrap();
        let tree = db.open_tree("keys").unwrap();
        let (key, value) = tree.iter().next().unwrap().unwrap();
        let mut damaged = value.to_vec();
        damaged[20] ^= 0x40;
        tree.insert(key, damaged).unwrap();
        db.flush().unwrap();
    }
    let store = open(&dir, &keystore);
    let listed = store.keys().list().unwrap();
    assert_eq!(listed.len(), 2);
    let damaged = keys.iter().find(|k| !listed.contains(k)).unwrap();
    let err = store.keys().get(&damaged.key.key_id()).unwrap_err();
    assert!(err.to_string().contains("unreadable record in `keys`"), "{err}");
    assert_eq!(store.unreadable_records().unwrap(), vec![err]);
}

#[test]
fn concurrent_callers_never_share_a_fast_counter() {
    let tmp = tempfile::tempdir().unwrap();
    let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
    let store = open(&tmp.path().join("store"), &keystore);
    let (lock, key_id) = (LockId::random().unwrap(), KeyId::random().unwrap());
    store.fast_keys().put(&lock, &key_id, FastKey([3; 32])).unwrap();
    let mut counters: Vec<u32> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let store = store.clone();
                s.spawn(move || {
                    (0..10)
                        .map(|_| store.fast_keys().next_counter(&lock, &key_id).unwrap().unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    counters.sort_unstable();
    assert_eq!(counters, (1..=40).collect::<Vec<_>>());
}

#[test]
fn handles_are_shareable_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Store>();
    shareable::<latchkey_core::outbox::Outbox>();
    shareable::<SoftwareKeyStore>();
    shareable::<SoftwareSigner>();
    shareable::<Arc<dyn latchkey_core::platform_keys::KeyStore>>();
    shareable::<Arc<dyn Signer>>();
}
