//! The snapshot and observations JSON: what the bindings and the CLI
//! exchange, its tolerance for unknown facts, and the Linux probe.

use latchkey_core::diagnostics::{
    probe_linux, AdapterState, BluezState, CbManagerState, DeviceSnapshot, LockObservations, PermissionState,
    PlatformSnapshot, SnapshotError,
};
use latchkey_protocol::{BoltState, ResultCode};

#[test]
fn a_minimal_snapshot_reads_with_every_fact_unknown() {
    let s = PlatformSnapshot::from_json(r#"{"device": {"platform": "android", "api_level": 33}}"#).unwrap();
    let DeviceSnapshot::Android(a) = &s.device else {
        panic!("not android: {s:?}");
    };
    assert_eq!(a.api_level, 33);
    assert_eq!(a.adapter, None);
    assert_eq!(a.permissions.bluetooth_scan, PermissionState::NotRequested);
    assert_eq!(s.network.online, None);
    assert_eq!(s.format, 1);
}

#[test]
fn apple_spellings_are_accepted() {
    let s = PlatformSnapshot::from_json(
        r#"{"device": {"platform": "ios", "state": "poweredOff", "authorization": "allowedAlways"}}"#,
    )
    .unwrap();
    let DeviceSnapshot::Ios(i) = &s.device else {
        panic!("not ios");
    };
    assert_eq!(i.state, Some(CbManagerState::PoweredOff));
}

#[test]
fn a_snapshot_round_trips_and_unknown_fields_are_ignored() {
    let json = r#"{
        "format": 1,
        "device": {"platform": "android", "api_level": 31, "adapter": "turning_on", "added_later": true},
        "network": {"online": true, "something_new": 1}
    }"#;
    let s = PlatformSnapshot::from_json(json).unwrap();
    assert_eq!(PlatformSnapshot::from_json(&s.to_json()).unwrap(), s);
    let DeviceSnapshot::Android(a) = &s.device else {
        panic!("not android");
    };
    assert_eq!(a.adapter, Some(AdapterState::TurningOn));
}

#[test]
fn bad_documents_say_what_is_wrong() {
    let err = PlatformSnapshot::from_json(r#"{"device": {"platform": "windows"}}"#).unwrap_err();
    assert!(
        matches!(err, SnapshotError::Invalid(ref m) if m.contains("windows")),
        "{err}"
    );
    let err = PlatformSnapshot::from_json(r#"{"device": {"platform": "android", "adapter": "sideways"}}"#).unwrap_err();
    assert!(err.to_string().contains("sideways"), "{err}");
    let err = PlatformSnapshot::from_json(r#"{"format": 9, "device": {"platform": "linux"}}"#).unwrap_err();
    assert_eq!(err, SnapshotError::TooNew { found: 9, supported: 1 });
    assert!(PlatformSnapshot::from_json("not json").is_err());
    assert!(LockObservations::from_json(r#"{"mechanics": {"bolt": "melted"}}"#).is_err());
}

#[test]
fn observations_name_protocol_values_by_their_stable_names() {
    let o = LockObservations::from_json(
        r#"{"mechanics": {"bolt": "partially_thrown"},
            "last_error": {"diagnosis": "bolt_not_thrown", "lock_result": "bolt_not_thrown"}}"#,
    )
    .unwrap();
    assert_eq!(o.mechanics.bolt, Some(BoltState::PartiallyThrown));
    assert_eq!(o.last_error.unwrap().lock_result, Some(ResultCode::BoltNotThrown));
    let again = LockObservations::from_json(&serde_json::to_string(&o).unwrap()).unwrap();
    assert_eq!(again, o);
}

fn touch(root: &std::path::Path, path: &str, content: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

#[test]
fn the_linux_probe_reads_sysfs_and_admits_what_it_cannot_know() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    assert_eq!(probe_linux(r, None).snapshot.bluez, BluezState::AdapterAbsent);

    std::fs::create_dir_all(r.join("sys/class/bluetooth/hci0")).unwrap();
    assert_eq!(probe_linux(r, None).snapshot.bluez, BluezState::NoSystemBus);
    // An address that names a socket nobody made is no bus either.
    let missing = probe_linux(r, Some("unix:path=/tmp/nobody/bus"));
    assert_eq!(missing.snapshot.bluez, BluezState::NoSystemBus);

    touch(r, "sys/class/rfkill/rfkill0/type", "bluetooth\n");
    touch(r, "sys/class/rfkill/rfkill0/soft", "1\n");
    touch(r, "sys/class/rfkill/rfkill0/hard", "0\n");
    touch(r, "sys/class/rfkill/rfkill1/type", "wlan\n");
    let probe = probe_linux(r, Some("unix:path=/run/dbus/system_bus_socket"));
    assert_eq!(probe.snapshot.bluez, BluezState::RfkillBlocked);
    assert_eq!(probe.snapshot.rfkill_hard_blocked, Some(false));

    touch(r, "sys/class/rfkill/rfkill0/soft", "0\n");
    touch(r, "run/dbus/system_bus_socket", "");
    let probe = probe_linux(r, None);
    assert_eq!(
        probe.snapshot.bluez,
        BluezState::Unknown,
        "bluetoothd and power need D-Bus"
    );
    let unknown: Vec<_> = probe.facts.iter().filter(|f| f.value == "unknown").collect();
    assert_eq!(unknown.len(), 2, "{:?}", probe.facts);
}
