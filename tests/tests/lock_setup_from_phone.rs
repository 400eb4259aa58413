//! Setting a new lock up from a phone, offline: the claim with the label's
//! setup code, a wrong code, two phones racing for one lock, a lock that
//! belongs to another account, and the registration the cloud gets later.

use latchkey_core::diagnostics::{diagnose, DeviceSnapshot, FindingCode, LockObservations, PlatformSnapshot};
use latchkey_core::outbox::OutboxEvent;
use latchkey_core::unlock::{NoProgress, Progress, ProgressListener, UnlockPath};
use latchkey_core::{Client, DiagnosisCode};
use latchkey_protocol::{ClaimReceipt, SetupCode, SetupSecret};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::{GrantSpec, SimLockHandle, SimWorld, START};
use std::sync::{Arc, Mutex};

struct Setup {
    world: SimWorld,
    lock: SimLockHandle,
    _dirs: Vec<tempfile::TempDir>,
}

async fn new_lock() -> Setup {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_new_lock("Garden gate", LockConfig::default()).unwrap();
    Setup {
        world,
        lock,
        _dirs: Vec::new(),
    }
}

/// A phone that knows no lock yet.
async fn phone(s: &mut Setup) -> Arc<Client> {
    let dir = tempfile::tempdir().unwrap();
    let phone = s.world.phone(dir.path(), LinkParams::mtu185(), &[]).await.unwrap();
    s._dirs.push(dir);
    phone
}

#[derive(Default)]
struct Steps(Mutex<Vec<String>>);

impl ProgressListener for Steps {
    fn on_progress(&self, p: Progress) {
        if let Progress::Setup { what } = p {
            self.0.lock().unwrap().push(what.to_string());
        }
    }
}

#[tokio::test]
async fn an_owner_claims_a_new_lock_offline_with_its_label_and_then_opens_it() {
    let mut s = new_lock().await;
    let owner = phone(&mut s).await;
    let label = s.lock.lock().label();
    let steps = Steps::default();
    let report = owner
        .setup()
        .claim(label, s.world.claim_settings(&s.lock).unwrap(), &steps)
        .await
        .unwrap();
    assert_eq!(
        (report.lock_id, report.epoch, report.recommissioned),
        (s.lock.id(), 1, false)
    );
    assert_eq!(
        *steps.0.lock().unwrap(),
        [
            "checking the setup code",
            "installing the owner's settings",
            "calibrating the bolt",
            "finishing"
        ]
    );
    assert!(s.lock.lock().is_claimed());
    // The phone learnt the lock; the cloud will register it from the
    // lock-signed receipt queued in the outbox.
    let meta = owner.store().locks().get_meta(&s.lock.id()).unwrap().unwrap();
    assert_eq!(meta.identity_key, s.lock.meta.identity_key);
    let queued = owner.outbox().peek(100, usize::MAX).unwrap();
    let Some(OutboxEvent::LockClaimed {
        receipt, identity_key, ..
    }) = queued.iter().map(|e| &e.event).next_back()
    else {
        panic!("a lock_claimed event: {queued:?}")
    };
    ClaimReceipt::decode(receipt).unwrap().verify(identity_key).unwrap();
    // With a key from the account's authority, the owner opens it.
    let key = s.world.issue(&owner, &s.lock, GrantSpec::resident(START)).unwrap();
    owner.keys().add_key(key, "owner").await.unwrap();
    let opened = owner.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(opened.path, UnlockPath::Auth);
}

#[tokio::test]
async fn a_wrong_setup_code_is_refused_and_changes_nothing() {
    let mut s = new_lock().await;
    let neighbour = phone(&mut s).await;
    let guessed = SetupCode {
        lock_id: s.lock.id(),
        secret: SetupSecret([0x5a; 16]),
    };
    let err = neighbour
        .setup()
        .claim(guessed, s.world.claim_settings(&s.lock).unwrap(), &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::SetupCodeWrong, "{err}");
    assert!(!s.lock.lock().is_claimed());
    assert!(neighbour.store().locks().get_meta(&s.lock.id()).unwrap().is_none());
}

#[tokio::test]
async fn two_phones_racing_to_claim_one_lock_leave_exactly_one_owner() {
    let mut s = new_lock().await;
    let (a, b) = (phone(&mut s).await, phone(&mut s).await);
    let other_account = KeyAuthority::generate().unwrap();
    let mut b_settings = s.world.claim_settings(&s.lock).unwrap();
    b_settings.issuer_key = other_account.public_key();
    b_settings.pin_secret = None;
    let label = s.lock.lock().label();
    let (sa, sb) = (a.setup(), b.setup());
    let (ra, rb) = tokio::join!(
        sa.claim(label.clone(), s.world.claim_settings(&s.lock).unwrap(), &NoProgress),
        sb.claim(label, b_settings, &NoProgress),
    );
    let (winner, loser, loser_err) = match (ra, rb) {
        (Ok(_), Err(e)) => (&a, &b, e),
        (Err(e), Ok(_)) => (&b, &a, e),
        other => panic!("exactly one claim must win: {other:?}"),
    };
    assert_eq!(
        loser_err.diagnosis(),
        DiagnosisCode::LockClaimedElsewhere,
        "{loser_err}"
    );
    let issuer = s.lock.lock().issuer().unwrap();
    let winner_meta = winner.store().locks().get_meta(&s.lock.id()).unwrap().unwrap();
    assert_eq!(winner_meta.issuer_key, issuer, "the lock is the winner's");
    assert!(loser.store().locks().get_meta(&s.lock.id()).unwrap().is_none());
    // The losing phone's diagnostics say whose it is.
    let now = s.world.clock.unix_now();
    let obs = LockObservations::builder(loser.store(), s.lock.id(), now)
        .build()
        .unwrap();
    let snapshot = PlatformSnapshot::new(DeviceSnapshot::Linux(Default::default()));
    let findings = diagnose(&snapshot, &obs);
    assert!(
        findings.iter().any(|f| f.code == FindingCode::LockClaimedElsewhere),
        "{findings:#?}"
    );
}

#[tokio::test]
async fn a_phone_of_the_same_account_is_told_the_lock_is_already_set_up() {
    let mut s = new_lock().await;
    let (a, b) = (phone(&mut s).await, phone(&mut s).await);
    let label = s.lock.lock().label();
    a.setup()
        .claim(label.clone(), s.world.claim_settings(&s.lock).unwrap(), &NoProgress)
        .await
        .unwrap();
    let err = b
        .setup()
        .claim(label, s.world.claim_settings(&s.lock).unwrap(), &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::LockRefused);
    assert!(err.to_string().contains("already set up for your account"), "{err}");
}
