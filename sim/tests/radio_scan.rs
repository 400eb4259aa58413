//! Scanning and connecting to simulated peripherals.

mod radio_support;

use std::sync::{Arc, Mutex};

use latchkey_protocol::{Advertisement, COMPANY_ID, SERVICE_UUID};
use latchkey_sim::radio::{LinkError, LinkParams, DEFAULT_ADVERTISING_INTERVAL_MS};
use radio_support::{setup, state, EchoDevice, LOCK};

#[test]
fn scan_returns_the_advertisement_payload() {
    let (radio, echo) = setup(20, 0);
    radio.set_local_name(LOCK, Some("Front door".into())).unwrap();
    let heard = radio.scan(DEFAULT_ADVERTISING_INTERVAL_MS);

    assert_eq!(heard.len(), 1);
    let ad = &heard[0];
    assert_eq!(ad.address, LOCK);
    assert_eq!(ad.rssi, -60);
    assert_eq!(ad.local_name.as_deref(), Some("Front door"));
    assert_eq!(ad.company_id, COMPANY_ID);
    assert_eq!(ad.service_uuids, vec![SERVICE_UUID.to_string()]);
    assert_eq!(
        Advertisement::decode(&ad.manufacturer_data),
        Ok(state(&echo).advertisement)
    );
}

#[test]
fn each_device_is_heard_once_per_advertising_interval() {
    let (radio, _echo) = setup(20, 0);
    let clock = radio.clock().clone();
    radio.add_peripheral(
        "AA:BB:CC:00:00:02",
        -80,
        Arc::new(Mutex::new(EchoDevice::new(clock, 20, 0))),
    );
    radio.set_advertising_interval("AA:BB:CC:00:00:02", 500).unwrap();

    let heard = radio.scan(1_000);
    let count = |address: &str| heard.iter().filter(|r| r.address == address).count();
    assert_eq!(count(LOCK), 5);
    assert_eq!(count("AA:BB:CC:00:00:02"), 2);
    assert!(heard.windows(2).all(|w| w[0].at_ms <= w[1].at_ms), "in time order");
    assert_eq!(radio.clock().now_ms(), 1_000, "the scan window passed");
}

#[test]
fn scan_until_stops_at_the_first_match() {
    let (radio, _echo) = setup(20, 0);
    let heard = radio.scan_until(10_000, |r| r.address == LOCK);
    assert_eq!(heard.len(), 1);
    assert_eq!(radio.clock().now_ms(), heard[0].at_ms);
    assert!(heard[0].at_ms < DEFAULT_ADVERTISING_INTERVAL_MS);
}

#[test]
fn an_out_of_range_lock_is_not_scanned_and_cannot_be_connected() {
    let (radio, echo) = setup(20, 0);
    radio.set_in_range(LOCK, false).unwrap();

    assert!(radio.scan(1_000).is_empty());
    let before = radio.clock().now_ms();
    assert_eq!(
        radio.connect(LOCK, LinkParams::mtu185()).unwrap_err(),
        LinkError::OutOfRange(LOCK.to_string())
    );
    assert_eq!(
        radio.clock().now_ms() - before,
        u64::from(LinkParams::DEFAULT_CONNECT_TIMEOUT_MS),
        "a connection attempt to an absent device waits out its timeout"
    );
    assert!(state(&echo).connects.is_empty());

    radio.set_in_range(LOCK, true).unwrap();
    assert_eq!(radio.scan(1_000).len(), 5);
}

#[test]
fn a_powered_off_lock_is_silent() {
    let (radio, _echo) = setup(20, 0);
    radio.set_powered(LOCK, false).unwrap();
    assert!(radio.scan(1_000).is_empty());
    assert!(matches!(
        radio.connect(LOCK, LinkParams::mtu23()),
        Err(LinkError::OutOfRange(_))
    ));
}

#[test]
fn a_connected_lock_stops_advertising() {
    let (radio, _echo) = setup(20, 0);
    let link = radio.connect(LOCK, LinkParams::mtu185()).unwrap();
    assert!(radio.scan(1_000).is_empty());
    drop(link);
    assert_eq!(radio.scan(1_000).len(), 5);
}

#[test]
fn an_unknown_address_is_refused() {
    let (radio, _echo) = setup(20, 0);
    assert_eq!(
        radio.connect("11:22:33:44:55:66", LinkParams::mtu185()).unwrap_err(),
        LinkError::UnknownDevice("11:22:33:44:55:66".into())
    );
    assert!(radio.set_in_range("11:22:33:44:55:66", false).is_err());
}

#[test]
fn connecting_tells_the_lock_the_mtu() {
    let (radio, echo) = setup(20, 0);
    drop(radio.connect(LOCK, LinkParams::mtu247()).unwrap());
    drop(radio.connect(LOCK, LinkParams::mtu23()).unwrap());
    let echo = state(&echo);
    assert_eq!(echo.connects, vec![247, 23]);
    assert_eq!(echo.disconnects, 2);
}

#[test]
fn the_radio_and_its_connections_can_move_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>() {}
    assert_send_sync::<latchkey_sim::radio::SimRadio>();
    assert_send::<latchkey_sim::radio::SimConnection>();
}
