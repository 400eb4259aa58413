//! Follow-on work in the same connection, after the command's answer:
//! carry a newer revocation list to the lock, deliver trusted time when its
//! clock is off or untrusted, collect its new events (verified, with gaps
//! reported), and carry a newer keypad PIN list (last, so a lock whose
//! firmware predates PIN lists still gets everything else done).

// `pub` for the unlock benchmark (feature `bench`); crate-private otherwise.
#![cfg_attr(not(feature = "bench"), allow(unreachable_pub))]

use super::firmware_step::{self, FirmwareOutcome, FirmwareStep};
use super::progress::{Progress, ProgressListener};
use super::session_call::{call, SessionContext};
use super::status::StatusView;
use crate::transport::FrameLink;
use latchkey_protocol::{
    Command, CommandId, EventBatch, EventGap, Faults, LockStatus, PinList, ResultCode, RevocationList, SessionCipher,
    SessionRequest, SessionResponse, TimeToken,
};

/// Most batches fetched in one connection (32 events each).
const MAX_BATCHES: usize = 16;

/// What the phone could do in the session.
#[derive(Debug, Clone, Default)]
pub struct HousekeepingPlan {
    /// The newest revocation list the phone holds for this lock.
    pub revocations: Option<RevocationList>,
    /// A trusted-time token for this lock.
    pub time_token: Option<TimeToken>,
    /// The phone's clock (unix seconds) when the command started.
    pub phone_now: u32,
    /// Deliver time when the lock's clock differs by more than this.
    pub skew_threshold_s: u32,
    /// Collect events (the engine skips it when the advertisement says
    /// nothing is pending and the command did not move the bolt).
    pub fetch_events: bool,
    /// Retry this command after delivering time (set by the engine when an
    /// untrusted clock refused it).
    pub retry_after_time: Option<(Command, CommandId)>,
    /// Last event seq already collected, and the epoch it belongs to (the
    /// engine drops it when the lock's epoch changed).
    pub event_cursor: Option<(u32, u32)>,
    /// A keypad PIN list newer than the lock last confirmed holding.
    pub pins: Option<PinList>,
    /// The newest PIN list the phone holds, carried anyway when the lock
    /// asks for lists (a firmware update dropped its own).
    pub pins_if_asked: Option<PinList>,
    /// Firmware work, last (an install restarts the lock).
    pub firmware: Option<FirmwareStep>,
}

/// What the session achieved.
#[derive(Debug, Clone, Default)]
pub struct HousekeepingResult {
    /// Full status, if it was fetched.
    pub status: Option<LockStatus>,
    /// The lock acknowledged this revocation seq.
    pub revocation_seq_acked: Option<u32>,
    /// The lock refused the revocation list.
    pub revocation_refused: Option<ResultCode>,
    /// The lock set its clock to this.
    pub time_set: Option<u32>,
    /// The lock refused the time token.
    pub time_refused: Option<ResultCode>,
    /// Verified event batches, in order.
    pub batches: Vec<EventBatch>,
    /// Ranges the lock had overwritten before they could be collected.
    pub gaps: Vec<EventGap>,
    /// The command retried in the session after time delivery, and the
    /// lock's answer with its status.
    pub retried: Option<(ResultCode, LockStatus)>,
    /// Why the session stopped early, if it did.
    pub error: Option<String>,
    /// The PIN list seq the lock holds after the push (whatever it answered).
    pub pin_seq_acked: Option<u32>,
    /// The lock refused the PIN list (`pin_list_invalid`); an outdated list
    /// is not a refusal.
    pub pin_refused: Option<ResultCode>,
    /// What the firmware step found and did.
    pub firmware: Option<FirmwareOutcome>,
}

pub(super) async fn run_housekeeping(
    link: &mut FrameLink,
    cipher: &mut SessionCipher,
    plan: &HousekeepingPlan,
    answer: &StatusView,
    listener: &dyn ProgressListener,
    input: &SessionContext,
) -> HousekeepingResult {
    let mut result = HousekeepingResult::default();
    // Only for a key the lock authorized: a limited session has no rights
    // to firmware. A check comes first, a delivery last.
    let firmware = plan.firmware.as_ref().filter(|_| input.authorized);
    let mut outcome = FirmwareOutcome::default();
    if let Some(step @ FirmwareStep::Check) = firmware {
        let checked = firmware_step::run(step, link, cipher, input, listener, &mut outcome).await;
        result.firmware = Some(outcome.clone());
        if let Err(e) = checked {
            result.error = Some(e);
            return result;
        }
    }
    if let Err(e) = steps(link, cipher, plan, answer, listener, input, &mut result).await {
        result.error = Some(e);
        return result;
    }
    if let Some(step @ FirmwareStep::Deliver(_)) = firmware {
        if let Err(e) = firmware_step::run(step, link, cipher, input, listener, &mut outcome).await {
            result.error = Some(e);
        }
        result.firmware = Some(outcome);
    }
    result
}

