//! Reading an [`OutboxEvent`] back from its JSON (`{"kind": …, …}`): every
//! field of every kind in one flat record, then the kind's fields
//! required. The same JSON a derived internally tagged enum reads, with a
//! fraction of its code (the library's size is budgeted).

use super::event::OutboxEvent;
use crate::store::{hex_opt, hex_vec};
use latchkey_protocol::{KeyId, LockId, PublicKey};
use serde::de::Error;
use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
struct Raw {
    kind: String,
    #[serde(with = "hex_opt", default)]
    lock_id: Option<LockId>,
    epoch: Option<u32>,
    seq: Option<u32>,
    #[serde(with = "hex_opt", default)]
    event: Option<Vec<u8>>,
    #[serde(with = "hex_opt", default)]
    batch_signature: Option<Vec<u8>>,
    #[serde(with = "hex_opt", default)]
    key_id: Option<KeyId>,
    command: Option<String>,
    outcome: Option<String>,
    fast_path: Option<bool>,
    started_at: Option<u32>,
    duration_ms: Option<u32>,
    diagnosis_code: Option<String>,
    detail: Option<String>,
    at: Option<u32>,
    previous_epoch: Option<u32>,
    new_epoch: Option<u32>,
    unix_time: Option<u32>,
    first_seq: Option<u32>,
    last_seq: Option<u32>,
    name: Option<String>,
    #[serde(with = "hex_opt", default)]
    identity_key: Option<PublicKey>,
    utc_offset_min: Option<i16>,
    #[serde(with = "hex_vec", default)]
    groups: Vec<LockId>,
    #[serde(with = "hex_opt", default)]
    receipt: Option<Vec<u8>>,
}

/// A field the event's kind needs.
fn need<T, E: Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(field))
}

impl<'de> Deserialize<'de> for OutboxEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = Raw::deserialize(d)?;
        let lock_id = || need(r.lock_id, "lock_id");
        let at = || need(r.at, "at");
        Ok(match r.kind.as_str() {
            "lock_event" => OutboxEvent::LockEvent {
                lock_id: lock_id()?,
                epoch: need(r.epoch, "epoch")?,
                seq: need(r.seq, "seq")?,
                event: need(r.event, "event")?,
                batch_signature: r.batch_signature,
            },
            "unlock_attempt" => OutboxEvent::UnlockAttempt {
                lock_id: lock_id()?,
                key_id: r.key_id,
                command: need(r.command, "command")?,
                outcome: need(r.outcome, "outcome")?,
                fast_path: need(r.fast_path, "fast_path")?,
                started_at: need(r.started_at, "started_at")?,
                duration_ms: need(r.duration_ms, "duration_ms")?,
            },
            "failure" => OutboxEvent::Failure {
                lock_id: r.lock_id,
                diagnosis_code: need(r.diagnosis_code, "diagnosis_code")?,
                detail: need(r.detail, "detail")?,
                at: at()?,
            },
            "lock_reset_detected" => OutboxEvent::LockResetDetected {
                lock_id: lock_id()?,
                previous_epoch: need(r.previous_epoch, "previous_epoch")?,
                new_epoch: need(r.new_epoch, "new_epoch")?,
                at: at()?,
            },
            "revocation_delivered" => OutboxEvent::RevocationDelivered {
                lock_id: lock_id()?,
                seq: need(r.seq, "seq")?,
                at: at()?,
            },
            "time_delivered" => OutboxEvent::TimeDelivered {
                lock_id: lock_id()?,
                unix_time: need(r.unix_time, "unix_time")?,
                at: at()?,
            },
            "gap_detected" => OutboxEvent::GapDetected {
                lock_id: lock_id()?,
                epoch: need(r.epoch, "epoch")?,
                first_seq: need(r.first_seq, "first_seq")?,
                last_seq: need(r.last_seq, "last_seq")?,
                at: at()?,
            },
            "lock_claimed" => OutboxEvent::LockClaimed {
                lock_id: lock_id()?,
                name: need(r.name, "name")?,
                identity_key: need(r.identity_key, "identity_key")?,
                utc_offset_min: need(r.utc_offset_min, "utc_offset_min")?,
                groups: r.groups,
                receipt: need(r.receipt, "receipt")?,
                at: at()?,
            },
            "pin_list_delivered" => OutboxEvent::PinListDelivered {
                lock_id: lock_id()?,
                seq: need(r.seq, "seq")?,
                at: at()?,
            },
            other => return Err(D::Error::custom(format!("unknown event kind `{other}`"))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_what_it_wrote_and_a_missing_field_is_named() {
        let lock_id = LockId([1; 16]);
        let events = [
            OutboxEvent::LockEvent {
                lock_id,
                epoch: 2,
                seq: 3,
                event: vec![4; 20],
                batch_signature: Some(vec![5; 64]),
            },
            OutboxEvent::UnlockAttempt {
                lock_id,
                key_id: Some(KeyId([6; 8])),
                command: "unlock".into(),
                outcome: "ok".into(),
                fast_path: true,
                started_at: 7,
                duration_ms: 8,
            },
            OutboxEvent::Failure {
                lock_id: None,
                diagnosis_code: "storage".into(),
                detail: "disk".into(),
                at: 9,
            },
            OutboxEvent::LockResetDetected {
                lock_id,
                previous_epoch: 1,
                new_epoch: 2,
                at: 10,
            },
            OutboxEvent::RevocationDelivered {
                lock_id,
                seq: 4,
                at: 11,
            },
            OutboxEvent::TimeDelivered {
                lock_id,
                unix_time: 12,
                at: 13,
            },
            OutboxEvent::GapDetected {
                lock_id,
                epoch: 1,
                first_seq: 2,
                last_seq: 3,
                at: 14,
            },
            OutboxEvent::LockClaimed {
                lock_id,
                name: "Gate".into(),
                identity_key: PublicKey([7; 64]),
                utc_offset_min: -60,
                groups: vec![LockId([8; 16])],
                receipt: vec![9; 105],
                at: 15,
            },
            OutboxEvent::PinListDelivered {
                lock_id,
                seq: 5,
                at: 16,
            },
        ];
        for event in events {
            let json = serde_json::to_string(&event).expect("encodes");
            assert_eq!(
                serde_json::from_str::<OutboxEvent>(&json).expect("decodes"),
                event,
                "{json}"
            );
        }
        let err = serde_json::from_str::<OutboxEvent>(
            r#"{"kind": "time_delivered", "lock_id": "01010101010101010101010101010101", "at": 1}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unix_time"), "{err}");
        assert!(serde_json::from_str::<OutboxEvent>(r#"{"kind": "teleported"}"#).is_err());
    }
}
