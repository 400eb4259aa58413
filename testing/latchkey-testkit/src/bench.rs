//! The installer's bench: claims a simulated lock for an authority by
//! speaking the claim protocol to it directly, with no phone and no radio.
//! For scenes that need a lock set up again and are not about how a phone
//! does it.

use latchkey_protocol::{
    ClaimHello, ClaimKeys, ClaimReceipt, Configure, EphemeralKey, Frame, ResultCode, SessionCipher, SetupRequest,
    SetupResponse,
};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::SimLock;
use latchkey_sim::Peripheral;

/// Why the bench could not claim the lock.
#[derive(Debug)]
pub struct BenchError(String);

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the bench could not claim the lock: {}", self.0)
    }
}

impl std::error::Error for BenchError {}

/// Claims `lock` (unclaimed: new, or reset) for `authority`, with the PIN
/// secret it derives for the lock and the clock from `now`, in one setup
/// session: configure, calibrate, finish.
pub fn claim_on_bench(lock: &mut SimLock, authority: &KeyAuthority, now: u32) -> Result<ClaimReceipt, BenchError> {
    let fail = |what: &str| BenchError(what.to_string());
    let issuer = authority.public_key();
    let pin_secret = authority
        .pin_secret(&lock.lock_id())
        .map_err(|e| fail(&e.to_string()))?;
    lock.on_connect(185);
    let eph = EphemeralKey::generate().map_err(|e| fail(&e.to_string()))?;
    let hello = Frame::ClaimHello(ClaimHello {
        issuer_id: issuer.issuer_id(),
        ephemeral: eph.public_key(),
    })
    .encode();
    let offer_bytes = exchange(lock, &hello)?;
    let Ok(Frame::ClaimOffer(offer)) = Frame::decode(&offer_bytes) else {
        return Err(fail("no offer"));
    };
    let lock_key = offer.ephemeral.ok_or_else(|| fail(offer.code.name()))?;
    let shared = eph.agree(&lock_key).map_err(|e| fail(&e.to_string()))?;
    let label = lock.label();
    let keys = ClaimKeys::derive(&shared, &label.secret, &offer.lock_id, &hello, &offer_bytes)
        .map_err(|e| fail(&e.to_string()))?;
    match Frame::decode(&exchange(lock, &Frame::ClaimProof(keys.phone_mac()).encode())?) {
        Ok(Frame::ClaimAccepted {
            code: ResultCode::Ok, ..
        }) => {}
        other => return Err(fail(&format!("proof refused: {other:?}"))),
    }
    let mut cipher = SessionCipher::phone(&keys.session).map_err(|e| fail(&e.to_string()))?;
    let configure = Configure {
        issuer,
        pin_secret: Some(pin_secret),
        utc_offset_min: 0,
        phone_time: now,
        groups: Vec::new(),
        name: String::new(),
    };
    let mut answer = None;
    for request in [
        SetupRequest::Configure(configure),
        SetupRequest::Calibrate,
        SetupRequest::Finish,
    ] {
        let sealed = cipher.seal(&request.encode()).map_err(|e| fail(&e.to_string()))?;
        let Ok(Frame::Session(reply)) = Frame::decode(&exchange(lock, &sealed)?) else {
            return Err(fail("no setup answer"));
        };
        let plain = cipher.open(&reply).map_err(|e| fail(&e.to_string()))?;
        answer = Some(SetupResponse::decode(&plain).map_err(|e| fail(&e.to_string()))?);
    }
    lock.on_disconnect();
    match answer {
        Some(SetupResponse::Finished(ResultCode::Ok, Some(receipt))) => Ok(receipt),
        other => Err(fail(&format!("finish refused: {other:?}"))),
    }
}

fn exchange(lock: &mut SimLock, frame: &[u8]) -> Result<Vec<u8>, BenchError> {
    let packets = latchkey_protocol::framing::fragment(frame, 185).map_err(|e| BenchError(e.to_string()))?;
    let mut answer = None;
    for p in packets {
        answer = lock.on_packet(&p);
    }
    answer.ok_or_else(|| BenchError("the lock did not answer".into()))
}
