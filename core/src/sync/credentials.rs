//! Credentials from the cloud: lock metadata, keys (added, renewed at
//! about half their lifetime, deleted when revoked), revocation lists and
//! ahead-of-time trusted-time tokens for the locks this phone holds keys
//! for, keypad PIN lists (see `pins.rs`); and the revocation seqs locks
//! acknowledged, reported back.
//!
//! Everything is verified by the [`crate::Phone`] APIs before it is stored;
//! what can't be used is listed in [`SyncReport::problems`], never fatal
//! to the pass.

use super::engine::Inner;
use super::error::Failure;
use super::http::Api;
use super::status::SyncReport;
use super::wire::{
    AckItem, AckRequest, CloudKeyStatus, DriftResponse, KeyInfo, KeysResponse, LocksResponse, RevocationInfo,
    TimeTokenInfo,
};
use crate::client::blocking;
use crate::store::{LockMeta, StoredKey};
use latchkey_protocol::{DigitalKey, RevocationList, TimeToken};

/// Locks, then keys (and renewals), then lists and time per lock.
pub(crate) async fn refresh(inner: &Inner, api: &Api<'_>, report: &mut SyncReport) -> Result<(), Failure> {
    let locks: LocksResponse = api.get("/v1/locks").await?;
    let listed: Vec<latchkey_protocol::LockId> = locks.locks.iter().map(|m| m.lock_id).collect();
    let store = inner.phone.store().clone();
    let known = blocking(move || Ok(store.locks().list_meta()?)).await?;
    for meta in locks.locks {
        if !known.contains(&meta) {
            inner.phone.add_lock(meta).await?;
            report.locks_updated += 1;
        }
    }

    let keys: KeysResponse = api.get("/v1/keys").await?;
    for info in &keys.keys {
        sync_key(inner, api, info, report).await?;
    }

    let store = inner.phone.store().clone();
    let (metas, held) = blocking(move || Ok((store.locks().list_meta()?, store.keys().list()?))).await?;
    for meta in metas
        .iter()
        .filter(|m| held.iter().any(|k| k.key.applies_to(&m.lock_id, &m.groups)))
    {
        fetch_lists_and_time(inner, api, meta, report).await?;
    }
    // Keypad PINs for every lock the cloud lists for this phone (those it
    // holds an active key for; every lock for a host, which manages locks
    // it may hold no key for).
    for meta in metas.iter().filter(|m| listed.contains(&m.lock_id)) {
        super::pins::fetch(inner, api, meta, report).await?;
    }
    super::pins::forget_secrets_except(inner, &listed).await?;
    Ok(())
}

