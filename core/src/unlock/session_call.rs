//! One sealed request and its answer inside the session, and what the
//! session steps need to know of the attempt: shared by the follow-on
//! work (`housekeeping.rs`) and the firmware step (`firmware_step.rs`).

use crate::transport::FrameLink;
use latchkey_protocol::{Frame, LockId, PublicKey, SessionCipher, SessionRequest, SessionResponse};
use std::time::Duration;

/// What the session steps need to know of the attempt.
pub(super) struct SessionContext {
    /// The lock (event batches must name it).
    pub lock_id: LockId,
    /// The lock's epoch (event batches must name it too: a batch from the
    /// lock's life before a reset is not this log).
    pub epoch: u32,
    /// The command's answer was an authorized one. If not (an untrusted
    /// clock refused a time-limited key), the lock limits the session to
    /// time delivery and signed lists until a token makes the key valid
    /// again, and its status there is redacted.
    pub authorized: bool,
    /// The lock's identity key (verifies event batches).
    pub lock_identity: PublicKey,
    /// How long to wait for each answer.
    pub answer_timeout: Duration,
}

/// Seals `request`, sends it and opens the answer.
pub(super) async fn call(
    link: &mut FrameLink,
    cipher: &mut SessionCipher,
    request: SessionRequest,
    input: &SessionContext,
) -> Result<SessionResponse, String> {
    let sealed = cipher.seal(&request.encode()).map_err(|e| e.to_string())?;
    let answer = link
        .exchange(&sealed, input.answer_timeout)
        .await
        .map_err(|e| e.to_string())?;
    match Frame::decode(&answer).map_err(|e| e.to_string())? {
        Frame::Session(bytes) => {
            let plain = cipher.open(&bytes).map_err(|e| e.to_string())?;
            SessionResponse::decode(&plain).map_err(|e| e.to_string())
        }
        Frame::Error(code) => Err(format!("the lock refused the session frame: {code}")),
        other => Err(format!("expected a session frame, got {other:?}")),
    }
}
