//! A lock claimed by a host's phone, registered when its `lock_claimed`
//! event arrives: the receipt must be signed by the identity key the event
//! names, for this lock and this cloud's issuer, so a phone can't register
//! a key the lock does not hold. A lock already registered keeps its
//! identity key: a claim naming another one is refused (replacing a lock's
//! identity is the operator's call, `POST /admin/locks`).

use super::error::ApiError;
use super::state::Cloud;
use super::store::PhoneRecord;
use super::wire::LockInfo;
use latchkey_protocol::{hex, ClaimReceipt, LockId, PublicKey};
use serde::Deserialize;
use serde_json::Value;

/// The fields of a `lock_claimed` event the cloud reads.
#[derive(Deserialize)]
struct Claimed {
    #[serde(with = "super::hex")]
    lock_id: LockId,
    name: String,
    #[serde(with = "super::hex")]
    identity_key: PublicKey,
    utc_offset_min: i16,
    #[serde(with = "super::hex::list", default)]
    groups: Vec<LockId>,
    receipt: String,
}

/// Why a claim is not registered: refused for good, or the cloud failed.
pub(super) enum ClaimRefusal {
    Refused(String),
    Internal(ApiError),
}

impl Cloud {
    /// Registers the lock a `lock_claimed` event from `phone` names.
    pub(super) fn register_claim(&self, phone: &PhoneRecord, event: &Value) -> Result<(), ClaimRefusal> {
        let refuse = |why: &str| ClaimRefusal::Refused(why.to_string());
        if !phone.host {
            return Err(refuse("only a host's phone registers a lock it claimed"));
        }
        let claim: Claimed =
            serde_json::from_value(event.clone()).map_err(|e| ClaimRefusal::Refused(format!("a bad claim: {e}")))?;
        let receipt = hex::decode(&claim.receipt)
            .and_then(|b| ClaimReceipt::decode(&b).ok())
            .ok_or_else(|| refuse("`receipt` is not hex of a claim receipt"))?;
        if receipt.verify(&claim.identity_key).is_err() {
            return Err(refuse("the receipt is not signed by the identity key the claim names"));
        }
        if receipt.lock_id != claim.lock_id || receipt.issuer_id != self.authority.issuer_id() {
            return Err(refuse("the receipt is for another lock or another issuer"));
        }
        let held = self.lock_info(&claim.lock_id).map_err(ClaimRefusal::Internal)?;
        if held.is_some_and(|l| l.identity_key != claim.identity_key) {
            return Err(refuse("another identity key is registered for this lock"));
        }
        let info = LockInfo {
            lock_id: claim.lock_id,
            name: claim.name,
            identity_key: claim.identity_key,
            issuer_key: self.authority.public_key(),
            utc_offset_min: claim.utc_offset_min,
            groups: claim.groups,
        };
        self.register_lock(&info).map(|_| ()).map_err(|e| match e.code {
            "bad_request" => ClaimRefusal::Refused(e.message),
            _ => ClaimRefusal::Internal(e),
        })
    }
}
