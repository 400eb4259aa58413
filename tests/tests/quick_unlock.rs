//! Quick access in one process: the app's client (built with a
//! quick-access directory) and a `QuickUnlock` (what a widget's, watch's
//! or tile's process builds) take turns on one simulated lock. What the
//! quick side did reaches the app's outbox exactly once, the FAST counter
//! never goes back, and the quick side fails with the same diagnoses as
//! the client. The same across real processes, killed at random, is
//! `quick_unlock_processes.rs`.

use latchkey_core::outbox::OutboxEvent;
use latchkey_core::platform_keys::SoftwareKeyStore;
use latchkey_core::unlock::{NoProgress, UnlockPath};
use latchkey_core::{Client, DiagnosisCode, QuickUnlock};
use latchkey_protocol::{EventKind, LockEvent, LockId, ResultCode};
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::scene::{resident_scene_with, ResidentScene};
use latchkey_testkit::START;
use std::path::{Path, PathBuf};
use std::sync::Arc;

struct Scene {
    s: ResidentScene,
    quick_dir: tempfile::TempDir,
}

impl Scene {
    async fn new() -> Self {
        let quick_dir = tempfile::tempdir().expect("dir");
        let path = quick_dir.path().to_path_buf();
        let s = resident_scene_with(START, LockConfig::default(), move |b| b.quick_access(path)).await;
        Self { s, quick_dir }
    }

    fn phone(&self) -> &Arc<Client> {
        &self.s.phone
    }

    fn lock_id(&self) -> LockId {
        self.s.lock.id()
    }

    /// A quick process's view: the app's key store (shared with it), the
    /// same radio and clock.
    fn quick(&self) -> QuickUnlock {
        let key_file = SoftwareKeyStore::path_beside(self.s.dir.path());
        let key_store = Arc::new(SoftwareKeyStore::open_file(&key_file).expect("key store"));
        let transport = Arc::new(self.s.world.transport(LinkParams::mtu185()));
        QuickUnlock::builder(self.quick_dir.path(), key_store, transport)
            .clock(self.s.world.phone_clock())
            .build()
    }

    fn journals(&self) -> Vec<PathBuf> {
        files_in(&self.quick_dir.path().join("journal"))
    }

    /// (lock events by seq, unlock attempts) in the app's outbox.
    fn outbox(&self) -> (Vec<u32>, usize) {
        let events = self.phone().outbox().peek(100_000, usize::MAX).expect("peek");
        let mut seqs = Vec::new();
        let mut attempts = 0;
        for e in events {
            match e.event {
                OutboxEvent::LockEvent { seq, .. } => seqs.push(seq),
                OutboxEvent::UnlockAttempt { .. } => attempts += 1,
                _ => {}
            }
        }
        seqs.sort_unstable();
        (seqs, attempts)
    }

