//! The fast repeat: one HMAC-only round trip with the key the last AUTH
//! left behind.

use super::attempt::{command_exchange, decode_answer, not_wanted, Answer, AttemptError, AttemptInput};
use super::progress::{Progress, ProgressListener, UnlockPath};
use super::status::StatusView;
use crate::transport::FrameLink;
use latchkey_protocol::{FastKey, FastOutcome, FastRequest, Frame, LockContext, ResultCode, SessionCipher};

/// What a FAST attempt led to.
pub(super) enum FastStep {
    Answered(Box<Answer>),
    /// The lock could not use the fast key: run AUTH. `lost` says whether
    /// the lock no longer holds it at all.
    FallBack {
        lost: bool,
    },
}

pub(super) async fn run_fast(
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
    let res = match decode_answer(&answer, "FAST_RESULT")? {
        Frame::FastResult(res) => res,
        other => return Err(not_wanted("FAST_RESULT", &other)),
    };
    let verified = res.verify(key, &req.mac).map_err(|e| AttemptError::UntrustedAnswer {
        reason: format!("FAST_RESULT does not authenticate: {e}"),
        forged: true,
    })?;
    match verified {
        FastOutcome::FallBackToAuth => Ok(FastStep::FallBack {
            lost: res.code == ResultCode::UnknownFastKey,
        }),
        // The lock saw a higher counter for this key than the phone held (a
        // store restored from a backup, a lost quick-access file): nothing
        // was done, and an AUTH starts a new fast key with a fresh count.
        FastOutcome::Authentic if res.code == ResultCode::CounterReplay => Ok(FastStep::FallBack { lost: true }),
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
