//! The PIN and admin bodies against their schemas (the checks are in
//! wire.rs).

use super::super::admin::{ChaosReport, IssuerInfo};
use super::super::chaos::{ChaosConfig, ChaosStats};
use super::super::wire::*;
use super::wire::{check, examples_decode, LOCK, PUB, SCHEDULE};
use serde_json::json;

fn change(some: bool) -> PinChangeInfo {
    PinChangeInfo {
        seq: 4,
        at: 12,
        action: PinAction::Changed,
        slot: 3,
        label: "Cleaner".into(),
        holder: some.then(|| "Maria".into()),
        changed: if some { vec!["window".into()] } else { vec![] },
    }
}

fn pin_drift(some: bool) -> PinDriftInfo {
    PinDriftInfo {
        lock_id: LOCK,
        name: "Front door".into(),
        cloud_seq: 5,
        lock_seq: 4,
        pending_count: 1,
        pending: vec![change(some)],
        acknowledged_at: some.then_some(10),
        reported_at: some.then_some(11),
        reported_by: some.then(|| "anna".into()),
        last_contact_at: some.then_some(12),
        last_contact_by: some.then(|| "anna".into()),
        in_sync: false,
    }
}

#[test]
fn the_pin_bodies_match_their_schemas() {
    let full = PinChangeRequest {
        slot: 3,
        digits: Some("482913".into()),
        label: Some("Cleaner".into()),
        holder: Some("Maria".into()),
        class: Some("user".into()),
        not_before: Some(1),
        not_after: Some(2),
        schedule: Some(Some(SCHEDULE)),
        one_time: Some(false),
    };
    let sparse = PinChangeRequest {
        slot: 3,
        ..PinChangeRequest::default()
    };
    check("PinChangeRequest", &full, &sparse);
    examples_decode::<PinChangeRequest>("PinChangeRequest");
    check("PinChangeInfo", &change(true), &change(false));
    let list = |some: bool| PinListInfo {
        seq: u32::from(some),
        list: some.then(|| "00".into()),
        labels: [(3, "Cleaner".to_string())].into(),
        holders: if some {
            [(3, "Maria".to_string())].into()
        } else {
            Default::default()
        },
        changes: if some { vec![change(true)] } else { vec![] },
        secret: some.then(|| "ab".repeat(32)),
    };
    check("PinListInfo", &list(true), &list(false));
    let ack = |some: bool| PinAckReport {
        lock_id: LOCK,
        seq: 1,
        acknowledged_at: 2,
        last_contact_at: some.then_some(3),
    };
    check("PinAck", &ack(true), &ack(false));
    let acks = PinAckRequest { acks: vec![ack(true)] };
    check("PinAckRequest", &acks, &acks);
    examples_decode::<PinAckRequest>("PinAckRequest");
    check("PinDriftInfo", &pin_drift(true), &pin_drift(false));
    let locks = PinDriftResponse {
        locks: vec![pin_drift(true)],
    };
    check("PinDriftResponse", &locks, &locks);
}

#[test]
fn the_admin_bodies_match_their_schemas() {
    let phone = |host| RegisterPhone {
        name: "guest".into(),
        holder_key: PUB,
        host,
    };
    check("RegisterPhone", &phone(true), &phone(false));
    examples_decode::<RegisterPhone>("RegisterPhone");
    let token = PhoneToken {
        name: "guest".into(),
        token: "t".into(),
    };
    check("PhoneToken", &token, &token);
    let issuer = IssuerInfo {
        issuer_key: latchkey_protocol::hex::encode(&PUB.0),
    };
    check("IssuerInfo", &issuer, &issuer);
    let event = |lock_id: Option<String>| ReceivedEvent {
        id: "x".into(),
        lock_id,
        position: 1,
        phone: "guest".into(),
        received_at: 2,
        event: json!({"kind": "failure"}),
    };
    check("ReceivedEvent", &event(Some(LOCK.to_hex())), &event(None));
    let events = EventsResponse {
        events: vec![event(None)],
    };
    check("EventsResponse", &events, &events);
    let chaos = ChaosConfig {
        seed: 7,
        unavailable: 0.5,
        unavailable_retry_after_s: Some(3),
        ..ChaosConfig::default()
    };
    assert_eq!(chaos.check(), Ok(()));
    check("ChaosConfig", &chaos, &ChaosConfig::default());
    examples_decode::<ChaosConfig>("ChaosConfig");
    check("ChaosStats", &ChaosStats::default(), &ChaosStats::default());
    let report = ChaosReport {
        config: chaos,
        stats: ChaosStats::default(),
    };
    check("ChaosReport", &report, &report);
}

#[test]
fn the_life_bodies_match_their_schemas() {
    let release = |losses: Vec<String>| FirmwareRelease {
        model: 1,
        version: "1.1.0".into(),
        version_code: 0x0101_0000,
        manifest: "01".into(),
        image: "00".into(),
        known_losses: losses,
        released_at: 3,
    };
    check("FirmwareRelease", &release(vec!["pin_list".into()]), &release(vec![]));
    check(
        "FirmwareResponse",
        &FirmwareResponse {
            model: 1,
            release: Some(release(vec![])),
        },
        &FirmwareResponse {
            model: 1,
            release: None,
        },
    );
    examples_decode::<FirmwareResponse>("FirmwareResponse");
    let publish = |losses: Vec<String>| PublishFirmware {
        manifest: "01".into(),
        image: "00".into(),
        known_losses: losses,
    };
    check(
        "PublishFirmware",
        &publish(vec!["clock_trust".into()]),
        &publish(vec![]),
    );
    examples_decode::<PublishFirmware>("PublishFirmware");
    let kit = CommissioningInfo {
        lock_id: LOCK,
        issuer_key: PUB,
        pin_secret: "ab".repeat(32),
    };
    check("CommissioningInfo", &kit, &kit);
}