    fn lock_log(&self) -> Vec<LockEvent> {
        self.s.lock.lock().events()
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

fn counter_replays(log: &[LockEvent]) -> usize {
    log.iter()
        .filter(|e| e.kind == EventKind::AccessDenied && e.result == ResultCode::CounterReplay as u8)
        .count()
}

#[tokio::test]
async fn a_quick_process_opens_with_fast_and_the_app_takes_its_record_in_once() {
    let t = Scene::new().await;
    let first = t.phone().locks().unlock(t.lock_id(), &NoProgress).await.unwrap();
    assert_eq!(first.path, UnlockPath::Auth);

    let quick = t.quick();
    for _ in 0..3 {
        let r = quick.unlock(t.lock_id(), false, &NoProgress).await.unwrap();
        assert_eq!(r.path, UnlockPath::Fast, "the fast key the app made is shared");
        assert!(!r.replayed);
    }
    assert_eq!(t.journals().len(), 3, "one journal file per command, none held");
    let (seqs, attempts) = t.outbox();
    assert_eq!(attempts, 1, "nothing of the quick side is in the app's outbox yet");
    let collected_by_app = seqs.len();

    // The app's next command takes the journal in first, then continues
    // the FAST counter after the quick side's.
    let again = t.phone().locks().unlock(t.lock_id(), &NoProgress).await.unwrap();
    assert_eq!(again.path, UnlockPath::Fast);
    let (seqs, attempts) = t.outbox();
    assert_eq!(attempts, 5, "1 + 3 quick + 1: each attempt once");
    let mut unique = seqs.clone();
    unique.dedup();
    assert_eq!(unique, seqs, "no lock event twice");
    assert!(seqs.len() > collected_by_app);
    let log = t.lock_log();
    assert_eq!(seqs.len(), log.len(), "every event the lock logged is queued, once");
    assert_eq!(counter_replays(&log), 0, "no counter used twice");

    assert!(t.journals().is_empty(), "a finished journal is deleted once taken in");
    // Taking in again changes nothing.
    t.phone().refresh_quick_access().await.unwrap();
    assert_eq!(t.outbox().1, 5);
    drop(quick);
}

#[tokio::test]
async fn the_quick_side_runs_auth_when_it_has_no_fast_key_and_shares_the_new_one() {
    let t = Scene::new().await;
    let quick = t.quick();
    let r = quick.unlock(t.lock_id(), false, &NoProgress).await.unwrap();
    assert_eq!(r.path, UnlockPath::Auth, "the software holder key the app shared signs");
    drop(quick);
    let app = t.phone().locks().unlock(t.lock_id(), &NoProgress).await.unwrap();
    assert_eq!(
        app.path,
        UnlockPath::Fast,
        "the app adopted the fast key the quick side made"
    );
    let again = t.quick().unlock(t.lock_id(), false, &NoProgress).await.unwrap();
    assert_eq!(again.path, UnlockPath::Fast);
    assert_eq!(counter_replays(&t.lock_log()), 0);
}

#[tokio::test]
async fn the_app_and_quick_processes_interleave_without_reusing_a_counter() {
    let t = Scene::new().await;
    let quick = t.quick();
    let mut ok = 0;
    for i in 0..12 {
        let report = if i % 3 == 0 {
            t.phone().locks().unlock(t.lock_id(), &NoProgress).await
        } else {
            quick.unlock(t.lock_id(), true, &NoProgress).await
        };
        let report = report.unwrap();
        assert!(!report.replayed);
        ok += 1;
    }
    drop(quick);
    t.phone().refresh_quick_access().await.unwrap();
    let log = t.lock_log();
    assert_eq!(counter_replays(&log), 0);
    let unlocked = log.iter().filter(|e| e.kind == EventKind::Unlocked).count();
    assert_eq!(unlocked, ok, "each command acted once");
    let (seqs, attempts) = t.outbox();
    assert_eq!(attempts, ok);
    let mut unique = seqs.clone();
    unique.dedup();
    assert_eq!(unique.len(), seqs.len());
}

#[tokio::test]
async fn quick_refusals_carry_the_same_diagnoses_as_the_client() {
    let t = Scene::new().await;
    let unknown = LockId([9; 16]);
    let quick = t.quick();
    let from_quick = quick.unlock(unknown, true, &NoProgress).await.unwrap_err();
    let from_app = t.phone().locks().unlock(unknown, &NoProgress).await.unwrap_err();
    assert_eq!(from_quick.diagnosis(), DiagnosisCode::UnknownLock);
    assert_eq!(from_app.diagnosis(), DiagnosisCode::UnknownLock);

    t.s.world.radio.set_in_range(&t.s.lock.address, false).unwrap();
    let quick_err = quick.unlock(t.lock_id(), true, &NoProgress).await.unwrap_err();
    let app_err = t.phone().locks().unlock(t.lock_id(), &NoProgress).await.unwrap_err();
    assert_eq!(quick_err.diagnosis(), app_err.diagnosis());
    assert_eq!(quick_err.diagnosis(), DiagnosisCode::LockOutOfRange);
}

#[tokio::test]
async fn a_quick_process_with_no_shared_directory_says_to_open_the_app() {
    let t = Scene::new().await;
    let empty = tempfile::tempdir().unwrap();
    let key_file = SoftwareKeyStore::path_beside(t.s.dir.path());
    let quick = QuickUnlock::builder(
        empty.path(),
        Arc::new(SoftwareKeyStore::open_file(&key_file).unwrap()),
        Arc::new(t.s.world.transport(LinkParams::mtu185())),
    )
    .build();
    let e = quick.unlock(t.lock_id(), true, &NoProgress).await.unwrap_err();
    assert_eq!(e.diagnosis(), DiagnosisCode::UnknownLock);
    assert!(e.to_string().contains("open the app"), "{e}");
}

#[tokio::test]
async fn the_store_refuses_a_second_opener_with_its_own_lock() {
    let t = Scene::new().await;
    let key_store = Arc::new(SoftwareKeyStore::beside(t.s.dir.path()).unwrap());
    let e = latchkey_core::store::Store::open(t.s.dir.path(), key_store).unwrap_err();
    assert!(matches!(e, latchkey_core::store::StoreError::InUse { .. }), "{e}");
    assert!(latchkey_core::store::Store::lock_path(t.s.dir.path()).exists());
}

#[tokio::test]
async fn signing_out_takes_in_what_widgets_recorded_and_removes_quick_access() {
    let t = Scene::new().await;
    t.phone().locks().unlock(t.lock_id(), &NoProgress).await.unwrap();
    t.quick().unlock(t.lock_id(), false, &NoProgress).await.unwrap();
    assert_eq!(t.journals().len(), 1);
    let before = t.phone().outbox().stats().unwrap().access;

    let report = t.phone().sign_out().await.unwrap();
    assert!(
        report.not_uploaded_access > before,
        "the widget's unlock is counted with the rest: {} vs {before}",
        report.not_uploaded_access
    );
    let left = files_in(t.quick_dir.path());
    assert!(left.is_empty(), "quick access left {left:?}");
    // A widget started afterwards finds nothing to open.
    let transport = Arc::new(t.s.world.transport(LinkParams::mtu185()));
    let key_store = Arc::new(SoftwareKeyStore::beside(t.s.dir.path()).unwrap());
    let e = QuickUnlock::builder(t.quick_dir.path(), key_store, transport)
        .build()
        .unlock(t.lock_id(), true, &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(e.diagnosis(), DiagnosisCode::UnknownLock, "{e}");
}
