//! Trust and credentials against the reference cloud: SPKI pinning, an
//! unknown CA, an expired token refreshed once through the app's
//! `AuthProvider`, keys renewed at about half their lifetime, a time token
//! bound to the challenge read at the door, and host-only calls.

use async_trait::async_trait;
use latchkey_core::sync::{AuthError, AuthProvider, IssueKey, SyncConfig, SyncError, SyncOutcome, TrustRoots};
use latchkey_core::unlock::NoProgress;
use latchkey_core::DiagnosisCode;
use latchkey_protocol::Role;
use latchkey_sim::cloud::CloudServer;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::Peripheral;
use latchkey_testkit::{SimLockHandle, SimWorld};
use latchkey_tests::sync_bench::harness::{
    cloud_for, cloud_phone, cloud_phone_with, register, test_config, CloudPhone, START,
};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Scene {
    world: SimWorld,
    lock: SimLockHandle,
    cloud: Arc<CloudServer>,
    dirs: Vec<tempfile::TempDir>,
}

async fn scene() -> Scene {
    let world = SimWorld::new(START).unwrap();
    let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let cloud = cloud_for(&world, dirs[0].path()).await.unwrap();
    register(&cloud, &lock).unwrap();
    Scene {
        world,
        lock,
        cloud: Arc::new(cloud),
        dirs,
    }
}

impl Scene {
    async fn phone(&self, slot: usize, name: &str, host: bool, config: SyncConfig) -> CloudPhone {
        cloud_phone(&self.world, &self.cloud, self.dirs[slot].path(), name, host, config)
            .await
            .unwrap()
    }

