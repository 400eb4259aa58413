//! One attempt of a command over one connection: FAST when a fast key is
//! held (AUTH when the lock lost it), exactly one round trip for the
//! command itself, then follow-on session work.
//!
//! The engine does no storage I/O: it takes what the phone knows
//! ([`AttemptInput`]) and returns what it learned ([`AttemptOutcome`]); the
//! caller persists it. That keeps the protocol logic testable on its own.

use super::housekeeping::{run_housekeeping, HousekeepingPlan, HousekeepingResult, SessionContext};
use super::progress::{Progress, ProgressListener, UnlockPath};
use super::status::StatusView;
use crate::transport::{FrameLink, TransportError};
use latchkey_protocol::{
    derive_auth_keys, Advertisement, AuthRequest, CertRef, Command, CommandId, DigitalKey, EphemeralKey, FastKey,
    FastOutcome, FastRequest, Frame, LockContext, LockId, ProtocolError, PublicKey, ResultCode, SessionCipher,
    Signature,
};
use std::time::Duration;

/// Signs the domain-separated AUTH message with the holder key.
pub type SignFn<'a> = &'a (dyn Fn(&[u8]) -> Result<Signature, String> + Sync);

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

/// What one attempt learned.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    /// The lock's answer.
    pub code: ResultCode,
    /// Whether it was the stored outcome of an earlier delivery.
    pub replayed: bool,
    /// Which exchange carried it.
    pub path: UnlockPath,
    /// Status.
    pub status: StatusView,
    /// A new fast key to store (after AUTH), with the lock's epoch.
    pub new_fast_key: Option<(FastKey, u32)>,
    /// The fast key was refused: forget it.
    pub fast_key_lost: bool,
    /// The lock now holds the certificate in its cache.
    pub lock_has_cert: bool,
    /// Round trips until the command's answer (not counting housekeeping).
    pub round_trips: u32,
    /// Frame bytes up/down until the answer.
    pub bytes_up: usize,
    /// Frame bytes down until the answer.
    pub bytes_down: usize,
    /// Packets written until the answer.
    pub packets_up: u32,
    /// Packets received until the answer.
    pub packets_down: u32,
    /// From connection to answer, on the transport's clock.
    pub latency_ms: u64,
    /// Follow-on work done.
    pub housekeeping: HousekeepingResult,
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
    /// The lock's answer did not authenticate: not trusted.
    #[error("the lock's answer is not authentic: {0}")]
    NotAuthentic(ProtocolError),
    /// The lock's answer could not be decoded or was unexpected.
    #[error("unexpected answer from the lock: {0}")]
    BadAnswer(String),
    /// The holder signer failed.
    #[error("signing failed: {0}")]
    Signer(String),
}

fn transport(error: TransportError, delivered: bool) -> AttemptError {
    AttemptError::Transport { error, delivered }
}

/// What the command's answer established, before follow-on work.
struct Answer {
    code: ResultCode,
    replayed: bool,
    path: UnlockPath,
    status: StatusView,
    new_fast_key: Option<(FastKey, u32)>,
    fast_key_lost: bool,
    lock_has_cert: bool,
    session: Option<SessionCipher>,
    /// When the answer arrived, on the transport's clock.
    at_ms: u64,
}

/// What a FAST attempt led to.
enum FastStep {
    Answered(Box<Answer>),
    /// The lock could not use the fast key: run AUTH. `lost` says whether
    /// the lock no longer holds it at all.
    FallBack {
        lost: bool,
    },
}

/// Runs one attempt on a connected link, answering `ad`'s challenge.
pub async fn run_attempt(
    link: &mut FrameLink,
    ad: &Advertisement,
    input: &AttemptInput<'_>,
    listener: &dyn ProgressListener,
) -> Result<AttemptOutcome, AttemptError> {
    let started_ms = link.now_ms();
    let ctx = LockContext {
        lock_id: input.lock_id,
        epoch: ad.epoch,
        challenge: ad.challenge,
    };
    let mut round_trips = 0;
    let mut fallback = AuthAfter::Nothing;
    match &input.fast {
        Some((key, counter, epoch)) if *epoch == ad.epoch => {
            match run_fast(link, &ctx, key, *counter, input, listener, &mut round_trips).await? {
                FastStep::Answered(answer) => {
                    return finish(link, input, listener, ad, started_ms, round_trips, *answer).await
                }
                FastStep::FallBack { lost } => fallback = AuthAfter::RefusedFast { lost },
            }
        }
        // The lock was reset since the fast key was made: it has no fast
        // key and no certificate cache, so FAST is not even tried.
        Some(_) => fallback = AuthAfter::Reset,
        None => {}
    }
    let answer = run_auth(link, ctx, input, listener, fallback, &mut round_trips).await?;
    finish(link, input, listener, ad, started_ms, round_trips, answer).await
}

