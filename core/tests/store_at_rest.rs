//! The store on disk: sealed, versioned, and never silently emptied.

use latchkey_core::outbox::{Outbox, OutboxConfig, OutboxEvent};
use latchkey_core::platform_keys::{PlatformKeyError, SoftwareKeyStore, SoftwareSigner};
use latchkey_core::store::{LockMeta, Store, StoreError, StoredKey};
use latchkey_protocol::{
    Challenge, DigitalKey, EventKind, FastKey, KeyGrant, KeyId, LockEvent, LockId, RevocationList, Role, SigningKey,
    TimeToken,
};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const NOW: u32 = 1_750_000_000;

fn key_for(lock_id: LockId, issuer: &SigningKey) -> DigitalKey {
    let grant = KeyGrant {
        key_id: KeyId::random().unwrap(),
        lock_id,
        lock_group: false,
        holder: SigningKey::generate().unwrap().public_key(),
        role: Role::Resident,
        not_before: NOW,
        not_after: NOW + 86_400,
        schedule: None,
        offline_allowed: true,
        serial: 3,
    };
    DigitalKey::issue(grant, issuer).unwrap()
}

fn stored(key: DigitalKey) -> StoredKey {
    StoredKey {
        key,
        label: "Willowbrook front door".into(),
        received_at: NOW,
        lock_name: Some("Willowbrook".into()),
    }
}

/// Every file under `dir`, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn siblings(dir: &Path, marker: &str) -> Vec<PathBuf> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(&name) && n.contains(marker)
        })
        .collect()
}

#[test]
fn no_plaintext_identifiers_in_data_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
    let issuer = SigningKey::generate().unwrap();
    let lock_id = LockId::random().unwrap();
    let identity = SigningKey::generate().unwrap().public_key();
    let key = key_for(lock_id, &issuer);
    let fast = FastKey(ring_random());
    let event = LockEvent {
        seq: 17,
        time: NOW,
        kind: EventKind::Unlocked,
        key_id: key.key_id(),
        result: 0,
        detail: 0xbeef,
    };
    let batch_signature = vec![0x5c; 64];
    {
        let store = Store::open(&dir, keystore.clone()).unwrap().store;
        store.keys().put(&stored(key.clone())).unwrap();
        store
            .locks()
            .put_meta(&LockMeta {
                lock_id,
                name: "Willowbrook".into(),
                identity_key: identity,
                issuer_key: issuer.public_key(),
                utc_offset_min: 60,
                groups: vec![],
            })
            .unwrap();
        store.locks().update_state(&lock_id, |s| s.epoch = Some(2)).unwrap();
        let list = RevocationList::issue(&issuer, lock_id, false, 9, NOW, vec![key.key_id()]).unwrap();
        store.revocations().put(&list).unwrap();
        let token = TimeToken::issue(&issuer, lock_id, NOW, 300, 60, Challenge::default()).unwrap();
        store.time_tokens().put(&token).unwrap();
        store.fast_keys().put(&lock_id, &key.key_id(), fast.clone()).unwrap();
        SoftwareSigner::load_or_create(&store).unwrap();
        let outbox = Outbox::new(&store, OutboxConfig::default()).unwrap();
        outbox
            .append(OutboxEvent::from_lock_event(
                lock_id,
                2,
                &event,
                Some(batch_signature.clone()),
            ))
            .unwrap();
        outbox
            .append(OutboxEvent::Failure {
                lock_id: Some(lock_id),
                diagnosis_code: "ble.permission_denied".into(),
                detail: "Nearby devices permission denied forever".into(),
                at: NOW,
            })
            .unwrap();
    }

    let needles: Vec<(&str, Vec<u8>)> = vec![
        ("certificate", key.encode()),
        ("key id", key.key_id().0.to_vec()),
        ("key id (hex)", key.key_id().to_hex().into_bytes()),
        ("lock id", lock_id.0.to_vec()),
        ("lock id (hex)", lock_id.to_hex().into_bytes()),
        ("holder public key", key.grant.holder.0.to_vec()),
        ("lock identity key", identity.0.to_vec()),
        ("fast key", fast.0.to_vec()),
        ("lock event payload", event.encode().to_vec()),
        ("batch signature", batch_signature),
        ("label", b"Willowbrook".to_vec()),
        ("failure detail", b"permission denied forever".to_vec()),
    ];
    let files = snapshot(&dir);
    assert!(files.len() >= 2, "expected the storage files, found {:?}", files.keys());
    for (path, bytes) in &files {
        for (what, needle) in &needles {
            assert!(
                !contains(bytes, needle),
                "{what} found in plain text in {}",
                path.display()
            );
        }
    }
}