    fn key_for(&self, phone: &str, lifetime_s: Option<u32>) -> IssueKey {
        IssueKey {
            lock_id: self.lock.id(),
            phone: phone.into(),
            role: Role::Resident,
            not_before: START - 60,
            not_after: START + 30 * 86_400,
            schedule: None,
            offline_allowed: true,
            label: "resident".into(),
            cert_lifetime_s: lifetime_s,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_server_key_is_accepted_and_any_other_pin_refused() {
    let s = scene().await;
    let mut pinned = test_config(&s.cloud);
    pinned.tls.spki_sha256_pins = vec![latchkey_protocol::hex::encode(&s.cloud.server_spki_sha256())];
    let good = s.phone(1, "pinned", false, pinned).await;
    good.online();
    assert_eq!(good.engine.sync_once().await.outcome, SyncOutcome::Completed);

    let mut wrong = test_config(&s.cloud);
    wrong.tls.spki_sha256_pins = vec!["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into()];
    let bad = s.phone(2, "mispinned", false, wrong).await;
    bad.online();
    let report = bad.engine.sync_once().await;
    let SyncOutcome::Failed { error, .. } = report.outcome else {
        panic!("{report:?}")
    };
    assert_eq!(error.diagnosis(), DiagnosisCode::CloudUnreachable);
    assert!(error.to_string().contains("pin"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_whose_certificate_no_configured_root_signed_is_refused() {
    let s = scene().await;
    let other_dir = tempfile::tempdir().unwrap();
    let other = cloud_for(&s.world, other_dir.path()).await.unwrap();
    let mut config = test_config(&s.cloud);
    config.tls.roots = TrustRoots::Pem(vec![other.ca_pem().to_string()]);
    let phone = s.phone(1, "phone", false, config).await;
    phone.online();
    let report = phone.engine.sync_once().await;
    let SyncOutcome::Failed { error, .. } = report.outcome else {
        panic!("{report:?}")
    };
    assert!(matches!(error, SyncError::Unreachable { .. }), "{error}");
    assert!(error.to_string().to_lowercase().contains("certificate"), "{error}");
}

/// Signs in again (asks the cloud for a new token) when refreshed.
struct SignInAgain {
    cloud: Arc<CloudServer>,
    name: String,
    token: Mutex<String>,
    refreshes: AtomicU32,
    refuse: bool,
}

#[async_trait]
impl AuthProvider for SignInAgain {
    async fn token(&self) -> Result<String, AuthError> {
        Ok(self.token.lock().unwrap().clone())
    }

    async fn refresh(&self, _rejected: &str) -> Result<String, AuthError> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        if self.refuse {
            return Ok("not-a-token".into());
        }
        let fresh = self.cloud.rotate_token(&self.name).unwrap().token;
        *self.token.lock().unwrap() = fresh.clone();
        Ok(fresh)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refreshed_once_and_a_refused_one_is_reported_as_cloud_auth() {
    for refuse in [false, true] {
        let s = scene().await;
        let auth = Arc::new(SignInAgain {
            cloud: s.cloud.clone(),
            name: "phone".into(),
            token: Mutex::new(String::new()),
            refreshes: AtomicU32::new(0),
            refuse,
        });
        let dir = s.dirs[1].path();
        let config = test_config(&s.cloud);
        let phone = cloud_phone_with(&s.world, &s.cloud, dir, "phone", false, config, Some(auth.clone()))
            .await
            .unwrap();
        // The token the phone holds has expired (the cloud rotated it).
        *auth.token.lock().unwrap() = phone.token.token().await.unwrap();
        s.cloud.rotate_token("phone").unwrap();
        phone.online();
        let report = phone.engine.sync_once().await;
        assert_eq!(auth.refreshes.load(Ordering::SeqCst), 1, "asked once");
        if refuse {
            let status = phone.engine.status().await.unwrap();
            assert_eq!(status.last_error.unwrap().code, DiagnosisCode::CloudAuth, "{report:?}");
        } else {
            assert_eq!(report.outcome, SyncOutcome::Completed, "{report:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_renewed_at_about_half_their_lifetime() {
    let s = scene().await;
    let host = s.phone(1, "host", true, test_config(&s.cloud)).await;
    let phone = s.phone(2, "phone", false, test_config(&s.cloud)).await;
    host.online();
    host.engine.issue_key(&s.key_for("phone", Some(86_400))).await.unwrap();
    phone.online();
    assert_eq!(phone.engine.sync_until_idle(5).await.keys_added, 1);
    let first = phone.phone.keys().list().await.unwrap()[0].key.clone();
    assert_eq!(first.grant.not_after, START + 86_400);

    // A quarter in: nothing to do.
    s.world.clock.advance_secs(6 * 3600);
    phone.timer.advance(Duration::from_secs(6 * 3600));
    assert_eq!(phone.engine.sync_until_idle(5).await.keys_renewed, 0);
    // Past half: a new certificate, same key id, one more day.
    s.world.clock.advance_secs(7 * 3600);
    phone.timer.advance(Duration::from_secs(7 * 3600));
    let report = phone.engine.sync_until_idle(5).await;
    assert_eq!(report.keys_renewed, 1, "{report:?}");
    let renewed = phone.phone.keys().list().await.unwrap()[0].key.clone();
    assert_eq!((renewed.key_id(), renewed.grant.serial), (first.key_id(), 2));
    assert_eq!(renewed.grant.not_after, START + 13 * 3600 + 86_400);
    phone.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_time_token_fetched_at_the_door_is_bound_to_the_lock_challenge_and_delivered() {
    let s = scene().await;
    let host = s.phone(1, "host", true, test_config(&s.cloud)).await;
    let phone = s.phone(2, "phone", false, test_config(&s.cloud)).await;
    host.online();
    host.engine.issue_key(&s.key_for("phone", None)).await.unwrap();
    phone.online();
    phone.engine.sync_until_idle(5).await;
    phone.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();

    // The lock lost power: its clock is no longer trusted.
    s.world.clock.advance_secs(7200);
    s.lock.lock().power_loss();
    let challenge = s.lock.lock().advertisement().challenge;
    let token = phone.engine.time_token_at_door(&s.lock.id(), &challenge).await.unwrap();
    assert_eq!(token.nonce, challenge);
    assert_eq!(token.unix_time, s.world.clock.unix_now());
    let report = phone.phone.locks().lock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.time_delivered, Some(token.unix_time));
    assert!(s.lock.lock().clock_trusted());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_hosts_issue_keys_and_errors_carry_the_clouds_code() {
    let s = scene().await;
    let host = s.phone(1, "host", true, test_config(&s.cloud)).await;
    let phone = s.phone(2, "phone", false, test_config(&s.cloud)).await;
    phone.online();
    let err = phone.engine.issue_key(&s.key_for("phone", None)).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::CloudAuth, "{err}");
    assert!(err.to_string().contains("only a host"), "{err}");
    host.online();
    let err = host.engine.issue_key(&s.key_for("nobody", None)).await.unwrap_err();
    assert_eq!(err.diagnosis(), DiagnosisCode::CloudRejected, "{err}");
    assert!(err.to_string().contains("not_found"), "{err}");
    host.offline();
    let err = host.engine.cloud_drift().await.unwrap_err();
    assert_eq!(err, SyncError::Offline);
}
