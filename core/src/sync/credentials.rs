//! The credentials step: lock metadata, keys (added, renewed at about half
//! their lifetime, deleted when revoked), revocation lists and
//! ahead-of-time trusted-time tokens for the locks this phone holds keys
//! for. Keypad PIN lists are the next step (`pins/`), for the locks this
//! step says the cloud listed.
//!
//! Everything is verified by the [`Client`] APIs before it is stored; what
//! can't be used is listed in [`SyncReport::problems`], never fatal to the
//! pass.

use super::common::{decode, on_disk, per_lock};
use super::error::Failure;
use super::http::Api;
use super::status::SyncReport;
use super::wire::{CloudKeyStatus, KeyInfo, KeysResponse, LocksResponse, RevocationInfo, TimeTokenInfo};
use crate::clock::PhoneClock;
use crate::store::{LockMeta, StoredKey};
use crate::Client;
use latchkey_protocol::{DigitalKey, LockId, RevocationList, TimeToken};

/// Locks, then keys (and renewals), then lists and time per lock. Returns
/// the locks the cloud lists for this phone. `clock` says when a renewal
/// is due.
pub(super) async fn refresh(
    api: &Api<'_>,
    phone: &Client,
    clock: &dyn PhoneClock,
    report: &mut SyncReport,
) -> Result<Vec<LockId>, Failure> {
    let locks: LocksResponse = api.get("/v1/locks").await?;
    let listed: Vec<LockId> = locks.locks.iter().map(|m| m.lock_id).collect();
    let store = phone.store().clone();
    let known = on_disk(move || store.locks().list_meta()).await?;
    for meta in locks.locks {
        if !known.contains(&meta) {
            phone.keys().add_lock(meta).await?;
            report.locks_updated += 1;
        }
    }

    let keys: KeysResponse = api.get("/v1/keys").await?;
    for info in &keys.keys {
        sync_key(api, phone, clock, info, report).await?;
    }

    let store = phone.store().clone();
    let (metas, held) = on_disk(move || Ok::<_, Failure>((store.locks().list_meta()?, store.keys().list()?))).await?;
    for meta in metas
        .iter()
        .filter(|m| held.iter().any(|k| k.key.applies_to(&m.lock_id, &m.groups)))
    {
        fetch_lists_and_time(api, phone, meta, report).await?;
    }
    Ok(listed)
}

async fn sync_key(
    api: &Api<'_>,
    phone: &Client,
    clock: &dyn PhoneClock,
    info: &KeyInfo,
    report: &mut SyncReport,
) -> Result<(), Failure> {
    let store = phone.store().clone();
    let key_id = info.key_id;
    match info.status {
        CloudKeyStatus::Revoked => {
            if on_disk(move || store.keys().remove(&key_id)).await? {
                report.keys_removed += 1;
            }
            return Ok(());
        }
        CloudKeyStatus::Expired | CloudKeyStatus::Unknown => return Ok(()),
        CloudKeyStatus::Active => {}
    }
    let Some(cert) = decode::<DigitalKey>(&info.certificate, DigitalKey::decode, &mut report.problems) else {
        return Ok(());
    };
    let held = on_disk(move || store.keys().get(&key_id)).await?;
    if held.as_ref().is_none_or(|h| h.key.grant.serial < cert.grant.serial) {
        match phone.keys().add_key(cert, info.label.clone()).await {
            Ok(()) => report.keys_added += 1,
            Err(e) => {
                report.problems.push(format!("key {key_id}: {e}"));
                return Ok(());
            }
        }
    }
    let store = phone.store().clone();
    let Some(held) = on_disk(move || store.keys().get(&key_id)).await? else {
        return Ok(());
    };
    if renewal_due(&held, clock.now_unix()) && info.valid_until > held.key.grant.not_after {
        renew(api, phone, &held, report).await?;
    }
    Ok(())
}

/// Half of the lifetime the phone saw: from when it received the
/// certificate (or its start, if later) to its end.
fn renewal_due(key: &StoredKey, now: u32) -> bool {
    let start = key.received_at.max(key.key.grant.not_before);
    let end = key.key.grant.not_after;
    end > start && now >= start + (end - start) / 2
}

async fn renew(api: &Api<'_>, phone: &Client, held: &StoredKey, report: &mut SyncReport) -> Result<(), Failure> {
    let key_id = held.key.key_id();
    let info: KeyInfo = match api
        .post(&format!("/v1/keys/{key_id}/renew"), &serde_json::json!({}))
        .await
    {
        Ok(info) => info,
        Err(Failure::Rejected { code, .. }) if code == "key_revoked" => {
            let store = phone.store().clone();
            if on_disk(move || store.keys().remove(&key_id)).await? {
                report.keys_removed += 1;
            }
            return Ok(());
        }
        Err(Failure::Rejected { status, code, message }) => {
            report
                .problems
                .push(format!("renewing key {key_id}: HTTP {status} {code}: {message}"));
            return Ok(());
        }
        Err(other) => return Err(other),
    };
    // The cloud issued the renewed key; the phone has not stored it yet.
    crash_point!("sync.renewal.issued_not_stored");
    let Some(cert) = decode::<DigitalKey>(&info.certificate, DigitalKey::decode, &mut report.problems) else {
        return Ok(());
    };
    match phone.keys().add_key(cert, held.label.clone()).await {
        Ok(()) => report.keys_renewed += 1,
        Err(e) => report.problems.push(format!("renewed key {key_id}: {e}")),
    }
    Ok(())
}

async fn fetch_lists_and_time(
    api: &Api<'_>,
    phone: &Client,
    meta: &LockMeta,
    report: &mut SyncReport,
) -> Result<(), Failure> {
    let lock = meta.lock_id;
    let path = format!("/v1/locks/{lock}/revocations");
    let lists: Option<RevocationInfo> = per_lock(api.get(&path).await, &mut report.problems)?;
    if let Some(RevocationInfo { seq, list: Some(hex) }) = lists {
        let store = phone.store().clone();
        let held = on_disk(move || Ok::<_, Failure>(store.revocations().get(&lock)?.map_or(0, |l| l.seq))).await?;
        if seq > held {
            if let Some(list) = decode::<RevocationList>(&hex, RevocationList::decode, &mut report.problems) {
                match phone.keys().add_revocation_list(list).await {
                    Ok(true) => report.revocation_lists += 1,
                    Ok(false) => {}
                    Err(e) => report.problems.push(format!("revocation list for {}: {e}", meta.name)),
                }
            }
        }
    }
    let time: Option<TimeTokenInfo> = per_lock(api.get(&format!("/v1/locks/{lock}/time")).await, &mut report.problems)?;
    if let Some(info) = time {
        if let Some(token) = decode::<TimeToken>(&info.token, TimeToken::decode, &mut report.problems) {
            if phone.keys().add_time_token(token).await? {
                report.time_tokens += 1;
            }
        }
    }
    Ok(())
}
