//! A host's PIN calls: create, change and delete a lock's keypad PINs in
//! the cloud (which signs the lock's next PIN list), and read which
//! changes each lock still lacks. Free functions over one [`Api`]; the
//! engine's handle checks connectivity and maps the error.

use crate::sync::error::Failure;
use crate::sync::http::Api;
use crate::sync::wire::{CloudPinChange, CloudPinDrift, PinDriftBody, ScheduleBody};
use latchkey_protocol::{LockId, PinClass, Schedule};
use serde::Serialize;

/// A PIN a host creates or changes. Everything but `slot` may be left
/// `None`: a change keeps what it does not name; a new slot needs
/// `digits` and starts as a reusable user PIN with no window.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PinChange {
    /// The slot (a lock holds at most 19).
    pub slot: u8,
    /// The code (4–8 digits); `None` keeps the current one.
    pub digits: Option<String>,
    /// What the PIN is for ("Cleaner").
    pub label: Option<String>,
    /// Who holds it; `Some("")` clears it.
    pub holder: Option<String>,
    /// Master, user or guest.
    pub class: Option<PinClass>,
    /// First second of validity.
    pub not_before: Option<u32>,
    /// First second after validity (`u32::MAX`: none).
    pub not_after: Option<u32>,
    /// `Some(Some(s))` sets the days and hours, `Some(None)` removes them.
    pub schedule: Option<Option<Schedule>>,
    /// Burned on first use.
    pub one_time: Option<bool>,
}

/// `POST /v1/locks/{id}/pins`: only what the change names is sent.
#[derive(Serialize)]
struct PinChangeBody<'a> {
    slot: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    digits: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    holder: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_after: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<Option<ScheduleBody>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    one_time: Option<bool>,
}

/// `POST /v1/locks/{id}/pins`.
pub(crate) async fn change_pin(api: &Api<'_>, lock_id: &LockId, change: &PinChange) -> Result<CloudPinChange, Failure> {
    let body = PinChangeBody {
        slot: change.slot,
        digits: change.digits.as_deref(),
        label: change.label.as_deref(),
        holder: change.holder.as_deref(),
        class: change.class.map(PinClass::name),
        not_before: change.not_before,
        not_after: change.not_after,
        schedule: change.schedule.map(|s| s.map(ScheduleBody::from)),
        one_time: change.one_time,
    };
    api.post(&format!("/v1/locks/{lock_id}/pins"), &body).await
}

/// `DELETE /v1/locks/{id}/pins/{slot}`.
pub(crate) async fn delete_pin(api: &Api<'_>, lock_id: &LockId, slot: u8) -> Result<CloudPinChange, Failure> {
    api.delete(&format!("/v1/locks/{lock_id}/pins/{slot}")).await
}

/// `GET /v1/pin-drift`.
pub(crate) async fn pin_drift(api: &Api<'_>) -> Result<Vec<CloudPinDrift>, Failure> {
    let body: PinDriftBody = api.get("/v1/pin-drift").await?;
    Ok(body.locks)
}
