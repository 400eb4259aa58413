//! The claim over one connection: CLAIM_HELLO and the lock's offer, the
//! proof of the setup secret both ways, then the setup session
//! (configure, calibrate, lists, finish). Nothing is committed on the lock
//! before `finish`, so any failure before it leaves the lock as it was.

use super::plan::{SetupError, SetupPlan};
use crate::transport::{FrameLink, TransportError};
use crate::unlock::{Progress, ProgressListener};
use latchkey_protocol::{
    ClaimHello, ClaimKeys, ClaimOffer, ClaimReceipt, EphemeralKey, Frame, ResultCode, SessionCipher, SetupRequest,
    SetupResponse,
};
use std::time::Duration;

/// What a committed claim left behind.
#[derive(Debug, Clone)]
pub(crate) struct Claimed {
    /// What the lock said of itself.
    pub(crate) offer: ClaimOffer,
    /// Its signed word that it was claimed.
    pub(crate) receipt: ClaimReceipt,
}

/// Runs the claim on a connected link.
pub(super) async fn claim(
    link: &mut FrameLink,
    plan: &SetupPlan,
    listener: &dyn ProgressListener,
    timeout: Duration,
) -> Result<Claimed, SetupError> {
    let crypto = |e: latchkey_protocol::ProtocolError| SetupError::Crypto(e.to_string());
    let mine = EphemeralKey::generate().map_err(crypto)?;
    let hello = Frame::ClaimHello(ClaimHello {
        issuer_id: plan.configure.issuer.issuer_id(),
        ephemeral: mine.public_key(),
    })
    .encode();
    listener.on_progress(Progress::Setup {
        what: "checking the setup code",
    });
    let offer_bytes = link.exchange(&hello, timeout).await.map_err(lost(false))?;
    let offer = match Frame::decode(&offer_bytes) {
        Ok(Frame::ClaimOffer(offer)) => offer,
        Ok(Frame::Error(code)) => return Err(SetupError::Refused(code)),
        _ => {
            return Err(SetupError::Answer(
                "the lock's answer to the claim is not an offer".into(),
            ))
        }
    };
    if offer.lock_id != plan.code.lock_id {
        return Err(SetupError::Answer(format!(
            "another lock answered ({}), not the one on this label",
            offer.lock_id
        )));
    }
    if offer.code == ResultCode::AlreadyClaimed {
        return Err(SetupError::AlreadyClaimed {
            same_issuer: offer.same_issuer,
        });
    }
    let lock_key = offer
        .ephemeral
        .ok_or_else(|| SetupError::Answer("the offer has no key".into()))?;
    if offer.revocation_floor > plan.revocations.as_ref().map_or(0, |l| l.seq) {
        return Err(SetupError::NeedsNewerList {
            floor: offer.revocation_floor,
            held: plan.revocations.as_ref().map_or(0, |l| l.seq),
        });
    }
    let shared = mine.agree(&lock_key).map_err(crypto)?;
    let keys = ClaimKeys::derive(&shared, &plan.code.secret, &offer.lock_id, &hello, &offer_bytes).map_err(crypto)?;
    let proof = Frame::ClaimProof(keys.phone_mac()).encode();
    match Frame::decode(&link.exchange(&proof, timeout).await.map_err(lost(false))?) {
        Ok(Frame::ClaimAccepted {
            code: ResultCode::Ok,
            mac,
        }) if keys.lock_proof_ok(&mac) => {}
        Ok(Frame::ClaimAccepted {
            code: ResultCode::Ok, ..
        }) => {
            return Err(SetupError::Answer(
                "the device answering could not prove it holds this label's setup secret".into(),
            ))
        }
        Ok(Frame::ClaimAccepted { code, .. } | Frame::Error(code)) => return Err(SetupError::Refused(code)),
        _ => return Err(SetupError::Answer("unexpected answer to the proof".into())),
    }
    let mut session = Setup {
        cipher: SessionCipher::phone(&keys.session).map_err(crypto)?,
        link,
        timeout,
    };
    listener.on_progress(Progress::Setup {
        what: "installing the owner's settings",
    });
    session
        .expect_ok(SetupRequest::Configure(plan.configure.clone()))
        .await?;
    if !offer.calibrated {
        listener.on_progress(Progress::Setup {
            what: "calibrating the bolt",
        });
        session.expect_ok(SetupRequest::Calibrate).await?;
    }
    if let Some(list) = &plan.revocations {
        listener.on_progress(Progress::Setup {
            what: "installing the list of withdrawn keys",
        });
        session.expect_ok(SetupRequest::PushRevocations(list.clone())).await?;
    }
    if let Some(list) = &plan.pins {
        listener.on_progress(Progress::Setup {
            what: "installing the keypad PIN list",
        });
        session.expect_ok(SetupRequest::PushPins(list.clone())).await?;
    }
    listener.on_progress(Progress::Setup { what: "finishing" });
    let receipt = match session.call(SetupRequest::Finish, true).await? {
        SetupResponse::Finished(ResultCode::Ok, Some(receipt)) => receipt,
        other => return Err(SetupError::Refused(other.code())),
    };
    receipt
        .verify(&offer.identity_key)
        .map_err(|_| SetupError::Answer("the claim receipt is not signed by the lock's identity key".into()))?;
    Ok(Claimed { offer, receipt })
}

/// The link failed; `committing` when `finish` may have reached the lock.
fn lost(committing: bool) -> impl Fn(TransportError) -> SetupError {
    move |error| SetupError::Lost { error, committing }
}

/// The setup session's sealed requests.
struct Setup<'a> {
    cipher: SessionCipher,
    link: &'a mut FrameLink,
    timeout: Duration,
}

impl Setup<'_> {
    async fn call(&mut self, request: SetupRequest, committing: bool) -> Result<SetupResponse, SetupError> {
        let sealed = self
            .cipher
            .seal(&request.encode())
            .map_err(|e| SetupError::Crypto(e.to_string()))?;
        let answer = self
            .link
            .exchange(&sealed, self.timeout)
            .await
            .map_err(lost(committing))?;
        match Frame::decode(&answer) {
            Ok(Frame::Session(bytes)) => {
                let plain = self
                    .cipher
                    .open(&bytes)
                    .map_err(|e| SetupError::Answer(format!("setup answer does not open: {e}")))?;
                SetupResponse::decode(&plain).map_err(|e| SetupError::Answer(e.to_string()))
            }
            Ok(Frame::Error(code)) => Err(SetupError::Refused(code)),
            _ => Err(SetupError::Answer("unexpected answer in the setup session".into())),
        }
    }

    async fn expect_ok(&mut self, request: SetupRequest) -> Result<(), SetupError> {
        match self.call(request, false).await?.code() {
            ResultCode::Ok => Ok(()),
            code => Err(SetupError::Refused(code)),
        }
    }
}
