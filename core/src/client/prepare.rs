//! Before the radio: the lock's metadata, the best usable key, the fast
//! key, and the follow-on work worth carrying to the lock.

use crate::error::{DiagnosisCode, LatchkeyError};
use crate::store::{offline_check, LockMeta, OfflineRefusal, Store, StoredKey};
use latchkey_protocol::{Command, FastKey, LockId, PinList, ResultCode, RevocationList, TimeToken};

/// Everything read from the store before the radio is touched.
pub(super) struct Prepared {
    pub(super) meta: LockMeta,
    pub(super) key: StoredKey,
    pub(super) fast: Option<(FastKey, u32, u32)>,
    pub(super) revocations: Option<RevocationList>,
    pub(super) pins: Option<PinList>,
    /// The newest PIN list held, for a lock that asks for its lists again.
    pub(super) pins_held: Option<PinList>,
    pub(super) time_token: Option<TimeToken>,
    pub(super) event_cursor: Option<(u32, u32)>,
    pub(super) known_epoch: Option<u32>,
    /// The platform reported the phone online when the command started.
    pub(super) online: bool,
}

pub(super) fn prepare(
    store: &Store,
    lock_id: LockId,
    holder: latchkey_protocol::PublicKey,
    command: Command,
    now: u32,
    online: bool,
) -> Result<Prepared, LatchkeyError> {
    let meta = store.locks().get_meta(&lock_id)?.ok_or_else(|| {
        LatchkeyError::refused_locally(
            DiagnosisCode::UnknownLock,
            "this phone has no record of that lock; sync first",
        )
    })?;
    let key = choose_key(store, &meta, holder, command, now, online)?;
    let key_id = key.key.key_id();
    let state = store.locks().state(&lock_id)?;
    // The counter is bumped durably before the request exists, so a crash
    // can never make the phone reuse one.
    let fast = match store.fast_keys().get(&lock_id, &key_id)? {
        Some(entry) => store
            .fast_keys()
            .next_counter(&lock_id, &key_id)?
            .map(|counter| (entry.key, counter, state.epoch.unwrap_or(0))),
        None => None,
    };
    let acked = state.revocation_ack.map(|a| a.seq).unwrap_or(0);
    let revocations = store
        .revocations()
        .for_lock(&lock_id, &meta.groups)?
        .into_iter()
        .max_by_key(|l| (l.lock_id == lock_id, l.seq))
        .filter(|l| l.seq > acked);
    let pins = super::pins::pins_to_carry(store, &lock_id, &state)?;
    let pins_held = store.pins().newest(&lock_id)?.map(|s| s.list);
    let time_token = store.time_tokens().get(&lock_id)?;
    let event_cursor = state.epoch.map(|epoch| (state.event_cursor(epoch), epoch));
    Ok(Prepared {
        meta,
        key,
        fast,
        revocations,
        pins,
        pins_held,
        time_token,
        event_cursor,
        known_epoch: state.epoch,
        online,
    })
}

/// The best usable key: for this holder, of a role that may ask for
/// `command` (the lock's rule, `Role::may`), valid now by the phone's
/// clock, offline-allowed when offline; the longest-lived wins. When none
/// is usable, the error explains the most promising one.
fn choose_key(
    store: &Store,
    meta: &LockMeta,
    holder: latchkey_protocol::PublicKey,
    command: Command,
    now: u32,
    online: bool,
) -> Result<StoredKey, LatchkeyError> {
    let (mut candidates, not_for_command): (Vec<StoredKey>, Vec<StoredKey>) = store
        .keys()
        .for_lock(&meta.lock_id, &meta.groups)?
        .into_iter()
        .filter(|k| k.key.grant.holder == holder)
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
    for k in &candidates {
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
