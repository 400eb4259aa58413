//! The cloud's shared state: database, issuer, clock, chaos, and who is
//! who (phones, their bearer tokens, the admin token).

use super::chaos::Chaos;
use super::config::{CloudClock, CloudConfig};
use super::error::{ApiError, CloudError};
use super::store::{self, Db, PhoneRecord};
use super::wire::PhoneToken;
use crate::authority::KeyAuthority;
use axum::http::{header, HeaderMap};
use latchkey_protocol::crypto::{ct_eq, random_array, sha256};
use latchkey_protocol::PublicKey;
use std::sync::{Mutex, MutexGuard};

const ISSUER: &[u8] = b"issuer";

/// Everything a request handler needs.
pub(super) struct Cloud {
    pub(super) db: Db,
    pub(super) authority: KeyAuthority,
    pub(super) clock: CloudClock,
    pub(super) chaos: Chaos,
    admin_token: String,
    /// Serializes read-modify-write changes, so concurrent phones can't
    /// interleave inside one upload or revocation.
    write_lock: Mutex<()>,
}

impl Cloud {
    /// Opens the data directory and loads (or creates) the issuer key.
    pub(super) fn open(config: &CloudConfig) -> Result<Self, CloudError> {
        let db = Db::open(&config.data_dir)?;
        let stored = db.meta.get(ISSUER)?;
        let authority = match (stored, &config.issuer_pkcs8) {
            (Some(pkcs8), wanted) => {
                if wanted.as_deref().is_some_and(|w| w != pkcs8.as_ref()) {
                    return Err(CloudError::Storage(
                        "the data directory already holds a different issuer key".into(),
                    ));
                }
                KeyAuthority::from_pkcs8(&pkcs8).map_err(|e| CloudError::Storage(format!("issuer key: {e}")))?
            }
            (None, Some(pkcs8)) => {
                KeyAuthority::from_pkcs8(pkcs8).map_err(|e| CloudError::Storage(format!("issuer key: {e}")))?
            }
            (None, None) => KeyAuthority::generate().map_err(|e| CloudError::Storage(format!("issuer key: {e}")))?,
        };
        db.meta.insert(ISSUER, authority.pkcs8())?;
        db.flush().map_err(CloudError::from)?;
        let admin_token = match &config.admin_token {
            Some(t) => t.clone(),
            None => random_token().map_err(CloudError::Storage)?,
        };
        Ok(Self {
            db,
            authority,
            clock: config.clock.clone(),
            chaos: Chaos::new(config.chaos.clone()),
            admin_token,
            write_lock: Mutex::new(()),
        })
    }

    /// Unix seconds by the cloud's clock.
    pub(super) fn now(&self) -> u32 {
        self.clock.now_unix()
    }

    /// The admin bearer token.
    pub(super) fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// Held while changing records that depend on each other.
    pub(super) fn write_guard(&self) -> MutexGuard<'_, ()> {
        // Every change is one sled batch or one insert: a panic elsewhere
        // can't leave half a change behind, so a poisoned lock is usable.
        self.write_lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The phone a request's bearer token belongs to.
    pub(super) fn authenticate(&self, headers: &HeaderMap) -> Result<PhoneRecord, ApiError> {
        let token = bearer(headers).ok_or_else(|| ApiError::unauthorized("no bearer token"))?;
        let name = self
            .db
            .tokens
            .get(token_hash(token))?
            .ok_or_else(|| ApiError::unauthorized("unknown or rotated token"))?;
        let phone: Option<PhoneRecord> = store::get(&self.db.phones, &name)?;
        phone.ok_or_else(|| ApiError::unauthorized("the token's phone is gone"))
    }

    /// Like [`Cloud::authenticate`], for host-only calls.
    pub(super) fn authenticate_host(&self, headers: &HeaderMap) -> Result<PhoneRecord, ApiError> {
        let phone = self.authenticate(headers)?;
        if !phone.host {
            return Err(ApiError::forbidden("only a host may do this"));
        }
        Ok(phone)
    }

    /// Checks the admin bearer token.
    pub(super) fn authenticate_admin(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        match bearer(headers) {
            Some(t) if ct_eq(t.as_bytes(), self.admin_token.as_bytes()) => Ok(()),
            _ => Err(ApiError::unauthorized("admin token required")),
        }
    }

    /// Registers a phone (or replaces its record) and returns a fresh token.
    pub(super) fn register_phone(&self, name: &str, holder_key: PublicKey, host: bool) -> Result<PhoneToken, ApiError> {
        if name.is_empty() || name.chars().count() > 64 {
            return Err(ApiError::bad_request("a phone name is 1 to 64 characters"));
        }
        let _guard = self.write_guard();
        let old: Option<PhoneRecord> = store::get(&self.db.phones, name.as_bytes())?;
        self.issue_token(name, holder_key, host, old)
    }

    /// Replaces a phone's token (the old one then answers 401).
    pub(super) fn rotate_token(&self, name: &str) -> Result<PhoneToken, ApiError> {
        let _guard = self.write_guard();
        let old: PhoneRecord = store::get(&self.db.phones, name.as_bytes())?
            .ok_or_else(|| ApiError::not_found(format!("no phone named `{name}`")))?;
        self.issue_token(name, old.holder_key, old.host, Some(old.clone()))
    }

    /// Removes a phone: its token answers 401 from now on. Its keys stay
    /// as they are (a host revokes them to shut the locks to it).
    pub(super) fn remove_phone(&self, name: &str) -> Result<(), ApiError> {
        let _guard = self.write_guard();
        let old: PhoneRecord = store::get(&self.db.phones, name.as_bytes())?
            .ok_or_else(|| ApiError::not_found(format!("no phone named `{name}`")))?;
        if let Some(old_hash) = latchkey_protocol::hex::decode(&old.token_hash) {
            self.db.tokens.remove(old_hash)?;
        }
        self.db.phones.remove(name.as_bytes())?;
        self.db.flush()
    }

    fn issue_token(
        &self,
        name: &str,
        holder_key: PublicKey,
        host: bool,
        old: Option<PhoneRecord>,
    ) -> Result<PhoneToken, ApiError> {
        let token = random_token().map_err(ApiError::internal)?;
        let hash = token_hash(&token);
        if let Some(old) = old {
            if let Some(old_hash) = latchkey_protocol::hex::decode(&old.token_hash) {
                self.db.tokens.remove(old_hash)?;
            }
        }
        let record = PhoneRecord {
            name: name.to_string(),
            holder_key,
            host,
            token_hash: latchkey_protocol::hex::encode(&hash),
        };
        store::put(&self.db.phones, name.as_bytes(), &record)?;
        self.db.tokens.insert(hash, name.as_bytes())?;
        self.db.flush()?;
        Ok(PhoneToken {
            name: name.to_string(),
            token,
        })
    }

    /// The registered phone with this name, if any.
    pub(super) fn phone(&self, name: &str) -> Result<Option<PhoneRecord>, ApiError> {
        store::get(&self.db.phones, name.as_bytes())
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then_some(token)
}

fn token_hash(token: &str) -> [u8; 32] {
    sha256(&[b"latchkey-cloud-token", token.as_bytes()])
}

fn random_token() -> Result<String, String> {
    random_array::<32>()
        .map(|b| latchkey_protocol::hex::encode(&b))
        .map_err(|e| e.to_string())
}
