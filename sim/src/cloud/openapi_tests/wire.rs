//! The wire types (wire/) against their schemas in docs/openapi.json: a
//! value with every field filled and one with every optional field left
//! out both validate and round-trip; the filled one has exactly the
//! schema's properties; a property is `required` in the schema exactly
//! when the type can't do without it, and may be `null` exactly when the
//! type takes `null`; every example in the document validates against its
//! schema and, for a body, deserializes into its type. This file: the
//! checks, the lock, key, upload and drift bodies; bodies.rs the PIN and
//! admin ones.

use super::super::wire::*;
use super::{doc, validator};
use latchkey_protocol::{KeyId, LockId, PublicKey};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt::Debug;

pub(super) const LOCK: LockId = LockId([0x11; 16]);
pub(super) const KEY: KeyId = KeyId([0x22; 8]);
pub(super) const PUB: PublicKey = PublicKey([0x33; 64]);
pub(super) const SCHEDULE: ScheduleSpec = ScheduleSpec {
    weekdays: 31,
    start_minute: 480,
    end_minute: 1080,
};

/// `full` (every field filled) and `sparse` (every optional one left out)
/// against the schema `name`.
pub(super) fn check<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str, full: &T, sparse: &T) {
    let doc = doc();
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "no schema {name}");
    let valid = validator(&json!({"$ref": format!("#/components/schemas/{name}")}));
    let properties: BTreeSet<String> = schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect();
    let required: BTreeSet<String> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    for value in [full, sparse] {
        let encoded = serde_json::to_value(value).expect("it serializes");
        if let Err(e) = valid.validate(&encoded) {
            panic!("{name}: {encoded} does not match its schema: {e}");
        }
        let back: T = serde_json::from_value(encoded.clone()).expect("it deserializes");
        assert_eq!(&back, value, "{name} round trip");
    }
    let full = serde_json::to_value(full).expect("it serializes");
    let fields: BTreeSet<String> = full.as_object().expect("an object").keys().cloned().collect();
    assert_eq!(
        fields, properties,
        "{name}: the type's fields and the schema's properties"
    );
    for field in &fields {
        let mut without = full.clone();
        without.as_object_mut().expect("an object").remove(field);
        let tolerated = serde_json::from_value::<T>(without).is_ok();
        assert_eq!(
            !tolerated,
            required.contains(field),
            "{name}.{field}: `required` in the schema exactly when the type needs it"
        );
        let mut null = full.clone();
        null[field.as_str()] = Value::Null;
        assert_eq!(
            serde_json::from_value::<T>(null.clone()).is_ok(),
            valid.is_valid(&null),
            "{name}.{field}: null allowed by the schema exactly when the type takes it"
        );
    }
}

/// Every example of the schema `name` validates and deserializes into `T`.
pub(super) fn examples_decode<T: DeserializeOwned>(name: &str) {
    let doc = doc();
    let examples = doc["components"]["schemas"][name]["examples"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!examples.is_empty(), "{name} has no example");
    for example in examples {
        serde_json::from_value::<T>(example.clone()).unwrap_or_else(|e| panic!("{name} example {example}: {e}"));
    }
}

fn drift(some: bool) -> DriftInfo {
    DriftInfo {
        lock_id: LOCK,
        name: "Front door".into(),
        cloud_seq: 3,
        lock_seq: 2,
        acknowledged_at: some.then_some(10),
        reported_at: some.then_some(11),
        reported_by: some.then(|| "anna".into()),
        in_sync: false,
    }
}

