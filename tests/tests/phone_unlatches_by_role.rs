//! Unlatch and the lock's role rule (`Role::may`, docs/protocol.md): a
//! resident's phone unlatches; a service key is refused by the phone
//! before any radio use with `role_not_allowed`, and the lock, asked
//! anyway, refuses with the same diagnosis, which the diagnostics explain.

use latchkey_core::diagnostics::{diagnose, DeviceSnapshot, FindingCode, PlatformSnapshot};
use latchkey_core::unlock::NoProgress;
use latchkey_core::{Client, DiagnosisCode, LatchkeyError};
use latchkey_protocol::{Command, EventKind, ResultCode, Role};
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::scene::resident_scene;
use latchkey_testkit::{GrantSpec, SimLockHandle, SimWorld, START};
use std::sync::Arc;

async fn service_phone(world: &SimWorld, lock: &SimLockHandle, dir: &std::path::Path) -> Arc<Client> {
    let phone = world.phone(dir, LinkParams::mtu185(), &[lock]).await.unwrap();
    let grant = GrantSpec {
        role: Role::Service,
        ..GrantSpec::resident(START)
    };
    let key = world.issue(&phone, lock, grant).unwrap();
    phone.keys().add_key(key, "technician").await.unwrap();
    phone
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_unlatches_and_the_lock_logs_it() {
    let s = resident_scene(START, LockConfig::default()).await;
    let report = s.phone.locks().unlatch(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(report.command, Command::Unlatch);
    assert_eq!(s.lock.lock().actuation_count(), 1);
    assert!(s.lock.lock().events().iter().any(|e| e.kind == EventKind::Unlatched));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_key_is_refused_unlatch_by_the_phone_before_the_radio() {
    let s = resident_scene(START, LockConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let tech = service_phone(&s.world, &s.lock, dir.path()).await;
    let error = tech.locks().unlatch(s.lock.id(), &NoProgress).await.unwrap_err();
    match &error {
        LatchkeyError::Refused {
            code,
            lock_result,
            reason,
            ..
        } => {
            assert_eq!(*code, DiagnosisCode::RoleNotAllowed);
            assert_eq!(*lock_result, None, "the phone refused, the lock never heard of it");
            assert!(reason.contains("service"), "{reason}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(s.lock.lock().actuation_count(), 0);

    // The diagnostics explain the refusal from the last outcome, though
    // the key itself is valid.
    let observations = tech.diagnostics().observe(s.lock.id()).await.unwrap();
    let findings = diagnose(
        &PlatformSnapshot::new(DeviceSnapshot::Linux(Default::default())),
        &observations,
    );
    let finding = findings.iter().find(|f| f.code == FindingCode::RoleNotAllowed);
    assert!(finding.is_some(), "{findings:?}");
    assert!(finding.unwrap().steps.iter().any(|step| step.contains("Unlock")));

    // It may still unlock and lock: the rule is about unlatch only.
    tech.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    assert_eq!(s.lock.lock().actuation_count(), 1);
}

#[test]
fn the_locks_refusal_has_the_same_diagnosis_as_the_phones() {
    assert_eq!(
        DiagnosisCode::from_result(ResultCode::RoleNotAllowed),
        Some(DiagnosisCode::RoleNotAllowed)
    );
    let refused = LatchkeyError::refused_by_lock(ResultCode::RoleNotAllowed);
    assert_eq!(refused.diagnosis(), DiagnosisCode::RoleNotAllowed);
    assert!(!Role::Service.may(Command::Unlatch));
    assert!(Role::Guest.may(Command::Unlatch));
}
