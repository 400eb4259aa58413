//! Keys, revocation lists and time tokens: everything the cloud signs with
//! the issuer key.

use super::error::ApiError;
use super::state::Cloud;
use super::store::{self, KeyRecord, PhoneRecord, RevocationRecord};
use super::wire::{IssueKeyRequest, KeyInfo, KeyStatus, RevocationInfo, RevokeResponse, TimeTokenInfo};
use latchkey_protocol::{Challenge, KeyGrant, KeyId, LockId, RevocationList, Role, Schedule};

/// Certificates last a week unless the host asks otherwise; phones renew
/// them at about half their lifetime.
pub const DEFAULT_CERT_LIFETIME_S: u32 = 7 * 86_400;
/// How far an ahead-of-time token may move a lock's clock back.
pub const TIME_TOKEN_VALID_FOR_S: u16 = 600;

impl Cloud {
    /// Issues a key to a registered phone (host action).
    pub(super) fn issue_key(&self, request: &IssueKeyRequest) -> Result<KeyInfo, ApiError> {
        let role = request
            .parsed_role()
            .ok_or_else(|| ApiError::bad_request(format!("unknown role `{}`", request.role)))?;
        if request.not_after <= request.not_before {
            return Err(ApiError::bad_request("not_after must be after not_before"));
        }
        if let Some(s) = request.schedule {
            Schedule::new(s.weekdays, s.start_minute, s.end_minute)
                .map_err(|e| ApiError::bad_request(format!("schedule: {e}")))?;
        }
        if self.lock_info(&request.lock_id)?.is_none() {
            return Err(ApiError::not_found(format!("no lock {}", request.lock_id)));
        }
        let phone = self
            .phone(&request.phone)?
            .ok_or_else(|| ApiError::not_found(format!("no phone named `{}`", request.phone)))?;
        let key_id = KeyId::random().map_err(|e| ApiError::internal(e.to_string()))?;
        let mut record = KeyRecord {
            key_id,
            lock_id: request.lock_id,
            phone: phone.name.clone(),
            role: role.name().to_string(),
            label: request.label.clone(),
            valid_from: request.not_before,
            valid_until: request.not_after,
            schedule: request.schedule,
            offline_allowed: request.offline_allowed,
            cert_lifetime_s: request.cert_lifetime_s.unwrap_or(DEFAULT_CERT_LIFETIME_S).max(60),
            serial: 0,
            not_after: 0,
            certificate: String::new(),
            revoked_at: None,
        };
        let _guard = self.write_guard();
        self.sign_certificate(&mut record, &phone)?;
        store::put(&self.db.keys, &key_id.0, &record)?;
        self.db.flush()?;
        Ok(self.key_info(&record))
    }

    /// Signs the next certificate of a key: serial + 1, valid from the
    /// grant's start to now + lifetime, never beyond the grant's end.
    fn sign_certificate(&self, record: &mut KeyRecord, phone: &PhoneRecord) -> Result<(), ApiError> {
        let now = self.now();
        let start = now.max(record.valid_from);
        let not_after = record.valid_until.min(start.saturating_add(record.cert_lifetime_s));
        let schedule = record
            .schedule
            .map(|s| Schedule::new(s.weekdays, s.start_minute, s.end_minute))
            .transpose()
            .map_err(|e| ApiError::internal(format!("stored schedule: {e}")))?;
        let grant = KeyGrant {
            key_id: record.key_id,
            lock_id: record.lock_id,
            lock_group: false,
            holder: phone.holder_key,
            role: Role::from_name(&record.role).unwrap_or(Role::Guest),
            not_before: record.valid_from,
            not_after,
            schedule,
            offline_allowed: record.offline_allowed,
            serial: record.serial.saturating_add(1),
        };
        let key = self
            .authority
            .issue_key(grant)
            .map_err(|e| ApiError::internal(format!("signing: {e}")))?;
        record.serial = key.grant.serial;
        record.not_after = not_after;
        record.certificate = latchkey_protocol::hex::encode(&key.encode());
        Ok(())
    }

    /// A fresh certificate for one of this phone's keys.
    pub(super) fn renew_key(&self, phone: &PhoneRecord, key_id: &KeyId) -> Result<KeyInfo, ApiError> {
        let _guard = self.write_guard();
        let mut record: KeyRecord = store::get(&self.db.keys, &key_id.0)?
            .filter(|r: &KeyRecord| r.phone == phone.name)
            .ok_or_else(|| ApiError::not_found(format!("this phone has no key {key_id}")))?;
        match self.status(&record) {
            KeyStatus::Revoked => return Err(ApiError::key_revoked()),
            KeyStatus::Expired => return Err(ApiError::key_expired()),
            KeyStatus::Active => {}
        }
        self.sign_certificate(&mut record, phone)?;
        store::put(&self.db.keys, &key_id.0, &record)?;
        self.db.flush()?;
        Ok(self.key_info(&record))
    }

    /// Revokes a key and signs the next revocation list for its lock.
    pub(super) fn revoke_key(&self, key_id: &KeyId) -> Result<RevokeResponse, ApiError> {
        let _guard = self.write_guard();
        let mut record: KeyRecord =
            store::get(&self.db.keys, &key_id.0)?.ok_or_else(|| ApiError::not_found(format!("no key {key_id}")))?;
        let now = self.now();
        record.revoked_at.get_or_insert(now);
        store::put(&self.db.keys, &key_id.0, &record)?;
        let seq = self.sign_revocations(&record.lock_id, now)?;
        self.db.flush()?;
        Ok(RevokeResponse {
            key_id: *key_id,
            lock_id: record.lock_id,
            seq,
        })
    }

