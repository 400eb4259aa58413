//! The `latchkey-sim peripheral` binary as its own process on hci1, the
//! phone core on hci0: an unlock goes through it, then the process is
//! killed (SIGKILL) after the lock acted on a command and before it
//! answered. The phone must say the lock may have acted, and the lock
//! must have moved once per command (run with ./scripts/test-ble, which
//! builds the binary and passes its path in LATCHKEY_SIM_BIN).

mod ble_support;

use ble_support::sim_process::{sim_binary, SimProcess};
use ble_support::{harness_provides, phone_options, unix_now};
use latchkey_core::store::LockMeta;
use latchkey_core::transport::ble::BleTransport;
use latchkey_core::unlock::{CommandPolicy, NoProgress};
use latchkey_core::{Client, ClientBuilder, DiagnosisCode, LatchkeyError};
use latchkey_protocol::{hex, BoltState, KeyGrant, KeyId, LockId, PublicKey, Role};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::bluez::WallClockDriver;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::VirtualClock;
use std::ffi::OsStr;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long the process holds each answer: room to kill it after the lock
/// acted and before the answer leaves, within the phone's 3 s answer wait.
const ANSWER_DELAY_MS: &str = "1000";

/// The lock as the commissioning file the process wrote describes it,
/// and the issuer that can grant keys for it.
fn read_commissioning(path: &Path) -> (LockMeta, KeyAuthority) {
    let text = std::fs::read_to_string(path).expect("commissioning file");
    let record: serde_json::Value = serde_json::from_str(&text).expect("commissioning JSON");
    let field = |name: &str| record[name].as_str().unwrap_or_else(|| panic!("{name} in {text}"));
    let bytes = |name: &str| hex::decode(field(name)).unwrap_or_else(|| panic!("hex {name}"));
    let authority = KeyAuthority::from_pkcs8(&bytes("issuer_pkcs8")).expect("issuer key");
    let config = LockConfig::default();
    let meta = LockMeta {
        lock_id: LockId::from_hex(field("lock_id")).expect("lock id"),
        name: "Process door".into(),
        identity_key: PublicKey::from_sec1(&bytes("identity_public_key")).expect("identity key"),
        issuer_key: authority.public_key(),
        utc_offset_min: config.utc_offset_min,
        groups: config.groups,
    };
    (meta, authority)
}

async fn phone_for(dir: &Path, clock: &VirtualClock, meta: &LockMeta, authority: &KeyAuthority) -> Arc<Client> {
    let phone = ClientBuilder::new(dir)
        .allow_software_keys()
        .transport(Arc::new(BleTransport::new(phone_options())))
        .clock(Arc::new(latchkey_testkit::WorldClock(clock.clone())))
        .command_policy(CommandPolicy {
            scan_timeout: Duration::from_secs(4),
            connect_timeout: Duration::from_secs(3),
            max_attempts: 2,
        })
        .build()
        .await
        .expect("phone");
    phone.keys().add_lock(meta.clone()).await.expect("add lock");
    let now = clock.unix_now();
    let key = authority
        .issue_key(KeyGrant {
            key_id: KeyId::random().expect("key id"),
            lock_id: meta.lock_id,
            lock_group: false,
            holder: phone.holder_key(),
            role: Role::Resident,
            not_before: now.saturating_sub(60),
            not_after: now + 30 * 86_400,
            schedule: None,
            offline_allowed: true,
            serial: 1,
        })
        .expect("issue key");
    phone.keys().add_key(key, "resident").await.expect("add key");
    phone
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_peripheral_binary_unlocks_and_when_killed_mid_command_the_phone_says_it_may_have_acted() {
    if !harness_provides("bluezoo") {
        return;
    }
    let Some(binary) = sim_binary() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let commissioning = dir.path().join("lock.json");
    let args = [
        OsStr::new("--answer-delay-ms"),
        OsStr::new(ANSWER_DELAY_MS),
        OsStr::new("--commissioning"),
        commissioning.as_os_str(),
    ];
    let mut sim = SimProcess::start(&binary, args);
    sim.line_starting("advertising", Duration::from_secs(20))
        .await
        .expect("the peripheral process started advertising");
    let (meta, authority) = read_commissioning(&commissioning);
    let clock = VirtualClock::starting_at(unix_now());
    let _wall = WallClockDriver::start(clock.clone(), Duration::from_millis(5));
    let phone_dir = dir.path().join("phone");
    std::fs::create_dir_all(&phone_dir).expect("phone dir");
    let phone = Arc::new(phone_for(&phone_dir, &clock, &meta, &authority).await);

    let report = phone
        .locks()
        .unlock(meta.lock_id, &NoProgress)
        .await
        .expect("unlock through the process");
    assert_eq!(report.bolt, BoltState::Unlocked);
    assert_eq!(report.attempts, 1);
    let moved = sim.line_starting("bolt:", Duration::from_secs(5)).await;
    assert_eq!(moved.as_deref(), Some("bolt: unlocked (actuation 1)"));

    let lock_id = meta.lock_id;
    let command = {
        let phone = phone.clone();
        tokio::spawn(async move { phone.locks().lock(lock_id, &NoProgress).await })
    };
    // The lock acted; its answer is held for a second: kill it now.
    let moved = sim.line_starting("bolt:", Duration::from_secs(20)).await;
    assert_eq!(moved.as_deref(), Some("bolt: locked (actuation 2)"));
    sim.child.kill().expect("SIGKILL");
    let status = sim.child.wait().expect("reap");
    assert_eq!(status.signal(), Some(9), "{status:?}");
    let after_kill = sim.rest().await;
    assert!(
        after_kill.iter().all(|l| !l.starts_with("bolt:")),
        "the bolt moved once per command: {after_kill:?}"
    );

    let err = command
        .await
        .expect("task")
        .expect_err("the answer never left the lock");
    assert_eq!(err.diagnosis(), DiagnosisCode::OutcomeUnknown, "{err}");
    assert!(matches!(err, LatchkeyError::OutcomeUnknown { .. }), "{err}");
    eprintln!("the phone says: {err}");
}
