//! The lock's side of a claim: CLAIM_HELLO is answered with an offer (and
//! an ECDH key when the lock is unclaimed), CLAIM_PROOF with the lock's
//! own proof and a setup session (`setup_ops.rs`). Everything lives in the
//! connection: a dropped connection leaves the lock as it was.

use super::claim_state::{ClaimState, PendingSetup, SetupSession};
use super::SimLock;
use latchkey_protocol::{
    ClaimHello, ClaimKeys, ClaimOffer, EphemeralKey, EventKind, Frame, KeyId, ResultCode, SessionCipher,
};

impl SimLock {
    /// CLAIM_HELLO. A claimed lock says so (and whether the issuer named
    /// is its own) without spending an ECDH; an unclaimed one pays the
    /// ECDH from the budget for unproven work.
    pub(super) fn handle_claim_hello(&mut self, hello: &ClaimHello, hello_bytes: &[u8]) -> Frame {
        self.conn.claim = None;
        let mut offer = ClaimOffer {
            code: ResultCode::Ok,
            same_issuer: false,
            calibrated: self.mech.calibrated(),
            lock_id: self.lock_id,
            epoch: self.epoch,
            firmware: self.firmware.running.0,
            model: self.firmware.model,
            revocation_floor: 0,
            identity_key: self.identity_public,
            ephemeral: None,
        };
        if let Some(owner) = &self.owner {
            offer.code = ResultCode::AlreadyClaimed;
            offer.same_issuer = owner.issuer.issuer_id() == hello.issuer_id;
            return Frame::ClaimOffer(offer);
        }
        if !self.unauth.try_spend(self.now_ms()) {
            return Frame::Error(ResultCode::LockBusy);
        }
        offer.revocation_floor = self
            .previous_owner
            .filter(|(issuer, _)| *issuer == hello.issuer_id)
            .map_or(0, |(_, seq)| seq);
        self.ops.ecdh += 1;
        let exchange = EphemeralKey::generate().and_then(|mine| {
            let public = mine.public_key();
            mine.agree(&hello.ephemeral).map(|shared| (public, shared))
        });
        let Ok((ephemeral, shared)) = exchange else {
            return Frame::Error(ResultCode::BadRequest);
        };
        offer.ephemeral = Some(ephemeral);
        let offer_frame = Frame::ClaimOffer(offer);
        let offer_bytes = offer_frame.encode();
        match ClaimKeys::derive(&shared, &self.setup_secret, &self.lock_id, hello_bytes, &offer_bytes) {
            Ok(keys) => {
                self.conn.claim = Some(ClaimState::Offered(Box::new(keys)));
                offer_frame
            }
            Err(_) => Frame::Error(ResultCode::BadRequest),
        }
    }

    /// CLAIM_PROOF: the phone's MAC under the keys of this connection's
    /// offer. A wrong one is logged and ends the claim; a right one opens
    /// the setup session.
    pub(super) fn handle_claim_proof(&mut self, mac: &[u8; 16]) -> Frame {
        let Some(ClaimState::Offered(keys)) = self.conn.claim.take() else {
            let code = if self.owner.is_some() {
                ResultCode::AlreadyClaimed
            } else {
                ResultCode::BadRequest
            };
            return Frame::Error(code);
        };
        if !keys.phone_proof_ok(mac) {
            self.record(
                EventKind::AccessDenied,
                KeyId::default(),
                ResultCode::SetupCodeWrong as u8,
                0,
            );
            return Frame::ClaimAccepted {
                code: ResultCode::SetupCodeWrong,
                mac: [0; 16],
            };
        }
        // A proven claimant: its ECDH was not junk.
        self.unauth.refund(1);
        let Ok(cipher) = SessionCipher::lock(&keys.session) else {
            return Frame::Error(ResultCode::BadRequest);
        };
        self.conn.claim = Some(ClaimState::Setup(Box::new(SetupSession {
            cipher,
            opened_ms: self.now_ms(),
            pending: PendingSetup::default(),
        })));
        Frame::ClaimAccepted {
            code: ResultCode::Ok,
            mac: keys.lock_mac(),
        }
    }
}
