//! The emergency access sheet: it says who can get in without a network,
//! the backup way in, the battery and what to do, and it never contains
//! secret material (certificates, key bytes, fast keys, PIN digits,
//! salts or hashes, the offline PIN secret or codes made from it).

use latchkey_core::sheet::{CredentialKind, ReadinessLine, ReadinessSummary};
use latchkey_core::store::BackupMethod;
use latchkey_core::unlock::NoProgress;
use latchkey_core::Client;
use latchkey_protocol::hex;
use latchkey_protocol::{PinClass, PinDigits, PinList, PinRule, Schedule};
use latchkey_sim::lock::{Fault, LockConfig};
use latchkey_sim::radio::LinkParams;
use latchkey_testkit::START;
use latchkey_testkit::{GrantSpec, SimLockHandle, SimWorld};
use std::collections::BTreeMap;
use std::sync::Arc;

const DAY: u32 = 86_400;
const PINS: [&str; 3] = ["48291736", "91735284", "582047"];

struct Scene {
    world: SimWorld,
    lock: SimLockHandle,
    phone: Arc<Client>,
    list: PinList,
    _dir: tempfile::TempDir,
}

async fn scene() -> Scene {
    let world = SimWorld::new(START).unwrap();
    let config = LockConfig {
        utc_offset_min: 60,
        ..LockConfig::default()
    };
    let lock = world.add_lock("Front door", config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let phone = world.phone(dir.path(), LinkParams::mtu185(), &[&lock]).await.unwrap();
    let key = world.issue(&phone, &lock, GrantSpec::resident(START)).unwrap();
    phone.keys().add_key(key, "Ana (resident)").await.unwrap();
    let digits = |d: &str| PinDigits::new(d).unwrap();
    let cleaner = Schedule::new(Schedule::WORKDAYS, 9 * 60, 12 * 60).unwrap();
    let stay = PinRule::between(PinClass::Guest, START, START + 7 * DAY);
    let rules = [
        PinRule::master(),
        PinRule::always(PinClass::User),
        stay.on(cleaner).once(),
    ];
    let slots = (0..3)
        .map(|i| {
            let id = lock.id();
            world
                .authority
                .pin_slot(&id, i as u8, &digits(PINS[i]), rules[i])
                .unwrap()
        })
        .collect();
    let list = world.authority.pin_list(lock.id(), 1, START, 0, slots).unwrap();
    let labels = BTreeMap::from([
        (0, "Ana (master PIN)".to_string()),
        (1, "Ben".to_string()),
        (2, "Cleaner".to_string()),
    ]);
    phone.pins().add_pin_list(list.clone(), labels).await.unwrap();
    let secret = world.authority.pin_secret(&lock.id()).unwrap();
    phone.pins().add_pin_secret(lock.id(), secret).await.unwrap();
    phone
        .emergency()
        .set_backup_entry(
            lock.id(),
            BackupMethod::SomeoneNearby,
            "spare key with the neighbour at no. 12",
        )
        .await
        .unwrap();
    Scene {
        world,
        lock,
        phone,
        list,
        _dir: dir,
    }
}

fn readiness() -> ReadinessSummary {
    ReadinessSummary {
        checked_at: START,
        ready: true,
        lines: vec![ReadinessLine {
            status: "pass".into(),
            title: "Offline key".into(),
            message: "This phone can open the lock with no network.".into(),
        }],
    }
}

#[tokio::test]
async fn the_sheet_lists_who_can_get_in_the_backup_way_the_battery_and_the_steps() {
    let s = scene().await;
    s.lock.lock().inject(Fault::BatteryMv(4700));
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let sheet = s.phone.emergency().sheet(s.lock.id(), Some(readiness())).await.unwrap();
    assert_eq!(sheet.credentials.len(), 4);
    assert_eq!(sheet.credentials[0].kind, CredentialKind::PhoneKey);
    assert!(sheet.credentials.iter().all(|c| c.works_offline));
    assert!(sheet.can_make_offline_pins);
    assert_eq!(sheet.pending_pin_changes, 0, "the unlock delivered the PIN list");

    let md = sheet.to_markdown();
    for expected in [
        "# Emergency access: Front door",
        "| Ana (resident) | phone key | resident |",
        "| Cleaner | keypad PIN | guest | 2026-01-05 11:00 to 2026-01-12 11:00 | Mon–Fri 09:00–12:00 | yes | one-time |",
        "| Ben | keypad PIN | user | no end date | any time | yes |",
        "Someone nearby with access: spare key with the neighbour at no. 12",
        "Low.",
        "Ask someone else who holds a key: Ana (master PIN), Ben.",
        "make an offline PIN in this app",
        "UTC+01:00",
        "**pass** Offline key",
    ] {
        assert!(md.contains(expected), "missing {expected:?} in\n{md}");
    }
    let text = sheet.to_text();
    assert!(text.starts_with("EMERGENCY ACCESS: FRONT DOOR\n"));
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.contains("BACKUP WAY IN") && text.contains("neighbour at no. 12"));
}

