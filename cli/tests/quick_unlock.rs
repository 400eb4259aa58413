//! `latchkey unlock --quick`: a widget's process, run as a separate
//! process of the CLI, against a simulated lock this test serves on a Unix
//! socket, through the quick-access directory an app's store keeps. It
//! never opens the store, works while the app's process holds it, and
//! fails with the same diagnosis as a full `latchkey unlock`.

mod support;

use latchkey_core::clock::{PhoneClock, SystemClock};
use latchkey_core::unlock::NoProgress;
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::lock_socket::LockSocket;
use latchkey_testkit::{GrantSpec, SimLockHandle, SimWorld};
use support::{latchkey, parse};

struct Site {
    _world: SimWorld,
    lock: SimLockHandle,
    socket: LockSocket,
    dir: tempfile::TempDir,
}

impl Site {
    /// A lock served on a socket, and an app store that shares it with
    /// quick access (the app ran one AUTH, then closed its store).
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let world = SimWorld::new(SystemClock.now_unix()).unwrap();
        let lock = world.add_lock("Front door", LockConfig::default()).unwrap();
        let quick = dir.path().join("quick");
        let phone = world
            .phone_with(&dir.path().join("store"), LinkParams::mtu185(), &[&lock], |b| {
                b.quick_access(quick)
            })
            .await
            .unwrap();
        let key = world
            .issue(&phone, &lock, GrantSpec::resident(phone.clock().now_unix()))
            .unwrap();
        phone.keys().add_key(key, "resident").await.unwrap();
        phone.locks().unlock(lock.id(), &NoProgress).await.unwrap();
        drop(phone);
        let socket = LockSocket::serve(&dir.path().join("lock.sock"), world.transport(LinkParams::mtu185())).unwrap();
        Self {
            _world: world,
            lock,
            socket,
            dir,
        }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn args(&self, command: &str, quick: bool, lock: &str) -> Vec<String> {
        let mut args = vec![
            command.to_string(),
            "--json".into(),
            "--data-dir".into(),
            self.path("store"),
            "--quick-dir".into(),
            self.path("quick"),
            "--lock-socket".into(),
            self.socket.path().display().to_string(),
            "--lock".into(),
            lock.to_string(),
        ];
        if quick {
            args.push("--quick".into());
        }
        args
    }
}

fn run(args: &[String]) -> assert_cmd::assert::Assert {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    latchkey(&args)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quick_unlock_in_its_own_process_uses_fast_and_the_app_takes_it_in() {
    let site = Site::new().await;
    let id = site.lock.id().to_hex();
    let args = site.args("unlock", true, &id);
    let out = parse(&[], &run(&args).success());
    assert_eq!(out["path"], "fast", "{out}");
    assert_eq!(out["lock_name"], "Front door");
    assert_eq!(
        site.lock.lock().events().len() as u64,
        2,
        "the app's unlock and the quick one"
    );

    // The app's own process then unlocks (a full client on the store):
    // it takes the widget's record in and continues its FAST counter.
    let app = parse(&[], &run(&site.args("unlock", false, &id)).success());
    assert_eq!(app["path"], "fast", "{app}");
    let replays = site
        .lock
        .lock()
        .events()
        .iter()
        .filter(|e| e.result == latchkey_protocol::ResultCode::CounterReplay as u8)
        .count();
    assert_eq!(replays, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_quick_path_works_while_the_app_holds_its_store() {
    let site = Site::new().await;
    let key_store = std::sync::Arc::new(
        latchkey_core::platform_keys::SoftwareKeyStore::beside(&site.dir.path().join("store")).unwrap(),
    );
    // The app's process: the store is open (and locked) meanwhile.
    let held = latchkey_core::store::Store::open(site.dir.path().join("store"), key_store).unwrap();
    let out = parse(
        &[],
        &run(&site.args("unlock", true, &site.lock.id().to_hex())).success(),
    );
    assert_eq!(out["path"], "fast");
    // A full command can't open the store the app holds.
    let full = run(&site.args("status", false, &site.lock.id().to_hex())).failure();
    let full = String::from_utf8_lossy(&full.get_output().stdout).into_owned();
    assert!(full.contains("store") || full.contains("in use"), "{full}");
    drop(held);
}

#[tokio::test(flavor = "multi_thread")]
async fn quick_failures_carry_the_same_diagnosis_as_a_full_unlock() {
    let site = Site::new().await;
    let unknown = "00112233445566778899aabbccddeeff";
    let quick = parse(&[], &run(&site.args("unlock", true, unknown)).failure());
    let full = parse(&[], &run(&site.args("unlock", false, unknown)).failure());
    assert_eq!(quick["error"]["code"], "unknown_lock", "{quick}");
    assert_eq!(quick["error"]["code"], full["error"]["code"]);

    let no_dir = run(&["unlock".into(), "--quick".into(), "--lock".into(), unknown.into()]).failure();
    let said = String::from_utf8_lossy(&no_dir.get_output().stderr).into_owned()
        + &String::from_utf8_lossy(&no_dir.get_output().stdout);
    assert!(said.contains("--quick-dir"), "{said}");
}