#[test]
fn the_lock_and_key_bodies_match_their_schemas() {
    let lock = |groups: Vec<LockId>| LockInfo {
        lock_id: LOCK,
        name: "Front door".into(),
        identity_key: PUB,
        issuer_key: PUB,
        utc_offset_min: 60,
        groups,
    };
    check("LockInfo", &lock(vec![LOCK]), &lock(vec![]));
    examples_decode::<LockInfo>("LockInfo");
    let key = KeyInfo {
        key_id: KEY,
        lock_id: LOCK,
        label: "guest".into(),
        role: "guest".into(),
        status: KeyStatus::Active,
        valid_from: 1,
        valid_until: 2,
        serial: 1,
        not_after: 2,
        certificate: "00ff".into(),
    };
    check("KeyInfo", &key, &key);
    check(
        "KeysResponse",
        &KeysResponse { keys: vec![key] },
        &KeysResponse { keys: vec![] },
    );
    check(
        "LocksResponse",
        &LocksResponse { locks: vec![] },
        &LocksResponse { locks: vec![] },
    );
    let issue = |some: bool| IssueKeyRequest {
        lock_id: LOCK,
        phone: "guest".into(),
        role: "guest".into(),
        not_before: 1,
        not_after: 2,
        schedule: some.then_some(SCHEDULE),
        offline_allowed: true,
        label: if some { "Rental".into() } else { String::new() },
        cert_lifetime_s: some.then_some(3600),
    };
    check("IssueKeyRequest", &issue(true), &issue(false));
    examples_decode::<IssueKeyRequest>("IssueKeyRequest");
    check("Schedule", &SCHEDULE, &SCHEDULE);
    let revoked = RevokeResponse {
        key_id: KEY,
        lock_id: LOCK,
        seq: 1,
    };
    check("RevokeResponse", &revoked, &revoked);
    let list = |list: Option<String>| RevocationInfo {
        lock_id: LOCK,
        seq: u32::from(list.is_some()),
        list,
    };
    check("RevocationInfo", &list(Some("00".into())), &list(None));
    let time = TimeTokenInfo {
        unix_time: 1,
        token: "ab".into(),
    };
    check("TimeTokenInfo", &time, &time);
}

#[test]
fn the_upload_and_drift_bodies_match_their_schemas() {
    let upload = UploadRequest {
        events: vec![UploadEvent {
            id: "0192f3a4-5b6c-7d8e-9f00-112233445566".into(),
            event: json!({"kind": "failure"}),
        }],
    };
    check("UploadRequest", &upload, &UploadRequest { events: vec![] });
    check("UploadEvent", &upload.events[0], &upload.events[0]);
    examples_decode::<UploadRequest>("UploadRequest");
    let result = |reason: Option<String>| EventResult {
        id: "x".into(),
        status: EventStatus::Rejected,
        reason,
    };
    check("EventResult", &result(Some("unknown lock".into())), &result(None));
    let results = UploadResponse {
        results: vec![result(None)],
    };
    check("UploadResponse", &results, &results);
    let ack = RevocationAckReport {
        lock_id: LOCK,
        seq: 1,
        acknowledged_at: 2,
    };
    check("RevocationAck", &ack, &ack);
    check(
        "AckRequest",
        &AckRequest { acks: vec![ack] },
        &AckRequest { acks: vec![] },
    );
    examples_decode::<AckRequest>("AckRequest");
    check("DriftInfo", &drift(true), &drift(false));
    let locks = DriftResponse {
        locks: vec![drift(true)],
    };
    check("DriftResponse", &locks, &locks);
    let error = |retry_after| ErrorBody {
        code: "rate_limited".into(),
        message: "slow down".into(),
        retry_after,
    };
    check("ErrorBody", &error(Some(3)), &error(None));
    examples_decode::<ErrorBody>("ErrorBody");
}

#[test]
fn every_example_in_the_document_matches_its_schema() {
    let doc = doc();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        for example in schema["examples"].as_array().into_iter().flatten() {
            let valid = validator(&json!({"$ref": format!("#/components/schemas/{name}")}));
            assert!(valid.is_valid(example), "{name} example {example}");
        }
    }
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("a path item").values() {
            for param in op["parameters"].as_array().into_iter().flatten() {
                if let Some(example) = param.get("example") {
                    assert!(validator(&param["schema"]).is_valid(example), "{param}");
                }
            }
        }
    }
}