#[tokio::test]
async fn the_sheet_warns_of_pin_changes_the_lock_has_not_received() {
    let s = scene().await;
    let sheet = s.phone.emergency().sheet(s.lock.id(), None).await.unwrap();
    assert_eq!(sheet.pending_pin_changes, 3);
    let md = sheet.to_markdown();
    assert!(md.contains("3 PIN changes have not reached the lock yet"), "{md}");
    assert!(md.contains("not yet on the lock"));
    assert!(md.contains("No battery reading yet"));
    assert!(md.contains("Not run yet on this phone"));
}

#[tokio::test]
async fn the_sheet_contains_no_secret_material() {
    let s = scene().await;
    s.phone.locks().unlock(s.lock.id(), &NoProgress).await.unwrap();
    let md = s
        .phone
        .emergency()
        .sheet(s.lock.id(), Some(readiness()))
        .await
        .unwrap()
        .to_markdown();
    let text = s.phone.emergency().sheet(s.lock.id(), None).await.unwrap().to_text();

    let mut secrets: Vec<(String, Vec<u8>)> = Vec::new();
    for k in s.phone.keys().list().await.unwrap() {
        secrets.push(("certificate".into(), k.key.encode()));
        secrets.push(("certificate signature".into(), k.key.signature.0.to_vec()));
        secrets.push(("holder key".into(), k.key.grant.holder.0.to_vec()));
        let fast = s.phone.store().fast_keys().get(&s.lock.id(), &k.key.key_id()).unwrap();
        secrets.push(("fast key".into(), fast.expect("a fast key after AUTH").key.0.to_vec()));
    }
    for slot in &s.list.slots {
        secrets.push(("PIN salt".into(), slot.salt.to_vec()));
        secrets.push(("PIN hash".into(), slot.hash.to_vec()));
    }
    secrets.push(("PIN list".into(), s.list.encode()));
    let secret = s.world.authority.pin_secret(&s.lock.id()).unwrap();
    secrets.push(("offline PIN secret".into(), secret.0.to_vec()));
    let offline = s
        .phone
        .pins()
        .offline_pin(s.lock.id(), START, 3600, false)
        .await
        .unwrap();

    for sheet in [&md, &text] {
        for (what, bytes) in &secrets {
            // Any 8-byte run of the secret, as hex (either case) or raw.
            for window in bytes.windows(8.min(bytes.len())) {
                let h = hex::encode(window);
                assert!(
                    !sheet.contains(&h) && !sheet.contains(&h.to_uppercase()),
                    "{what} as hex"
                );
                assert!(
                    !sheet.as_bytes().windows(window.len()).any(|w| w == window),
                    "{what} raw"
                );
            }
        }
        for pin in PINS.iter().copied().chain([offline.code.as_str()]) {
            assert!(!sheet.contains(pin), "PIN digits {pin} on the sheet");
        }
    }
}
