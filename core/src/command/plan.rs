//! Before the radio: from a [`LockSnapshot`], the key to use (the offline
//! policy), and the follow-on work worth carrying to the lock. Every
//! refusal here happens before any radio use. Reserving the FAST counter
//! is the caller's: it must be on disk before the request exists, and
//! where that is depends on who runs the command.

use super::snapshot::LockSnapshot;
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::store::{offline_check, LockMeta, OfflineRefusal, StoredKey};
use latchkey_protocol::{Command, FastKey, PinList, PublicKey, ResultCode, RevocationList, TimeToken};
use std::collections::BTreeMap;

/// Everything a command takes to the lock, decided before the radio.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) meta: LockMeta,
    pub(crate) key: StoredKey,
    /// The fast key, the counter reserved for this command, and the epoch
    /// the phone last saw the lock in (set once the counter is reserved).
    pub(crate) fast: Option<(FastKey, u32, u32)>,
    pub(crate) revocations: Option<RevocationList>,
    pub(crate) pins: Option<PinList>,
    /// The newest PIN list held, for a lock that asks for its lists again.
    pub(crate) pins_held: Option<PinList>,
    pub(crate) time_token: Option<TimeToken>,
    pub(crate) event_cursor: Option<(u32, u32)>,
    pub(crate) known_epoch: Option<u32>,
    /// The event cursor of each epoch before the command (a factory reset
    /// names the old epoch's events no phone collected).
    pub(crate) event_cursors: BTreeMap<u32, u32>,
    /// The platform reported the phone online when the command started.
    pub(crate) online: bool,
}

impl Prepared {
    /// Uses `fast_key` with the reserved `counter`.
    pub(crate) fn with_fast(mut self, fast_key: FastKey, counter: u32) -> Self {
        self.fast = Some((fast_key, counter, self.known_epoch.unwrap_or(0)));
        self
    }
}

/// The refusal for a lock the phone has no record of.
pub(crate) fn unknown_lock(reason: &str) -> LatchkeyError {
    LatchkeyError::refused_locally(DiagnosisCode::UnknownLock, reason)
}

/// Plans `command` on the lock in `snapshot` for `holder` at `now`.
pub(crate) fn plan(
    snapshot: &LockSnapshot,
    holder: PublicKey,
    command: Command,
    now: u32,
    online: bool,
) -> Result<Prepared, LatchkeyError> {
    let meta = &snapshot.meta;
    let state = &snapshot.state;
    let key = choose_key(snapshot, holder, command, now, online)?;
    let acked = state.revocation_ack.map(|a| a.seq).unwrap_or(0);
    let revocations = snapshot
        .revocations
        .iter()
        .max_by_key(|l| (l.lock_id == meta.lock_id, l.seq))
        .filter(|l| l.seq > acked)
        .cloned();
    let pin_acked = state.current_pin_ack().map_or(0, |a| a.seq);
    Ok(Prepared {
        meta: meta.clone(),
        key,
        fast: None,
        revocations,
        pins: snapshot.pin_list.clone().filter(|l| l.seq > pin_acked),
        pins_held: snapshot.pin_list.clone(),
        time_token: snapshot.time_token.clone(),
        event_cursor: state.epoch.map(|epoch| (state.event_cursor(epoch), epoch)),
        known_epoch: state.epoch,
        event_cursors: state.event_cursors.clone(),
        online,
    })
}

/// The best usable key: for this holder, of a role that may ask for
/// `command` (the lock's rule, `Role::may`), valid now by the phone's
/// clock, offline-allowed when offline; the longest-lived wins. When none
/// is usable, the error explains the most promising one.
fn choose_key(
    snapshot: &LockSnapshot,
    holder: PublicKey,
    command: Command,
    now: u32,
    online: bool,
) -> Result<StoredKey, LatchkeyError> {
    let meta = &snapshot.meta;
    let (mut candidates, not_for_command): (Vec<&StoredKey>, Vec<&StoredKey>) = snapshot
        .keys
        .iter()
        .filter(|k| k.key.grant.holder == holder && k.key.applies_to(&meta.lock_id, &meta.groups))
        .partition(|k| k.key.grant.role.may(command));
    if let (true, Some(k)) = (candidates.is_empty(), not_for_command.first()) {
        return Err(LatchkeyError::refused_locally(
            DiagnosisCode::RoleNotAllowed,
            format!(
                "a {} key may not {} {}: the lock would refuse it (unlock instead)",
                k.key.grant.role.name(),
                command.name(),
                meta.name
            ),
        ));
    }
    latchkey_protocol::order::sort_by_key(&mut candidates, |k| std::cmp::Reverse(k.key.grant.not_after));
    let check = |k: &StoredKey| {
        if online {
            k.key.check_time(now, meta.utc_offset_min).map_err(|code| match code {
                ResultCode::KeyNotYetValid => OfflineRefusal::NotYetValid {
                    not_before: k.key.grant.not_before,
                    now,
                },
                ResultCode::OutsideSchedule => OfflineRefusal::OutsideSchedule,
                _ => OfflineRefusal::Expired {
                    not_after: k.key.grant.not_after,
                    now,
                },
            })
        } else {
            offline_check(&k.key, now, meta.utc_offset_min)
        }
    };
    let mut first_refusal = None;
    for k in candidates {
        match check(k) {
            Ok(()) => return Ok(k.clone()),
            Err(r) => {
                first_refusal.get_or_insert(r);
            }
        }
    }
    Err(match first_refusal {
        None => LatchkeyError::refused_locally(
            DiagnosisCode::NoKey,
            format!("this phone holds no key for {}", meta.name),
        ),
        Some(r) => {
            let code = match r {
                OfflineRefusal::NotOfflineAllowed => DiagnosisCode::KeyNotOfflineAllowed,
                OfflineRefusal::Expired { .. } => DiagnosisCode::KeyExpired,
                OfflineRefusal::NotYetValid { .. } => DiagnosisCode::KeyNotYetValid,
                OfflineRefusal::OutsideSchedule => DiagnosisCode::OutsideSchedule,
            };
            LatchkeyError::refused_locally(code, r.to_string())
        }
    })
}
