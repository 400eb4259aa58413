//! One attempt of a command over one connection: FAST when a fast key is
//! held (AUTH when the lock lost it), exactly one round trip for the
//! command itself, then follow-on session work.
//!
//! The engine does no storage I/O: it takes what the phone knows
//! ([`AttemptInput`]) and returns what it learned ([`AttemptOutcome`]); the
//! caller persists it. That keeps the protocol logic testable on its own.

// `pub` for the unlock benchmark (feature `bench`); crate-private otherwise.
#![cfg_attr(not(feature = "bench"), allow(unreachable_pub))]

use super::attempt::{Answer, AttemptError, AttemptInput};
use super::auth::{run_auth, AuthAfter};
use super::fast::{run_fast, FastStep};
use super::housekeeping::{run_housekeeping, HousekeepingResult};
use super::progress::{Progress, ProgressListener, UnlockPath};
use super::session_call::SessionContext;
use super::status::StatusView;
use crate::transport::FrameLink;
use latchkey_protocol::{Advertisement, FastKey, LockContext, ResultCode};

/// What one attempt learned. Some figures (packets, whether the lock now
/// caches the certificate) only the unlock benchmark reads.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "bench"), allow(dead_code))]
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
    // The lock asks for lists (a firmware update dropped its own): carry
    // the newest this phone holds, whatever the lock confirmed before.
    if ad.has(Advertisement::NEEDS_LISTS) && plan.pins.is_none() {
        plan.pins = plan.pins_if_asked.clone();
    }
    // A cursor from before a factory reset does not apply to the new log.
    let epoch = outcome.status.full.map(|s| s.epoch).unwrap_or(ad.epoch);
    plan.event_cursor = plan.event_cursor.filter(|(_, cursor_epoch)| *cursor_epoch == epoch);
    // The flag says no phone fetched the newest events yet. A phone that
    // fetched them and died before storing them cleared it, so a status
    // check (whose work includes collecting) asks anyway, as does a
    // session whose status shows the log going beyond this phone's cursor;
    // an empty answer costs one round trip.
    let cursor = plan.event_cursor.map_or(0, |(seq, _)| seq);
    let behind = outcome.status.full.is_some_and(|s| s.event_head > cursor);
    plan.fetch_events &= ad.has(Advertisement::EVENTS_PENDING)
        || input.command.actuates()
        || input.command == latchkey_protocol::Command::Status
        || behind;
    // An untrusted clock refused the command but opened a session: once
    // time is delivered, the command is retried in the same connection.
    if outcome.code == ResultCode::ClockUntrusted && input.command.actuates() {
        plan.retry_after_time = Some((input.command, input.command_id));
    }
    let session = SessionContext {
        lock_id: input.lock_id,
        epoch,
        authorized: outcome.code.carries_full_status(),
        lock_identity: input.lock_identity,
        answer_timeout: input.answer_timeout,
    };
    outcome.housekeeping = run_housekeeping(link, &mut cipher, &plan, &outcome.status, listener, &session).await;
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