fn ring_random() -> [u8; 32] {
    latchkey_protocol::crypto::random_array().unwrap()
}

#[test]
fn newer_format_version_is_refused_and_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
    let issuer = SigningKey::generate().unwrap();
    drop(Store::open(&dir, keystore.clone()).unwrap());
    Store::open(&dir, keystore.clone())
        .unwrap()
        .store
        .keys()
        .put(&stored(key_for(LockId::random().unwrap(), &issuer)))
        .unwrap();

    // A newer app rewrote the store: format 2 in the database and marker.
    {
        let db = sled::open(&dir).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("format_version", &2u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let marker = dir.join("latchkey-store");
    let text = fs::read_to_string(&marker).unwrap().replace("format 1", "format 2");
    fs::write(&marker, text).unwrap();

    let before = snapshot(&dir);
    let err = Store::open(&dir, keystore.clone()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NewerFormat {
                found: 2,
                supported: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("update the app"), "{err}");
    assert_eq!(snapshot(&dir), before, "a refused store must not be touched");

    // Without the marker, the database's own record still refuses it, and
    // the records are all still there.
    fs::remove_file(&marker).unwrap();
    let err = Store::open(&dir, keystore).unwrap_err();
    assert!(matches!(err, StoreError::NewerFormat { found: 2, .. }), "{err:?}");
    let db = sled::open(&dir).unwrap();
    assert_eq!(db.open_tree("keys").unwrap().len(), 1);
    assert!(siblings(&dir, ".quarantine").is_empty());
}

#[test]
fn corrupt_store_is_quarantined_not_emptied() {
    for damage in ["overwrite", "truncate"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
        let issuer = SigningKey::generate().unwrap();
        let key = stored(key_for(LockId::random().unwrap(), &issuer));
        {
            let store = Store::open(&dir, keystore.clone()).unwrap().store;
            for _ in 0..50 {
                store
                    .keys()
                    .put(&stored(key_for(LockId::random().unwrap(), &issuer)))
                    .unwrap();
            }
            store.keys().put(&key).unwrap();
        }
        let db_file = dir.join("db");
        let original = fs::read(&db_file).unwrap();
        let damaged = match damage {
            "overwrite" => vec![0xa5; original.len()],
            _ => original[..original.len() / 2].to_vec(),
        };
        fs::write(&db_file, &damaged).unwrap();

        let outcome = Store::open(&dir, keystore.clone()).unwrap();
        let quarantined = outcome.quarantined.expect("the damaged store is reported");
        assert!(!quarantined.reason.is_empty());
        assert_eq!(
            fs::read(quarantined.path.join("db")).unwrap(),
            damaged,
            "{damage}: the quarantine keeps the bytes as they were"
        );
        // The fresh store is empty (to be refilled by sync) and usable.
        let store = outcome.store;
        assert!(store.keys().list().unwrap().is_empty());
        store.keys().put(&key).unwrap();
        assert_eq!(store.keys().get(&key.key.key_id()).unwrap(), Some(key));
        assert!(siblings(&dir, ".opening-backup").is_empty());
    }
}

#[test]
fn wrong_keystore_cannot_open() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let right = Arc::new(SoftwareKeyStore::generate().unwrap());
    let wrong = Arc::new(SoftwareKeyStore::generate().unwrap());
    let key = stored(key_for(LockId::random().unwrap(), &SigningKey::generate().unwrap()));
    Store::open(&dir, right.clone())
        .unwrap()
        .store
        .keys()
        .put(&key)
        .unwrap();

    let err = Store::open(&dir, wrong).unwrap_err();
    assert_eq!(err, StoreError::KeyStore(PlatformKeyError::WrongKey));
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert!(siblings(&dir, ".quarantine").is_empty());

    let outcome = Store::open(&dir, right).unwrap();
    assert!(outcome.quarantined.is_none());
    assert_eq!(outcome.store.keys().get(&key.key.key_id()).unwrap(), Some(key));
}

#[test]
fn store_open_elsewhere_is_refused_not_quarantined() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
    let first = Store::open(&dir, keystore.clone()).unwrap().store;
    let err = Store::open(&dir, keystore).unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err:?}");
    assert!(siblings(&dir, ".quarantine").is_empty());
    drop(first);
}
