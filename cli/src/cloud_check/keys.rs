//! The credential checks, through the phone core's sync engine: a host
//! issues the phone a key, a pass brings lock records, keys, revocation
//! lists, time tokens and PIN lists, a key is renewed at half its life, a
//! revoked key leaves the phone with the list that names it, and a time
//! token is bound to the challenge read at the door.

use super::report::{Verdict, Why};
use super::setup::Kit;
use super::support::{completed, engine_for, ensure, AheadClock};
use latchkey_core::clock::{PhoneClock, SystemClock};
use latchkey_core::sync::{CloudKey, CloudKeyStatus, IssueKey, StaticToken};
use latchkey_protocol::{Challenge, LockId, Role};
use std::sync::Arc;

/// A 30-day resident key for the phone, through the host's engine.
async fn issue(kit: &Kit, lock_id: LockId, cert_lifetime_s: Option<u32>) -> Result<CloudKey, Why> {
    let now = SystemClock.now_unix();
    let request = IssueKey {
        lock_id,
        phone: kit.phone_name()?.to_string(),
        role: Role::Resident,
        not_before: now - 60,
        not_after: now + 30 * 86_400,
        schedule: None,
        offline_allowed: true,
        label: "cloud-check".into(),
        cert_lifetime_s,
    };
    let key = kit.host()?.issue_key(&request).await;
    Ok(key.map_err(|e| format!("POST /v1/keys: {e}"))?)
}

/// `keys.issue`: the host issues the phone a key whose certificates last
/// an hour.
pub async fn issue_key(kit: &Kit) -> Verdict {
    let key = issue(kit, kit.lock()?, Some(3600)).await?;
    let now = SystemClock.now_unix();
    ensure(key.status == CloudKeyStatus::Active, || {
        format!("a new key is {:?}", key.status)
    })?;
    ensure(key.not_after <= now + 3600 + 300, || {
        format!("the certificate ends at {}, past the hour asked for", key.not_after)
    })?;
    Ok(format!("key {} issued, serial {}", key.key_id, key.serial))
}

/// `credentials`: one pass stores the lock records, keys, lists and time
/// tokens the cloud gives this phone, each verified by the phone core.
pub async fn credentials(kit: &Kit) -> Verdict {
    let report = completed(kit.engine()?.sync_once().await)?;
    let store = kit.phone.store();
    let keys = store.keys().list().map_err(|e| e.to_string())?;
    ensure(!keys.is_empty(), || {
        format!("the phone holds no key after the pass ({:?})", report.problems)
    })?;
    ensure(report.problems.is_empty(), || {
        format!("credentials the phone could not use: {:?}", report.problems)
    })?;
    if let Some(lock_id) = kit.lock_id {
        let token = store.time_tokens().get(&lock_id).map_err(|e| e.to_string())?;
        ensure(token.is_some(), || format!("no time token stored for lock {lock_id}"))?;
    }
    Ok(format!(
        "{} lock record(s), {} key(s), {} revocation list(s), {} time token(s), {} PIN list(s) in {} requests",
        report.locks_updated,
        report.keys_added,
        report.revocation_lists,
        report.time_tokens,
        report.pin_lists,
        report.requests
    ))
}

/// `time.at_door`: a token bound to the challenge the lock advertised.
pub async fn time_at_door(kit: &Kit) -> Verdict {
    let lock_id = kit.lock()?;
    let challenge = Challenge::random().map_err(|e| e.to_string())?;
    let token = kit.engine()?.time_token_at_door(&lock_id, &challenge).await;
    let token = token.map_err(|e| format!("GET /v1/locks/{lock_id}/time?nonce=…: {e}"))?;
    ensure(token.lock_id == lock_id && token.nonce == challenge, || {
        "the token is not bound to that lock and challenge".into()
    })?;
    Ok(format!("signed at {}, bound to the challenge", token.unix_time))
}

/// `keys.renewal`: with the phone's clock past half a certificate's life,
/// a pass renews it (`POST /v1/keys/{id}/renew`): a higher serial.
pub async fn renewal(kit: &Kit) -> Verdict {
    let now = i64::from(SystemClock.now_unix());
    let keys = kit.phone.store().keys().list().map_err(|e| e.to_string())?;
    // A key whose grant outlasts its certificate is renewable.
    let mut infos = Vec::new();
    for k in &keys {
        let start = i64::from(k.received_at.max(k.key.grant.not_before));
        let end = i64::from(k.key.grant.not_after);
        if end > now && end > start {
            infos.push((k.key.key_id(), k.key.grant.serial, start + (end - start) / 2 + 30 - now));
        }
    }
    let Some(&(key_id, serial, ahead)) = infos.iter().min_by_key(|(_, _, ahead)| *ahead) else {
        return Err(Why::Needs("a key with a current certificate".into()));
    };
    let clock: Arc<dyn PhoneClock> = Arc::new(AheadClock::by(ahead.max(0)));
    let auth = Arc::new(StaticToken::new(kit.token.clone()));
    let engine = engine_for(&kit.phone, &kit.url, &kit.roots, auth, Some(clock), |_| {})?;
    let report = completed(engine.sync_once().await)?;
    let held = kit.phone.store().keys().get(&key_id).map_err(|e| e.to_string())?;
    let renewed = held.map_or(0, |k| k.key.grant.serial);
    ensure(report.keys_renewed >= 1 && renewed > serial, || {
        format!(
            "no renewal {ahead} s ahead (serial {serial} → {renewed}; problems {:?})",
            report.problems
        )
    })?;
    Ok(format!(
        "key {key_id}: serial {serial} → {renewed} with the clock {ahead} s ahead"
    ))
}

/// `revocation`: the host revokes a second key of the phone; the next
/// pass deletes it and stores the lock's new list, which names it.
pub async fn revocation(kit: &Kit) -> Verdict {
    let lock_id = kit.lock()?;
    let second = issue(kit, lock_id, None).await?;
    let engine = kit.engine()?;
    engine.refresh_credentials_soon();
    completed(engine.sync_once().await)?;
    let seq = kit.host()?.revoke_key(&second.key_id).await;
    let seq = seq.map_err(|e| format!("POST /v1/keys/{}/revoke: {e}", second.key_id))?;
    engine.refresh_credentials_soon();
    let report = completed(engine.sync_once().await)?;
    let store = kit.phone.store();
    let list = store.revocations().get(&lock_id).map_err(|e| e.to_string())?;
    let gone = store.keys().get(&second.key_id).map_err(|e| e.to_string())?.is_none();
    ensure(gone && report.keys_removed >= 1, || {
        format!("the revoked key {} is still on the phone", second.key_id)
    })?;
    ensure(
        list.as_ref().is_some_and(|l| l.seq == seq && l.revokes(&second.key_id)),
        || format!("the phone holds no list {seq} naming key {}", second.key_id),
    )?;
    Ok(format!(
        "key {} revoked: list {seq} stored, the key deleted",
        second.key_id
    ))
}