async fn run_fast(
    link: &mut FrameLink,
    ctx: &LockContext,
    key: &FastKey,
    counter: u32,
    input: &AttemptInput<'_>,
    listener: &dyn ProgressListener,
    round_trips: &mut u32,
) -> Result<FastStep, AttemptError> {
    listener.on_progress(Progress::Authenticating { path: UnlockPath::Fast });
    let req = FastRequest::build(key, ctx, input.cert.key_id(), counter, input.command, input.command_id);
    let answer = command_exchange(link, &req.encode(), input, listener).await?;
    *round_trips += 1;
    let res = match Frame::decode(&answer) {
        Ok(Frame::FastResult(res)) => res,
        Ok(other) => return Err(unexpected("FAST_RESULT", &other)),
        Err(e) => return Err(AttemptError::BadAnswer(e.to_string())),
    };
    match res.verify(key, &req.mac).map_err(AttemptError::NotAuthentic)? {
        FastOutcome::FallBackToAuth => Ok(FastStep::FallBack {
            lost: res.code == ResultCode::UnknownFastKey,
        }),
        FastOutcome::Authentic => {
            let session = if res.code.leaves_session_open() {
                let secrets = req.session_secrets(key, ctx).map_err(AttemptError::NotAuthentic)?;
                Some(SessionCipher::phone(&secrets).map_err(AttemptError::NotAuthentic)?)
            } else {
                None
            };
            Ok(FastStep::Answered(Box::new(Answer {
                code: res.code,
                replayed: res.replayed,
                path: UnlockPath::Fast,
                status: StatusView {
                    compact: res.status,
                    lock_time: res.lock_time,
                    full: None,
                },
                new_fast_key: None,
                fast_key_lost: false,
                lock_has_cert: input.lock_has_cert,
                session,
                at_ms: link.now_ms(),
            })))
        }
    }
}

/// Why AUTH runs instead of FAST.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AuthAfter {
    /// No fast key: first contact.
    Nothing,
    /// A FAST was refused (`lost`: the lock no longer holds the key).
    RefusedFast { lost: bool },
    /// The lock's epoch changed: it was reset.
    Reset,
}

/// Standard AUTH. A refused FAST was unauthenticated, so it
/// did not use up the advertised challenge; if the challenge rotated
/// meanwhile, the lock says `stale_challenge` with the next one and the
/// loop retries.
async fn run_auth(
    link: &mut FrameLink,
    mut ctx: LockContext,
    input: &AttemptInput<'_>,
    listener: &dyn ProgressListener,
    after: AuthAfter,
    round_trips: &mut u32,
) -> Result<Answer, AttemptError> {
    let path = match after {
        AuthAfter::RefusedFast { .. } => UnlockPath::FastThenAuth,
        _ => UnlockPath::Auth,
    };
    listener.on_progress(Progress::Authenticating { path });
    let mut send_full_cert = !input.lock_has_cert || after != AuthAfter::Nothing;
    // At most one retry: a challenge that rotated between scan and request,
    // or a lock that evicted the certificate from its cache.
    for _ in 0..2 {
        let cert_ref = if send_full_cert {
            CertRef::Full(input.cert.clone())
        } else {
            CertRef::Hash(input.cert.hash())
        };
        let ephemeral = EphemeralKey::generate().map_err(|e| AttemptError::Signer(e.to_string()))?;
        let request = AuthRequest::build(
            &ctx,
            cert_ref,
            ephemeral.public_key(),
            input.command,
            input.command_id,
            |m| (input.sign)(m).map_err(|_| ProtocolError::Crypto("holder signer failed")),
        )
        .map_err(|e| AttemptError::Signer(e.to_string()))?;
        let request_bytes = request.encode();
        let answer = command_exchange(link, &request_bytes, input, listener).await?;
        *round_trips += 1;
        let result = match Frame::decode(&answer) {
            Ok(Frame::AuthResult(r)) => r,
            Ok(other) => return Err(unexpected("AUTH_RESULT", &other)),
            Err(e) => return Err(AttemptError::BadAnswer(e.to_string())),
        };
        result
            .verify(&input.lock_identity, &input.lock_id, &request_bytes)
            .map_err(AttemptError::NotAuthentic)?;
        match result.code {
            ResultCode::StaleChallenge => {
                ctx.challenge = result.next_challenge;
                continue;
            }
            ResultCode::CertificateNotCached if !send_full_cert => {
                send_full_cert = true;
                ctx.challenge = result.next_challenge;
                continue;
            }
            _ => {}
        }
        let at_ms = link.now_ms();
        let (new_fast_key, session) = match result.lock_ephemeral {
            Some(lock_eph) => {
                let shared = ephemeral.agree(&lock_eph).map_err(AttemptError::NotAuthentic)?;
                let (secrets, fast) =
                    derive_auth_keys(&shared, &input.lock_id, &input.cert.key_id(), &request_bytes, &result)
                        .map_err(AttemptError::NotAuthentic)?;
                let cipher = SessionCipher::phone(&secrets).map_err(AttemptError::NotAuthentic)?;
                (Some((fast, result.status.epoch)), Some(cipher))
            }
            None => (None, None),
        };
        return Ok(Answer {
            code: result.code,
            replayed: result.replayed,
            path,
            status: StatusView {
                compact: result.status.compact(),
                lock_time: result.status.lock_time,
                full: Some(result.status),
            },
            new_fast_key,
            fast_key_lost: matches!(after, AuthAfter::Reset | AuthAfter::RefusedFast { lost: true }),
            lock_has_cert: result.code.is_ok() || input.lock_has_cert,
            session,
            at_ms,
        });
    }
    Err(AttemptError::BadAnswer(
        "the lock kept refusing the challenge; its clock or radio may be misbehaving".into(),
    ))
}

