//! The phone's offline policy: which cached keys may be used with no
//! network. Checked before any radio use, so the app can say why at once;
//! the lock still checks validity and schedule by its own clock.

use latchkey_protocol::{DigitalKey, ResultCode};

/// Why a key is refused for offline use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OfflineRefusal {
    /// The issuer did not allow this key offline: go online to use it.
    #[error("this key may only be used while the phone is online")]
    NotOfflineAllowed,
    /// The key has expired by the phone's clock.
    #[error("this key expired at {not_after} (phone clock {now}): ask the host for a new key")]
    Expired {
        /// First second after validity.
        not_after: u32,
        /// The phone's clock.
        now: u32,
    },
    /// The key is not valid yet by the phone's clock.
    #[error("this key becomes valid at {not_before} (phone clock {now})")]
    NotYetValid {
        /// First second of validity.
        not_before: u32,
        /// The phone's clock.
        now: u32,
    },
    /// The key's weekly schedule does not allow this day and time.
    #[error("this key's schedule does not allow access at this day and time")]
    OutsideSchedule,
}

/// Checks whether `key` may be used while the phone is offline, at
/// `phone_now` (unix seconds) for a lock whose local time is UTC +
/// `utc_offset_min` minutes: it must be offline-allowed, inside its validity
/// window and inside its schedule by the phone's clock.
pub fn offline_check(key: &DigitalKey, phone_now: u32, utc_offset_min: i16) -> Result<(), OfflineRefusal> {
    if !key.grant.offline_allowed {
        return Err(OfflineRefusal::NotOfflineAllowed);
    }
    match key.check_time(phone_now, utc_offset_min) {
        Ok(()) => Ok(()),
        Err(ResultCode::KeyNotYetValid) => Err(OfflineRefusal::NotYetValid {
            not_before: key.grant.not_before,
            now: phone_now,
        }),
        Err(ResultCode::OutsideSchedule) => Err(OfflineRefusal::OutsideSchedule),
        // `check_time` reports nothing else; treat anything new as expired
        // rather than let the key through.
        Err(_) => Err(OfflineRefusal::Expired {
            not_after: key.grant.not_after,
            now: phone_now,
        }),
    }
}
