//! What one attempt takes and the pieces FAST and AUTH share: the
//! request/answer exchange and the answer they both produce.

// `pub` for the unlock benchmark (feature `bench`); crate-private otherwise.
#![cfg_attr(not(feature = "bench"), allow(unreachable_pub))]

use super::housekeeping::HousekeepingPlan;
use super::progress::{Progress, ProgressListener, UnlockPath};
use super::status::StatusView;
use crate::transport::{FrameLink, TransportError};
use latchkey_protocol::{
    Command, CommandId, DigitalKey, FastKey, Frame, LockId, ProtocolError, PublicKey, ResultCode, SessionCipher,
    Signature,
};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A signature on its way: a platform signer runs off the caller's thread.
pub type SignFuture = Pin<Box<dyn Future<Output = Result<Signature, String>> + Send>>;

/// Signs the domain-separated AUTH message with the holder key.
pub type SignFn<'a> = &'a (dyn Fn(Vec<u8>) -> SignFuture + Sync);

/// What the phone brings to one attempt.
pub struct AttemptInput<'a> {
    /// The lock.
    pub lock_id: LockId,
    /// The lock's identity key (from commissioning metadata).
    pub lock_identity: PublicKey,
    /// The certificate to use.
    pub cert: &'a DigitalKey,
    /// The holder signer.
    pub sign: SignFn<'a>,
    /// Fast key, the counter reserved for this command, and the epoch the
    /// key was made in.
    pub fast: Option<(FastKey, u32, u32)>,
    /// Whether this lock has seen (and cached) the certificate before.
    pub lock_has_cert: bool,
    /// What to do.
    pub command: Command,
    /// Idempotency id, the same on every retry.
    pub command_id: CommandId,
    /// Follow-on work to do in the same connection.
    pub housekeeping: HousekeepingPlan,
    /// How long to wait for each answer.
    pub answer_timeout: Duration,
}

/// Why an attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum AttemptError {
    /// The link failed; `delivered` says whether the whole request had
    /// been written (the lock may have acted).
    #[error("{error}")]
    Transport {
        /// What failed.
        error: TransportError,
        /// Whether the request was fully written.
        delivered: bool,
    },
    /// The request was delivered, but the answer could not be decoded or
    /// did not authenticate (damaged on the way, or forged). The lock may
    /// have acted, so the command is asked again by its id.
    #[error("the lock's answer can't be trusted: {reason}")]
    UntrustedAnswer {
        /// What was wrong with it.
        reason: String,
        /// It decoded as the right answer but its signature or MAC failed
        /// (not damage a retry cures, when it happens every time).
        forged: bool,
    },
    /// The lock's answer authenticated, but the keys it should yield could
    /// not be derived.
    #[error("the lock's answer is not authentic: {0}")]
    NotAuthentic(ProtocolError),
    /// The lock's answer could not be decoded or was unexpected.
    #[error("unexpected answer from the lock: {0}")]
    BadAnswer(String),
    /// The lock took the request unchecked: it had spent its budget for
    /// requests that prove no key. Nothing happened; a later try may pass.
    #[error("the lock is busy turning away requests without a valid key; try again in a few seconds")]
    LockBusy,
    /// The lock has no owner: it checked nothing.
    #[error("the lock has no owner")]
    Unclaimed,
    /// The holder signer failed.
    #[error("signing failed: {0}")]
    Signer(String),
    /// The phone's own cryptography failed (its random generator): nothing
    /// was sent.
    #[error("the phone's cryptography failed: {0}")]
    Crypto(String),
}

pub(super) fn transport(error: TransportError, delivered: bool) -> AttemptError {
    AttemptError::Transport { error, delivered }
}

/// What the command's answer established, before follow-on work.
pub(super) struct Answer {
    pub(super) code: ResultCode,
    pub(super) replayed: bool,
    pub(super) path: UnlockPath,
    pub(super) status: StatusView,
    pub(super) new_fast_key: Option<(FastKey, u32)>,
    pub(super) fast_key_lost: bool,
    pub(super) lock_has_cert: bool,
    pub(super) session: Option<SessionCipher>,
    /// When the answer arrived, on the transport's clock.
    pub(super) at_ms: u64,
}

/// Sends the command's request and waits for the answer; reports
/// "actuating" once the request is on the air.
pub(super) async fn command_exchange(
    link: &mut FrameLink,
    frame: &[u8],
    input: &AttemptInput<'_>,
    listener: &dyn ProgressListener,
) -> Result<Vec<u8>, AttemptError> {
    link.send(frame).await.map_err(|e| transport(e, false))?;
    crash_point!("unlock.request_sent");
    if input.command.actuates() {
        listener.on_progress(Progress::Actuating);
    }
    let answer = link.recv(input.answer_timeout).await.map_err(|e| transport(e, true))?;
    // The lock acted (or refused); nothing of it is stored yet.
    crash_point!("unlock.answer_received");
    Ok(answer)
}

/// The answer to a delivered request, decoded; an undecodable one is
/// treated as damaged.
pub(super) fn decode_answer(answer: &[u8], wanted: &str) -> Result<Frame, AttemptError> {
    Frame::decode(answer).map_err(|e| AttemptError::UntrustedAnswer {
        reason: format!("undecodable {wanted}: {e}"),
        forged: false,
    })
}

/// A delivered request answered with a frame other than `wanted`. Only an
/// explicit `ERROR` frame (the lock could not take the request) is final;
/// anything else is treated as damaged.
pub(super) fn not_wanted(wanted: &str, got: &Frame) -> AttemptError {
    match got {
        Frame::Error(ResultCode::LockBusy) => AttemptError::LockBusy,
        Frame::Error(ResultCode::LockUnclaimed) => AttemptError::Unclaimed,
        Frame::Error(code) => AttemptError::BadAnswer(format!("the lock refused the frame: {code}")),
        other => AttemptError::UntrustedAnswer {
            reason: format!("expected {wanted}, got {}", other.name()),
            forged: false,
        },
    }
}