/// Reports the answer, runs follow-on work and fills in the figures.
async fn finish(
    link: &mut FrameLink,
    input: &AttemptInput<'_>,
    listener: &dyn ProgressListener,
    ad: &Advertisement,
    started_ms: u64,
    round_trips: u32,
    answer: Answer,
) -> Result<AttemptOutcome, AttemptError> {
    let mut outcome = AttemptOutcome {
        code: answer.code,
        replayed: answer.replayed,
        path: answer.path,
        status: answer.status,
        new_fast_key: answer.new_fast_key,
        fast_key_lost: answer.fast_key_lost,
        lock_has_cert: answer.lock_has_cert,
        round_trips,
        bytes_up: link.bytes_up,
        bytes_down: link.bytes_down,
        packets_up: link.packets_up,
        packets_down: link.packets_down,
        latency_ms: answer.at_ms.saturating_sub(started_ms),
        housekeeping: HousekeepingResult::default(),
    };
    listener.on_progress(Progress::Done { code: outcome.code });
    let Some(mut cipher) = answer.session else {
        return Ok(outcome);
    };
    // Follow-on work is best effort: the command's outcome is already
    // known, so a failure here only leaves work for the next contact.
    let mut plan = input.housekeeping.clone();
    plan.fetch_events &= ad.has(Advertisement::EVENTS_PENDING) || input.command.actuates();
    // A cursor from before a factory reset does not apply to the new log.
    let epoch = outcome.status.full.map(|s| s.epoch).unwrap_or(ad.epoch);
    plan.event_cursor = plan.event_cursor.filter(|(_, cursor_epoch)| *cursor_epoch == epoch);
    // An untrusted clock refused the command but opened a session: once
    // time is delivered, the command is retried in the same connection.
    if outcome.code == ResultCode::ClockUntrusted && input.command.actuates() {
        plan.retry_after_time = Some((input.command, input.command_id));
    }
    outcome.housekeeping = run_housekeeping(
        link,
        &mut cipher,
        &plan,
        &outcome.status,
        listener,
        &SessionContext::of(input),
    )
    .await;
    if let Some(full) = outcome.housekeeping.status {
        outcome.status.full = Some(full);
    }
    if let Some((code, status)) = outcome.housekeeping.retried {
        outcome.code = code;
        outcome.status = StatusView {
            compact: status.compact(),
            lock_time: status.lock_time,
            full: Some(status),
        };
    }
    Ok(outcome)
}

/// Sends the command's request and waits for the answer; reports
/// "actuating" once the request is on the air.
async fn command_exchange(
    link: &mut FrameLink,
    frame: &[u8],
    input: &AttemptInput<'_>,
    listener: &dyn ProgressListener,
) -> Result<Vec<u8>, AttemptError> {
    link.send(frame).await.map_err(|e| transport(e, false))?;
    if input.command.actuates() {
        listener.on_progress(Progress::Actuating);
    }
    link.recv(input.answer_timeout).await.map_err(|e| transport(e, true))
}

fn unexpected(wanted: &str, got: &Frame) -> AttemptError {
    match got {
        Frame::Error(code) => AttemptError::BadAnswer(format!("the lock refused the frame: {code}")),
        other => AttemptError::BadAnswer(format!("expected {wanted}, got {other:?}")),
    }
}

impl SessionContext {
    fn of(input: &AttemptInput<'_>) -> Self {
        Self {
            lock_id: input.lock_id,
            lock_identity: input.lock_identity,
            answer_timeout: input.answer_timeout,
        }
    }
}