async fn sync_key(inner: &Inner, api: &Api<'_>, info: &KeyInfo, report: &mut SyncReport) -> Result<(), Failure> {
    let store = inner.phone.store().clone();
    let key_id = info.key_id;
    match info.status {
        CloudKeyStatus::Revoked => {
            if blocking(move || Ok(store.keys().remove(&key_id)?)).await? {
                report.keys_removed += 1;
            }
            return Ok(());
        }
        CloudKeyStatus::Expired | CloudKeyStatus::Unknown => return Ok(()),
        CloudKeyStatus::Active => {}
    }
    let Some(cert) = decode::<DigitalKey>(&info.certificate, DigitalKey::decode, report) else {
        return Ok(());
    };
    let held = blocking(move || Ok(store.keys().get(&key_id)?)).await?;
    if held.as_ref().is_none_or(|h| h.key.grant.serial < cert.grant.serial) {
        match inner.phone.add_key(cert, info.label.clone()).await {
            Ok(()) => report.keys_added += 1,
            Err(e) => {
                report.problems.push(format!("key {key_id}: {e}"));
                return Ok(());
            }
        }
    }
    let store = inner.phone.store().clone();
    let Some(held) = blocking(move || Ok(store.keys().get(&key_id)?)).await? else {
        return Ok(());
    };
    if renewal_due(&held, inner.clock.now_unix()) && info.valid_until > held.key.grant.not_after {
        renew(inner, api, &held, report).await?;
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

async fn renew(inner: &Inner, api: &Api<'_>, held: &StoredKey, report: &mut SyncReport) -> Result<(), Failure> {
    let key_id = held.key.key_id();
    let info: KeyInfo = match api
        .post(&format!("/v1/keys/{key_id}/renew"), &serde_json::json!({}))
        .await
    {
        Ok(info) => info,
        Err(Failure::Rejected { code, .. }) if code == "key_revoked" => {
            let store = inner.phone.store().clone();
            if blocking(move || Ok(store.keys().remove(&key_id)?)).await? {
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
    let Some(cert) = decode::<DigitalKey>(&info.certificate, DigitalKey::decode, report) else {
        return Ok(());
    };
    match inner.phone.add_key(cert, held.label.clone()).await {
        Ok(()) => report.keys_renewed += 1,
        Err(e) => report.problems.push(format!("renewed key {key_id}: {e}")),
    }
    Ok(())
}

async fn fetch_lists_and_time(
    inner: &Inner,
    api: &Api<'_>,
    meta: &LockMeta,
    report: &mut SyncReport,
) -> Result<(), Failure> {
    let lock = meta.lock_id;
    let lists: Option<RevocationInfo> = per_lock(api.get(&format!("/v1/locks/{lock}/revocations")).await, report)?;
    if let Some(RevocationInfo { seq, list: Some(hex) }) = lists {
        let store = inner.phone.store().clone();
        let held = blocking(move || Ok(store.revocations().get(&lock)?.map_or(0, |l| l.seq))).await?;
        if seq > held {
            if let Some(list) = decode::<RevocationList>(&hex, RevocationList::decode, report) {
                match inner.phone.add_revocation_list(list).await {
                    Ok(true) => report.revocation_lists += 1,
                    Ok(false) => {}
                    Err(e) => report.problems.push(format!("revocation list for {}: {e}", meta.name)),
                }
            }
        }
    }
    let time: Option<TimeTokenInfo> = per_lock(api.get(&format!("/v1/locks/{lock}/time")).await, report)?;
    if let Some(info) = time {
        if let Some(token) = decode::<TimeToken>(&info.token, TimeToken::decode, report) {
            if inner.phone.add_time_token(token).await? {
                report.time_tokens += 1;
            }
        }
    }
    Ok(())
}

/// A per-lock refusal (the lock is gone, this phone lost access) is a
/// problem to report, not a reason to stop the pass.
pub(crate) fn per_lock<T>(result: Result<T, Failure>, report: &mut SyncReport) -> Result<Option<T>, Failure> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(Failure::Rejected { status, code, message }) => {
            report.problems.push(format!("HTTP {status} {code}: {message}"));
            Ok(None)
        }
        Err(Failure::Auth { status: 403, message }) => {
            report.problems.push(format!("HTTP 403: {message}"));
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

pub(crate) fn decode<T>(
    hex: &str,
    decode: impl Fn(&[u8]) -> latchkey_protocol::Result<T>,
    report: &mut SyncReport,
) -> Option<T> {
    let decoded = latchkey_protocol::hex::decode(hex)
        .ok_or_else(|| "not hex".to_string())
        .and_then(|b| decode(&b).map_err(|e| e.to_string()));
    match decoded {
        Ok(v) => Some(v),
        Err(e) => {
            report
                .problems
                .push(format!("the cloud sent a credential that does not decode: {e}"));
            None
        }
    }
}

/// Reports revocation seqs locks acknowledged since the last report.
pub(crate) async fn report_acks(inner: &Inner, api: &Api<'_>, report: &mut SyncReport) -> Result<(), Failure> {
    let store = inner.phone.store().clone();
    let acked = blocking(move || {
        let mut out = Vec::new();
        for meta in store.locks().list_meta()? {
            if let Some(ack) = store.locks().state(&meta.lock_id)?.revocation_ack {
                out.push(AckItem {
                    lock_id: meta.lock_id,
                    seq: ack.seq,
                    acknowledged_at: ack.acknowledged_at,
                });
            }
        }
        Ok(out)
    })
    .await?;
    let fresh: Vec<AckItem> = {
        let s = inner.state();
        acked
            .into_iter()
            .filter(|a| s.reported_acks.get(&a.lock_id) != Some(&a.seq))
            .collect()
    };
    if fresh.is_empty() {
        return Ok(());
    }
    let reported: Vec<(latchkey_protocol::LockId, u32)> = fresh.iter().map(|a| (a.lock_id, a.seq)).collect();
    let _drift: DriftResponse = api.post("/v1/revocation-acks", &AckRequest { acks: fresh }).await?;
    let mut s = inner.state();
    for (lock_id, seq) in reported {
        s.reported_acks.insert(lock_id, seq);
        report.acks_reported += 1;
    }
    Ok(())
}