    /// A new complete list for `lock_id` (revoked keys whose grant has not
    /// ended, latest-ending first, at most the protocol's 96); returns its seq.
    fn sign_revocations(&self, lock_id: &LockId, now: u32) -> Result<u32, ApiError> {
        let mut revoked: Vec<KeyRecord> = store::list::<KeyRecord>(&self.db.keys)?
            .into_iter()
            .filter(|k| k.lock_id == *lock_id && k.revoked_at.is_some() && k.valid_until > now)
            .collect();
        revoked.sort_by_key(|k| std::cmp::Reverse(k.valid_until));
        revoked.truncate(RevocationList::MAX_ENTRIES);
        let seq = self.revocation_seq(lock_id)?.saturating_add(1);
        let list = self
            .authority
            .revocation_list(*lock_id, false, seq, now, revoked.iter().map(|k| k.key_id).collect())
            .map_err(|e| ApiError::internal(format!("signing: {e}")))?;
        let record = RevocationRecord {
            seq,
            list: latchkey_protocol::hex::encode(&list.encode()),
        };
        store::put(&self.db.revocations, &lock_id.0, &record)?;
        Ok(seq)
    }

    /// The current list's seq for a lock (0: none).
    pub(super) fn revocation_seq(&self, lock_id: &LockId) -> Result<u32, ApiError> {
        Ok(store::get::<RevocationRecord>(&self.db.revocations, &lock_id.0)?.map_or(0, |r| r.seq))
    }

    /// The current list for a lock.
    pub(super) fn revocation_info(&self, lock_id: &LockId) -> Result<RevocationInfo, ApiError> {
        let record: Option<RevocationRecord> = store::get(&self.db.revocations, &lock_id.0)?;
        Ok(RevocationInfo {
            lock_id: *lock_id,
            seq: record.as_ref().map_or(0, |r| r.seq),
            list: record.map(|r| r.list),
        })
    }

    /// A signed time token for a lock, bound to `nonce` when given.
    pub(super) fn time_token(&self, lock_id: &LockId, nonce: Option<Challenge>) -> Result<TimeTokenInfo, ApiError> {
        let lock = self
            .lock_info(lock_id)?
            .ok_or_else(|| ApiError::not_found(format!("no lock {lock_id}")))?;
        let now = self.now();
        let token = self
            .authority
            .time_token(
                *lock_id,
                now,
                TIME_TOKEN_VALID_FOR_S,
                lock.utc_offset_min,
                nonce.unwrap_or_default(),
            )
            .map_err(|e| ApiError::internal(format!("signing: {e}")))?;
        Ok(TimeTokenInfo {
            unix_time: now,
            token: latchkey_protocol::hex::encode(&token.encode()),
        })
    }

    /// Every key of one phone.
    pub(super) fn keys_of(&self, phone: &str) -> Result<Vec<KeyInfo>, ApiError> {
        Ok(store::list::<KeyRecord>(&self.db.keys)?
            .iter()
            .filter(|k| k.phone == phone)
            .map(|k| self.key_info(k))
            .collect())
    }

    /// Whether a phone holds an active key for a lock.
    pub(super) fn has_active_key(&self, phone: &str, lock_id: &LockId) -> Result<bool, ApiError> {
        Ok(store::list::<KeyRecord>(&self.db.keys)?
            .iter()
            .any(|k| k.phone == phone && k.lock_id == *lock_id && self.status(k) == KeyStatus::Active))
    }

    /// Whether a phone holds or held a key for a lock, whatever its status.
    pub(super) fn ever_held_key(&self, phone: &str, lock_id: &LockId) -> Result<bool, ApiError> {
        Ok(store::list::<KeyRecord>(&self.db.keys)?
            .iter()
            .any(|k| k.phone == phone && k.lock_id == *lock_id))
    }

    /// Whether a phone holds an active owner or admin key for a lock.
    pub(super) fn holds_host_key(&self, phone: &str, lock_id: &LockId) -> Result<bool, ApiError> {
        Ok(store::list::<KeyRecord>(&self.db.keys)?.iter().any(|k| {
            k.phone == phone
                && k.lock_id == *lock_id
                && matches!(k.role.as_str(), "owner" | "admin")
                && self.status(k) == KeyStatus::Active
        }))
    }

    fn status(&self, record: &KeyRecord) -> KeyStatus {
        if record.revoked_at.is_some() {
            KeyStatus::Revoked
        } else if self.now() >= record.valid_until {
            KeyStatus::Expired
        } else {
            KeyStatus::Active
        }
    }

    fn key_info(&self, record: &KeyRecord) -> KeyInfo {
        KeyInfo {
            key_id: record.key_id,
            lock_id: record.lock_id,
            label: record.label.clone(),
            role: record.role.clone(),
            status: self.status(record),
            valid_from: record.valid_from,
            valid_until: record.valid_until,
            serial: record.serial,
            not_after: record.not_after,
            certificate: record.certificate.clone(),
        }
    }
}