async fn steps(
    link: &mut FrameLink,
    cipher: &mut SessionCipher,
    plan: &HousekeepingPlan,
    answer: &StatusView,
    listener: &dyn ProgressListener,
    input: &SessionContext,
    result: &mut HousekeepingResult,
) -> Result<(), String> {
    // Only ask for the full status when a revocation list may be news to
    // the lock; everything else works from the answer and the batches.
    if let Some(list) = &plan.revocations {
        let status = match answer.full {
            Some(s) => s,
            None => match call(link, cipher, SessionRequest::Status, input).await? {
                SessionResponse::Status(ResultCode::Ok, Some(s)) => s,
                other => return Err(format!("status request refused: {}", other.code())),
            },
        };
        if input.authorized {
            result.status = Some(status);
        }
        if list.seq > status.revocation_seq {
            listener.on_progress(Progress::Housekeeping {
                what: "delivering revocations",
            });
            match call(link, cipher, SessionRequest::PushRevocations(list.clone()), input).await? {
                SessionResponse::Revocations(ResultCode::Ok, Some(seq)) => result.revocation_seq_acked = Some(seq),
                other => result.revocation_refused = Some(other.code()),
            }
            // Installed on the lock; the phone's record of it comes later.
            crash_point!("unlock.revocations.installed_on_lock");
        } else {
            result.revocation_seq_acked = Some(status.revocation_seq);
        }
    }

    let skew = i64::from(answer.lock_time) - i64::from(plan.phone_now);
    let clock_needs_time =
        answer.compact.faults.has(Faults::CLOCK_UNTRUSTED) || skew.unsigned_abs() > u64::from(plan.skew_threshold_s);
    if let Some(token) = plan.time_token.as_ref().filter(|_| clock_needs_time) {
        listener.on_progress(Progress::Housekeeping {
            what: "delivering trusted time",
        });
        match call(link, cipher, SessionRequest::SetTime(token.clone()), input).await? {
            SessionResponse::Time(ResultCode::Ok, Some(t)) => result.time_set = Some(t),
            other => result.time_refused = Some(other.code()),
        }
    }
    if let (Some(_), Some((command, command_id))) = (result.time_set, plan.retry_after_time) {
        if let SessionResponse::Actuated(code, status) =
            call(link, cipher, SessionRequest::Actuate { command, command_id }, input).await?
        {
            result.retried = Some((code, status));
        }
    }

    // A limited session refuses event fetches until time made the key
    // valid again; asking would only end the session's work early.
    if plan.fetch_events && (input.authorized || result.time_set.is_some()) {
        let mut cursor = plan.event_cursor.map(|(seq, _)| seq).unwrap_or(0);
        listener.on_progress(Progress::Housekeeping {
            what: "collecting events",
        });
        for _ in 0..MAX_BATCHES {
            let request = SessionRequest::FetchEvents {
                after_seq: cursor,
                max: EventBatch::MAX_EVENTS as u8,
            };
            let batch = match call(link, cipher, request, input).await? {
                SessionResponse::Events(ResultCode::Ok, Some(b)) => b,
                other => return Err(format!("event fetch refused: {}", other.code())),
            };
            accept_batch(&batch, input)?;
            if let Some(gap) = batch.gap_after(cursor) {
                result.gaps.push(gap);
            }
            let more = batch.more_after();
            if let Some(last) = batch.events.last() {
                cursor = last.seq;
            }
            result.batches.push(batch);
            if !more {
                break;
            }
        }
    }

    if let Some(list) = &plan.pins {
        listener.on_progress(Progress::Housekeeping {
            what: "delivering PIN changes",
        });
        match call(link, cipher, SessionRequest::PushPins(list.clone()), input).await? {
            SessionResponse::Pins(code, seq) => {
                crash_point!("unlock.pins.installed_on_lock");
                result.pin_seq_acked = Some(seq);
                if !matches!(code, ResultCode::Ok | ResultCode::PinListOutdated) {
                    result.pin_refused = Some(code);
                }
            }
            other => return Err(format!("PIN list push answered with {}", other.code())),
        }
    }
    Ok(())
}

/// A batch counts only if the lock signed it, for this lock and for its
/// current epoch: a batch from the lock's life before a reset (signed by
/// the same identity key) would splice another log into this one.
fn accept_batch(batch: &EventBatch, input: &SessionContext) -> Result<(), String> {
    batch
        .verify(&input.lock_identity)
        .map_err(|e| format!("event batch rejected: {e}"))?;
    if batch.lock_id != input.lock_id {
        return Err("event batch is for another lock".into());
    }
    if batch.epoch != input.epoch {
        return Err(format!(
            "event batch is from the lock's epoch {}, not its current {}",
            batch.epoch, input.epoch
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use latchkey_protocol::{chain_start, LockId, SigningKey};
    use std::time::Duration;

    fn context(lock: &SigningKey, lock_id: LockId, epoch: u32) -> SessionContext {
        SessionContext {
            lock_id,
            epoch,
            authorized: true,
            lock_identity: lock.public_key(),
            answer_timeout: Duration::from_secs(1),
        }
    }

    fn batch(lock: &SigningKey, lock_id: LockId, epoch: u32) -> EventBatch {
        EventBatch::sign(lock, lock_id, epoch, 0, 0, chain_start(&lock_id, epoch), vec![]).expect("batch")
    }

    #[test]
    fn a_batch_from_another_epoch_of_the_same_lock_is_refused() {
        let lock = SigningKey::generate().expect("key");
        let id = LockId([4; 16]);
        assert_eq!(accept_batch(&batch(&lock, id, 2), &context(&lock, id, 2)), Ok(()));
        let err = accept_batch(&batch(&lock, id, 1), &context(&lock, id, 2)).unwrap_err();
        assert!(err.contains("epoch 1"), "{err}");
    }

    #[test]
    fn a_batch_for_another_lock_or_not_signed_by_it_is_refused() {
        let lock = SigningKey::generate().expect("key");
        let id = LockId([4; 16]);
        let other = LockId([5; 16]);
        assert!(accept_batch(&batch(&lock, other, 1), &context(&lock, id, 1)).is_err());
        let impostor = SigningKey::generate().expect("key");
        assert!(accept_batch(&batch(&impostor, id, 1), &context(&lock, id, 1)).is_err());
    }
}
