//! Signing out removes everything the account had on the phone (digital
//! keys, lists, PIN secrets, the holder key, the outbox, the store's files
//! and any store set aside beside it, the key file that wrapped its data
//! key), uploads what it can first, and says what the cloud never got.
//! "Nothing readable" is checked the way `core/tests/store_at_rest.rs`
//! checks the store for plaintext: every file under the data directory is
//! searched for the identifiers and secrets the account had.

use latchkey_core::outbox::OutboxEvent;
use latchkey_core::platform_keys::SoftwareKeyStore;
use latchkey_core::unlock::NoProgress;
use latchkey_core::{DiagnosisCode, SignOutUpload};
use latchkey_protocol::PinSecret;
use latchkey_sim::lock::LockConfig;
use latchkey_testkit::scene::resident_scene;
use latchkey_testkit::{SimWorld, START};
use latchkey_tests::sync_bench::harness::{cloud_for, cloud_phone, past_keys, register, test_config};
use std::fs;
use std::path::{Path, PathBuf};

/// Every file under `dir`, with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push((path.clone(), fs::read(&path).unwrap()));
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The files under `dir` holding any of `needles` (hex forms too).
fn readable(dir: &Path, needles: &[Vec<u8>]) -> Vec<PathBuf> {
    let mut all = needles.to_vec();
    all.extend(needles.iter().map(|n| latchkey_protocol::hex::encode(n).into_bytes()));
    files(dir)
        .into_iter()
        .filter(|(_, bytes)| all.iter().any(|n| contains(bytes, n)))
        .map(|(path, _)| path)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_readable_is_left_of_an_account_that_signed_out() {
    let s = resident_scene(START, LockConfig::default()).await;
    let phone = &s.phone;
    let lock_id = s.lock.id();
    phone.locks().unlock(lock_id, &NoProgress).await.unwrap();
    let key = phone.keys().list().await.unwrap().remove(0);
    let fast_key = phone
        .store()
        .fast_keys()
        .get(&lock_id, &key.key.key_id())
        .unwrap()
        .unwrap();
    let pin_secret = PinSecret([0x6b; 32]);
    phone.store().pins().put_pin_secret(&lock_id, &pin_secret).unwrap();
    let holder = phone.holder_key().to_sec1().to_vec();
    let store_dir = phone.store().dir().to_path_buf();
    let needles = vec![
        lock_id.0.to_vec(),
        key.key.key_id().0.to_vec(),
        key.key.encode(),
        fast_key.key.0.to_vec(),
        pin_secret.0.to_vec(),
        holder,
        b"Front door".to_vec(),
    ];
    assert!(
        files(s.dir.path()).len() > 2,
        "the store, its marker and the key file are on disk"
    );
    // A store set aside earlier holds the same account's data: it goes too.
    let aside = store_dir.with_file_name(format!(
        "{}.quarantine-1",
        store_dir.file_name().unwrap().to_string_lossy()
    ));
    fs::create_dir_all(&aside).unwrap();
    fs::write(aside.join("db"), [lock_id.0.as_slice(), b"Front door"].concat()).unwrap();
    let kek = SoftwareKeyStore::path_beside(&store_dir);
    assert!(kek.exists(), "the software key file beside the store");

    let report = phone.sign_out().await.unwrap();
    assert_eq!(report.upload, SignOutUpload::NoCloud);
    assert!(report.not_uploaded_access > 0, "{report:?}");
    assert!(report.lost_events());
    assert_eq!(report.left_behind, Vec::<String>::new());

    assert_eq!(readable(s.dir.path(), &needles), Vec::<PathBuf>::new());
    assert!(!store_dir.exists());
    assert!(!aside.exists());
    assert!(!kek.exists());

    // The client is closed for good, and nothing it still holds writes back.
    let again = phone.locks().unlock(lock_id, &NoProgress).await.unwrap_err();
    assert_eq!(again.diagnosis(), DiagnosisCode::Internal);
    assert!(phone.sign_out().await.is_err());
    let dir = s.dir.path().to_path_buf();
    drop(s.phone);
    assert_eq!(readable(&dir, &needles), Vec::<PathBuf>::new());
    assert!(!store_dir.exists(), "closing the store wrote nothing back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_online_uploads_first_and_counts_what_never_went_up() {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.unwrap();
    register(&cloud, &lock).unwrap();
    let phone = cloud_phone(&world, &cloud, dirs[1].path(), "phone", false, test_config(&cloud))
        .await
        .unwrap();
    // The cloud takes a lock's events only from a phone that held a key for it.
    past_keys(&cloud, "phone", &[lock.id()], START).unwrap();
    for at in 0..3 {
        phone
            .phone
            .outbox()
            .append(OutboxEvent::Failure {
                lock_id: Some(lock.id()),
                diagnosis_code: "connection_failed".into(),
                detail: format!("try {at}"),
                at: START + at,
            })
            .unwrap();
    }
    phone.online();
    let report = phone.phone.sign_out().await.unwrap();
    assert_eq!(report.upload, SignOutUpload::Completed, "{report:?}");
    assert_eq!(report.uploaded, 3);
    assert!(!report.lost_events());
    assert_eq!(cloud.event_counts().unwrap().unique, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_while_the_cloud_is_down_says_why_nothing_went_up() {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.unwrap();
    register(&cloud, &lock).unwrap();
    let phone = cloud_phone(&world, &cloud, dirs[1].path(), "phone", false, test_config(&cloud))
        .await
        .unwrap();
    phone
        .phone
        .outbox()
        .append(OutboxEvent::Failure {
            lock_id: None,
            diagnosis_code: "connection_failed".into(),
            detail: "offline".into(),
            at: START,
        })
        .unwrap();
    cloud.shutdown().await;
    phone.online();
    let report = phone.phone.sign_out().await.unwrap();
    match &report.upload {
        SignOutUpload::Failed(e) => assert_eq!(e.diagnosis(), DiagnosisCode::CloudUnreachable),
        other => panic!("expected the failure, got {other:?}"),
    }
    assert_eq!(report.uploaded, 0);
    assert_eq!(report.not_uploaded_diagnostic, 1);
    assert!(report.oldest_not_uploaded_at_ms.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sign_out_while_one_runs_fails_and_the_first_completes() {
    let s = resident_scene(START, LockConfig::default()).await;
    let (first, second) = tokio::join!(s.phone.sign_out(), s.phone.sign_out());
    let (done, refused) = if first.is_ok() {
        (first, second)
    } else {
        (second, first)
    };
    assert_eq!(done.unwrap().left_behind, Vec::<String>::new());
    assert_eq!(refused.unwrap_err().diagnosis(), DiagnosisCode::Internal);
    assert!(!s.phone.store().dir().exists());
}
