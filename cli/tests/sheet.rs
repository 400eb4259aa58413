//! `latchkey sheet` on a real phone store: a store filled by a phone of
//! the simulated site (a key, keypad PINs, a backup way in, one unlock),
//! then closed, then `latchkey sheet --data-dir …` renders that lock's
//! sheet with no secret on it. Without `--data-dir` the simulated sheet
//! still prints.

mod support;

use latchkey_core::store::BackupMethod;
use latchkey_core::unlock::NoProgress;
use latchkey_protocol::{PinClass, PinDigits, PinRule};
use latchkey_sim::lock::LockConfig;
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::{GrantSpec, SimWorld};
use std::collections::BTreeMap;
use std::path::Path;
use support::{assert_no_backtrace, json, latchkey, stderr, stdout};

const BEN_PIN: &str = "402817";
const MASTER_PIN: &str = "73914682";

/// A closed phone store in `dir` holding a resident key for "Back gate"
/// (and the metadata of a "Shed" it holds nothing for), two keypad PINs
/// and a backup way in, after one unlock. Returns the back gate's id.
async fn phone_store(dir: &Path) -> String {
    let now = u32::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let world = SimWorld::new(now).unwrap();
    let gate = world.add_lock("Back gate", LockConfig::default()).unwrap();
    let shed = world.add_lock("Shed", LockConfig::default()).unwrap();
    let phone = world.phone(dir, LinkParams::mtu185(), &[&gate, &shed]).await.unwrap();
    let key = world.issue(&phone, &gate, GrantSpec::resident(now)).unwrap();
    phone.keys().add_key(key, "Ana (resident)").await.unwrap();
    let slots = [
        (0, MASTER_PIN, PinRule::master()),
        (1, BEN_PIN, PinRule::always(PinClass::User)),
    ]
    .into_iter()
    .map(|(n, digits, rule)| {
        world
            .authority
            .pin_slot(&gate.id(), n, &PinDigits::new(digits).unwrap(), rule)
            .unwrap()
    })
    .collect();
    let list = world.authority.pin_list(gate.id(), 1, now, 0, slots).unwrap();
    let labels = BTreeMap::from([(0, "Owner (master PIN)".to_string()), (1, "Ben".to_string())]);
    phone.pins().add_pin_list(list, labels).await.unwrap();
    phone
        .emergency()
        .set_backup_entry(gate.id(), BackupMethod::SomeoneNearby, "spare key with Ana, flat 12")
        .await
        .unwrap();
    // Delivers the PINs and records the battery.
    phone.locks().unlock(gate.id(), &NoProgress).await.unwrap();
    gate.id().to_string()
    // The phone (and with it the store) closes here, as the app's would.
}

/// Runs the binary off the test's runtime.
async fn sheet(args: Vec<String>) -> (bool, String, String) {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = latchkey(&args);
        let ok = run.get_output().status.success();
        (ok, stdout(&run), stderr(&run))
    })
    .await
    .unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sheet_of_a_lock_in_a_phone_store_shows_its_credentials_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("phone");
    let gate_id = phone_store(&store).await;
    let store = store.display().to_string();

    let (ok, md, err) = sheet(args(&[
        "sheet",
        "--data-dir",
        &store,
        "--lock",
        "back gate",
        "--format",
        "markdown",
    ]))
    .await;
    assert!(ok, "{err}");
    assert!(md.starts_with("# Emergency access: Back gate"), "{md}");
    assert!(md.contains(&gate_id[..8]), "{md}");
    assert!(md.contains("| Ana (resident) | phone key | resident |"), "{md}");
    assert!(md.contains("| Ben | keypad PIN | user |"), "{md}");
    assert!(md.contains("spare key with Ana, flat 12"), "{md}");
    // The app ran no readiness check the command could print.
    assert!(md.contains("Not run yet on this phone"), "{md}");
    for secret in [BEN_PIN, MASTER_PIN] {
        assert!(!md.contains(secret), "PIN digits on the sheet:\n{md}");
    }

    // By id, as JSON; the default lock is the first by name.
    let (ok, by_id, err) = sheet(args(&["sheet", "--data-dir", &store, "--lock", &gate_id, "--json"])).await;
    assert!(ok, "{err}");
    let by_id: serde_json::Value = serde_json::from_str(&by_id).unwrap();
    assert_eq!(by_id["lock_name"], "Back gate", "{by_id}");
    assert_eq!(by_id["lock_id"], gate_id.as_str(), "{by_id}");
    let first = json(&["sheet", "--data-dir", &store, "--json"]);
    assert_eq!(first["lock_name"], "Back gate", "{first}");

    // A lock the store knows but holds no credential for: an honest sheet.
    let (ok, shed, err) = sheet(args(&[
        "sheet",
        "--data-dir",
        &store,
        "--lock",
        "Shed",
        "--format",
        "text",
    ]))
    .await;
    assert!(ok, "{err}");
    assert!(shed.starts_with("EMERGENCY ACCESS: SHED"), "{shed}");
    assert!(
        shed.contains("No key or PIN for this lock is known to this phone."),
        "{shed}"
    );
    assert!(!shed.contains("Ana (resident)"), "{shed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_lock_or_a_missing_store_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("phone");
    phone_store(&store).await;
    let store = store.display().to_string();

    let (ok, _, err) = sheet(args(&["sheet", "--data-dir", &store, "--lock", "Attic"])).await;
    assert!(!ok);
    assert!(err.contains("unknown_lock") && err.contains("Attic"), "{err}");
    assert_no_backtrace(&err);

    let missing = dir.path().join("nowhere").display().to_string();
    let run = latchkey(&["sheet", "--data-dir", &missing]).code(2);
    assert!(stderr(&run).contains("is not a directory"), "{}", stderr(&run));
    assert!(
        !dir.path().join("nowhere").exists(),
        "a store was created for a mistyped path"
    );

    let run = latchkey(&["sheet", "--lock", "Attic"]).code(2);
    assert!(stderr(&run).contains("--data-dir"), "{}", stderr(&run));
}

#[test]
fn without_a_data_dir_the_simulated_sheet_still_prints() {
    let md = stdout(&latchkey(&["sheet", "--format", "markdown"]).success());
    assert!(md.starts_with("# Emergency access: Front door"), "{md}");
    assert!(md.contains("| Cleaner | keypad PIN | guest |"), "{md}");
    assert!(md.contains("## Last offline-readiness check"), "{md}");
}
