//! Checks and merges for a PIN change: names, the slot's rule after the
//! request, and what a change altered.

use super::super::error::ApiError;
use super::super::wire::PinChangeRequest;
use latchkey_protocol::{PinClass, PinRule, PinSlot, Schedule};

/// Longest label or holder name, in characters.
const MAX_NAME_CHARS: usize = 64;

/// A label or holder name: 1 to 64 characters, no control characters.
pub(super) fn checked_name(field: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(v) = value else { return Ok(None) };
    let v = v.trim();
    if v.is_empty() || v.chars().count() > MAX_NAME_CHARS || v.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "a PIN {field} is 1 to {MAX_NAME_CHARS} printable characters"
        )));
    }
    Ok(Some(v.to_string()))
}

/// The slot's rule after the request: what it names replaces, the rest
/// stays (a new slot starts from a reusable user PIN with no window).
pub(super) fn merged_rule(old: Option<PinRule>, r: &PinChangeRequest) -> Result<PinRule, ApiError> {
    let mut rule = old.unwrap_or_else(|| PinRule::always(PinClass::User));
    if let Some(class) = r.class.as_deref() {
        rule.class = match class {
            "master" => PinClass::Master,
            "user" => PinClass::User,
            "guest" => PinClass::Guest,
            other => return Err(ApiError::bad_request(format!("unknown PIN class {other:?}"))),
        };
    }
    if let Some(t) = r.not_before {
        rule.not_before = t;
    }
    if let Some(t) = r.not_after {
        rule.not_after = t;
    }
    if let Some(schedule) = r.schedule {
        rule.schedule = match schedule {
            Some(s) => Some(
                Schedule::new(s.weekdays, s.start_minute, s.end_minute)
                    .map_err(|e| ApiError::bad_request(e.to_string()))?,
            ),
            None => None,
        };
    }
    if let Some(once) = r.one_time {
        rule.one_time = once;
    }
    if rule.not_after <= rule.not_before {
        return Err(ApiError::bad_request("not_after must be after not_before"));
    }
    if rule.class == PinClass::Master && (rule.not_before != 0 || rule.not_after != u32::MAX) {
        return Err(ApiError::bad_request("a master PIN has no validity window"));
    }
    if rule.class == PinClass::Master && (rule.schedule.is_some() || rule.one_time) {
        return Err(ApiError::bad_request(
            "a master PIN has no schedule and is not one-time",
        ));
    }
    Ok(rule)
}

/// A slot keeping its code (salt and hash) under a new rule.
pub(super) fn with_rule(old: PinSlot, rule: PinRule) -> PinSlot {
    PinSlot {
        class: rule.class,
        one_time: rule.one_time,
        not_before: rule.not_before,
        not_after: rule.not_after,
        schedule: rule.schedule,
        ..old
    }
}

/// Which parts of a slot differ.
pub(super) fn differences(old: &PinSlot, new: &PinSlot) -> Vec<String> {
    let mut out = Vec::new();
    let mut note = |differs: bool, what: &str| {
        if differs {
            out.push(what.to_string());
        }
    };
    note(old.hash != new.hash || old.salt != new.salt, "code");
    note(old.class != new.class, "class");
    note(
        (old.not_before, old.not_after) != (new.not_before, new.not_after),
        "window",
    );
    note(old.schedule != new.schedule, "schedule");
    note(old.one_time != new.one_time, "one_time");
    out
}
